/**
 * Replay safety of local activities (workflows/local-gate.ts, patch
 * local-activities-one-at-a-time-v1), on the time-skipping server with the real worker, SQLite and
 * SMTP sink.
 *
 * The case CI caught: ops reject an application before the workflow's first task has run, so the
 * update arrives in that first task. The main loop saves the contract row, then reads the holiday
 * table (NGN-11 escalation deadline) while the rejection handler sends its NGN-12 notice — two local
 * activities in flight at once. With SMTP refusing, the notice fails and waits 10 s for its retry
 * while the main loop starts its escalation wait. Live, the two local activities were resolved in
 * separate activations; on replay SDK 1.24 resolved them together, the two timers swapped, and the
 * replay failed ("Missing associated machine for LocalActivity(4)"): a query on the finished
 * contract failed, and a worker restart would have stalled it.
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { replayOptions } from '../../audit/replay.js';
import { getContract, rejectApplication } from '../../workflows/contract-messages.js';
import { PATCHES } from '../../workflows/contract/patches.js';
import { firstTask, patchIds } from '../helpers/history.js';
import { application, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';
import { testPayloadCodec } from '../helpers/world-core.js';

const world = useWorld('time-skipping');

describe('local activities one at a time (workflows/local-gate.ts)', () => {
  test('NGN-12: a rejection arriving with the first workflow task, whose notice first fails, runs its local activities one at a time and its history replays', async () => {
    const taskQueue = uniqueId('tq');
    const customer = corporateCustomer();
    const input = application('NGN', 'ngn-vpn-standard', customer, await world.env.currentTimeMs());
    let handle: WorkflowHandle | undefined;
    world.sink.setDown(true);
    try {
      // Started with no worker polling, and the rejection sent at once: both wait for the first task.
      handle = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      const rejected = handle.executeUpdate(rejectApplication, { args: [{ grounds: [3], reason: '国内法人であることを確認できない' }] });
      rejected.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1000)); // real time, for the update to reach the server
      const worker = await world.worker(taskQueue);
      await worker.runUntil(async () => {
        // workflows/notify.ts retries after 10 s, 20 s, 40 s: within a minute the notice failed at
        // least twice (attempts at 0 s, 10 s, 30 s).
        await world.env.sleep('1 minute');
        world.sink.setDown(false);
        await world.env.sleep('5 minutes'); // the next retry comes at most 80 s later
        expect((await rejected).status).toBe('rejected');
        await handle!.result();

        const events = (await handle!.fetchHistory()).events ?? [];
        // The case under test: the update was accepted in the first workflow task.
        expect(firstTask(events).some((e) => e.workflowExecutionUpdateAcceptedEventAttributes), 'the rejection reached the first workflow task').toBe(true);
        // The notice waited for the table read: the wait mattered, so the marker is recorded.
        expect(patchIds(events)).toContain(PATCHES.localOneAtATime);
        const mails = world.sink.messages.filter((m) => m.to.includes(customer.email));
        expect(mails).toHaveLength(1); // NGN-12: the rejection in writing, once

        // The history replays (the auditor's replay, with this bundle) …
        await expect(Worker.runReplayHistory(await replayOptions(undefined, [testPayloadCodec()]), { events }, input.contractId)).resolves.toBeUndefined();
        // … and a query on the finished contract, which the worker answers by replaying it, works.
        expect((await handle!.query(getContract)).rejection?.grounds).toEqual([3]);
      });
    } finally {
      world.sink.setDown(false);
      if (handle && (await handle.describe()).status.name === 'RUNNING') await handle.terminate('test finished');
    }
  });
});
