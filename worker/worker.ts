/** Wires workflows and activities into a Temporal worker. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { localFaces } from '../activities/local.js';
import type { ContractActivities } from '../activities/types.js';
import type { WorkerSettings } from '../runtime/config.js';
import { payloadDataConverter, type EncryptionCodec } from '../runtime/payload-codec.js';
import { workflowBundle } from '../runtime/workflow-bundle.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';

/**
 * Workflows kept in the worker's cache (MAX_CACHED_WORKFLOWS). A cached workflow answers its next
 * task at once; one that is not is replayed from its history first. Each cached contract holds
 * its own copy of the workflow modules' state (the pure modules, runtime/workflow-bundle.ts
 * PRELOADED_MODULES, are shared: ~360 KiB of RSS each measured, 600–800 KiB before they were), so the
 * cache, not the number of contracts, sets the worker's memory: contracts waiting for their next
 * deadline need no cache. 1,000 keeps a worker near 0.75 GiB whatever the number of contracts (see
 * the README's Benchmarks); the SDK's default would be derived from the heap limit (2,310 here, ~2 GiB).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

export interface CreateWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  /**
   * The payload codec (YAKKAN_PAYLOAD_KEYS, runtime/payload-codec.ts): every payload the worker
   * sends to Temporal is encrypted with it, every one it receives decrypted. Required, so no worker
   * writes personal data to a history in clear text.
   */
  payloadCodec: EncryptionCodec;
  namespace?: string;
  taskQueue?: string;
  /** Lets tests inject faults around the real activities (e.g. a crash after a commit). */
  wrapActivities?: (real: ContractActivities) => ContractActivities;
  /** The worker settings of runtime/config.ts (MAX_CACHED_WORKFLOWS); unset: the defaults here. */
  tuning?: WorkerSettings;
  /**
   * Any other option of the SDK's Worker.create, merged over the ones built here (e.g.
   * `maxCachedWorkflows: 0` for a worker that must never take a sticky task queue).
   */
  workerOptions?: Partial<WorkerOptions>;
}

/** The SDK worker options that follow from the settings (the cache is sized deliberately, never by default). */
export function tunedWorkerOptions(tuning: WorkerSettings = {}): Partial<WorkerOptions> {
  return { maxCachedWorkflows: tuning.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS };
}

/** The activities as registered: every ContractActivities function, and their local faces (activities/local.ts). */
function withLocalFaces(a: ContractActivities): ContractActivities & ReturnType<typeof localFaces> {
  return { ...a, ...localFaces(a) };
}

export async function createWorker(o: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace ?? 'default',
    taskQueue: o.taskQueue ?? CONTRACT_TASK_QUEUE,
    // A bundle given in the options is used as it is (no second bundling).
    workflowBundle: o.workerOptions?.workflowBundle ?? (o.workerOptions?.workflowsPath ? undefined : await workflowBundle()),
    activities: withLocalFaces((o.wrapActivities ?? ((a) => a))(createActivities(o))),
    dataConverter: payloadDataConverter(o.payloadCodec),
    ...tunedWorkerOptions(o.tuning),
    ...o.workerOptions,
  });
}
