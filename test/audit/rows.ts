/**
 * Test helper: the database rows a contract's activities write, rebuilt from what its history says
 * they were asked to write (issueInvoice, postLedgerLines, recordPayment, sendNotice, saveContract).
 * Lets the pure report tests use a real recorded history with rows that match it, then tamper.
 */
import { historyFacts, type RunHistory } from '../../audit/history-facts.js';
import type { ContractRow, InvoiceRow, LedgerRow, NoticeRow, PaymentRow } from '../../audit/report.js';

export interface Rows {
  contract: ContractRow | null;
  ledger: LedgerRow[];
  invoices: InvoiceRow[];
  payments: PaymentRow[];
  notices: NoticeRow[];
}

type Any = Record<string, any>;

export function rowsFromHistory(runs: RunHistory[]): Rows {
  const rows: Rows = { contract: null, ledger: [], invoices: [], payments: [], notices: [] };
  let lineId = 0;
  for (const a of historyFacts(runs).activities) {
    if (a.status !== 'completed') continue;
    const arg = (a.input[0] ?? {}) as Any;
    const res = (a.result ?? {}) as Any;
    const line = (l: Any, invoiceId: string | null): LedgerRow => ({
      id: ++lineId,
      idempotencyKey: l.idempotencyKey,
      clauseId: l.clauseId,
      kind: l.kind,
      taxClass: l.taxClass,
      amount: l.amount,
      period: l.period ?? null,
      effectiveDate: l.effectiveDate,
      description: l.description,
      invoiceId,
      runId: arg.runId,
    });
    switch (a.type) {
      case 'issueInvoice':
        rows.invoices.push({ ...(arg.invoice as InvoiceRow), runId: arg.runId });
        for (const l of arg.lines as Any[]) rows.ledger.push(line(l, arg.invoice.id));
        break;
      case 'postLedgerLines':
        for (const l of arg.lines as Any[]) rows.ledger.push(line(l, null));
        break;
      case 'recordPayment':
        rows.payments.push({
          id: res.paymentId,
          invoiceId: arg.invoiceId,
          idempotencyKey: arg.idempotencyKey,
          amount: arg.amount,
          method: arg.method,
          paidOn: arg.paidOn,
          reference: arg.reference ?? null,
        });
        break;
      case 'sendNotice':
        rows.notices.push({
          id: res.noticeId,
          idempotencyKey: arg.idempotencyKey,
          kind: arg.kind,
          clauseId: arg.clauseId,
          channel: 'email',
          recipient: arg.recipient,
          subject: arg.subject,
          status: 'sent',
          attempts: 1,
          createdAt: res.sentAt,
          sentAt: res.sentAt,
          messageId: res.messageId,
          smtpResponse: res.response,
        });
        break;
      case 'saveContract':
        rows.contract = {
          id: arg.id,
          terms: arg.terms,
          termsVersion: arg.termsVersion,
          planId: arg.planId,
          customerId: arg.customerId,
          customerName: arg.customerName,
          customerKind: arg.customerKind,
          status: arg.status,
          appliedAt: arg.appliedAt,
          formedAt: arg.formedAt ?? null,
          serviceStart: arg.serviceStart ?? null,
          billingStart: arg.billingStart ?? null,
          endedAt: arg.endedAt ?? null,
          nextDeadline: arg.nextDeadline ?? null,
          nextDeadlineKind: arg.nextDeadlineKind ?? null,
        };
        break;
    }
  }
  return rows;
}
