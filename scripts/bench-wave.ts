/**
 * The month-close wave (issue 18, goal 2): N active contracts reach 00:00 JST on the 1st at the
 * same instant; every contract closes its month — invoice and ledger lines written, the invoice
 * notice delivered by SMTP with its proof, the projection saved. On the Java time-skipping server,
 * the clock is moved to the 1st once every contract waits on its month-close timer; the wave is
 * drained when the database holds N invoices and N sent invoice notices.
 *
 *   npx tsx scripts/bench-wave.ts [N=2000] [--cache 1000] [--activities 100] [--concurrency 20] [--no-baseline] [--profile DIR] [--events] [--quick-jvm]
 *
 * The real worker runs in its own process (scripts/bench-worker.ts) with MAX_CACHED_WORKFLOWS =
 * --cache: with N above the cache, most contracts are replayed from history when their timer fires,
 * as on a production worker. Baselines, same server, same run, same worker settings
 * (scripts/bench-workflows.ts): N of the smallest workflow with the same shape (a timer to the 1st,
 * then one activity), drained when N activities have run; and N of the contract's close shape
 * without its work (the same timer, then as many local activities one after another as a paid
 * close runs, each doing nothing), drained when all of them have run.
 */
import { randomUUID } from 'node:crypto';
import { attributesOf, eventName } from '../audit/history-json.js';
import { activityOf } from '../audit/history-facts.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { firstOfNextMonth, jstDateOf, jstMidnightMs, startOfMonth } from '../rules/calendar.js';
import { startMailSink } from '../worker/mail-sink.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker/worker.js';
import { callsPerClose, type MonthlyInput, type MonthShapeInput } from './bench-workflows.js';
import {
  activeContractInput,
  args,
  childPids,
  cpuMsOfPid,
  freshBenchDb,
  jsonHistory,
  loadAverage,
  machine,
  pool,
  quietRuntime,
  report,
  say,
  secs,
  seedActiveContracts,
  sleep,
  spawnWorker,
  timeSkippingServer,
  type BenchRow,
  type ChildWorker,
} from './bench-lib.js';

const a = args();
const N = a.n(0, 2000);
const CACHE = a.flag('cache', DEFAULT_MAX_CACHED_WORKFLOWS);
const ACTIVITY_SLOTS = a.flag('activities', 0) || undefined;
const CONCURRENCY = a.flag('concurrency', 20);
/** `--profile DIR`: the contracts' worker writes a V8 CPU profile there (node --cpu-prof). */
const PROFILE = a.text('profile');
const TARGET_S_AT_10K = 120;
const TARGET_RATIO = 0.5;
/** Local activities of a paid month close, one after another: issueInvoice, the invoice notice, saveContract (`--events`). */
const CLOSE_LOCAL_STEPS = 3;

quietRuntime();
// A wave runs for minutes: the server's JVM with its full JIT, as in the years benchmark (--quick-jvm: the tests' quick-start JVM).
const env: TestWorkflowEnvironment = await timeSkippingServer({ jit: a.has('quick-jvm') ? 'quick-start' : 'full' });
const javaPid = childPids('java')[0];
const { db, url, drop } = await freshBenchDb({ wal: !a.has('no-wal') });
const sink = await startMailSink();
const rows: BenchRow[] = [];

const serverNow = () => env.currentTimeMs();

/** Waits until the worker's CPU stops moving (every started workflow has run its first task). */
async function settled(worker: ChildWorker): Promise<void> {
  for (;;) {
    const c0 = worker.stats()!.cpuMs;
    await sleep(2000);
    // A profiled worker (--profile) spends CPU on sampling even when idle.
    if (worker.stats()!.cpuMs - c0 < (PROFILE ? 600 : 100)) return;
  }
}

/** Moves the server clock to 00:00:01 JST on the next 1st (it skips only while nothing is pending). */
async function toTheFirst(): Promise<string> {
  const now = await serverNow();
  const first = firstOfNextMonth(jstDateOf(now));
  await env.sleep(jstMidnightMs(first) + 1000 - now);
  return first;
}

interface Wave {
  seconds: number;
  perSecond: number;
  workerCpuMs: number;
  serverCpuMs?: number;
  peakRssMiB: number;
  load: [number, number];
}

