/**
 * Memory of one worker with many live contracts (issue 18, goal 5). The real worker runs in its own
 * process (scripts/bench-worker.ts) with MAX_CACHED_WORKFLOWS = --cache; N active TNC contract
 * workflows are started on a Temporal CLI dev server (each runs its first task: calendar, month-close
 * timer) while the worker's RSS is sampled every second. Then, for --churn seconds, random contracts
 * are queried, so uncached ones are replayed into the cache and others evicted — the steady state
 * of a worker whose contracts wake up one after another.
 *
 *   npx tsx scripts/bench-memory.ts [N=20000] [--cache 1000] [--churn 60] [--concurrency 20] [--no-reuse-context]
 *
 * Figures: RSS per cached workflow once every first task has settled ((settled − idle) / the
 * contracts the cache then holds), RSS growth per 1,000 contracts after
 * the cache is full and per minute of churn (both should be ~0: flat), the churn's RSS in eight
 * windows and its slope over the second half (does it level off?), and the peak RSS beside the idle
 * worker's (baseline, same process, same run).
 */
import { randomUUID } from 'node:crypto';
import { startMailSink } from '../worker/mail-sink.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker/worker.js';
import { getContract } from '../workflows/contract-messages.js';
import { jstDateOf, startOfMonth } from '../rules/calendar.js';
import {
  activeContractInput,
  args,
  devServer,
  forDuration,
  freshBenchDb,
  machine,
  pool,
  quietRuntime,
  report,
  say,
  secs,
  seedActiveContracts,
  sleep,
  slope,
  spawnWorker,
  type BenchRow,
} from './bench-lib.js';

const a = args();
const N = a.n(0, 20_000);
const CACHE = a.flag('cache', DEFAULT_MAX_CACHED_WORKFLOWS);
const CHURN_S = a.flag('churn', 60);
const CONCURRENCY = a.flag('concurrency', 20);
const TARGET_MIB = 2048;

