/**
 * Billing reads: invoices, payments, balance (with reconciliation) and the ledger as CSV, from the
 * database. A customer key sees only its own contract. The billing commands (payments, usage,
 * NGN-20 surcharges, NGN-29 dispatch fees) are workflow updates in api/commands.ts.
 */
import { Router } from 'express';
import type { Db } from '../db/client.js';
import { reconcile } from '../rules/invoice.js';
import { requireRole } from './auth.js';
import { readableContract } from './readable-contract.js';


export function billingRouter({ db }: { db: Db }): Router {
  const r = Router();
  const anyRole = requireRole('ops', 'auditor', 'customer');
  const readAll = requireRole('ops', 'auditor');


  r.get(
    '/contracts/:id/invoices',
    anyRole,
    async (req, res) => {
      const c = await readableContract(db, req);
      const invoices = await db.invoice.findMany({
        where: { contractId: c.id },
        orderBy: { createdAt: 'asc' },
        include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { id: 'asc' } } },
      });
      res.json({ contractId: c.id, invoices });
    },
  );

  r.get(
    '/contracts/:id/payments',
    anyRole,
    async (req, res) => {
      const c = await readableContract(db, req);
      res.json({ contractId: c.id, payments: await db.payment.findMany({ where: { contractId: c.id }, orderBy: { id: 'asc' } }) });
    },
  );

  r.get(
    '/contracts/:id/balance',
    anyRole,
    async (req, res) => {
      const c = await readableContract(db, req);
      const [lines, invoices, payments] = await Promise.all([
        db.ledgerEntry.findMany({
          where: { contractId: c.id },
          select: { invoiceId: true, amount: true, idempotencyKey: true, kind: true, clauseId: true, description: true, effectiveDate: true },
        }),
        db.invoice.findMany({ where: { contractId: c.id }, select: { id: true, total: true, billTo: true } }),
        db.payment.findMany({ where: { contractId: c.id }, select: { invoiceId: true, amount: true } }),
      ]);
      res.json({ contractId: c.id, ...reconcile({ lines, invoices, payments }) });
    },
  );

  r.get(
    '/contracts/:id/ledger.csv',
    readAll,
    async (req, res) => {
      const c = await readableContract(db, req);
      const rows = await db.ledgerEntry.findMany({ where: { contractId: c.id }, orderBy: { id: 'asc' } });
      const header = ['id', 'posted_at', 'effective_date', 'period', 'invoice_id', 'clause_id', 'kind', 'tax_class', 'amount', 'description', 'idempotency_key', 'workflow_id', 'run_id'];
      const out = [header.join(',')];
      for (const e of rows) {
        out.push(
          [e.id, e.postedAt.toISOString(), e.effectiveDate, e.period ?? '', e.invoiceId ?? '', e.clauseId, e.kind, e.taxClass, e.amount, e.description, e.idempotencyKey, e.workflowId, e.runId]
            .map(csvCell)
            .join(','),
        );
      }
      res.type('text/csv; charset=utf-8').attachment(`${c.id}-ledger.csv`).send('\uFEFF' + out.join('\r\n') + '\r\n');
    },
  );

  return r;
}

/** RFC 4180 cell; a leading =,+,-,@ is prefixed with ' so spreadsheets don't run it as a formula. */
function csvCell(v: unknown): string {
  let s = String(v);
  if (/^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
