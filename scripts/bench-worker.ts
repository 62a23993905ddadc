/**
 * The real worker (worker/worker.ts createWorker: real activities, the product's workflow bundle)
 * in a process of its own, so a benchmark measures the worker's RSS and CPU apart from the client,
 * the SMTP server and the Temporal server. Started by the benchmarks, not by hand:
 *
 *   node --import tsx scripts/bench-worker.ts '<json BenchWorkerSpec>'
 *
 * Prints `ready` once polling, then every second a `stats {json}` line (RSS, heap, CPU, mailer);
 * stops on SIGTERM (drains and exits 0).
 */
import { Client, Connection } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection.js';
import { NativeConnection } from '@temporalio/worker';
import { createSmtpMailer } from '../activities/mailer.js';
import { createDb } from '../db/client.js';
import { createWorker } from '../worker/worker.js';
import { baselineWorkerFor, benchPayloadCodec, cpuMs, quietRuntime } from './bench-lib.js';
import { payloadDataConverter } from '../runtime/payload-codec.js';

export interface BenchWorkerSpec {
  address: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  /** The time-skipping test server: activities read its clock, as in the tests. */
  timeSkipping?: boolean;
  /** Worker settings as runtime/config.ts would give them (undefined: the product's defaults). */
  maxCachedWorkflows?: number;
  maxConcurrentActivityTaskExecutions?: number;
  smtpMaxConnections?: number;
  /** The SDK's reuseV8Context (default true: one V8 context shared by the cached workflows); false: a context per workflow. */
  reuseV8Context?: boolean;
  /** Run the baseline workflows (scripts/bench-workflows.ts) with a no-op activity instead of the product. */
  baseline?: boolean;
}

quietRuntime();
const spec = JSON.parse(process.argv[2] ?? '{}') as BenchWorkerSpec;
const connection = await NativeConnection.connect({ address: spec.address });
// The test service (the time-skipping server's clock) is only wired when asked for (an SDK-internal option).
const connectionOptions = { address: spec.address, [InternalConnectionOptionsSymbol]: { supportsTestService: !!spec.timeSkipping } };
const clientConnection = await Connection.connect(connectionOptions);
const payloadCodec = benchPayloadCodec();
const client = new Client({ connection: clientConnection, namespace: spec.namespace, dataConverter: payloadDataConverter(payloadCodec) });
const db = createDb(spec.databaseUrl);
const mailer = createSmtpMailer(spec.smtpUrl, 'yakkan-bench <notices@yakkan.bench>', { maxConnections: spec.smtpMaxConnections });
const now = spec.timeSkipping
  ? async () => {
      const t = await clientConnection.testService!.getCurrentTime({});
      return new Date(Number(t.time?.seconds ?? 0) * 1000 + Math.floor((t.time?.nanos ?? 0) / 1e6));
    }
  : undefined;
/** Baseline activity calls so far (the baseline's figure of progress). */
let closes = 0;
const worker = spec.baseline
  ? await baselineWorkerFor(connection, spec.namespace, spec.taskQueue, {
      closeMonth: async (_id: string, month: string) => {
        closes += 1;
        return { month };
      },
    }, { maxCachedWorkflows: spec.maxCachedWorkflows, ...(spec.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: spec.maxConcurrentActivityTaskExecutions } : {}) })
  : await createWorker({
  connection,
  payloadCodec,
  namespace: spec.namespace,
  taskQueue: spec.taskQueue,
  db,
  mailer,
  client,
  now,
  tuning: { maxCachedWorkflows: spec.maxCachedWorkflows },
  workerOptions: {
    ...(spec.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: spec.maxConcurrentActivityTaskExecutions } : {}),
    ...(spec.reuseV8Context !== undefined ? { reuseV8Context: spec.reuseV8Context } : {}),
  },
});
function printStats(): void {
  const m = process.memoryUsage();
  console.log(
    `stats ${JSON.stringify({ rssMiB: m.rss / 2 ** 20, heapMiB: m.heapUsed / 2 ** 20, externalMiB: m.external / 2 ** 20, cpuMs: cpuMs(), closes, mailer: mailer.stats(), state: worker.getState() })}`,
  );
}
const ticker = setInterval(printStats, 1000);
process.once('SIGTERM', () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
});
const running = worker.run();
// One stats line before `ready`, so a benchmark can read stats() as soon as spawnWorker resolves.
printStats();
console.log('ready');
try {
  await running;
} finally {
  clearInterval(ticker);
  mailer.close();
  await clientConnection.close();
  await connection.close();
  await db.$disconnect();
}
