/**
 * A third 約款 needs no workflow change (issue 12, docs/ADDING-TERMS.md): the test-only XYZ catalog
 * (test/fixtures/third-terms.ts) runs through formation, one month's billing and a cancellation on
 * the unchanged contract workflow, with every clause id, lead time and amount from its catalog and
 * plan. The year is fixed (2031) so each date below is worked out by hand from the XYZ terms.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { bundleWorkflows } from '../../runtime/workflow-bundle.js';
import { acceptApplication, getContract, requestCancellation, type ContractInput } from '../../workflows/contract-messages.js';
import { XYZ, XYZ_PLAN } from '../fixtures/third-terms.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, sleepUntil, sleepUntilInstant } from '../helpers/timeline.js';
import { uniqueId, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');
const ENTRY = fileURLToPath(new URL('../fixtures/third-terms-workflows.ts', import.meta.url));

describe('XYZ-9 XYZ-15 XYZ-20: a third 約款 added as a catalog runs on the unchanged contract workflow', () => {
  test('XYZ-9 formation by the sent acceptance notice, XYZ-20 one month billed by day, XYZ-15 cancellation with its 10-business-day lead', async () => {
    const taskQueue = uniqueId('tq-xyz');
    const worker = await world.worker(taskQueue, { workflowBundle: await bundleWorkflows(ENTRY) });
    await worker.runUntil(async () => {
      await sleepUntil(world, '2031-03-20');
      const input: ContractInput = {
        contractId: uniqueId('ctr-xyz'),
        terms: XYZ,
        termsVersion: '2025-04-01',
        planId: XYZ_PLAN.id,
        customer: { id: uniqueId('cust'), name: '光 花子', email: `${uniqueId('xyz')}@example.jp`, kind: 'consumer', domestic: true },
        channel: 'online',
        appliedAt: new Date(await world.env.currentTimeMs()).toISOString(),
      };
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      const notices = () => world.db.notice.findMany({ where: { contractId: input.contractId }, orderBy: { id: 'asc' } });

      // XYZ-9: formed when the acceptance notice is sent (the catalog's formation rule, as NGN-11).
      const accepted = await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: '2031-04-10' }] });
      const [acceptance] = await notices();
      expect(acceptance).toMatchObject({ kind: 'acceptance', clauseId: 'XYZ-9', status: 'sent' });
      expect(accepted).toMatchObject({ status: 'active', terms: 'XYZ', serviceStart: '2031-04-10', billingStart: '2031-04-10' });
      expect(accepted.formedAt).toBe(acceptance!.sentAt!.toISOString());
      expect(acceptance!.body).toContain('XYZ 光回線サービス契約約款');

      // XYZ-20: April is billed at 00:00 JST on 2031-05-01, by day from the billing start:
      // 10–30 April = 21 of 30 days → 3,100 × 21 / 30 = 2,170 yen; tax 10% = 217 yen.
      await sleepUntil(world, '2031-05-02');
      const april = await world.db.ledgerEntry.findMany({ where: { contractId: input.contractId }, orderBy: { id: 'asc' } });
      expect(april.map((l) => [l.kind, l.clauseId, l.amount, l.period])).toEqual([
        ['fee', 'XYZ-20', '2170', '2031-04'],
        ['consumption-tax', 'XYZ-26', '217', '2031-04'],
      ]);
      const invoice = await world.db.invoice.findFirstOrThrow({ where: { contractId: input.contractId } });
      // Issued 2031-05-01, due at the end of that month; total 2,170 + 217 = 2,387.
      expect({ issuedOn: invoice.issuedOn, dueDate: invoice.dueDate, total: invoice.total }).toEqual({ issuedOn: '2031-05-01', dueDate: '2031-05-31', total: '2387' });
      expect((await notices()).map((n) => [n.kind, n.clauseId])).toEqual([
        ['acceptance', 'XYZ-9'],
        ['invoice', 'XYZ-20'],
      ]);

      // XYZ-15: at least 10 business days before the desired date. 2031-05-12 (Mon) is too late for
      // Fri 05-23: back 10 business days = 22, 21, 20, 19, 16, 15, 14, 13, 12, 9 → 2031-05-09.
      await sleepUntil(world, '2031-05-12');
      const late = await refusalOf(h.executeUpdate(requestCancellation, { args: [{ desiredDate: '2031-05-23' }] }));
      expect(late).toMatchObject({ type: 'LateNotice', details: { field: 'desiredDate', deadline: '2031-05-09' } });
      expect(late?.message).toContain('XYZ-15');
      // Tue 05-27: back 10 business days = 26, 23, 22, 21, 20, 19, 16, 15, 14, 13 → 2031-05-13, still ahead.
      const cancelled = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: '2031-05-27' }] });
      expect(cancelled.cancellation).toEqual({ receivedOn: '2031-05-12', desiredDate: '2031-05-27', latestNoticeDay: '2031-05-13', insideMinimumTerm: false });

      // The contract ends at 24:00 JST on 2031-05-27: May 1–27 = 27 of 31 days → 3,100 × 27 / 31 =
      // 2,700 yen, tax 270; XYZ has no acceleration, so the final invoice is due at the end of May.
      await sleepUntilInstant(world, jst('2031-05-28T10:00'));
      const view = await h.query(getContract);
      expect(view.status).toBe('ended');
      const final = await world.db.invoice.findFirstOrThrow({ where: { contractId: input.contractId, period: 'final' }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect(final.lines.map((l) => [l.kind, l.clauseId, l.amount, l.period])).toEqual([
        ['fee', 'XYZ-20', '2700', '2031-05'],
        ['consumption-tax', 'XYZ-26', '270', 'final'], // JP-INVOICE: once per invoice, the invoice's period
      ]);
      expect({ clauseId: final.clauseId, issuedOn: final.issuedOn, dueDate: final.dueDate, total: final.total }).toEqual({
        clauseId: 'XYZ-15',
        issuedOn: '2031-05-28',
        dueDate: '2031-05-31',
        total: '2970',
      });
      expect((await notices()).map((n) => [n.kind, n.clauseId])).toEqual([
        ['acceptance', 'XYZ-9'],
        ['invoice', 'XYZ-20'],
        ['cancellation-receipt', 'XYZ-15'],
        // JP-INVOICE: the final invoice's notice is the invoice itself and cites the invoice's clause (XYZ-15).
        ['invoice', 'XYZ-15'],
      ]);
    });
  });
});
