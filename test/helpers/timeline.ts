/**
 * Driving one contract through time on the time-skipping server: move the clock to a JST date or
 * instant (it only moves forward), and run a contract from acceptance under a fresh worker.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { acceptApplication, type Customer, type TermsId } from '../../workflows/contract-messages.js';
import { application, uniqueId, type World } from './world.js';

/** The year after the server's current one: dates in it are always in the future. */
export async function nextYear(world: World): Promise<number> {
  return Number(jstDateOf(await world.env.currentTimeMs()).slice(0, 4)) + 1;
}

/** JST wall time 'YYYY-MM-DDTHH:MM' → ISO instant with +09:00. */
export const jst = (local: string) => `${local}:00+09:00`;

export async function sleepUntilInstant(world: World, iso: string): Promise<void> {
  const now = await world.env.currentTimeMs();
  const target = Date.parse(iso);
  if (target < now) throw new Error(`sleepUntil(${iso}) is in the past`);
  await world.env.sleep(target - now);
}

/** Moves the server clock to 10:00 JST on `date`. */
export function sleepUntil(world: World, date: string): Promise<void> {
  return sleepUntilInstant(world, new Date(jstMidnightMs(date) + 10 * 3600_000).toISOString());
}

/**
 * Makes an application at 10:00 JST on `appliedOn` (the clock is moved there first) under a fresh
 * worker, runs `body` while it waits for a decision, and terminates the workflow if it is still
 * running so later tests in the file are not stalled by a workflow whose worker has gone.
 */
export async function withApplication(
  world: World,
  terms: TermsId,
  planId: string,
  customer: Customer,
  appliedOn: string,
  body: (h: WorkflowHandle, contractId: string) => Promise<void>,
): Promise<void> {
  const taskQueue = uniqueId('tq');
  const worker = await world.worker(taskQueue);
  await worker.runUntil(async () => {
    await sleepUntil(world, appliedOn);
    const input = application(terms, planId, customer, await world.env.currentTimeMs());
    const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
    try {
      await body(h, input.contractId);
    } finally {
      if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test finished');
    }
  });
}

/** As withApplication, accepted at once with service start `serviceStart` (the application's day). */
export function withContract(
  world: World,
  terms: TermsId,
  planId: string,
  customer: Customer,
  serviceStart: string,
  body: (h: WorkflowHandle, contractId: string) => Promise<void>,
): Promise<void> {
  return withApplication(world, terms, planId, customer, serviceStart, async (h, id) => {
    await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: serviceStart }] });
    await body(h, id);
  });
}
