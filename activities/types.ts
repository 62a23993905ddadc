/**
 * The activity interface the workflows proxy. Workflows import these *types* only; the
 * implementations (database, mail, clock) live in this folder and are wired by worker/.
 */
import type { CalendarData } from '../rules/calendar.js';
import type { AnnouncementInput, CarrierShareInput, LedgerLine } from '../model/contract.js';

export type { LedgerLine };

export interface InvoiceDraft {
  id: string;
  period: string;
  issuedOn: string;
  dueDate: string;
  taxableTotal: string;
  taxTotal: string;
  outOfScopeTotal: string;
  creditTotal: string;
  total: string;
  clauseId: string;
  /** JP-INVOICE fields (absent on invoices drafted before them). 'correction': 修正・返還 of `correctsInvoiceId`. */
  kind?: 'invoice' | 'correction' | 'carrier-assignment';
  /** TNC-30: 'carrier' = a receivable assigned to docomo (no payment, interest or stoppage here). */
  billTo?: 'customer' | 'carrier';
  /** The provider named in the terms catalog; the activity adds its registration number. */
  issuerName?: string;
  recipientName?: string;
  /** JSON [{ rate, base, tax }]: the tax per rate, computed once per invoice. */
  taxBreakdown?: string;
  correctsInvoiceId?: string;
  /** TNC-30: the CarrierMessage that carries this receivable to docomo. */
  carrierMessageKey?: string;
}

export interface AccelerationRequest {
  contractId: string;
  invoiceIds: string[];
  dueDate: string;
  clauseId: string;
}

export interface IssueInvoiceRequest {
  contractId: string;
  /** The 約款 the contract runs under: whose registration number the invoice carries (JP-INVOICE). */
  terms?: string;
  workflowId: string;
  runId: string;
  invoice: InvoiceDraft;
  lines: LedgerLine[];
}

export interface PaymentRecord {
  contractId: string;
  invoiceId: string;
  idempotencyKey: string;
  amount: string;
  method: string;
  paidOn: string;
  reference?: string;
}

export interface UsageReport {
  contractId: string;
  idempotencyKey: string;
  optionId: string;
  month: string;
  quantity: string;
}

export interface UsageLine {
  usageId: number;
  optionId: string;
  month: string;
  quantity: string;
}

export interface CommandFailureReport {
  contractId: string;
  /** The update's name and id (the id is `idem:…` when the API sent it with an Idempotency-Key). */
  update: string;
  updateId: string;
  /** The error, one line, no stack. */
  error: string;
  /** Whether the contract's state was put back to what it was before the command. */
  rolledBack: boolean;
}

export interface ContractProjection {
  id: string;
  terms: string;
  termsVersion: string;
  planId: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  customerKind: string;
  channel: string;
  status: string;
  appliedAt: string;
  formedAt?: string;
  serviceStart?: string;
  billingStart?: string;
  nextDeadline?: string;
  nextDeadlineKind?: string;
  /** NGN-39 non-renewal deadline of the current period (IsoDate). */
  nonRenewalDeadline?: string;
  endedAt?: string;
  queuePriority?: number;
}

export interface NoticeRequest {
  contractId: string;
  idempotencyKey: string;
  kind: string;
  clauseId: string;
  recipient: string;
  subject: string;
  body: string;
  /** HTML alternative of `body` (notices/templates.ts renders both); derived from `body` when absent. */
  html?: string;
}

export interface NoticeProof {
  noticeId: number;
  /** When the SMTP server accepted the notice; '' when `delivered` is false. */
  sentAt: string;
  messageId?: string;
  response?: string;
  /**
   * false: every retry failed and the notice was escalated to ops (row 'failed'); the workflow
   * carries on. workflows/notify.ts sets it; the activity always returns true.
   */
  delivered: boolean;
  /** Set with delivered = false: when ops were alerted (absent if the escalation itself failed). */
  escalatedAt?: string;
  /** Set with delivered = false: the last delivery error. */
  error?: string;
}

/** escalateNotice input: the notice as requested, and why its delivery finally failed. */
export interface NoticeEscalation {
  request: NoticeRequest;
  error: string;
}

export interface EscalationResult<P> {
  /** Outbox row id (created as 'failed' if delivery failed before the row was written). */
  id: number;
  /** When ops were alerted / the row was marked escalated ('' with deliveredProof). */
  escalatedAt: string;
  /** Whether an alert mail went to OPS_ALERT_EMAIL (false when it is not configured). */
  alerted: boolean;
  /** The message turned out to be delivered after all (row already 'sent'): its proof, nothing escalated. */
  deliveredProof?: P;
}

/** A message to the carrier (docomo-billed course, TNC-15/17/18/41), delivered by signed webhook. */
export interface CarrierRequest {
  contractId: string;
  /** contract:docomo:event:clause[:occurrence]; unique in the CarrierMessage outbox. */
  idempotencyKey: string;
  kind: string;
  clauseId: string;
  /** JSON-able payload; stored as the exact JSON body that is signed and posted. */
  payload: Record<string, unknown>;
}

export interface CarrierProof {
  messageId: number;
  delivered: boolean;
  sentAt?: string;
  responseStatus?: number;
  responseBody?: string;
  escalatedAt?: string;
  error?: string;
}

export interface CarrierEscalation {
  request: CarrierRequest;
  error: string;
}

