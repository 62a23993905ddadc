/**
 * Billing activities: invoices are written together with their ledger lines in one transaction,
 * payments and usage are appended; every write is keyed so a retried activity changes nothing.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { yen } from '../rules/money.js';
import { isUniqueViolation } from './prisma-errors.js';
import type { AccelerationRequest, ContractActivities, IssueInvoiceRequest, PaymentRecord, UsageLine, UsageReport } from './types.js';

type BillingActivities = Pick<ContractActivities, 'issueInvoice' | 'accelerateInvoices' | 'recordPayment' | 'recordUsage' | 'collectUnbilledUsage'>;

/**
 * Limits of an interactive transaction. Prisma's defaults (2 s to get a connection, 5 s to finish)
 * are too short when many activities write at once (the month close on the 1st) and the pool's
 * connections are all busy, or when a transaction waits on another worker's row with the same key:
 * the transaction then failed with "Unable to start a transaction in the given time". Waiting is
 * right there; both limits stay well inside the activities' 1-minute start-to-close timeout.
 */
const TRANSACTION = { maxWait: 20_000, timeout: 20_000 };

/**
 * The invoice and its lines in one write: Prisma runs a nested create (the invoice, then its lines
 * in one multi-row insert) in one transaction, so both are posted or neither is. Issue 18: one
 * query for the common case instead of an interactive transaction with a read and a statement per
 * line (each Prisma query costs ~2 ms of CPU on the month close's busy thread).
 *
 * A second post of the same invoice (a retried activity, or two workers racing on PostgreSQL, where
 * the second insert waits for the first transaction and then fails on the key) fails on the
 * unique invoice id: the invoice is then read back, and one posted with the same total changes
 * nothing. A unique key that clashes while the invoice does not exist (a line key already posted on
 * another invoice) is reported as the error it is. `registrationNumber` (JP-INVOICE) is written
 * only for requests that name their 約款.
 */
async function postInvoice(db: Db, req: IssueInvoiceRequest, registrationNumber: string | null | undefined): Promise<{ created: boolean; registrationNumber?: string | null }> {
  try {
    await db.invoice.create({
      data: {
        ...req.invoice,
        ...(registrationNumber !== undefined ? { registrationNumber } : {}),
        contractId: req.contractId,
        workflowId: req.workflowId,
        runId: req.runId,
        lines: {
          createMany: {
            data: req.lines.map((line) => ({
              contractId: req.contractId,
              workflowId: req.workflowId,
              runId: req.runId,
              idempotencyKey: line.idempotencyKey,
              clauseId: line.clauseId,
              kind: line.kind,
              taxClass: line.taxClass,
              amount: line.amount,
              period: line.period ?? null,
              effectiveDate: line.effectiveDate,
              description: line.description,
            })),
          },
        },
      },
      select: { id: true },
    });
    return req.terms ? { created: true, registrationNumber } : { created: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const existing = await db.invoice.findUnique({ where: { id: req.invoice.id } });
    if (!existing) throw e;
    // Compared as numbers: PostgreSQL's numeric gives "1000.5" back for "1000.50".
    if (!yen(existing.total).eq(yen(req.invoice.total))) {
      throw ApplicationFailure.create({
        type: 'LedgerConflict',
        nonRetryable: true,
        message: `invoice ${req.invoice.id} already exists with total ${existing.total}; refusing ${req.invoice.total}`,
      });
    }
    // A retry returns what the invoice was written with (the number may have been reconfigured since).
    return req.terms ? { created: false, registrationNumber: existing.registrationNumber } : { created: false };
  }
}

export interface BillingActivityDeps {
  db: Db;
  /**
   * JP-INVOICE: the registration number (T + 13 digits) of each 約款's provider, by terms id
   * (INVOICE_REGISTRATION_NUMBERS, runtime/config.ts). A 約款 without one gets invoices without it.
   */
  registrationNumbers?: Readonly<Record<string, string>>;
}

export function createBillingActivities({ db, registrationNumbers = {} }: BillingActivityDeps): BillingActivities {
  return {
    async issueInvoice(req: IssueInvoiceRequest) {
      // Only requests that name their 約款 (JP-INVOICE invoices) carry a registration number.
      const registrationNumber = req.terms ? (registrationNumbers[req.terms] ?? null) : undefined;
      return postInvoice(db, req, registrationNumber);
    },

    async accelerateInvoices(req: AccelerationRequest) {
      // A retry finds the due dates already moved and changes nothing; the first due date is kept.
      return db.$transaction(async (tx) => {
        const rows = await tx.invoice.findMany({ where: { contractId: req.contractId, id: { in: req.invoiceIds }, dueDate: { gt: req.dueDate } } });
        for (const r of rows) {
          await tx.invoice.update({
            where: { id: r.id },
            data: { dueDate: req.dueDate, acceleratedFrom: r.acceleratedFrom ?? r.dueDate, accelerationClauseId: req.clauseId },
          });
        }
        return { accelerated: rows.map((r) => r.id) };
      }, TRANSACTION);
    },

    async recordPayment(p: PaymentRecord) {
      try {
        const row = await db.payment.create({ data: p });
        return { paymentId: row.id, created: true };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const row = await db.payment.findUniqueOrThrow({ where: { idempotencyKey: p.idempotencyKey } });
        return { paymentId: row.id, created: false };
      }
    },

    async recordUsage(u: UsageReport) {
      try {
        const row = await db.usageRecord.create({ data: u });
        return { usageId: row.id, created: true };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const row = await db.usageRecord.findUniqueOrThrow({ where: { idempotencyKey: u.idempotencyKey } });
        return { usageId: row.id, created: false };
      }
    },

    async collectUnbilledUsage(contractId: string, throughMonth: string): Promise<UsageLine[]> {
      // A usage record is billed once: its ledger line's key is `${contractId}:usage:${id}`.
      const records = await db.usageRecord.findMany({
        where: { contractId, month: { lte: throughMonth } },
        orderBy: { id: 'asc' },
      });
      if (records.length === 0) return [];
      const billed = await db.ledgerEntry.findMany({
        where: { idempotencyKey: { in: records.map((r) => `${contractId}:usage:${r.id}`) } },
        select: { idempotencyKey: true },
      });
      const done = new Set(billed.map((b) => b.idempotencyKey));
      return records
        .filter((r) => !done.has(`${contractId}:usage:${r.id}`))
        .map((r) => ({ usageId: r.id, optionId: r.optionId, month: r.month, quantity: r.quantity }));
    },
  };
}
