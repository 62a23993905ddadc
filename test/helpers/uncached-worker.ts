/**
 * The real worker (world.worker: worker/worker.ts createWorker) with its workflow cache disabled,
 * so it never takes a sticky task queue.
 *
 * Why: on the Java time-skipping test server, a workflow whose last workflow task was completed by
 * a cached (sticky) worker gets its next workflow task on that worker's sticky queue. When that
 * worker has shut down, the test server never falls back to the normal task queue (a real server
 * does after the sticky schedule-to-start timeout; ResetStickyTaskQueue is UNIMPLEMENTED on the
 * test server), the pending task locks time skipping, and `env.sleep` never returns. A worker that
 * is stopped in the middle of a test must therefore be uncached; the worker that replaces it may
 * be an ordinary (cached) one.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { ContractActivities } from '../../activities/types.js';
import type { World } from './world.js';

export async function uncachedWorker(
  world: World,
  taskQueue: string,
  wrap?: (a: ContractActivities) => ContractActivities,
): Promise<Worker> {
  // createWorker builds its options and calls Worker.create; add maxCachedWorkflows: 0 to exactly
  // that call, so everything else (bundle, activities, clock, wrappers) stays the real worker's.
  const create = Worker.create;
  Worker.create = (options: WorkerOptions) => create.call(Worker, { ...options, maxCachedWorkflows: 0 });
  try {
    return await world.worker(taskQueue, wrap);
  } finally {
    Worker.create = create;
  }
}
