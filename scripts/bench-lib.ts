/**
 * What every benchmark script shares: its arguments, its figures (each beside the baseline measured
 * in the same run on the same server, with the ratio), a fresh SQLite database, RSS samples, and a
 * worker built from the real createWorker or from the baseline workflows (scripts/bench-workflows.ts).
 *
 * A benchmark prints its progress as `[bench] …` lines and, at the end, one `BENCH-RESULT {json}`
 * line with its rows; scripts/bench.ts collects those rows from every benchmark of the suite and
 * prints them as one table.
 */
import { DEV_SERVER_SETTING_FLAGS } from '../worker/server-settings.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { historyBytes, historyToJson, type JsonEvent } from '../audit/history-json.js';
import { createDb, type Db } from '../db/client.js';
import { migrateDeploy } from '../db/migrate.js';
import { EncryptionCodec, parsePayloadKeys, payloadDataConverter } from '../runtime/payload-codec.js';
import { bundleWorkflows } from '../runtime/workflow-bundle.js';
import { registerSearchAttributes } from '../worker/search-attributes.js';
import { useWriteAheadLog } from '../worker/sqlite.js';

/** One figure of a benchmark, beside its baseline from the same run. */
export interface BenchRow {
  bench: string;
  /** What was measured, e.g. 'notices delivered / s (outbox + SMTP + proof)'. */
  figure: string;
  value: number;
  unit: string;
  /** What the figure is compared with (measured in the same run, on the same server). */
  baseline?: string;
  baselineValue?: number;
  /** 'higher' when more is better (rates), 'lower' when less is better (times, bytes). */
  better: 'higher' | 'lower';
  /** The target, in words (e.g. '≥ 200/s', '< 5 s', 'ratio ≥ 0.5'). */
  target?: string;
  /** Whether the target was met (undefined: no target, or not decidable from this run). */
  met?: boolean;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

export const say = (msg: string): void => console.log(`[bench] ${msg}`);

/** Prints the rows for scripts/bench.ts (and a table of them when the script runs alone). */
export function report(rows: BenchRow[]): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify(rows)}`);
}

/** value ÷ baseline value (read it with `better`: for a rate > 1 is faster, for a time < 1 is faster). */
export function ratio(row: BenchRow): number | undefined {
  if (row.baselineValue === undefined || row.baselineValue === 0) return undefined;
  return row.value / row.baselineValue;
}

const fmt = (n: number | undefined, unit = ''): string => {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const s = abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
  return unit ? `${s} ${unit}` : s;
};

/** The table scripts/bench.ts prints: figure, value, baseline, ratio, target. */
export function table(rows: BenchRow[]): string {
  const head = ['benchmark', 'figure', 'value', 'baseline (same run, same server)', 'baseline value', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    r.bench,
    r.figure,
    fmt(r.value, r.unit),
    r.baseline ?? '—',
    fmt(r.baselineValue, r.unit),
    r.baselineValue !== undefined ? `${fmt(ratio(r))}×` : '—',
    r.target ?? '—',
    r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

// ---- arguments ---------------------------------------------------------------------------------

export interface Args {
  /** The i-th positional argument as a positive integer, or `dflt`. */
  n(i: number, dflt: number): number;
  /** `--name <int>`, or `dflt`. */
  flag(name: string, dflt: number): number;
  /** `--name` present. */
  has(name: string): boolean;
  /** `--name <text>`, or undefined. */
  text(name: string): string | undefined;
}

export function args(argv = process.argv.slice(2)): Args {
  const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1]!.startsWith('--') && !isBoolean(argv[i - 1]!)));
  function isBoolean(a: string) {
    return BOOLEAN_FLAGS.has(a.slice(2));
  }
  const int = (text: string | undefined, what: string, dflt: number): number => {
    if (text === undefined) return dflt;
    const v = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what} must be a non-negative integer; got "${text}"`);
    return v;
  };
  return {
    n: (i, dflt) => int(positional[i], 'N', dflt),
    flag: (name, dflt) => {
      const i = argv.indexOf(`--${name}`);
      return i >= 0 ? int(argv[i + 1], `--${name}`, dflt) : dflt;
    },
    has: (name) => argv.includes(`--${name}`),
    text: (name) => {
      const i = argv.indexOf(`--${name}`);
      return i >= 0 ? argv[i + 1] : undefined;
    },
  };
}
/** Flags without a value (so the next argument stays positional). */
const BOOLEAN_FLAGS = new Set(['no-baseline', 'no-wal', 'quick-jvm']);

// ---- environment ---------------------------------------------------------------------------------

/** The SDK's own logs at WARN only (the benchmark prints its own progress). */
export function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // already installed in this process
  }
}

const TEST_SERVER = resolve('.temporal/test-server/run.sh');
const CLI = resolve('.temporal/bin/temporal');

/**
 * The payload key of the benchmarks (YAKKAN_PAYLOAD_KEYS form; made up: 32 bytes 0x42). The product
 * encrypts every payload (issue 16), so the benchmarks' clients and workers do too.
 */
export const BENCH_PAYLOAD_KEYS_SPEC = `bench-1=${Buffer.alloc(32, 0x42).toString('base64')}`;

