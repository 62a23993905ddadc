/**
 * Messages of the contract workflow: its input, queries and updates, with their payload types.
 * Imported by the workflow and by api/, so names cannot drift. Payloads are plain JSON: amounts
 * are decimal strings, dates ISO strings (IsoDate = Asia/Tokyo calendar date 'YYYY-MM-DD').
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LedgerLine } from '../activities/types.js';

export type TermsId = 'NGN' | 'TNC';
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

/** The whole durable state; small and JSON-only so it can cross continue-as-new. */
export interface ContractState {
  status: ContractStatus;
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
  endReason?: 'cancellation' | 'non-renewal';
  /** Invoices not yet fully paid (paid ones leave the state; the database keeps them). */
  openInvoices: OpenInvoice[];
  /** Lines decided between closes (e.g. credits) waiting for the next invoice. */
  pendingLines: LedgerLine[];
  /** Idempotency keys of the most recent payments, to refuse a replayed request. */
  recentPaymentKeys: string[];
  /** Counters for deterministic keys. */
  seq: number;
  endedAt?: string;
  /** Number of workflow runs so far (continue-as-new count + 1). */
  run: number;
}

export interface ContractView extends ContractState {
  contractId: string;
  terms: TermsId;
  termsVersion: string;
  planId: string;
  customerId: string;
  appliedAt: string;
  nextDeadline?: { at: string; kind: string };
}

export const getContract = defineQuery<ContractView>('getContract');
export const acceptApplication = defineUpdate<ContractView, [AcceptInput]>('acceptApplication');
export const rejectApplication = defineUpdate<ContractView, [RejectInput]>('rejectApplication');
/** NGN-41 / TNC-17: refused (LateNotice) when the notice comes too late, naming the latest day. */
export const requestCancellation = defineUpdate<ContractView, [CancellationInput]>('requestCancellation');
export const recordPayment = defineUpdate<PaymentResult, [PaymentInput]>('recordPayment');
export const reportUsage = defineUpdate<{ usageId: number }, [UsageInput]>('reportUsage');
export const chargeSurcharge = defineUpdate<InvoiceResult, [SurchargeInput]>('chargeSurcharge');
export const chargeDispatch = defineUpdate<InvoiceResult, [DispatchInput]>('chargeDispatch');
/** NGN-39: refused (LateNotice) after the non-renewal deadline, naming it. */
export const giveNonRenewalNotice = defineUpdate<ContractView, [NonRenewalInput]>('giveNonRenewalNotice');

/** Task queue the worker polls and the API starts workflows on. */
export const CONTRACT_TASK_QUEUE = 'yakkan-contracts';
