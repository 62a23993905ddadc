/**
 * A contract that is paid every month, over several years and continue-as-new runs, on the
 * time-skipping server (issue 18): its ledger is exact and the state each run carries into the
 * next stays small — paid invoices leave the state, no stoppage is ever scheduled, payment keys are
 * capped. (How long 5 years take is measured by scripts/bench-years.ts, not here.)
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { getContract, recordPayment, type ContractInput } from '../../workflows/contract-messages.js';
import { nextYear, sleepUntil, withContract } from '../helpers/timeline.js';
import { corporateCustomer, testPayloadCodec, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

const YEARS = 3;

/** The input each run of the workflow started with, first run first (following continuedExecutionRunId back). */
async function runInputs(h: WorkflowHandle): Promise<ContractInput[]> {
  const inputs: ContractInput[] = [];
  let runId: string | undefined = (await h.describe()).runId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await world.env.client.workflow.getHandle(h.workflowId, runId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    // The history holds the payload encrypted (issue 16): decrypted with the test key.
    const data = testPayloadCodec().decryptOne(started!.input!.payloads![0]!).data;
    inputs.unshift(JSON.parse(Buffer.from(data!).toString('utf8')) as ContractInput);
    runId = started?.continuedExecutionRunId || undefined;
  }
  return inputs;
}

describe('NGN-19 NGN-39: years of a contract that is paid on time', () => {
  test(`NGN-19 NGN-21 NGN-23: ${YEARS} years paid on the 10th of each month — every month billed once, nothing overdue, and each run carries at most one open invoice`, async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-01-01`, async (h, id) => {
      for (let m = 1; m <= YEARS * 12; m++) {
        // Month m's invoice (for the month before) is issued on its 1st and due at its end (月末払い);
        // paying on the 10th is on time, so NGN-21 late damages never arise.
        const year = Y + Math.floor(m / 12);
        const month = String((m % 12) + 1).padStart(2, '0');
        await sleepUntil(world, `${year}-${month}-10`);
        for (const inv of (await h.query(getContract)).openInvoices) {
          const open = (BigInt(inv.total) - BigInt(inv.paid)).toString();
          await h.executeUpdate(recordPayment, { args: [{ invoiceId: inv.id, amount: open, method: 'bank-transfer', paidOn: `${year}-${month}-10` }] });
        }
      }
      const view = await h.query(getContract);
      expect(view.status).toBe('active');
      expect(view.openInvoices).toEqual([]);

      // NGN-19: one fee line per month of service, 50,000 yen (ngn-vpn-standard 月額料金); NGN-23: its
      // consumption tax 10% = 5,000 yen (an exact yen amount, nothing to floor).
      const rows = await world.db.ledgerEntry.findMany({ where: { contractId: id }, orderBy: { id: 'asc' } });
      const months = Array.from({ length: YEARS * 12 }, (_, i) => `${Y + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
      const fees = rows.filter((r) => r.kind === 'fee');
      expect(fees.map((r) => r.period)).toEqual(months);
      expect(new Set(fees.map((r) => r.amount))).toEqual(new Set(['50000']));
      expect(new Set(rows.filter((r) => r.kind === 'consumption-tax' && months.includes(r.period ?? '')).map((r) => r.amount))).toEqual(new Set(['5000']));
      expect(rows.filter((r) => r.kind === 'interest')).toEqual([]); // NGN-21: never late

      // Every invoice is paid in full.
      const invoices = await world.db.invoice.findMany({ where: { contractId: id } });
      const payments = await world.db.payment.findMany({ where: { contractId: id } });
      for (const inv of invoices) {
        const paid = payments.filter((p) => p.invoiceId === inv.id).reduce((s, p) => s + BigInt(p.amount), 0n);
        expect(paid.toString(), inv.id).toBe(inv.total);
      }

      // What each continue-as-new run carried: at most the invoice just issued, no stoppage, no pending lines.
      const inputs = await runInputs(h);
      expect(inputs.length).toBeGreaterThanOrEqual(YEARS);
      for (const input of inputs.slice(1)) {
        const s = input.resume!;
        expect(s.openInvoices.length, `run ${s.run}`).toBeLessThanOrEqual(1);
        expect(s.suspensions ?? [], `run ${s.run}`).toEqual([]);
        expect(s.pendingLines, `run ${s.run}`).toEqual([]);
        expect(s.recentPaymentKeys.length, `run ${s.run}`).toBeLessThanOrEqual(100);
      }
    });
  });
});