export function benchPayloadCodec(): EncryptionCodec {
  return new EncryptionCodec(parsePayloadKeys(BENCH_PAYLOAD_KEYS_SPEC));
}

/**
 * The Java time-skipping test server from .temporal/ (scripts/temporal-servers.sh), search attributes
 * registered. The tests' wrapper starts the JVM for a quick start (C1 only, class-data sharing);
 * `jit: 'full'` starts the same server jars with the JVM's full JIT instead, which is slower to
 * start and faster once warm (a wrapper written under data/bench/).
 */
export async function timeSkippingServer(opts: { jit?: 'quick-start' | 'full' } = {}): Promise<TestWorkflowEnvironment> {
  let path = TEST_SERVER;
  if (opts.jit === 'full' && existsSync(TEST_SERVER)) {
    mkdirSync(resolve('data/bench'), { recursive: true });
    path = resolve('data/bench/test-server-full-jit.sh');
    const lib = resolve('.temporal/test-server/lib');
    writeFileSync(path, `#!/usr/bin/env bash\nexec java -XX:+UseParallelGC -cp "${lib}/*" io.temporal.testserver.TestServer "$@"\n`, { mode: 0o755 });
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter: payloadDataConverter(benchPayloadCodec()) },
    ...(existsSync(path) ? { server: { executable: { type: 'existing-path', path } } } : {}),
  });
  stopOnSignal(env);
  await registerSearchAttributes(env.connection, env.namespace);
  return env;
}

/** The Temporal CLI dev server (in memory), search attributes registered. */
export async function devServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createLocal({
    client: { dataConverter: payloadDataConverter(benchPayloadCodec()) },
    ...(existsSync(CLI) ? { server: { executable: { type: 'existing-path', path: CLI }, ui: false, log: { format: 'pretty', level: 'warn' }, extraArgs: DEV_SERVER_SETTING_FLAGS } } : {}),
  });
  stopOnSignal(env);
  await registerSearchAttributes(env.connection, env.namespace);
  return env;
}

/**
 * A benchmark stopped with Ctrl-C or SIGTERM stops the server it started first (the SDK runs it as a
 * child process, which would otherwise go on running, and using the CPU, after the benchmark is gone).
 */
function stopOnSignal(env: TestWorkflowEnvironment): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`[bench] ${signal}: stopping the Temporal server`);
      void env.teardown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** A fresh, migrated SQLite database under data/bench/ in WAL mode, as the worker sets it; `drop` closes and deletes it. */
export async function freshBenchDb(opts: { wal?: boolean } = {}): Promise<{ db: Db; url: string; file: string; drop(): Promise<void> }> {
  mkdirSync(resolve('data/bench'), { recursive: true });
  const file = resolve(`data/bench/${randomUUID()}.db`);
  const url = `file:${file}`;
  migrateDeploy(url);
  const db = createDb(url);
  if (opts.wal !== false) await useWriteAheadLog(db, url);
  return {
    db,
    url,
    file,
    async drop() {
      await db.$disconnect();
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
    },
  };
}

/** The baseline workflows (scripts/bench-workflows.ts) on their own worker and task queue. */
export function baselineWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  activities: Record<string, (...a: never[]) => Promise<unknown>>,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  return baselineWorkerFor(env.nativeConnection, env.namespace ?? 'default', taskQueue, activities, options);
}

export async function baselineWorkerFor(
  connection: NativeConnection,
  namespace: string,
  taskQueue: string,
  activities: Record<string, (...a: never[]) => Promise<unknown>>,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: await bundleWorkflows(fileURLToPath(new URL('./bench-workflows.ts', import.meta.url))),
    activities,
    dataConverter: payloadDataConverter(benchPayloadCodec()),
    ...options,
  });
}

// ---- measuring --------------------------------------------------------------------------------------

/** This process's resident set size now (MiB). */
export const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20;

/** Resident set size of a process by pid (MiB), from /proc; undefined where unavailable. */
export function rssOfPid(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Child processes of this one whose command name contains `name` (e.g. 'java', 'temporal'). */
export function childPids(name: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return ppid === process.pid && stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).includes(name);
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU time of a process by pid so far (ms, user + system), from /proc; undefined where unavailable. */
export function cpuMsOfPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** Load average of the machine over the last minute (others share its cores). */
export const loadAverage = (): number => loadavg()[0]!;

/** CPU time of this process so far (ms, user + system). */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** p-th percentile (0–100) of the samples, nearest rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once; resolves when all are done. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/**
 * `task` run by `concurrency` loops until `ms` have passed (each loop starts no new task after it).
 * Not `pool(huge, …)` with an early return: the leftover iterations would be a long run of
 * microtasks that never yields to the event loop (seen: the memory benchmark's churn phase ran on
 * for many minutes after its time and ignored SIGINT/SIGTERM).
 */
export async function forDuration(ms: number, concurrency: number, task: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await task();
    }),
  );
}

/**
 * A workflow's history in proto JSON (audit/history-json.ts: event types as names, times as ISO
 * strings; read with its eventName and attributesOf) and its size in protobuf bytes, as the server
 * stores it.
 */
