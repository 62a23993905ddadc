/**
 * The contract's data shapes: the workflow input, its durable state, the payloads of its queries
 * and updates, and the ledger line it posts. Plain JSON only (amounts are decimal strings, dates
 * ISO strings; IsoDate = Asia/Tokyo calendar date 'YYYY-MM-DD').
 *
 * Imports nothing from Temporal, so workflows, activities, the API and the audit tools can all
 * share it without importing each other (the message definitions are workflows/contract-messages.ts).
 */
import type { TaxClass } from '../rules/money.js';
import type { TermsId } from '../rules/terms/types.js';

export type { TermsId };

export type IsoDate = string;
export type ContractStatus = 'applied' | 'rejected' | 'active' | 'ended';
export type CustomerKind = 'corporate' | 'consumer';
/** TNC-11: how the application arrived. */
export type ApplicationChannel = 'form' | 'online' | 'other';

export interface Customer {
  id: string;
  name: string;
  email: string;
  kind: CustomerKind;
  /** NGN-10: the applicant must be a domestic corporation. */
  domestic: boolean;
  /** NGN-52: the fault contact (故障連絡先) registered with the application; outage notices go there. */
  faultContactEmail?: string;
}

export interface ContractInput {
  contractId: string;
  terms: TermsId;
  termsVersion: string;
  planId: string;
  customer: Customer;
  channel: ApplicationChannel;
  /** ISO instant the application was received (NGN-11: processed in order of receipt). */
  appliedAt: string;
  /** NGN-11: escalate an application nobody decided after this many business days (default 5). */
  escalateAfterBusinessDays?: number;
  /** Present only when the workflow continues as new: the compact state it carries. */
  resume?: ContractState;
}

export interface AcceptInput {
  /** Service start date (サービス開始日); default: the formation date. */
  serviceStartDate?: IsoDate;
  /** NGN: billing start date (課金開始日); default: the service start date. Ignored under TNC-26. */
  billingStartDate?: IsoDate;
}

export interface CancellationInput {
  /** Desired cancellation date (解約希望日): the contract ends at 24:00 JST of this day. */
  desiredDate: IsoDate;
}

export interface NonRenewalInput {
  /** Free text from the written notice (NGN-39 requires writing; kept for the record). */
  note?: string;
}

export interface RejectInput {
  /** Rejection ground codes (1)–(9) of NGN-12 / TNC-12. */
  grounds: number[];
  reason: string;
}

/** TNC-27 payment methods. */
export type PaymentMethod = 'bank-transfer' | 'bank-debit' | 'credit-card' | 'other';

export interface PaymentInput {
  invoiceId: string;
  /** Decimal yen string, > 0 and not more than the invoice's open amount. */
  amount: string;
  method: PaymentMethod;
  /** Day the money arrived (JST); late damages run from the day after the due date to this day. */
  paidOn: IsoDate;
  reference?: string;
  /** Caller's key so a retried request records the payment once; default derived from the invoice. */
  idempotencyKey?: string;
}

export interface PaymentResult {
  paymentId: number;
  invoiceId: string;
  open: string;
  /** NGN-21 / TNC-29 late damages billed on their own invoice when the payment was late. */
  lateDamages?: { days: number; amount: string; invoiceId: string; clauseId: string };
}

export interface UsageInput {
  optionId: string;
  /** Month of use 'YYYY-MM'; billed on the invoice of the following month's close (NGN-19 3項). */
  month: string;
  quantity: string;
  idempotencyKey?: string;
}

/** NGN-20: charges unlawfully evaded; a surcharge of twice the amount is billed. */
export interface SurchargeInput {
  evadedAmount: string;
  description: string;
}

/** NGN-29: fault-isolation dispatch when the fault was in the customer's equipment. */
export interface DispatchInput {
  cost: string;
  description: string;
}

export interface InvoiceResult {
  invoiceId: string;
  total: string;
  dueDate: IsoDate;
}

export interface OpenInvoice {
  id: string;
  period: string;
  issuedOn: IsoDate;
  dueDate: IsoDate;
  total: string;
  paid: string;
  overdueNotified?: boolean;
}

// ---- Breaches, suspensions, outages (NGN-25/27/33/36/37, TNC-26.2/40/41/42/43) -------------