export interface ContractActivities {
  /**
   * TNC-37.5 / NGN-43: removes the customer's personal data from the contract row after the
   * retention period (ledger, invoices and notice proofs stay for accounting and audit).
   */
  erasePersonalData(contractId: string): Promise<{ erased: boolean }>;
  /** NGN-11: an application waited too long for a decision; marks it and alerts ops (OPS_ALERT_EMAIL). */
  escalateApplication(req: { contractId: string; appliedAt: string; businessDays: number }): Promise<{ escalatedAt: string }>;
  /**
   * A command failed inside the workflow (a bug; workflows/contract/guard.ts): records it on the
   * contract's timeline (ContractEvent 'command-failed') and alerts ops (OPS_ALERT_EMAIL). Idempotent per update id.
   */
  reportCommandFailure(r: CommandFailureReport): Promise<{ recorded: boolean; alerted: boolean }>;
  /** Holiday table and closed days for the given years, read once so history records it. */
  loadCalendar(fromYear: number, toYear: number): Promise<CalendarData>;
  saveContract(p: ContractProjection): Promise<void>;
  /** TNC-12: the contract is formed when entered in the provider's database; returns that time. */
  recordFormation(contractId: string): Promise<{ formedAt: string }>;
  /**
   * Writes an invoice and its ledger lines atomically; a retry finds it and changes nothing. With
   * `req.terms`, the invoice gets the configured registration number of that 約款's provider
   * (JP-INVOICE, INVOICE_REGISTRATION_NUMBERS), which is returned (null when none is configured).
   */
  issueInvoice(req: IssueInvoiceRequest): Promise<{ created: boolean; registrationNumber?: string | null }>;
  /** NGN-40 2項 / NGN-41: open invoices fall due on `dueDate`; keeps the original due date. Idempotent. */
  accelerateInvoices(req: AccelerationRequest): Promise<{ accelerated: string[] }>;
  recordPayment(p: PaymentRecord): Promise<{ paymentId: number; created: boolean }>;
  recordUsage(u: UsageReport): Promise<{ usageId: number; created: boolean }>;
  /** Usage of months ≤ throughMonth that no ledger line bills yet (NGN-19 3項: the month after use). */
  collectUnbilledUsage(contractId: string, throughMonth: string): Promise<UsageLine[]>;
  /** Records the notice in the outbox (idempotent) and delivers it by SMTP; returns the proof. */
  sendNotice(req: NoticeRequest): Promise<NoticeProof>;
  /** Delivery finally failed: marks the outbox row 'failed' + escalatedAt and alerts ops (OPS_ALERT_EMAIL). */
  escalateNotice(e: NoticeEscalation): Promise<EscalationResult<NoticeProof>>;
  /** Records the carrier message (idempotent) and POSTs it with an HMAC-SHA256 signature; returns the proof. */
  notifyCarrier(req: CarrierRequest): Promise<CarrierProof>;
  /** Carrier delivery finally failed: marks the CarrierMessage 'failed' and alerts ops. */
  escalateCarrierMessage(e: CarrierEscalation): Promise<EscalationResult<CarrierProof>>;
}

/**
 * What a local activity of the contract workflow returns (issue 18, patches `local-bookkeeping-v1` and `local-notices-v1`).
 * A local activity runs inside the worker's workflow task, and Temporal records it as one marker
 * event that carries its result but not its arguments; so it returns its own arguments beside its
 * result, and the marker shows what the workflow asked to write as an ActivityTaskScheduled event
 * would (audit/history-facts.ts reads it back as a fact of the activity named in `activity`).
 */
export interface LocalRecord<T> {
  /** The activity of ContractActivities that did the work. */
  activity: keyof ContractActivities;
  /** Its arguments, as the workflow passed them. */
  input: unknown[];
  result: T;
}

/**
 * The contract workflow's local activities (issue 18): each runs the ContractActivities function
 * of the same name without the suffix (the same code, the same idempotency key) inside the workflow
 * task that asked for it, instead of through a round trip to the server. Patch
 * `local-bookkeeping-v1`: the projection save, the holiday-table read and the invoice write;
 * patch `local-notices-v1`: the notice (outbox row, SMTP, proof).
 */
export interface LocalActivities {
  saveContractLocal(p: ContractProjection): Promise<LocalRecord<void>>;
  loadCalendarLocal(fromYear: number, toYear: number): Promise<LocalRecord<CalendarData>>;
  issueInvoiceLocal(req: IssueInvoiceRequest): Promise<LocalRecord<Awaited<ReturnType<ContractActivities['issueInvoice']>>>>;
  sendNoticeLocal(req: NoticeRequest): Promise<LocalRecord<NoticeProof>>;
}

/**
 * Fan-out activities (announcements NGN-2/NGN-38/TNC-3/TNC-24, carrier settlement TNC-42.2): list
 * the contracts to reach and deliver one update to one contract workflow through a Temporal Client.
 */
export interface FanoutActivities {
  /** Number of active contracts under a 約款 (the announcement's starting total). */
  countAnnouncementTargets(terms: string): Promise<number>;
  /** Active contract ids under a 約款, in id order, strictly after `after`, at most `limit`. */
  listAnnouncementTargets(q: { terms: string; after?: string; limit: number }): Promise<string[]>;
  /** Executes the contract's `announce` update (idempotent per announcementId). */
  deliverAnnouncement(
    contractId: string,
    announcement: AnnouncementInput,
  ): Promise<{ accepted: true }>;
  /** Executes the contract's `grantCarrierShare` update (TNC-42.2). */
  deliverCarrierShare(
    contractId: string,
    share: CarrierShareInput,
  ): Promise<{ amount: string }>;
}