quietRuntime();
const env = await devServer();
const { db, url, drop } = await freshBenchDb({ wal: !a.has('no-wal') });
const sink = await startMailSink();
const taskQueue = `bench-mem-${randomUUID().slice(0, 8)}`;
const rows: BenchRow[] = [];
/** The worker's main thread (activities, the SDK's core bridge) apart from RSS: the workflow thread's heap is in RSS only. */
const heapLine = (): string => {
  const s = worker.stats();
  return s ? `main-thread heap ${s.heapMiB.toFixed(0)} MiB, external ${s.externalMiB.toFixed(0)} MiB` : 'no stats';
};
const worker = await spawnWorker({
  address: env.address,
  namespace: env.namespace ?? 'default',
  taskQueue,
  databaseUrl: url,
  smtpUrl: sink.url,
  maxCachedWorkflows: CACHE,
  // --no-reuse-context: a V8 context per cached workflow instead of the SDK's shared one (to tell their memory apart).
  ...(a.has('no-reuse-context') ? { reuseV8Context: false } : {}),
});
try {
  say(`memory: N = ${N} live contracts, cache ${CACHE}${a.has('no-reuse-context') ? ', a V8 context per workflow' : ''}, dev server, worker pid ${worker.pid}, ${machine()}`);
  await sleep(3000);
  const idle = worker.stats()!.rssMiB;
  say(`idle worker: RSS ${idle.toFixed(0)} MiB (${heapLine()})`);

  const now = await env.currentTimeMs();
  const today = jstDateOf(now);
  const p = { formedAt: new Date(now).toISOString(), serviceStart: startOfMonth(today), billingStart: startOfMonth(today) };
  const ids = Array.from({ length: N }, (_, i) => `ctr-mem-${String(i).padStart(6, '0')}`);
  await seedActiveContracts(db, ids, { ...p, formedAt: new Date(now) });

  // ---- N contracts start; RSS against the number started ------------------------------------
  const samples: { t: number; started: number; rss: number; cpu: number }[] = [];
  let started = 0;
  const t0 = Date.now();
  const sampler = setInterval(() => {
    const s = worker.stats();
    if (s) samples.push({ t: Date.now() - t0, started, rss: s.rssMiB, cpu: s.cpuMs });
  }, 1000);
  let nextLog = 1000;
  await pool(N, CONCURRENCY, async (i) => {
    await env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: ids[i]!, args: [activeContractInput(ids[i]!, p)] });
    started += 1;
    if (started >= nextLog || started === N) {
      nextLog += 1000;
      say(`started ${started}/${N} (${secs(Date.now() - t0)} s): worker RSS ${worker.stats()?.rssMiB.toFixed(0)} MiB`);
    }
  });
  // Settled: the worker's CPU has stopped moving (every first task done).
  for (;;) {
    const c0 = worker.stats()!.cpuMs;
    await sleep(3000);
    if (worker.stats()!.cpuMs - c0 < 150) break;
  }
  const settledAt = samples.length;
  const afterStart = worker.stats()!.rssMiB;
  say(`all ${N} started and settled after ${secs(Date.now() - t0)} s: worker RSS ${afterStart.toFixed(0)} MiB (${heapLine()})`);

  // ---- churn: queries to random contracts (replays of uncached ones) ---------------------------
  let queries = 0;
  let failedQueries = 0;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  await forDuration(CHURN_S * 1000, 4, async () => {
    try {
      await env.client.workflow.getHandle(ids[Math.floor(rand() * N)]!).query(getContract);
      queries += 1;
    } catch {
      failedQueries += 1;
    }
  });
  clearInterval(sampler);
  const end = worker.stats()!.rssMiB;
  say(`churn: ${queries} queries in ${CHURN_S} s (${(queries / CHURN_S).toFixed(0)}/s, ${failedQueries} failed): worker RSS ${end.toFixed(0)} MiB (${heapLine()})`);

  // ---- figures ---------------------------------------------------------------------------------------
  // While contracts are still being started (x moves): the settling afterwards has x = N throughout
  // and would make the slope meaningless; its growth shows as 'settled' against 'all started'.
  const full = samples.slice(0, settledAt).filter((s) => s.started >= Math.min(N, 2 * CACHE) && s.started < N).map((s) => [s.started, s.rss] as [number, number]);
  const churn = samples.slice(settledAt).map((s) => [s.t / 60_000, s.rss] as [number, number]);
  // Settled, the cache holds min(N, cache) contracts; the growth while they are started says less,
  // since the worker works off the starts well after they were made (the slope could even be < 0).
  const cached = Math.min(N, CACHE);
  const perCachedKiB = ((afterStart - idle) * 1024) / cached;
  const afterFullKiBPer1000 = slope(full) * 1024 * 1000;
  const churnMiBPerMin = slope(churn);
  // Flat or levelling off? The churn in eight windows (at least a minute each), and the slope of its
  // second half alone: growth that is garbage not yet collected levels off, a leak keeps its slope.
  const windowMin = Math.max(1, CHURN_S / 60 / 8);
  const churnStart = churn[0]?.[0] ?? 0;
  const windows = churn.length > 0 ? Math.max(1, Math.round((churn.at(-1)![0] - churnStart) / windowMin)) : 0;
  for (let w = 0; w < windows; w += 1) {
    // The last window takes the samples up to the churn's end (the sampler stops just after it).
    const rss = churn
      .filter(([m]) => m >= churnStart + w * windowMin && (w === windows - 1 || m < churnStart + (w + 1) * windowMin))
      .map(([, r]) => r)
      .sort((x, y) => x - y);
    if (rss.length === 0) continue;
    const at = (q: number) => rss[Math.min(rss.length - 1, Math.floor(q * rss.length))]!.toFixed(0);
    say(`churn ${(w * windowMin).toFixed(1)}–${((w + 1) * windowMin).toFixed(1)} min: RSS min ${at(0)} / median ${at(0.5)} / max ${at(1)} MiB`);
  }
  const lateChurn = churn.slice(Math.floor(churn.length / 2));
  const lateMiBPerMin = slope(lateChurn);
  const peak = worker.peakRssMiB();
  say(`RSS per cached workflow, settled: ${perCachedKiB.toFixed(0)} KiB ((${afterStart.toFixed(0)} − ${idle.toFixed(0)} MiB) / ${cached} cached)`);
  say(`after the cache is full: ${Number.isFinite(afterFullKiBPer1000) ? afterFullKiBPer1000.toFixed(0) : '—'} KiB per 1,000 more contracts; during churn ${Number.isFinite(churnMiBPerMin) ? churnMiBPerMin.toFixed(1) : '—'} MiB per minute`);
  say(`during the second half of the churn: ${Number.isFinite(lateMiBPerMin) ? lateMiBPerMin.toFixed(1) : '—'} MiB per minute`);
  say(`peak worker RSS ${peak.toFixed(0)} MiB (idle ${idle.toFixed(0)} MiB)`);
  rows.push(
    {
      bench: 'memory',
      figure: `worker peak RSS, ${N.toLocaleString('en')} live contracts, cache ${CACHE}`,
      value: peak,
      unit: 'MiB',
      baseline: 'the same worker idle, before any contract',
      baselineValue: idle,
      better: 'lower',
      target: `< ${TARGET_MIB} MiB at 100,000`,
      met: N >= 100_000 ? peak < TARGET_MIB : undefined,
    },
    { bench: 'memory', figure: 'RSS per cached workflow, settled ((settled − idle) / cached)', value: perCachedKiB, unit: 'KiB', better: 'lower' },
    {
      bench: 'memory',
      figure: 'RSS growth after the cache is full, per 1,000 contracts',
      value: afterFullKiBPer1000,
      unit: 'KiB',
      better: 'lower',
      target: 'flat',
    },
    { bench: 'memory', figure: `RSS growth during ${CHURN_S} s of churn (replays, evictions)`, value: churnMiBPerMin, unit: 'MiB/min', better: 'lower', target: 'flat' },
    { bench: 'memory', figure: 'RSS growth during the second half of the churn', value: lateMiBPerMin, unit: 'MiB/min', better: 'lower', target: 'flat' },
  );
} finally {
  await worker.stop();
  await sink.close();
  await drop();
  await env.teardown();
}
report(rows);
