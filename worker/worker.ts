/** Wires workflows and activities into a Temporal worker. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { ContractActivities } from '../activities/types.js';
import { workflowBundle } from '../runtime/workflow-bundle.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';

export interface WorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Lets tests inject faults around the real activities (e.g. a crash after a commit). */
  wrapActivities?: (real: ContractActivities) => ContractActivities;
}

export async function createWorker(o: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace ?? 'default',
    taskQueue: o.taskQueue ?? CONTRACT_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: (o.wrapActivities ?? ((a) => a))(createActivities(o)),
  });
}