export interface ViolationInput {
  /** Caller's id for the case; default derived from a counter. */
  violationId?: string;
  /** Which rule, one of the catalog's breach cases: NGN-25 (10-day cure window), NGN-27 (immediate), TNC-40 (demand with a designated period). */
  clauseId: string;
  /** The prohibited act by its item number in 第26条 (NGN) / 第33条 (TNC). */
  act: number;
  /** The user who committed it (NGN-25: 利用者). */
  userRef?: string;
  /** ISO instant with offset when it happened; the cure window counts from here (民法 第140条). */
  occurredAt: string;
  /** TNC-40 (1)–(3): designated period in days; default from the catalog. */
  designatedDays?: number;
  /** Measure to apply automatically when the window ends uncured; otherwise ops choose. */
  defaultMeasure?: number;
  description: string;
}

export interface Violation {
  id: string;
  clauseId: string;
  act: number;
  userRef?: string;
  occurredAt: string;
  /** Last day of the cure window (JST); undefined for immediate measures. */
  cureLastDay?: IsoDate;
  /** Measures are possible from this instant (00:00 JST after the last day). */
  measuresFrom: string;
  status: 'open' | 'cured' | 'measured';
  measure?: number;
  defaultMeasure?: number;
}

export interface CureInput {
  violationId: string;
}

export interface MeasureInput {
  violationId: string;
  /** NGN-25: 1 stop the user, 2 stop the contractor (suspension), 3 terminate. TNC-40: 4 delete, 5 suspend, 6 terminate. */
  measure: number;
}

export interface SuspensionInput {
  /** One of the catalog's suspension grounds: NGN-36 (maintenance etc.), NGN-37 (stoppage), TNC-39, TNC-41 (no prior notice). */
  clauseId: string;
  reason: string;
  /** ISO instant; the suspension never starts before its prior notice was sent (NGN-36/37). */
  startsAt: string;
  /** ISO instant; open-ended when omitted. */
  endsAt?: string;
  /** 緊急やむを得ない場合: no prior notice needed. */
  emergency?: boolean;
}

export interface Suspension {
  id: string;
  clauseId: string;
  reason: string;
  startsAt: string;
  endsAt?: string;
  noticeSentAt?: string;
  status: 'scheduled' | 'active' | 'lifted';
  /** Set for NGN-37(1) / TNC-41(1) non-payment suspensions: paying this invoice lifts it. */
  forInvoice?: string;
}

export type OutageCause =
  | 'provider-fault'
  | 'force-majeure'
  | 'restriction-or-suspension'
  | 'third-party-hacking'
  | 'carrier-failure'
  | 'carrier-repair-data-loss'
  | 'other-not-attributable';

export interface OutageInput {
  outageId?: string;
  /** ISO instants with offset. The 24 hours count from recognition (NGN-33.1 / TNC-42.1). */
  startedAt: string;
  recognisedAt: string;
  cause: OutageCause;
  /** TNC-42.5: wilful misconduct or gross negligence lifts the caps. */
  grossNegligence?: boolean;
  description: string;
}

export interface Outage {
  id: string;
  startedAt: string;
  recognisedAt: string;
  cause: OutageCause;
  grossNegligence: boolean;
  restoredAt?: string;
  /** Credit posted on restoration (negative line on the next invoice), with its clause. */
  credit?: { amount: string; days: number; clauseId: string };
  thresholdNotified?: boolean;
}

export interface RestoreInput {
  outageId: string;
  restoredAt: string;
}

/** TNC-42.2: this contract's share of what the carrier paid, decided by the settlement batch. */
export interface CarrierShareInput {
  batchId: string;
  amount: string;
  received: string;
  description: string;
}

// ---- Announcements: abolition (NGN-38 / TNC-24) and terms changes (NGN-2 / TNC-3) ----------

export interface AnnouncementInput {
  announcementId: string;
  kind: 'abolition' | 'terms-change';
  /** Date the abolition or the new terms take effect (JST). */
  effectiveDate: IsoDate;
  /** terms-change: the catalog version contracts move to on the effective date. */
  newTermsVersion?: string;
  summary: string;
}

export interface ObjectionInput {
  announcementId: string;
}