export async function jsonHistory(client: Client, workflowId: string): Promise<{ events: JsonEvent[]; bytes: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return { events: historyToJson(history).events ?? [], bytes: historyBytes(history).length };
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

export const machine = (): string => `${cpus().length} cores (load average ${loadavg()[0]!.toFixed(1)} now), Node ${process.version}`;

export const secs = (ms: number): string => (ms / 1000).toFixed(1);

// ---- the worker in its own process (scripts/bench-worker.ts) -------------------------------------

export interface WorkerStats {
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
  cpuMs: number;
  /** Baseline activity calls so far (baseline mode). */
  closes: number;
  mailer: { connectionsOpened: number; inFlight: number; waiting: number; peakInFlight: number };
  state: string;
}

export interface ChildWorker {
  pid: number;
  /** The last stats line (every second). */
  stats(): WorkerStats | undefined;
  /** Peak RSS seen in the stats lines (MiB). */
  peakRssMiB(): number;
  /** Drains the worker (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts scripts/bench-worker.ts with `spec`; resolves once it polls. */
export async function spawnWorker(spec: import('./bench-worker.js').BenchWorkerSpec, nodeArgs: string[] = []): Promise<ChildWorker> {
  const { spawn } = await import('node:child_process');
  const script = fileURLToPath(new URL('./bench-worker.ts', import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let last: WorkerStats | undefined;
  let peak = 0;
  let exited = false;
  const exit = new Promise<void>((ok) => child.once('exit', () => ((exited = true), ok())));
  const ready = new Promise<void>((ok, fail) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') ok();
        else if (line.startsWith('stats ')) {
          last = JSON.parse(line.slice(6)) as WorkerStats;
          peak = Math.max(peak, last.rssMiB);
        } else console.log(`[worker] ${line}`);
      }
    });
    void exit.then(() => fail(new Error('the benchmark worker exited before it was ready')));
  });
  await ready;
  return {
    pid: child.pid!,
    stats: () => last,
    peakRssMiB: () => peak,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}

// ---- contracts ---------------------------------------------------------------------------------------

/** N active TNC contract rows (the projection the workflow would have written), 500 per statement. */
export async function seedActiveContracts(db: Db, ids: string[], p: { formedAt: Date; serviceStart: string; billingStart: string }): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db.contract.createMany({
      data: ids.slice(i, i + 500).map((id) => ({
        id,
        terms: 'TNC',
        termsVersion: '2022-07-01',
        planId: 'tnc-home-1g',
        customerId: `cust-${id}`,
        customerName: 'ベンチ 太郎',
        customerEmail: `${id}@example.jp`,
        customerKind: 'consumer',
        channel: 'online',
        status: 'active',
        appliedAt: p.formedAt,
        formedAt: p.formedAt,
        serviceStart: p.serviceStart,
        billingStart: p.billingStart,
      })),
    });
  }
}

/** The input of a TNC contract workflow that starts in the active state (resume), formed at `formedAt`. */
export function activeContractInput(id: string, p: { formedAt: string; serviceStart: string; billingStart: string }): import('../model/contract.js').ContractInput {
  return {
    contractId: id,
    terms: 'TNC',
    termsVersion: '2022-07-01',
    planId: 'tnc-home-1g',
    customer: { id: `cust-${id}`, name: 'ベンチ 太郎', email: `${id}@example.jp`, kind: 'consumer', domestic: true },
    channel: 'online',
    appliedAt: p.formedAt,
    resume: {
      status: 'active',
      formedAt: p.formedAt,
      serviceStart: p.serviceStart,
      billingStart: p.billingStart,
      openInvoices: [],
      pendingLines: [],
      recentPaymentKeys: [],
      seq: 0,
      run: 1,
      // As carried by a contract started under usage-tracked-close-v1 (no usage reported yet).
      unbilledUsageMonths: [],
    },
  };
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

// ---- the SMTP server in its own process (scripts/bench-sink.ts) ------------------------------------

export interface ChildSink {
  url: string;
  /** Messages received so far (updated every 100 ms). */
  received(): number;
  /** SMTP sessions opened so far. */
  connections(): number;
  /** Resolves once at least `n` messages were received (or rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

export async function spawnSink(): Promise<ChildSink> {
  const { spawn } = await import('node:child_process');
  const script = fileURLToPath(new URL('./bench-sink.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let count = 0;
  let sessions = 0;
  const exit = new Promise<void>((ok) => child.once('exit', () => ok()));
  const port = await new Promise<number>((ok, fail) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const [what, a, b] = line.split(' ');
        if (what === 'port') ok(Number(a));
        else if (what === 'count') {
          count = Number(a);
          sessions = Number(b);
        }
      }
    });
    void exit.then(() => fail(new Error('the SMTP sink exited before it listened')));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => count,
    connections: () => sessions,
    async waitFor(n, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (count < n) {
        if (Date.now() > until) throw new Error(`the SMTP sink received ${count} of ${n} messages`);
        await sleep(50);
      }
    },
    cpuMs: () => cpuMsOfPid(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await exit;
    },
  };
}
