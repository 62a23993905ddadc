/**
 * The activity interface the workflows proxy. Workflows import these *types* only; the
 * implementations (database, mail, clock) live in this folder and are wired by worker/.
 */
import type { CalendarData } from '../rules/calendar.js';
import type { TaxClass } from '../rules/money.js';

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

export interface PostLedgerRequest {
  contractId: string;
  workflowId: string;
  runId: string;
  lines: LedgerLine[];
}

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
}

export interface IssueInvoiceRequest {
  contractId: string;
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
  endedAt?: string;
}

export interface NoticeRequest {
  contractId: string;
  idempotencyKey: string;
  kind: string;
  clauseId: string;
  recipient: string;
  subject: string;
  body: string;
}

export interface NoticeProof {
  noticeId: number;
  sentAt: string;
  messageId?: string;
  response?: string;
}

export interface ContractActivities {
  /** Holiday table and closed days for the given years, read once so history records it. */
  loadCalendar(fromYear: number, toYear: number): Promise<CalendarData>;
  saveContract(p: ContractProjection): Promise<void>;
  /** TNC-12: the contract is formed when entered in the provider's database; returns that time. */
  recordFormation(contractId: string): Promise<{ formedAt: string }>;
  postLedgerLines(req: PostLedgerRequest): Promise<{ inserted: number; duplicates: number }>;
  /** Writes an invoice and its ledger lines atomically; a retry finds it and changes nothing. */
  issueInvoice(req: IssueInvoiceRequest): Promise<{ created: boolean }>;
  recordPayment(p: PaymentRecord): Promise<{ paymentId: number; created: boolean }>;
  recordUsage(u: UsageReport): Promise<{ usageId: number; created: boolean }>;
  /** Usage of months ≤ throughMonth that no ledger line bills yet (NGN-19 3項: the month after use). */
  collectUnbilledUsage(contractId: string, throughMonth: string): Promise<UsageLine[]>;
  /** Records the notice in the outbox (idempotent) and delivers it by SMTP; returns the proof. */
  sendNotice(req: NoticeRequest): Promise<NoticeProof>;
}