/** The whole durable state; small and JSON-only so it can cross continue-as-new. */
export interface ContractState {
  status: ContractStatus;
  /** NGN-52: a fault contact registered or changed after the application (replaces the input's). */
  faultContact?: { email: string; registeredOn: IsoDate };
  /** NGN-46 disclosures to authorities, with their notices. */
  disclosures?: Disclosure[];
  /** TNC-45 malware alerts sent. */
  malwareAlerts?: MalwareAlert[];
  formedAt?: string;
  serviceStart?: IsoDate;
  billingStart?: IsoDate;
  /** Last calendar month ('YYYY-MM') whose charges were posted; undefined before the first close. */
  billedThrough?: string;
  rejection?: { grounds: number[]; reason: string; decidedAt: string };
  /** NGN-17: minimum term, from the 1st of the month after the service start. */
  minimumTerm?: { start: IsoDate; end: IsoDate };
  /** NGN-39: the current contract period; renewed by 12 months unless a non-renewal notice came in time. */
  period?: { start: IsoDate; end: IsoDate; renewals: number };
  /** NGN-39 non-renewal notice received: the contract ends at the end of the current period. */
  nonRenewal?: { receivedOn: IsoDate; deadline: IsoDate };
  /** Accepted cancellation request (NGN-41 / TNC-17). */
  cancellation?: { receivedOn: IsoDate; desiredDate: IsoDate; latestNoticeDay?: IsoDate; insideMinimumTerm: boolean };
  /** Last day of service once known (cancellation date or the period end after non-renewal). */
  endDate?: IsoDate;
  endReason?: 'cancellation' | 'non-renewal' | 'provider-termination' | 'abolition' | 'terms-objection';
  /** Invoices not yet fully paid (paid ones leave the state; the database keeps them). */
  openInvoices: OpenInvoice[];
  /** Lines decided between closes (e.g. credits) waiting for the next invoice. */
  pendingLines: LedgerLine[];
  /** Idempotency keys of the most recent payments, to refuse a replayed request. */
  recentPaymentKeys: string[];
  /** Counters for deterministic keys. */
  seq: number;
  violations?: Violation[];
  suspensions?: Suspension[];
  outages?: Outage[];
  /** Announcements received and whether this contract objected (TNC-3). */
  announcements?: { id: string; kind: AnnouncementInput['kind']; effectiveDate: IsoDate; newTermsVersion?: string; objected: boolean; applied: boolean }[];
  /** Catalog version in force for this contract (moves on an accepted terms change). */
  termsVersion?: string;
  /** NGN-40(10) force majeure lasting more than 30 days opens the provider's right to terminate. */
  forceMajeure?: { startedAt: string; rightToTerminateFrom: string; rightOpen: boolean; ended?: string };
  /** NGN-11: processing order among open applications (higher first, then order of receipt). */
  queuePriority?: number;
  /** When an undecided application was escalated to ops. */
  escalatedAt?: string;
  /** NGN-39: the period end whose renewal reminder was sent. */
  renewalRemindedFor?: IsoDate;
  /** TNC-16: paused since (fees keep accruing: TNC-26; a pause price would come from the 料金表). */
  paused?: { since: IsoDate };
  /** NGN-13 / TNC-15: accepted plan change, effective from the 1st of the month `from`. */
  pendingPlan?: { planId: string; from: IsoDate };
  /** NGN-14 / NGN-15 / TNC-13: contractor changes recorded (name, address, succession). */
  contractorChanges?: { on: IsoDate; kind: ContractorChangeInput['kind']; clauseId: string; evidence: string }[];
  /** After the end: NGN-43 erasure certificate and reminders, TNC-37.5 / NGN retention and deletion. */
  aftermath?: { certificateOn?: IsoDate; equipmentReturned?: boolean; reminders: number; escalated?: boolean; personalDataDeletedOn?: IsoDate };
  endedAt?: string;
  /** Number of workflow runs so far (continue-as-new count + 1). */
  run: number;
  /**
   * The last commands the API sent with an Idempotency-Key (update id and result), carried through
   * continue-as-new so a retry after it returns the first outcome (workflows/contract/guard.ts).
   * Not part of the view.
   */
  recentCommands?: RecentCommand[];
}

