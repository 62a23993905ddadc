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
  /** Postal address (住所 / 所在地), when the application gives it (NGN-14 / TNC-14 changes update it). */
  address?: string;
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
  /** NGN-39: the first contract period in months as the application states it (契約申込書に定める); default: the catalog's period (the minimum term). */
  contractPeriodMonths?: number;
  /** Present only when the workflow continues as new: the compact state it carries. */
  resume?: ContractState;
}

export interface AcceptInput {
  /** Service start date (サービス開始日); default: the formation date. */
  serviceStartDate?: IsoDate;
  /** NGN: billing start date (課金開始日); default: the service start date. Ignored under TNC-26. */
  billingStartDate?: IsoDate;
  /** Recurring add-ons of the plan the contract starts with (sites, options): NGN-41.1 parts. */
  addOns?: { addOnId: string; partId?: string }[];
  /** TNC-27: the payment method registered with the application (stored on the contract). */
  paymentMethod?: PaymentMethod;
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
  /** Sum of the 返還 corrections issued against this invoice (negative): what is owed is total + adjusted − paid. */
  adjusted?: string;
}

/** JP-INVOICE: a correction (修正・返還) is a new invoice naming the invoice it corrects; the original is never edited. */
export interface InvoiceCorrectionInput {
  /** An invoice of this contract that is still open. */
  invoiceId: string;
  /** Why it is corrected (stated on the correction invoice). */
  reason: string;
  /** Whole-yen lines: negative returns (返還) or positive additions (修正), taxed at the contract's rate or 不課税. */
  lines: { description: string; taxClass: 'taxable' | 'out-of-scope'; amount: string }[];
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
  /** The item of the clause, e.g. TNC-39 (1) maintenance, (2) equipment fault, (3) a carrier's stop, (4) a TNC-38 restriction. */
  /** The item (号) of the suspension clause that grounds this stop, e.g. TNC-39 (1) or TNC-41 (2). */
  item?: number;
  reason: string;
  /** ISO instant; the suspension never starts before its prior notice was sent (NGN-36/37). */
  startsAt: string;
  /** ISO instant; open-ended when omitted. */
  endsAt?: string;
  /** 緊急やむを得ない場合: no prior notice needed — with the reason stated (emergencyReason). */
  emergency?: boolean;
  /** Why prior notice was impossible (required with `emergency`). */
  emergencyReason?: string;
  /** NGN-37 1項(2): the unpaid, overdue debt under another contract of the same contractor that grounds this stoppage. */
  otherContractDebt?: { contractId: string; invoiceId: string; dueDate: IsoDate };
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
  /** NGN-37 1項(2): the overdue debt under another contract of the same contractor that grounds it. */
  otherContractDebt?: { contractId: string; invoiceId: string; dueDate: IsoDate };
  /**
   * TNC-18 1項: the end of the designated period (当社の指定する期間) for removing the cause of this
   * stoppage; once passed uncured (`cureLapsed`), the provider may terminate.
   */
  cureBy?: string;
  cureLapsed?: boolean;
  /** The item (号) of the suspension clause that grounds this stop, e.g. TNC-39 (1) or TNC-41 (2). */
  item?: number;
  /** TNC-26.2: the fee exemption this stop earned when it ended (a 第39条 stop of 24 hours or more). */
  exemption?: { amount: string; tax: string; days: number };
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
  /**
   * Credit posted on restoration (negative line on the next invoice), with its clause. `remedy`
   * 'exemption' (TNC-26.2: the fee and its tax, `tax` the tax part) or 'damages' (NGN-33 / TNC-42.1,
   * 不課税); absent on credits recorded before the distinction.
   */
  credit?: { amount: string; days: number; clauseId: string; remedy?: 'exemption' | 'damages'; tax?: string };
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
  /** abolition (NGN-38 / TNC-24 廃止), suspension of the whole service (TNC-24 休止), terms change (NGN-2 / TNC-3). */
  kind: 'abolition' | 'suspension' | 'terms-change';
  /** Date the abolition, the suspension or the new terms take effect (JST). */
  effectiveDate: IsoDate;
  /** suspension (休止): the last day of the planned suspension (休止予定期間); open-ended when omitted. */
  until?: IsoDate;
  /** terms-change: the catalog version contracts move to on the effective date. */
  newTermsVersion?: string;
  summary: string;
}

