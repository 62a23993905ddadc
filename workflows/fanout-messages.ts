/**
 * Messages of the two fan-out workflows: the announcement (abolition NGN-38 / TNC-24, terms change
 * NGN-2 / TNC-3) and the carrier settlement (TNC-42.2). Imported by the workflows and by api/, so
 * names cannot drift. Payloads are plain JSON: yen as decimal strings, dates as ISO strings.
 */
import { defineQuery } from '@temporalio/workflow';
import { earliestDateAfterNotice } from '../rules/calendar.js';
import { getTerms, termsInForceOn } from '../rules/terms/index.js';
import type { AnnouncementInput, IsoDate, TermsId } from './contract-messages.js';

/** Workflow ids: one per announcement / settlement batch; a second start with the same id is refused. */
export const announcementWorkflowId = (announcementId: string): string => `announcement-${announcementId}`;
export const settlementWorkflowId = (batchId: string): string => `carrier-settlement-${batchId}`;

/** A contract the fan-out could not reach after its bounded retries; the run went on without it. */
export interface FanoutFailure {
  contractId: string;
  error: string;
}

/** Counters every fan-out reports through `getProgress`. */
export interface FanoutProgress {
  /** Contracts to reach (announcements: the count at the start, exact once every page was listed). */
  total: number;
  /** Contracts whose update completed. */
  done: number;
  failed: FanoutFailure[];
  /** total − done − failed (never negative). */
  pending: number;
  finished: boolean;
  /** Workflow run number (continue-as-new count + 1). */
  run: number;
}

// ---- Announcement -----------------------------------------------------------------------------

export interface AnnouncementWorkflowInput {
  announcementId: string;
  kind: AnnouncementInput['kind'];
  terms: TermsId;
  effectiveDate: IsoDate;
  /** suspension (TNC-24 休止): the last day of the planned suspension; open-ended when omitted. */
  until?: IsoDate;
  newTermsVersion?: string;
  summary: string;
  /** Notice day (JST) decided by the caller; the lead time (NGN-38 / TNC-24, NGN-2 / TNC-3) counts from it. */
  announcedOn: IsoDate;
  /** Contracts listed per page (= per workflow run); default 500. */
  pageSize?: number;
  /** Updates in flight at once; default 25. */
  concurrency?: number;
  /** Present only when the workflow continues as new: where the previous run stopped. */
  resume?: AnnouncementCursor;
}

/** What crosses continue-as-new: the id cursor and the counters. */
export interface AnnouncementCursor {
  /** Last contract id of the pages already delivered (contracts are listed in id order). */
  after?: string;
  total: number;
  done: number;
  failed: FanoutFailure[];
  run: number;
}

export interface AnnouncementProgress extends FanoutProgress {
  announcementId: string;
  kind: AnnouncementInput['kind'];
  terms: TermsId;
  effectiveDate: IsoDate;
  announcedOn: IsoDate;
  /** Where listing stands: the last contract id already handed to the fan-out. */
  after?: string;
}

/** The lead an announcement needs, from the catalog in force on the notice day. */
export interface AnnouncementLead {
  leadDays: number;
  /** NGN-38 / TNC-24 for an abolition, NGN-2 / TNC-3 for a terms change. */
  clause: string;
  /** Earliest effective date: notice day + leadDays + 1 (the notice day and the effective day are both excluded). */
  earliest: IsoDate;
}

/**
 * Lead time of an announcement (pure; used by the API before starting and by the workflow again).
 * Abolition: `abolitionNotice` (TNC-24 stated 60 days; NGN-38 decided 60), clear days.
 * Terms change: `termsChangeNoticeDays` (NGN-2 / TNC-3, decided 30). Decision: counted in clear days
 * like the abolition notice, so a change announced on D takes effect on D + 31 at the earliest —
 * the customer gets 30 whole days to read it and, under TNC-3, to send a written objection.
 * TNC-3's "after, when the change only benefits customers" is not modelled: every change is prior.
 */
export function announcementLead(terms: TermsId, kind: AnnouncementInput['kind'], announcedOn: IsoDate): AnnouncementLead {
  const catalog = termsInForceOn(terms, announcedOn) ?? getTerms(terms);
  const p = kind === 'terms-change' ? catalog.termsChangeNoticeDays : catalog.abolitionNotice;
  const leadDays = typeof p.value === 'number' ? p.value : p.value.leadDays;
  return { leadDays, clause: p.clause, earliest: earliestDateAfterNotice(announcedOn, leadDays) };
}

// ---- Carrier settlement (TNC-42.2) ------------------------------------------------------------

export interface CarrierClaim {
  contractId: string;
  /** The contract's TNC-42.1 damages amount, whole yen as a string. */
  claim: string;
}

export interface SettlementWorkflowInput {
  batchId: string;
  /** What the provider received from the carrier, yen as a string. */
  received: string;
  claims: CarrierClaim[];
  /** Updates in flight at once; default 25. */
  concurrency?: number;
  /** Shares granted per workflow run before continuing as new; default 500. */
  chunkSize?: number;
  /** Present only when the workflow continues as new. */
  resume?: SettlementCursor;
}

export interface SettlementCursor {
  /** Shares decided on the first run (parallel to `claims`), so the split is computed once. */
  amounts: string[];
  /** Index of the next claim to deliver. */
  next: number;
  done: number;
  failed: FanoutFailure[];
  run: number;
}

export type ShareStatus = 'granted' | 'failed' | 'pending' | 'nothing-to-grant';

export interface SettlementShare {
  contractId: string;
  claim: string;
  /** This contract's share, whole yen (TNC-42.2 pro rata, largest remainder). */
  amount: string;
  status: ShareStatus;
  error?: string;
}

export interface SettlementProgress extends FanoutProgress {
  batchId: string;
  received: string;
  totalClaims: string;
  /** Sum of the shares = min(floor(received), total claims). */
  allocated: string;
  shares: SettlementShare[];
}

/**
 * Progress of a fan-out. Both workflows answer the query named 'getProgress'; the two definitions
 * only differ in the result type the caller expects.
 */
export const getProgress = defineQuery<AnnouncementProgress>('getProgress');
export const getSettlementProgress = defineQuery<SettlementProgress>('getProgress');
