/** Wires workflows and activities into a Temporal worker. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { ContractActivities } from '../activities/types.js';
import { workflowBundle } from '../runtime/workflow-bundle.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';

export interface CreateWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Lets tests inject faults around the real activities (e.g. a crash after a commit). */
  wrapActivities?: (real: ContractActivities) => ContractActivities;
  /**
   * Any other option of the SDK's Worker.create, merged over the ones built here (e.g.
   * `maxCachedWorkflows: 0` for a worker that must never take a sticky task queue).
   */
  workerOptions?: Partial<WorkerOptions>;
}

export async function createWorker(o: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace ?? 'default',
    taskQueue: o.taskQueue ?? CONTRACT_TASK_QUEUE,
    // A bundle given in the options is used as it is (no second bundling).
    workflowBundle: o.workerOptions?.workflowBundle ?? (o.workerOptions?.workflowsPath ? undefined : await workflowBundle()),
    activities: (o.wrapActivities ?? ((a) => a))(createActivities(o)),
    ...o.workerOptions,
  });
}