/** An announcement as this contract received it. */
export interface AnnouncementRecord {
  id: string;
  kind: AnnouncementInput['kind'];
  /** The date announced to every contract. */
  effectiveDate: IsoDate;
  newTermsVersion?: string;
  objected: boolean;
  applied: boolean;
  /**
   * The lead counts from this contract's own delivered notice (NGN-38 / TNC-24, NGN-2 / TNC-3): set
   * for announcements received since that rule; older records took effect on `effectiveDate`.
   */
  ownLead?: boolean;
  summary?: string;
  until?: IsoDate;
  /** When this contract's notice was delivered; absent while it is not (the announcement does not take effect). */
  noticeSentAt?: string;
  /** This contract's own effective date: the announced one, or later when its notice came late. */
  effectiveOn?: IsoDate;
  /** Notice attempts (a failed notice is sent again by ops: resendAnnouncement). */
  attempts?: number;
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
  /** NGN-48: the contractor's name, address or 通信履歴 given to another carrier that asked. */
  carrierDisclosures?: CarrierDisclosure[];
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
  /** NGN-40 (6): demands (催告) with their periods. */
  demands?: Demand[];
  /** The provider's termination: ground, item and the recorded step that allowed it. */
  termination?: TerminationRecord;
  suspensions?: Suspension[];
  outages?: Outage[];
  /** Announcements received and whether this contract objected (TNC-3). */
  announcements?: AnnouncementRecord[];
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
  /**
   * NGN-13 / TNC-15 / TNC-19: accepted plan change, effective from `from` (the 1st of the next month
   * before NGN-13.2 was applied; the day its acceptance notice was sent since). `segmented`: the
   * month of the change is billed by plan segment (planHistory).
   */
  pendingPlan?: { planId: string; from: IsoDate; segmented?: boolean; clauseId?: string };
  /** Plans in force before the current one, oldest first, each through `until` (billing by segment, rules/monthly-fees.ts). */
  planHistory?: { planId: string; until: IsoDate }[];
  /** NGN-13.2 / TNC-15: change requests refused on the application grounds, with their written notice. */
  planChangeRefusals?: { on: IsoDate; planId: string; grounds: number[]; reason: string }[];
  /** TNC-19: docomo ended the docomo-billed course; the base plan continues from the next day. */
  carrierCourseEnd?: { receivedOn: IsoDate; courseEndsOn: IsoDate; reference: string; basePlanId: string };
  /** NGN-40 2項 / NGN-41 2項: debts fell due at once (期限の利益の喪失), under this clause, on this day. */
  accelerated?: { clauseId: string; on: IsoDate };
  /** NGN-41.1: recurring parts (sites, options) and their partial cancellation; NGN-43.3 erasure for an ended part. */
  parts?: ContractPart[];
  /** NGN-14 / NGN-15 / TNC-13: contractor changes recorded (name, address, succession). */
  contractorChanges?: ContractorChange[];
  /**
   * TNC-27: how the contractor pays, registered at acceptance or as last reported (TNC-14), since
   * that day; absent until either. TNC-41 (2) marks it invalid (`invalidSince`, an instant).
   */
  paymentMethod?: { method: PaymentMethod; since: IsoDate; invalidSince?: string };
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
  /**
   * NGN-19 3項 / TNC-26 (usage billed the month after use): the months ('YYYY-MM') for which usage
   * was reported and not yet billed. Kept only by contracts started under the patch
   * `usage-tracked-close-v1`; their month close asks the database for unbilled usage only when a
   * month ≤ the one billed is listed. Undefined (older contracts): the close always asks.
   * Not part of the view.
   */
  unbilledUsageMonths?: string[];
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

export interface ContractView extends Omit<ContractState, 'recentCommands' | 'unbilledUsageMonths'> {
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

/** A recurring part of the contract (rules/plans.ts AddOn): NGN-41.1 lets the contractor cancel it alone. */
export interface ContractPart {
  id: string;
  addOnId: string;
  name: string;
  /** Tax-exclusive monthly fee at the time the part was added. */
  monthlyFee: string;
  from: IsoDate;
  /** NGN-41.1: accepted cancellation of this part (same lead as the whole contract). */
  cancellation?: { receivedOn: IsoDate; desiredDate: IsoDate; latestNoticeDay?: IsoDate };
  /** The part's last day of service (24:00 JST); its fee stops after it. */
  endedOn?: IsoDate;
  /** NGN-43.3: the erasure certificate for the ended part, with the requests sent. */
  erasure?: { requests: number; certificateOn?: IsoDate; equipmentReturned?: boolean; escalated?: boolean };
}

/** NGN-41.1: cancel one part of the contract on `desiredDate` (24:00 JST), with the NGN-41 lead. */
export interface PartCancellationInput {
  partId: string;
  desiredDate: IsoDate;
}

/** NGN-43.3: the certificate for an ended part. */
export interface PartErasureCertificateInput {
  partId: string;
  equipmentReturned: boolean;
}

/** NGN-13.2 / TNC-15: refuse a change request on the application grounds, with a written notice. */
export interface PlanChangeRefusalInput {
  newPlanId: string;
  grounds: number[];
  reason: string;
}

/** TNC-19: docomo's notice that the docomo-billed course is cancelled; the base plan continues. */
export interface CarrierCourseEndInput {
  /** Last day of the docomo-billed course (JST), as docomo's notice states it. */
  courseEndsOn: IsoDate;
  /** docomo's reference for the notice (kept for the record). */
  reference: string;
}

/** NGN-40 (1)–(5),(9),(10), NGN-42, TNC-18: termination by the provider, effective today. */
export interface ProviderTerminationInput {
  /** One of the catalog's termination grounds: NGN-40, NGN-42, TNC-18. */
  clauseId: string;
  /** Item of the clause (NGN-40 (1)–(10), NGN-42 (1)–(5)) or its paragraph (TNC-18 1項/2項). */
  /** The item (号) of the suspension clause that grounds this stop, e.g. TNC-39 (1) or TNC-41 (2). */
  item?: number;
  reason: string;
  /** NGN-40 (6): the demand (催告) whose period passed uncured; default: the latest such demand. */
  demandId?: string;
  /** TNC-18 1項 without a lapsed suspension: the contractor cannot pay, or refuses to, an overdue debt. */
  paymentDefault?: 'cannot-pay' | 'refuses-to-pay';
  /** TNC-18 2項: the TNC-12 ground (2, 5 or 6) that came to light after formation. */
  applicationGround?: number;
}

/** A demand (催告) with a stated period to perform or cure (NGN-40 (6)); ops issue it, the period runs as a durable timer. */
export interface DemandInput {
  demandId?: string;
  /** The termination ground it prepares, e.g. NGN-40 (the item that needs a demand comes from the catalog). */
  clauseId: string;
  /** What the contractor must perform or cure (the debt or the breach). */
  what: string;
  /** The period in days (民法 第140条: the day of the demand is not counted); default: the catalog's demandCurePeriodDays. */
  periodDays?: number;
}

export interface Demand {
  id: string;
  clauseId: string;
  item: number;
  what: string;
  issuedAt: string;
  periodDays: number;
  /** Last day of the period (JST); it lapses at 24:00 of that day. */
  lastDay: IsoDate;
  lapsesAt: string;
  status: 'open' | 'cured' | 'lapsed';
  noticeSentAt?: string;
}

/** How the provider ended the contract: the ground and what the history showed for it. */
export interface TerminationRecord {
  clauseId: string;
  /** The item (号) of the suspension clause that grounds this stop, e.g. TNC-39 (1) or TNC-41 (2). */
  item?: number;
  reason: string;
  decidedOn: IsoDate;
  /** The recorded step that met the ground's precondition (a lapsed demand, an active stoppage, …). */
  basis?: string;
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
  /**
   * NGN-14 / TNC-14 name or address change (with evidence), TNC-14 change of the payment account or
   * card, NGN-15 / TNC-13 succession, or another transfer (refused under TNC-10).
   */
  kind: 'name-change' | 'address-change' | 'payment-method-change' | 'succession' | 'transfer';
  name?: string;
  email?: string;
  address?: string;
  /** For succession: the successor's customer id. */
  customerId?: string;
  evidence: string;
  /** TNC-14: the ground a name may change on (marriage, adoption, TNC-13 succession). */
  nameChangeGround?: 'marriage' | 'adoption' | 'succession';
  /** TNC-14 / TNC-27: the new payment method. */
  paymentMethod?: PaymentMethod;
  /** NGN-15: the request is signed by both parties (連署した当社所定の書面). */
  jointlySigned?: boolean;
  /** NGN-15: the provider's decision on the succession, and the reason when it is denied. */
  decision?: 'approve' | 'deny';
  denyReason?: string;
}

/** A change of the contractor as recorded (name, address, payment method, succession). */
export interface ContractorChange {
  on: IsoDate;
  kind: ContractorChangeInput['kind'];
  clauseId: string;
  evidence: string;
  nameChangeGround?: ContractorChangeInput['nameChangeGround'];
  /** NGN-15: approved or denied (a denied succession changes nothing). */
  decision?: 'approved' | 'denied';
  denyReason?: string;
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
/** NGN-48: a carrier asked for the contractor's name, address or communication history (consented to in 48.1). */
export interface CarrierDisclosureInput {
  disclosureId?: string;
  /** The telecommunications carrier that asked. */
  carrier: string;
  /** ISO instant with offset when the request arrived. */
  requestedAt: string;
  /** What was given: the kinds of data, never the data itself. */
  items: ('name' | 'address' | 'communication-history')[];
  /** ISO instant with offset when it was given. */
  disclosedAt: string;
  purpose: string;
}

export interface CarrierDisclosure extends Omit<CarrierDisclosureInput, 'disclosureId'> {
  id: string;
  clauseId: string;
  recordedOn: IsoDate;
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
  /** NGN-54: recorded after the personal data was deleted (by reference): no address left to notify. */
  noticeImpossible?: string;
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
  /**
   * 'exemption': TNC-26.2 fee exemption, a negative taxable line (its tax leaves with it);
   * 'correction': a line of a correction invoice (修正・返還, JP-INVOICE).
   */
  kind: 'fee' | 'usage' | 'consumption-tax' | 'penalty' | 'interest' | 'credit' | 'surcharge' | 'damages' | 'dispatch' | 'exemption' | 'correction';
  taxClass: TaxClass;
  /** Exact decimal yen as a string. */
  amount: string;
  period?: string;
  effectiveDate: string;
  description: string;
}