/** Runs one wave: moves to the 1st, polls `done()` until it reaches N; the worker's and server's CPU over it. */
async function wave(worker: ChildWorker, done: () => Promise<number>, label: string): Promise<Wave> {
  const load0 = loadAverage();
  const w0 = worker.stats()!.cpuMs;
  const s0 = javaPid ? cpuMsOfPid(javaPid) : undefined;
  const t0 = performance.now();
  const first = await toTheFirst();
  let last = -1;
  let lastLog = 0;
  let progressAt = performance.now();
  for (;;) {
    const n = await done();
    if (n >= N) break;
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      say(`${label}: ${n}/${N} after ${secs(performance.now() - t0)} s (worker RSS ${worker.stats()?.rssMiB.toFixed(0)} MiB)`);
    }
    if (n !== last) progressAt = performance.now();
    if (performance.now() - progressAt > 120_000) throw new Error(`${label}: no progress for 2 minutes, stuck at ${n}/${N}`);
    last = n;
    await sleep(200);
  }
  const ms = performance.now() - t0;
  const s1 = javaPid ? cpuMsOfPid(javaPid) : undefined;
  await sleep(1100); // one more stats line from the worker
  const result = {
    seconds: ms / 1000,
    perSecond: (N / ms) * 1000,
    workerCpuMs: worker.stats()!.cpuMs - w0,
    serverCpuMs: s0 !== undefined && s1 !== undefined ? s1 - s0 : undefined,
    peakRssMiB: worker.peakRssMiB(),
    load: [load0, loadAverage()] as [number, number],
  };
  say(
    `${label}: the 1st (${first}) drained in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(1)}/s; ` +
      `worker CPU ${(result.workerCpuMs / N).toFixed(1)} ms per contract, server CPU ${result.serverCpuMs !== undefined ? (result.serverCpuMs / N).toFixed(1) : '?'} ms per contract; ` +
      `peak worker RSS ${result.peakRssMiB.toFixed(0)} MiB; load average ${result.load[0].toFixed(1)} → ${result.load[1].toFixed(1)}`,
  );
  return result;
}