/** Prefix of the update ids the API derives from an Idempotency-Key: `idem:<request hash>:<scoped key>`. */
export const IDEMPOTENT_UPDATE_PREFIX = 'idem:';

/** Parses `idem:<hash>:<key>`; undefined for update ids the API did not derive from a key. */
export function parseIdempotentUpdateId(updateId: string): { hash: string; key: string } | undefined {
  if (!updateId.startsWith(IDEMPOTENT_UPDATE_PREFIX)) return undefined;
  const rest = updateId.slice(IDEMPOTENT_UPDATE_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  return { hash: rest.slice(0, colon), key: rest.slice(colon + 1) };
}

/** A command carried out under an Idempotency-Key: its update id and (when small) its result. */
export interface RecentCommand {
  id: string;
  result?: unknown;
}

export interface ContractView extends Omit<ContractState, 'recentCommands'> {
  contractId: string;
  terms: TermsId;
  termsVersion: string;
  planId: string;
  customerId: string;
  appliedAt: string;
  nextDeadline?: { at: string; kind: string };
  /** NGN-39: the last day a non-renewal notice for the current period can arrive (NGN, not yet ending). */
  nonRenewalDeadline?: IsoDate;
}

/** NGN-40 (1)–(5),(9),(10), NGN-42, TNC-18: termination by the provider, effective today. */
export interface ProviderTerminationInput {
  /** One of the catalog's termination grounds: NGN-40, NGN-42, TNC-18. */
  clauseId: string;
  /** Item of the clause, e.g. NGN-40 (10) force majeure > 30 days. */
  item?: number;
  reason: string;
}
/** NGN-40 (10): an event of force majeure; the right to terminate opens when it lasts more than 30 days. */
export interface ForceMajeureInput {
  startedAt: string;
  description: string;
}
/** NGN-43: the contractor's certificate that software and materials were erased (and equipment returned). */
export interface ErasureCertificateInput {
  equipmentReturned: boolean;
}
export interface PlanChangeInput {
  newPlanId: string;
}
export interface ContractorChangeInput {
  /** NGN-14 name/address change (with evidence); NGN-15 / TNC-13 succession (approved). */
  kind: 'name-change' | 'succession';
  name?: string;
  email?: string;
  /** For succession: the successor's customer id. */
  customerId?: string;
  evidence: string;
}
/** NGN-46: a disclosure demanded under a law; the notice goes before it (or, when impossible, after it). */
export interface DisclosureInput {
  disclosureId?: string;
  /** Government body or court that demanded the data. */
  authority: string;
  legalBasis: string;
  /** What is (or was) disclosed. */
  scope: string;
  /** ISO instant with offset: planned (future) or done (past). */
  disclosureAt: string;
  /** Required when disclosureAt is not in the future: why the contractor could not be told first. */
  whyNotPrior?: string;
}
export interface Disclosure {
  id: string;
  authority: string;
  legalBasis: string;
  scope: string;
  disclosureAt: string;
  /** The notice went out before the disclosure. */
  prior: boolean;
  whyNotPrior?: string;
  noticeSentAt?: string;
}
/** TNC-45 (optional): alert the customer whose device a trusted third party reported. */
export interface MalwareAlertInput {
  alertId?: string;
  ipAddress: string;
  /** ISO instant with offset of the third party's observation (timestamp). */
  observedAt: string;
  source: string;
  detail: string;
}
export interface MalwareAlert extends Required<Omit<MalwareAlertInput, 'alertId'>> {
  id: string;
  noticeSentAt?: string;
}

export interface FaultContactInput {
  email: string;
}

/** One ledger line, built in the workflow from its identity; posted with its invoice. */
export interface LedgerLine {
  /** contract:period:clause:kind, built in the workflow from its identity; unique in the ledger. */
  idempotencyKey: string;
  clauseId: string;
  kind: 'fee' | 'usage' | 'consumption-tax' | 'penalty' | 'interest' | 'credit' | 'surcharge' | 'damages' | 'dispatch';
  taxClass: TaxClass;
  /** Exact decimal yen as a string. */
  amount: string;
  period?: string;
  effectiveDate: string;
  description: string;
}
