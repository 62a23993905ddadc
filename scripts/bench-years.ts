/**
 * One contract for YEARS years (issue 18, goal 4) on the Java time-skipping server: an NGN contract
 * (ngn-vpn-standard) accepted on 1 January and never paid, so every month has its month close
 * (invoice + notice), its overdue reminder and the non-payment stoppage; the period renews every
 * year (NGN-39) and the workflow continues as new every 12 month closes. The real worker, the real
 * activities, a SQLite database and the local SMTP server.
 *
 *   npx tsx scripts/bench-years.ts [YEARS=5] [--no-baseline] [--events]
 *
 * `--events`: also prints, for one month of the second run, its events by name (what a month costs).
 *
 * Prints the wall time for the YEARS years, history events and activities per month, the time
 * spent inside the activities (by activity, and how much of it is the test server's clock that the
 * activities read), the size of the state carried into each run, and checks the ledger (one fee and
 * one tax line per month). Baselines, same server, same run (scripts/bench-workflows.ts): the
 * smallest workflow with the same month timers and one activity per month, continuing as new every
 * 12; and the contract's month shape without its work — the same timers, then as many local
 * activities one after another as an unpaid month close runs, each doing nothing.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSmtpMailer } from '../activities/mailer.js';
import { jstDateOf, jstMidnightMs } from '../rules/calendar.js';
import { eventName, historyToJson, type JsonEvent } from '../audit/history-json.js';
import { activityOf } from '../audit/history-facts.js';
import { startMailSink } from '../worker/mail-sink.js';
import { createWorker } from '../worker/worker.js';
import { acceptApplication, getContract, type ContractInput } from '../workflows/contract-messages.js';
import { MONTHS_PER_RUN } from '../workflows/contract.js';
import { callsPerClose, type MonthlyInput, type MonthShapeInput } from './bench-workflows.js';
import {
  args,
  baselineWorker,
  childPids,
  cpuMs,
  cpuMsOfPid,
  freshBenchDb,
  loadAverage,
  machine,
  quietRuntime,
  report,
  say,
  timeSkippingServer,
  benchPayloadCodec,
  percentile,
  type BenchRow,
} from './bench-lib.js';

const a = args();
const YEARS = a.n(0, 5);
const MONTHS = YEARS * 12;
const TARGET_S = 5;
/**
 * Local activities at an unpaid month close, one after another: issueInvoice, three notices (the
 * invoice, the NGN-21 reminder of the last one, the suspension for non-payment) and saveContract
 * (`npx tsx scripts/bench-years.ts 2 --no-baseline --events` prints such a month).
 */
const UNPAID_MONTH_LOCAL_STEPS = 5;

/** 10:00 JST on `date` as epoch ms. */
const tenJst = (date: string) => jstMidnightMs(date) + 10 * 3600_000;

