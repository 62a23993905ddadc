/**
 * Durability on the time-skipping server: a contract survives a worker restart (a brand-new worker
 * rebuilds it by replaying history), and a worker crash between the ledger commit and the activity
 * completion posts nothing twice. Months pass in seconds; the ledger is a real SQLite database.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { ContractActivities, IssueInvoiceRequest } from '../../activities/types.js';
import { acceptApplication, getContract } from '../../workflows/contract-messages.js';
import { addMonthsClamped, firstOfNextMonth, jstDateOf, jstMidnightMs, monthKey } from '../../rules/calendar.js';
import { TEST_REGISTRATION_NUMBERS, application, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';

const world = useWorld('time-skipping');

/** Every workflow a test starts is terminated after it, even when the test failed or timed out. */
const started: WorkflowHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((h) => h.terminate('test finished').catch(() => undefined)));
});

/** Moves the test server's clock to 01:00 JST on the next 1st of a month; returns that date. */
async function alignToNextMonthStart(): Promise<string> {
  const now = await world.env.currentTimeMs();
  const first = firstOfNextMonth(jstDateOf(now));
  await world.env.sleep(jstMidnightMs(first) + 3600_000 - now);
  return first;
}

/** Starts an NGN ngn-vpn-standard application on `taskQueue` and accepts it with service start `start`. */
async function startActiveNgn(taskQueue: string, start: string) {
  const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
  const handle = await world.env.client.workflow.start('contractWorkflow', {
    taskQueue,
    workflowId: input.contractId,
    args: [input],
  });
  started.push(handle);
  const accepted = await handle.executeUpdate(acceptApplication, { args: [{ serviceStartDate: start }] });
  expect(accepted.status).toBe('active');
  expect(accepted.billingStart).toBe(start);
  return { contractId: input.contractId, handle };
}

async function ledgerRows(contractId: string) {
  const ledger = await world.db.ledgerEntry.findMany({ where: { contractId }, orderBy: { id: 'asc' } });
  return ledger.map((e) => [e.period, e.clauseId, e.kind, e.taxClass, e.amount, e.idempotencyKey]);
}

/** NGN-19 basic fee 50,000 yen + NGN-23 consumption tax 5,000 yen for each of `months` months from `start`. */
function expectedRows(contractId: string, start: string, months: number) {
  return Array.from({ length: months }, (_, i) => monthKey(addMonthsClamped(start, i))).flatMap((m) => [
    [m, 'NGN-19', 'fee', 'taxable', '50000', `${contractId}:${m}:NGN-19:fee`],
    // JP-INVOICE: one tax line per invoice and rate, keyed by the invoice (contract:month) and the rate.
    [m, 'NGN-23', 'consumption-tax', 'consumption-tax', '5000', `${contractId}:${m}:NGN-23:consumption-tax:0.10`],
  ]);
}

describe('restarts and crashes never double-post the monthly charges (NGN-19, NGN-23)', () => {
  test('NGN-19 NGN-23: after a worker restart a brand-new worker replays history; 105 days post exactly 3 months, no duplicates', async () => {
    const taskQueue = uniqueId('tq');
    let start = '';
    let contractId = '';
    let handle!: WorkflowHandle;

    // Worker A runs the first 40 days, with its workflow cache disabled so it never takes a sticky
    // task queue. Why: on the Java time-skipping test server, a workflow whose last workflow task was
    // completed by a cached (sticky) worker gets its next workflow task on that worker's sticky
    // queue. When that worker has shut down, the test server never falls back to the normal task
    // queue (a real server does after the sticky schedule-to-start timeout; ResetStickyTaskQueue is
    // UNIMPLEMENTED on the test server), the pending task locks time skipping, and `env.sleep` never
    // returns. A worker that is stopped in the middle of a test must therefore be uncached; the
    // worker that replaces it may be an ordinary (cached) one.
    const workerA = await world.worker(taskQueue, { maxCachedWorkflows: 0 });
    await workerA.runUntil(async () => {
      start = await alignToNextMonthStart();
      ({ contractId, handle } = await startActiveNgn(taskQueue, start));
      await world.env.sleep('40 days');
      expect(await ledgerRows(contractId)).toEqual(expectedRows(contractId, start, 1));
    });
    expect(workerA.getState()).toBe('STOPPED');

    // Worker B: a new Worker instance with no workflow state; it rebuilds the contract from history.
    const workerB = await world.worker(taskQueue);
    await workerB.runUntil(async () => {
      const replayed = await handle.query(getContract);
      expect(replayed.status).toBe('active');
      expect(replayed.billedThrough).toBe(monthKey(start));

      await world.env.sleep('65 days');

      const rows = await ledgerRows(contractId);
      expect(rows).toEqual(expectedRows(contractId, start, 3));
      expect(new Set(rows.map((r) => r[5])).size).toBe(6);
      expect((await handle.query(getContract)).billedThrough).toBe(monthKey(addMonthsClamped(start, 2)));
    });
  });

  test('NGN-19 NGN-23: a crash after the ledger commit is retried by Temporal; 2 month closes leave exactly 4 rows and the retry reports duplicates', async () => {
    const taskQueue = uniqueId('tq');
    // Every call of the activity that writes ledger lines (an invoice with its lines), with its result.
    const calls: Array<{ activity: 'issueInvoice'; keys: string[]; result: unknown }> = [];
    let crashed = false;
    /** Runs the real activity (its transaction commits), then, the first time only, "crashes". */
    const afterCommit = async <R>(activity: 'issueInvoice', keys: string[], real: () => Promise<R>) => {
      const result = await real();
      calls.push({ activity, keys, result });
      if (!crashed) {
        crashed = true;
        throw new Error('simulated worker crash between the ledger commit and the activity completion');
      }
      return result;
    };
    const wrap = (real: ContractActivities): ContractActivities => ({
      ...real,
      issueInvoice: (req: IssueInvoiceRequest) =>
        afterCommit('issueInvoice', req.lines.map((l) => l.idempotencyKey), () => real.issueInvoice(req)),
    });

    const worker = await world.worker(taskQueue, { wrapActivities: wrap });
    await worker.runUntil(async () => {
      const start = await alignToNextMonthStart();
      const { contractId, handle } = await startActiveNgn(taskQueue, start);
      await world.env.sleep('70 days'); // past two month closes (days ~28–31 and ~59–62), before the third

      const rows = await ledgerRows(contractId);
      expect(rows).toEqual(expectedRows(contractId, start, 2));
      expect(rows).toHaveLength(4);

      const m0Keys = expectedRows(contractId, start, 2).slice(0, 2).map((r) => r[5]);
      const m1Keys = expectedRows(contractId, start, 2).slice(2).map((r) => r[5]);
      const activity = 'issueInvoice';
      // JP-INVOICE: the invoice carries the NGN provider's registration number (the test worlds' number);
      // the retry answers with the number the invoice was written with.
      const registrationNumber = TEST_REGISTRATION_NUMBERS.NGN;
      expect(calls).toEqual([
        { activity, keys: m0Keys, result: { created: true, registrationNumber } }, // committed, then the worker "crashed"
        { activity, keys: m0Keys, result: { created: false, registrationNumber } }, // Temporal's retry found the invoice and lines already there
        { activity, keys: m1Keys, result: { created: true, registrationNumber } },
      ]);
      expect((await handle.query(getContract)).billedThrough).toBe(monthKey(addMonthsClamped(start, 1)));
    });
  });
});
