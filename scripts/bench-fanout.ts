/**
 * Announcement fan-out benchmark on a local Temporal dev server (in memory).
 *
 *   npx tsx scripts/bench-fanout.ts [N=10000] [--page 500] [--concurrency 25]
 *
 * Creates a fresh SQLite database with N active TNC contract rows and N running contract workflows
 * (started in the active state through the workflow's `resume` input, so no acceptance mail is
 * needed), then runs one abolition announcement (TNC-24) across them and prints: contracts per
 * second, total seconds, peak RSS of this process (worker + client + SMTP sink) and of the dev
 * server, history events per announcement run, and the number of continue-as-new runs.
 * Every reached contract really sends its notice by SMTP to an in-process sink.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDb } from '../db/client.js';
import { migrateDeploy } from '../db/migrate.js';
import { createSmtpMailer } from '../activities/mailer.js';
import { createWorker } from '../worker/worker.js';
import { startMailSink } from '../worker/mail-sink.js';
import { addDays, jstDateOf } from '../rules/calendar.js';
import { activeContractInput, seedActiveContracts } from './bench-lib.js';
import { registerSearchAttributes } from '../worker/search-attributes.js';
import { useWriteAheadLog } from '../worker/sqlite.js';
import { payloadDataConverter } from '../runtime/payload-codec.js';
import { benchPayloadCodec } from './bench-lib.js';
import {
  announcementWorkflowId,
  getProgress,
  type AnnouncementProgress,
  type AnnouncementWorkflowInput,
} from '../workflows/fanout-messages.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const N = Number(positional[0] ?? '10000');
const PAGE = flag('page', 500);
const CONCURRENCY = flag('concurrency', 25);
if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive integer; got ${positional[0]}`);

const say = (msg: string) => console.log(`[bench] ${msg}`);
const secs = (ms: number) => (ms / 1000).toFixed(1);
const t0 = Date.now();

// ---- Temporal dev server, database, SMTP sink, worker ------------------------------------------
const CLI = resolve('.temporal/bin/temporal');
const payloadCodec = benchPayloadCodec();
const env = await TestWorkflowEnvironment.createLocal({
  client: { dataConverter: payloadDataConverter(payloadCodec) },
  ...(existsSync(CLI) ? { server: { executable: { type: 'existing-path', path: CLI }, ui: false, log: { format: 'pretty', level: 'warn' } } } : {}),
});
await registerSearchAttributes(env.connection, env.namespace);
const dbFile = resolve(`data/bench/${randomUUID()}.db`);
mkdirSync(resolve('data/bench'), { recursive: true });
const dbUrl = `file:${dbFile}`;
migrateDeploy(dbUrl);
const db = createDb(dbUrl);
const sink = await startMailSink();
const mailer = createSmtpMailer(sink.url, 'yakkan-bench <notices@yakkan.bench>');
await useWriteAheadLog(db, dbUrl); // as the worker does at start
const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
const worker = await createWorker({ connection: env.nativeConnection, payloadCodec, taskQueue, db, mailer, client: env.client });
let mailCount = 0;
/** The sink keeps messages in memory; count and drop them so RSS reflects the system, not the sink. */
const drainSink = () => {
  mailCount += sink.messages.length;
  sink.messages.length = 0;
};

const serverPeak = { kb: 0 };
/** Peak RSS (VmHWM) of the dev server child process, when it can be found in /proc. */
function sampleServerRss(): void {
  try {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid || !stat.includes('(temporal')) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) serverPeak.kb = Math.max(serverPeak.kb, Number(hwm[1]));
    }
  } catch {
    // not Linux, or the process went away: the figure is reported as unknown
  }
}