try {
  say(`wave: N = ${N}, cache ${CACHE}, time-skipping server, ${machine()}`);
  const spec = {
    address: env.address,
    namespace: env.namespace ?? 'default',
    databaseUrl: url,
    smtpUrl: sink.url,
    timeSkipping: true,
    maxCachedWorkflows: CACHE,
    maxConcurrentActivityTaskExecutions: ACTIVITY_SLOTS,
  };

  // ---- baselines: N × (timer to the 1st + one activity); N × the contract's close shape --------------
  /** N of a baseline workflow on their own worker (same settings), waiting for the 1st, then the wave. */
  async function baselineWave(label: string, workflowType: string, input: (id: string) => MonthlyInput | MonthShapeInput): Promise<Wave> {
    const taskQueue = `bench-wave-base-${randomUUID().slice(0, 8)}`;
    const worker = await spawnWorker({ ...spec, taskQueue, baseline: true });
    try {
      const t0 = Date.now();
      await pool(N, CONCURRENCY, async (i) => {
        const args = input(`base-${i}-${randomUUID().slice(0, 6)}`);
        await env.client.workflow.start(workflowType, { taskQueue, workflowId: args.workflowId, args: [args] });
      });
      await settled(worker);
      say(`${label}: ${N} workflows started and waiting for the 1st after ${secs(Date.now() - t0)} s`);
      const calls = callsPerClose(input('any'));
      return await wave(worker, async () => Math.floor(worker.stats()!.closes / calls), label);
    } finally {
      await worker.stop();
    }
  }
  let base: Wave | undefined;
  let shape: Wave | undefined;
  if (!a.has('no-baseline')) {
    base = await baselineWave('baseline', 'monthlyBaselineWorkflow', (workflowId) => ({ workflowId, months: 1, perRun: 12 }));
    shape = await baselineWave(`close shape (timer + ${CLOSE_LOCAL_STEPS} local activities doing nothing)`, 'monthShapeBaselineWorkflow', (workflowId) => ({
      workflowId,
      months: 1,
      perRun: 12,
      localSteps: CLOSE_LOCAL_STEPS,
    }));
  }

  // ---- the contracts ---------------------------------------------------------------------------------
  const taskQueue = `bench-wave-${randomUUID().slice(0, 8)}`;
  const worker = await spawnWorker({ ...spec, taskQueue }, PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []);
  try {
    const now = await serverNow();
    const month = startOfMonth(jstDateOf(now));
    const p = { formedAt: new Date(now).toISOString(), serviceStart: month, billingStart: month };
    const ids = Array.from({ length: N }, (_, i) => `ctr-wave-${String(i).padStart(6, '0')}-${randomUUID().slice(0, 4)}`);
    await seedActiveContracts(db, ids, { ...p, formedAt: new Date(now) });
    const t0 = Date.now();
    let started = 0;
    await pool(N, CONCURRENCY, async (i) => {
      await env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: ids[i]!, args: [activeContractInput(ids[i]!, p)] });
      if (++started % 1000 === 0) say(`started ${started}/${N} contracts (${secs(Date.now() - t0)} s)`);
    });
    await settled(worker);
    say(`contracts: ${N} started and waiting for the month close of ${month.slice(0, 7)} after ${secs(Date.now() - t0)} s`);
    const invoiceKey = { idempotencyKey: { contains: ':invoice:' }, status: 'sent' };
    const fig = await wave(worker, async () => Math.min(await db.invoice.count(), await db.notice.count({ where: invoiceKey })), 'contracts');

    // Checks: one invoice per contract with its lines, one notice per invoice, all proven, N mails.
    const invoices = await db.invoice.count();
    const lines = await db.ledgerEntry.count();
    const notices = await db.notice.count({ where: { ...invoiceKey, smtpResponse: { startsWith: '250' }, messageId: { not: null } } });
    say(`checked: ${invoices} invoices, ${lines} ledger lines, ${notices} invoice notices sent with a 250 response and message id, ${sink.messages.length} SMTP messages`);
    if (invoices !== N || notices !== N || sink.messages.length < N) throw new Error('the wave did not bill and notify every contract exactly once');
    const { events, bytes } = await jsonHistory(env.client, ids[0]!);
    say(`one contract's history after its first month close: ${events.length} events, ${(bytes / 1024).toFixed(1)} KiB as the server stores it`);
    // The events of the month close itself: everything after the timer that fired on the 1st.
    const named = (e: (typeof events)[number]): string => {
      const activity = activityOf(e) ?? (attributesOf(e) as { markerName?: string }).markerName;
      return `${eventName(e)}${activity ? `(${activity})` : ''}`;
    };
    const fired = events.findIndex((e) => eventName(e) === 'TimerFired');
    const close = fired >= 0 ? events.slice(fired) : [];
    const kinds = new Map<string, number>();
    for (const e of close) kinds.set(named(e), (kinds.get(named(e)) ?? 0) + 1);
    say(`the month close: ${close.length} events from the timer on: ${[...kinds].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    if (a.has('events')) for (const e of events) say(`  ${e.eventId} ${named(e)}`);

    const projected = (fig.perSecond > 0 ? 10_000 / fig.perSecond : NaN) || NaN;
    rows.push({
      bench: 'wave',
      figure: `month-close wave, N=${N.toLocaleString('en')}, cache ${CACHE}: contracts billed + notified / s`,
      value: fig.perSecond,
      unit: '/s',
      baseline: base ? 'timer + 1 activity workflow, same N, same worker settings' : undefined,
      baselineValue: base?.perSecond,
      better: 'higher',
      target: `ratio ≥ ${TARGET_RATIO}`,
      met: base ? fig.perSecond / base.perSecond >= TARGET_RATIO : undefined,
    });
    if (shape) {
      rows.push({
        bench: 'wave',
        figure: `the same wave, contracts / s`,
        value: fig.perSecond,
        unit: '/s',
        baseline: `the contract's close shape: timer + ${CLOSE_LOCAL_STEPS} local activities doing nothing, same N, same worker settings`,
        baselineValue: shape.perSecond,
        better: 'higher',
      });
      rows.push({
        bench: 'wave',
        figure: 'worker CPU per contract in the wave',
        value: fig.workerCpuMs / N,
        unit: 'ms',
        baseline: `the close shape (timer + ${CLOSE_LOCAL_STEPS} local activities doing nothing)`,
        baselineValue: shape.workerCpuMs / N,
        better: 'lower',
      });
    }
    rows.push({
      bench: 'wave',
      figure: `wave drained (N=${N.toLocaleString('en')})`,
      value: fig.seconds,
      unit: 's',
      baseline: base ? 'timer + 1 activity workflow' : undefined,
      baselineValue: base?.seconds,
      better: 'lower',
      target: `< ${TARGET_S_AT_10K} s at 10,000 (this rate: ${projected.toFixed(0)} s)`,
      met: N >= 10_000 ? fig.seconds < TARGET_S_AT_10K : undefined,
    });
    rows.push({
      bench: 'wave',
      figure: 'worker CPU per contract in the wave',
      value: fig.workerCpuMs / N,
      unit: 'ms',
      baseline: base ? 'timer + 1 activity workflow' : undefined,
      baselineValue: base ? base.workerCpuMs / N : undefined,
      better: 'lower',
    });
    if (fig.serverCpuMs !== undefined) {
      rows.push({
        bench: 'wave',
        figure: 'server (Java test server) CPU per contract in the wave',
        value: fig.serverCpuMs / N,
        unit: 'ms',
        baseline: base?.serverCpuMs !== undefined ? 'timer + 1 activity workflow' : undefined,
        baselineValue: base?.serverCpuMs !== undefined ? base.serverCpuMs / N : undefined,
        better: 'lower',
      });
    }
  } finally {
    await worker.stop();
  }
} finally {
  await sink.close();
  await drop();
  await env.teardown();
}
report(rows);
