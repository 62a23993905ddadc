/**
 * Monthly billing on the time-skipping server: months pass in seconds, the real worker posts to a
 * real SQLite ledger through activities, and notices arrive at a real SMTP server.
 */
import { describe, expect, test } from 'vitest';
import { acceptApplication, getContract } from '../../workflows/contract-messages.js';
import { addMonthsClamped, firstOfNextMonth, jstDateOf, jstMidnightMs, monthKey } from '../../rules/calendar.js';
import { application, consumerCustomer, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';

const world = useWorld('time-skipping');

/** Moves the test server's clock to 01:00 JST on the next 1st of a month; returns that date. */
async function alignToNextMonthStart(): Promise<string> {
  const now = await world.env.currentTimeMs();
  const first = firstOfNextMonth(jstDateOf(now));
  await world.env.sleep(jstMidnightMs(first) + 3600_000 - now);
  return first;
}

async function ledgerOf(contractId: string) {
  return world.db.ledgerEntry.findMany({ where: { contractId }, orderBy: { id: 'asc' } });
}

describe('NGN-19 NGN-23 monthly fee and consumption tax', () => {
  test('NGN-19 NGN-23: 95 days from a start on the 1st post three months of 50,000 yen + 5,000 yen tax', async () => {
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      const start = await alignToNextMonthStart();
      const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
      const handle = await world.env.client.workflow.start('contractWorkflow', {
        taskQueue,
        workflowId: input.contractId,
        args: [input],
      });
      const accepted = await handle.executeUpdate(acceptApplication, { args: [{ serviceStartDate: start }] });
      expect(accepted.status).toBe('active');
      expect(accepted.billingStart).toBe(start);

      await world.env.sleep('95 days');

      const months = [0, 1, 2].map((i) => monthKey(addMonthsClamped(start, i)));
      const ledger = await ledgerOf(input.contractId);
      expect(ledger.map((e) => [e.period, e.clauseId, e.kind, e.taxClass, e.amount])).toEqual(
        months.flatMap((m) => [
          [m, 'NGN-19', 'fee', 'taxable', '50000'],
          [m, 'NGN-23', 'consumption-tax', 'consumption-tax', '5000'],
        ]),
      );
      expect(ledger.every((e) => e.idempotencyKey.startsWith(`${input.contractId}:`))).toBe(true);
      const view = await handle.query(getContract);
      expect(view.billedThrough).toBe(months[2]);
      // Nobody paid: the second invoice (issued on month 2's 1st, due at its end) went overdue on
      // month 3's 1st, when the stoppage notice went out; NGN-37 2項 with the catalog's 7 days
      // counted from the day after (民法 第140条): days 2 … 8, so the stop is at 00:00 on the 9th,
      // before the next month close.
      const stop = addMonthsClamped(start, 3).slice(0, 8) + '09';
      expect(view.nextDeadline).toEqual({ at: new Date(jstMidnightMs(stop)).toISOString(), kind: 'suspension' });
      await handle.terminate('test finished');
    });
  });

  test('TNC-26: fees accrue from the formation date; a daily plan prorates the first month (円未満切り捨て)', async () => {
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      const first = await alignToNextMonthStart();
      // Move to the 11th so the first month is partial: formation on the 11th of a month.
      await world.env.sleep('10 days');
      const formedDay = jstDateOf(await world.env.currentTimeMs());
      expect(formedDay.slice(8)).toBe('11');
      const input = application('TNC', 'tnc-home-1g', consumerCustomer(), await world.env.currentTimeMs());
      const handle = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      const accepted = await handle.executeUpdate(acceptApplication, { args: [{}] });
      expect(accepted.billingStart).toBe(formedDay);
      await world.env.sleep('55 days'); // past the closes of both months (1st of each next month)

      const ledger = await ledgerOf(input.contractId);
      const m0 = monthKey(first);
      const m1 = monthKey(addMonthsClamped(first, 1));
      const dim = Number(jstDateOf(jstMidnightMs(firstOfNextMonth(first)) - 1).slice(8));
      const days = dim - 10; // 11th .. month end
      // 5,000 × days ÷ dim, floored to whole yen (TNC-26 daily proration), then 10% tax floored.
      const prorated = Math.floor((5000 * days) / dim);
      const tax = Math.floor(prorated / 10);
      expect(ledger.map((e) => [e.period, e.clauseId, e.kind, e.amount])).toEqual([
        [m0, 'TNC-26', 'fee', String(prorated)],
        [m0, 'TNC-26', 'consumption-tax', String(tax)],
        [m1, 'TNC-26', 'fee', '5000'],
        [m1, 'TNC-26', 'consumption-tax', '500'],
      ]);
      // TNC-12: formation is the database entry time, recorded on the contract row.
      const row = await world.db.contract.findUniqueOrThrow({ where: { id: input.contractId } });
      expect(row.formedAt?.toISOString()).toBe(accepted.formedAt);
      await handle.terminate('test finished');
    });
  });
});