const run = worker.run();
try {
  const today = jstDateOf(await env.currentTimeMs());
  const appliedAt = new Date(await env.currentTimeMs()).toISOString();
  const ids = Array.from({ length: N }, (_, i) => `ctr-bench-${String(i).padStart(6, '0')}`);

  // ---- N contract rows ------------------------------------------------------------------------
  const tRows = Date.now();
  await seedActiveContracts(db, ids, { formedAt: new Date(appliedAt), serviceStart: today, billingStart: today });
  say(`${N} contract rows in ${secs(Date.now() - tRows)} s`);

  // ---- N running contract workflows (active, via resume) ---------------------------------------
  const tStart = Date.now();
  let startedCount = 0;
  let nextIndex = 0;
  const startLane = async () => {
    while (nextIndex < N) {
      const id = ids[nextIndex++]!;
      const input = activeContractInput(id, { formedAt: appliedAt, serviceStart: today, billingStart: today });
      await env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: id, args: [input] });
      startedCount += 1;
      if (startedCount % 500 === 0 || startedCount === N) {
        sampleServerRss();
        say(`started ${startedCount}/${N} contract workflows (${secs(Date.now() - tStart)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: 20 }, startLane));
  const startSeconds = (Date.now() - tStart) / 1000;

  // Let the worker finish the contracts' first workflow tasks (calendar load, month-close timer),
  // so the announcement is not measured behind a backlog of N start-up tasks.
  const tSettle = Date.now();
  for (const id of ids.slice(-10)) {
    for (;;) {
      const d = await env.client.workflow.getHandle(id).describe();
      if ((d.historyLength ?? 0) >= 10) break;
      await new Promise((ok) => setTimeout(ok, 500));
    }
  }
  const settleSeconds = (Date.now() - tSettle) / 1000;
  say(`contract workflows settled (first tasks done) after another ${settleSeconds.toFixed(1)} s`);

  // ---- the announcement -----------------------------------------------------------------------
  const announcementId = `bench-${randomUUID().slice(0, 8)}`;
  const input: AnnouncementWorkflowInput = {
    announcementId,
    kind: 'abolition',
    terms: 'TNC',
    effectiveDate: addDays(today, 61), // TNC-24: 60 clear days
    summary: 'ベンチマーク: サービス廃止のお知らせ',
    announcedOn: today,
    pageSize: PAGE,
    concurrency: CONCURRENCY,
  };
  const workflowId = announcementWorkflowId(announcementId);
  const rssBefore = process.resourceUsage().maxRSS;
  const tAnn = Date.now();
  const h = await env.client.workflow.start('announcementWorkflow', { taskQueue, workflowId, args: [input] });
  const ticker = setInterval(() => {
    drainSink();
    sampleServerRss();
    h.query(getProgress)
      .then((p) => say(`announcement run ${p.run}: done ${p.done}, failed ${p.failed.length}, pending ${p.pending} of ${p.total} (${secs(Date.now() - tAnn)} s)`))
      .catch(() => undefined);
  }, 5000);
  const result = (await h.result()) as AnnouncementProgress;
  const annSeconds = (Date.now() - tAnn) / 1000;
  // The fan-out counts a contract done when the contract workflow has accepted its update; the
  // notice itself is sent by that workflow a moment later. Wait for the outbox to show every one
  // sent (or 5 minutes), so the figures below are about delivered notices.
  const sentKey = { idempotencyKey: { contains: `:announcement:${announcementId}:` }, status: 'sent' };
  const deliverBy = Date.now() + 300_000;
  while ((await db.notice.count({ where: sentKey })) < result.done && Date.now() < deliverBy) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const deliveredSeconds = (Date.now() - tAnn) / 1000;
  clearInterval(ticker);
  drainSink();
  sampleServerRss();

  // ---- history per run ------------------------------------------------------------------------
  const runs: { runId: string; startMs: number; events: number }[] = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await env.client.workflow.getHandle(workflowId, w.runId).fetchHistory();
    runs.push({ runId: w.runId, startMs: w.startTime.getTime(), events: history.events?.length ?? 0 });
  }
  runs.sort((a, b) => a.startMs - b.startMs); // first run first
  const events = runs.map((r) => r.events);
  const stages = await latencyBreakdown(workflowId, runs[0]?.runId);
  const notices = await db.notice.count({ where: sentKey });

  console.log('');
  say(`N = ${N} contracts, page ${PAGE}, ${CONCURRENCY} updates in flight, ${(await import('node:os')).cpus().length} cores`);
  say(`contract workflows started in ${startSeconds.toFixed(1)} s (${(N / startSeconds).toFixed(1)}/s), settled ${settleSeconds.toFixed(1)} s later`);
  say(`announcement: done ${result.done}, failed ${result.failed.length}, total ${result.total}; notices sent ${notices}, SMTP messages ${mailCount}`);
  say(`announcement: every contract accepted it after ${annSeconds.toFixed(1)} s (${(N / annSeconds).toFixed(1)} contracts/s); every notice sent after ${deliveredSeconds.toFixed(1)} s (${(notices / deliveredSeconds).toFixed(1)} notices/s)`);
  say(`peak RSS: this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (before the announcement ${(rssBefore / 1024).toFixed(0)} MiB); dev server ${serverPeak.kb ? `${(serverPeak.kb / 1024).toFixed(0)} MiB` : 'unknown'}`);
  say(`announcement runs: ${runs.length} (continue-as-new ${result.run - 1} times; final run number ${result.run})`);
  say(`history events per run: ${events.join(', ')} (max ${Math.max(...events)}, sum ${events.reduce((a, b) => a + b, 0)})`);
  say(`latency per contract, median of ${stages.samples} from the first run (ms): ${Object.entries(stages.medians).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  say(`wall time of the whole benchmark ${secs(Date.now() - t0)} s`);
  // For scripts/bench.ts's table (no baseline measured by this benchmark).
  console.log(
    `BENCH-RESULT ${JSON.stringify([
      { bench: 'fanout', figure: `announcement to N=${N} contracts: every notice sent, notices/s`, value: notices / deliveredSeconds, unit: '/s', better: 'higher' },
    ])}`,
  );
} finally {
  worker.shutdown();
  await run.catch((e) => console.error(e));
  mailer.close();
  await sink.close();
  await db.$disconnect();
  rmSync(dbFile, { force: true });
  await env.teardown();
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<typeof env.client.workflow.getHandle>['fetchHistory']>>['events']>[number];

/** Epoch ms of a history event. */
function at(e: HistoryEvent | undefined): number {
  const t = e?.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
}

/**
 * Where the time of one delivery goes, from the histories: the fan-out activity waiting for a slot,
 * the update reaching the contract, the contract's notice activity (queue wait, DB + SMTP), and the
 * way back. Medians over up to 20 contracts of the given announcement run.
 */
async function latencyBreakdown(workflowId: string, runId: string | undefined): Promise<{ samples: number; medians: Record<string, number> }> {
  const samples: Record<string, number[]> = {
    'queue(deliver)': [],
    'to accepted': [],
    'queue(notice)': [],
    'notice run': [],
    'to update done': [],
    'back to fan-out': [],
    'whole delivery': [],
  };
  if (!runId) return { samples: 0, medians: {} };
  const fan = (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const byId = new Map(fan.map((e) => [String(e.eventId), e]));
  const delivered = fan.filter((e) => e.activityTaskCompletedEventAttributes).slice(0, 20);
  for (const done of delivered) {
    const a = done.activityTaskCompletedEventAttributes!;
    const scheduled = byId.get(String(a.scheduledEventId));
    const started = byId.get(String(a.startedEventId));
    const encrypted = scheduled?.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
    const payload = encrypted ? payloadCodec.decryptOne(encrypted).data : undefined;
    if (!payload || scheduled?.activityTaskScheduledEventAttributes?.activityType?.name !== 'deliverAnnouncement') continue;
    const contractId = JSON.parse(Buffer.from(payload).toString('utf8')) as string;
    const c = (await env.client.workflow.getHandle(contractId).fetchHistory()).events ?? [];
    const accepted = c.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const completed = c.find((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    const after = c.filter((e) => Number(e.eventId) > Number(accepted?.eventId ?? Infinity));
    const nScheduled = after.find((e) => e.activityTaskScheduledEventAttributes);
    const nStarted = after.find((e) => e.activityTaskStartedEventAttributes);
    const nCompleted = after.find((e) => e.activityTaskCompletedEventAttributes);
    samples['queue(deliver)']!.push(at(started) - at(scheduled));
    samples['to accepted']!.push(at(accepted) - at(started));
    samples['queue(notice)']!.push(at(nStarted) - at(nScheduled));
    samples['notice run']!.push(at(nCompleted) - at(nStarted));
    samples['to update done']!.push(at(completed) - at(nCompleted));
    samples['back to fan-out']!.push(at(done) - at(completed));
    samples['whole delivery']!.push(at(done) - at(scheduled));
  }
  const median = (xs: number[]) => {
    const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return s.length ? s[Math.floor(s.length / 2)]! : NaN;
  };
  return {
    samples: samples['whole delivery']!.length,
    medians: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])),
  };
}
