/** Wires workflows and activities into a Temporal worker. */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { ContractActivities } from '../activities/types.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let cachedBundle: Promise<WorkflowBundle> | undefined;
/** Bundles the workflow code once per process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  cachedBundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return cachedBundle;
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};

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