async function sleepTo(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (ms > now) await env.sleep(ms - now);
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

interface RunFacts {
  runId: string;
  events: number;
  /** Bytes of the run's input (the state carried by continue-as-new). */
  inputBytes: number;
  activities: Record<string, number>;
  /** One month in the middle of the run, its events by name (empty for a run of under three months). */
  month: string[];
}

/** The events from a run's second TimerFired to its third, by name (one month in the middle of a run). */
function middleMonth(events: JsonEvent[]): string[] {
  const fired = events.flatMap((e, i) => (eventName(e) === 'TimerFired' ? [i] : []));
  if (fired.length < 3) return [];
  return events.slice(fired[1], fired[2]).map((e) => {
    const activity = activityOf(e);
    return activity ? `${eventName(e)}(${activity})` : eventName(e);
  });
}

/** Every run of the workflow, newest first, by following continuedExecutionRunId back. */
async function runsOf(env: TestWorkflowEnvironment, workflowId: string): Promise<RunFacts[]> {
  const runs: RunFacts[] = [];
  let runId: string | undefined = (await env.client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const activities: Record<string, number> = {};
    // Activities scheduled on the server and local activities (markers), each by its ContractActivities name; local ones as `name (local)`.
    const json = historyToJson(history).events ?? [];
    for (const e of json) {
      const name = activityOf(e);
      const key = name && eventName(e) === 'MarkerRecorded' ? `${name} (local)` : name;
      if (key) activities[key] = (activities[key] ?? 0) + 1;
    }
    runs.push({
      runId,
      events: events.length,
      inputBytes: (started?.input?.payloads ?? []).reduce((n: number, p) => n + (p.data?.length ?? 0), 0),
      activities,
      month: middleMonth(json),
    });
    runId = started?.continuedExecutionRunId || undefined;
  }
  return runs;
}

const env = await (async () => {
  quietRuntime();
  return timeSkippingServer({ jit: a.has('quick-jvm') ? 'quick-start' : 'full' });
})();
const javaPid = childPids('java')[0];
const { db, drop } = await freshBenchDb({ wal: !a.has('no-wal') });
const sink = await startMailSink();
const mailer = createSmtpMailer(sink.url, 'yakkan-bench <notices@yakkan.bench>');
const rows: BenchRow[] = [];
try {
  say(`years: one NGN contract, unpaid, ${YEARS} years (${MONTHS} month closes), time-skipping server, ${machine()}`);

  // ---- baselines: the same month timers, with one server activity; the contract's month shape ------
  /** Runs `workflowType` over MONTHS months on its own worker and task queue; its wall time in s. */
  async function baseline(label: string, workflowType: string, input: MonthlyInput | MonthShapeInput): Promise<number> {
    const tq = `bench-base-${randomUUID().slice(0, 8)}`;
    let calls = 0;
    const worker = await baselineWorker(env, tq, {
      closeMonth: async (_id: string, month: string) => {
        calls += 1;
        return { month };
      },
    });
    return worker.runUntil(async () => {
      const Y = Number(jstDateOf(await env.currentTimeMs()).slice(0, 4)) + 1;
      await sleepTo(env, tenJst(`${Y}-01-01`));
      const t0 = performance.now();
      const h = await env.client.workflow.start(workflowType, { taskQueue: tq, workflowId: input.workflowId, args: [input] });
      await sleepTo(env, tenJst(`${Y + YEARS}-01-02`));
      const seconds = (performance.now() - t0) / 1000;
      // Not h.result(): on the time-skipping server it unlocks the clock, which then jumps to far timers.
      const status = (await h.describe()).status.name;
      const perMonth = callsPerClose(input);
      if (status !== 'COMPLETED' || calls !== MONTHS * perMonth) throw new Error(`${label}: ${status} after ${calls} of ${MONTHS * perMonth} activity calls`);
      const runs = await runsOf(env, input.workflowId);
      const events = runs.reduce((n, r) => n + r.events, 0);
      say(`${label}: ${MONTHS} months in ${seconds.toFixed(2)} s wall, ${runs.length} runs, ${(events / MONTHS).toFixed(1)} events/month`);
      return seconds;
    });
  }
  let baselineSeconds: number | undefined;
  let shapeSeconds: number | undefined;
  if (!a.has('no-baseline')) {
    const id = () => `baseline-${randomUUID().slice(0, 8)}`;
    baselineSeconds = await baseline('baseline (timer + 1 activity per month)', 'monthlyBaselineWorkflow', { workflowId: id(), months: MONTHS, perRun: MONTHS_PER_RUN });
    shapeSeconds = await baseline(`the contract's month shape (timer + ${UNPAID_MONTH_LOCAL_STEPS} local activities doing nothing)`, 'monthShapeBaselineWorkflow', {
      workflowId: id(),
      months: MONTHS,
      perRun: MONTHS_PER_RUN,
      localSteps: UNPAID_MONTH_LOCAL_STEPS,
    });
  }

  /** Milliseconds spent inside each activity, and in the test server's clock (the activities' now()). */
  const spent = { activities: {} as Record<string, number[]>, clock: [] as number[] };
  // ---- the contract ----------------------------------------------------------------------------
  const tq = `bench-years-${randomUUID().slice(0, 8)}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    payloadCodec: benchPayloadCodec(),
    namespace: env.namespace,
    taskQueue: tq,
    db,
    mailer,
    client: env.client,
    now: async () => {
      const t = performance.now();
      const at = new Date(await env.currentTimeMs());
      spent.clock.push(performance.now() - t);
      return at;
    },
    // Each activity's own run time (local or not), by name: what the month's work costs inside the activities.
    wrapActivities: (real) => {
      const timed: Record<string, unknown> = {};
      for (const [name, f] of Object.entries(real) as [string, (...x: unknown[]) => Promise<unknown>][]) {
        timed[name] = async (...x: unknown[]) => {
          const t = performance.now();
          try {
            return await f(...x);
          } finally {
            (spent.activities[name] ??= []).push(performance.now() - t);
          }
        };
      }
      return timed as unknown as typeof real;
    },
  });
  await worker.runUntil(async () => {
    const Y = Number(jstDateOf(await env.currentTimeMs()).slice(0, 4)) + 1;
    await sleepTo(env, tenJst(`${Y}-01-01`));
    const contractId = `ctr-bench-years-${randomUUID().slice(0, 8)}`;
    const input: ContractInput = {
      contractId,
      terms: 'NGN',
      termsVersion: '2020-02-01',
      planId: 'ngn-vpn-standard',
      customer: { id: `cust-${contractId}`, name: '株式会社ベンチ', email: `${contractId}@example.co.jp`, kind: 'corporate', domestic: true },
      channel: 'form',
      appliedAt: new Date(await env.currentTimeMs()).toISOString(),
    };
    const tStart = performance.now();
    const h: WorkflowHandle = await env.client.workflow.start('contractWorkflow', { taskQueue: tq, workflowId: contractId, args: [input] });
    await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: `${Y}-01-01` }] });
    const acceptedMs = performance.now() - tStart;
    spent.activities = {};
    spent.clock = [];
    const t0 = performance.now();
    const cpu0 = cpuMs();
    const java0 = javaPid ? cpuMsOfPid(javaPid) : undefined;
    await sleepTo(env, tenJst(`${Y + YEARS}-01-02`));
    const seconds = (performance.now() - t0) / 1000;
    const workerCpuS = (cpuMs() - cpu0) / 1000;
    const java1 = javaPid ? cpuMsOfPid(javaPid) : undefined;
    const serverCpuS = java0 !== undefined && java1 !== undefined ? (java1 - java0) / 1000 : undefined;
    const view = await h.query(getContract);

    // ---- what it recorded ------------------------------------------------------------------------
    const runs = await runsOf(env, contractId);
    // The second run (runs are newest first): a month of a run that continued from another.
    const month = runs[runs.length - 2]?.month ?? [];
    if (a.has('events')) say(`one month (${month.length} events): ${month.join(' ')}`);
    const events = runs.reduce((n, r) => n + r.events, 0);
    const activities: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of Object.entries(r.activities)) activities[k] = (activities[k] ?? 0) + v;
    const activityCount = Object.values(activities).reduce((x, y) => x + y, 0);
    const localCount = Object.entries(activities).reduce((n, [k, v]) => n + (k.endsWith(' (local)') ? v : 0), 0);
    const inputs = [...runs].reverse().map((r) => r.inputBytes);
    const ledger = await db.ledgerEntry.findMany({ where: { contractId }, select: { kind: true, period: true } });
    const fees = ledger.filter((l) => l.kind === 'fee').length;
    const taxes = ledger.filter((l) => l.kind === 'consumption-tax').length;
    const notices = await db.notice.count({ where: { contractId, status: 'sent' } });
    const noticeKinds = await db.notice.groupBy({ by: ['kind'], where: { contractId, status: 'sent' }, _count: { _all: true } });
    await h.terminate('benchmark finished');

    say(`accepted in ${acceptedMs.toFixed(0)} ms (acceptance notice included); ${YEARS} years in ${seconds.toFixed(2)} s wall`);
    say(`CPU over those ${seconds.toFixed(1)} s: this process (worker, activities, SMTP server) ${workerCpuS.toFixed(1)} s, the test server ${serverCpuS?.toFixed(1) ?? '?'} s; load average ${loadAverage().toFixed(1)}`);
    say(`state: ${view.status}, run ${view.run}, period ${view.period?.start} … ${view.period?.end} (renewals ${view.period?.renewals}), open invoices ${view.openInvoices.length}`);
    say(`ledger: ${fees} fee lines, ${taxes} tax lines for ${MONTHS} months; ${notices} notices sent (${noticeKinds.map((k) => `${k.kind} ${k._count._all}`).join(', ')})`);
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    const insideMs = sum(Object.values(spent.activities).map(sum));
    say(
      `inside the activities: ${(insideMs / 1000).toFixed(2)} s of the ${seconds.toFixed(2)} s = ${(insideMs / MONTHS).toFixed(1)} ms per month (` +
        Object.entries(spent.activities)
          .sort((x, y) => sum(y[1]) - sum(x[1]))
          .map(([k, v]) => `${k} ${v.length} × p50 ${percentile(v, 50).toFixed(1)} ms`)
          .join(', ') +
        `); of it the test server's clock (the activities' now(), ${spent.clock.length} calls): ${(sum(spent.clock) / 1000).toFixed(2)} s`,
    );
    say(`history: ${runs.length} runs, ${events} events = ${(events / MONTHS).toFixed(1)} per month; ${activityCount} activities = ${(activityCount / MONTHS).toFixed(1)} per month, ${((activityCount - localCount) / MONTHS).toFixed(1)} of them through the server and ${(localCount / MONTHS).toFixed(1)} local`);
    say(`activities: ${Object.entries(activities).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    say(`carried input per run (bytes, first run first): ${inputs.join(', ')}`);
    if (fees !== MONTHS || taxes !== MONTHS) throw new Error(`expected ${MONTHS} fee and ${MONTHS} tax lines, got ${fees} and ${taxes}`);

    rows.push(
      {
        bench: 'years',
        figure: `one NGN contract, ${YEARS} years unpaid (renewals, continue-as-new), wall time`,
        value: seconds,
        unit: 's',
        baseline: baselineSeconds !== undefined ? `timer + 1 activity per month, ${MONTHS} months` : undefined,
        baselineValue: baselineSeconds,
        better: 'lower',
        target: `< ${TARGET_S} s`,
        met: seconds < TARGET_S,
      },
      {
        bench: 'years',
        figure: `the same ${YEARS} years, wall time`,
        value: seconds,
        unit: 's',
        baseline: shapeSeconds !== undefined ? `the contract's month shape: timer + ${UNPAID_MONTH_LOCAL_STEPS} local activities doing nothing` : undefined,
        baselineValue: shapeSeconds,
        better: 'lower',
      },
      { bench: 'years', figure: 'time inside the activities per month (database, SMTP, test server clock)', value: insideMs / MONTHS, unit: 'ms', better: 'lower' },
      { bench: 'years', figure: 'history events per month', value: events / MONTHS, unit: '', better: 'lower' },
      { bench: 'years', figure: 'activities per month (server + local)', value: activityCount / MONTHS, unit: '', better: 'lower' },
      { bench: 'years', figure: 'activities per month through the server', value: (activityCount - localCount) / MONTHS, unit: '', better: 'lower' },
      {
        bench: 'years',
        figure: 'state carried into the last run (bytes)',
        value: inputs[inputs.length - 1] ?? 0,
        unit: 'B',
        baseline: 'carried into the second run',
        baselineValue: inputs[1],
        better: 'lower',
      },
    );
  });
} finally {
  mailer.close();
  await sink.close();
  await drop();
  await env.teardown();
}
report(rows);
