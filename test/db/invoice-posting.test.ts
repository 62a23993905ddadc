/**
 * Issue 18: an invoice and its ledger lines are posted in one nested create (activities/billing.ts
 * postInvoice). On the embedded SQLite database: a retried post changes nothing, a post of the same
 * invoice with another total is refused as a LedgerConflict, and a line key already posted on
 * another invoice fails the post without leaving the invoice behind (both or neither).
 */
import { describe, expect, test } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { IssueInvoiceRequest } from '../../activities/types.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld('no-temporal');

function dispatchInvoice(contractId: string, n: number, lineKey = `${contractId}:dispatch:${n}:NGN-29`): IssueInvoiceRequest {
  // NGN-29 dispatch: 5,000 yen, NGN-23 consumption tax 10% of it = 500, total 5,500.
  return {
    contractId,
    workflowId: contractId,
    runId: 'run-1',
    invoice: { id: `${contractId}:dispatch:${n}`, period: 'dispatch', issuedOn: '2026-12-01', dueDate: '2026-12-31', taxableTotal: '5000', taxTotal: '500', outOfScopeTotal: '0', creditTotal: '0', total: '5500', clauseId: 'NGN-29' },
    lines: [
      { idempotencyKey: lineKey, clauseId: 'NGN-29', kind: 'dispatch', taxClass: 'taxable', amount: '5000', effectiveDate: '2026-12-01', description: '故障切り分け派遣費用' },
      { idempotencyKey: `${contractId}:dispatch:${n}:NGN-23`, clauseId: 'NGN-23', kind: 'consumption-tax', taxClass: 'consumption-tax', amount: '500', effectiveDate: '2026-12-01', description: '消費税相当額' },
    ],
  };
}

describe('issueInvoice posts an invoice and its lines together (issue 18)', () => {
  test('NGN-29 NGN-23: posted once with both lines; a retry changes nothing; another total is a LedgerConflict; a clashing line key leaves no invoice', async () => {
    const acts = createActivities({ db: world.db, mailer: world.mailer, now: () => new Date('2026-12-01T00:00:00Z') });
    const id = `ctr-posting-${Date.now()}`;
    await acts.saveContract({
      id, terms: 'NGN', termsVersion: '2020-02-01', planId: 'ngn-vpn-standard', customerId: `cust-${id}`, customerName: '株式会社テスト',
      customerEmail: 'posting@example.co.jp', customerKind: 'corporate', channel: 'form', status: 'active', appliedAt: '2026-11-01T00:00:00.000Z',
    });

    expect(await acts.issueInvoice(dispatchInvoice(id, 1))).toMatchObject({ created: true });
    expect(await acts.issueInvoice(dispatchInvoice(id, 1))).toMatchObject({ created: false });
    const lines = await world.db.ledgerEntry.findMany({ where: { contractId: id }, orderBy: { id: 'asc' } });
    expect(lines.map((l) => [l.invoiceId, l.clauseId, l.amount])).toEqual([
      [`${id}:dispatch:1`, 'NGN-29', '5000'],
      [`${id}:dispatch:1`, 'NGN-23', '500'],
    ]);

    const otherTotal = dispatchInvoice(id, 1);
    otherTotal.invoice.total = '5501';
    await expect(acts.issueInvoice(otherTotal)).rejects.toMatchObject({ type: 'LedgerConflict' });

    // Invoice 2 reuses invoice 1's NGN-29 line key: refused, and neither invoice 2 nor its tax line is written.
    await expect(acts.issueInvoice(dispatchInvoice(id, 2, `${id}:dispatch:1:NGN-29`))).rejects.toThrow();
    expect(await world.db.invoice.findUnique({ where: { id: `${id}:dispatch:2` } })).toBeNull();
    expect(await world.db.ledgerEntry.count({ where: { contractId: id } })).toBe(2);
  });
});
