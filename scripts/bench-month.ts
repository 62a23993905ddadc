/**
 * What one contract costs per month, measured (docs/SCALING.md): contracts of both 約款 run for
 * MONTHS months on the time-skipping test server with the real worker, a real SQLite ledger and a
 * real SMTP server; the customer pays every invoice a day after it is issued (a payment update).
 * Then every run of every history is read back and counted.
 *
 *   npx tsx scripts/bench-month.ts [--contracts 10] [--months 25]
 *
 * Prints, per 約款 and per contract-month: history events (by type), activities (by type), updates,
 * timers, history bytes (protobuf, as the server stores them), continue-as-new runs and the largest
 * run; database rows per contract-month by table; and the CPU time of this process (worker, client
 * and SMTP server together: an upper bound for the worker) per contract-month.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowBundle } from '../runtime/workflow-bundle.js';
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createDb } from '../db/client.js';
import { migrateDeploy } from '../db/migrate.js';
import { createSmtpMailer } from '../activities/mailer.js';
import { firstOfNextMonth, jstDateOf, jstMidnightMs } from '../rules/calendar.js';
import { acceptApplication, getContract, recordPayment, type ContractInput, type Customer, type TermsId } from '../workflows/contract-messages.js';
import { startMailSink } from '../worker/mail-sink.js';
import { createWorker } from '../worker/worker.js';
import { timeSkippingEnv } from '../test/helpers/temporal.js';
import { payloadDataConverter } from '../runtime/payload-codec.js';
import { benchPayloadCodec } from './bench-lib.js';

const { values } = parseArgs({ options: { contracts: { type: 'string', default: '10' }, months: { type: 'string', default: '25' } } });
const PER_TERMS = Number(values.contracts);
const MONTHS = Number(values.months);
if (!(PER_TERMS >= 1 && MONTHS >= 1)) throw new Error('--contracts and --months must be positive integers');

const say = (line: string) => console.log(`[bench-month] ${line}`);
Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

const scratch = resolve('data/bench-month', `run-${process.pid}-${Date.now()}`);
mkdirSync(scratch, { recursive: true });
const dbUrl = `file:${resolve(scratch, 'bench.db')}`;
migrateDeploy(dbUrl);
const db = createDb(dbUrl);
const sink = await startMailSink();
const mailer = createSmtpMailer(sink.url, 'yakkan-bench <notices@yakkan.bench>');
const payloadCodec = benchPayloadCodec();
const env = await timeSkippingEnv({ client: { dataConverter: payloadDataConverter(payloadCodec) } });
let delivered = 0;

function application(terms: TermsId, planId: string, n: number, appliedAtMs: number): ContractInput {
  const id = `bench-${terms.toLowerCase()}-${n}-${randomUUID().slice(0, 6)}`;
  const customer: Customer =
    terms === 'NGN'
      ? { id, name: '株式会社ベンチ商事', email: `${id}@example.co.jp`, kind: 'corporate', domestic: true }
      : { id, name: '便地 太郎', email: `${id}@example.jp`, kind: 'consumer', domestic: true };
  return {
    contractId: id,
    terms,
    termsVersion: terms === 'NGN' ? '2020-02-01' : '2022-07-01',
    planId,
    customer,
    channel: terms === 'NGN' ? 'form' : 'online',
    appliedAt: new Date(appliedAtMs).toISOString(),
  };
}

// The proto codec of @temporalio/proto, for the history's encoded size (what the server stores).
const fromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const proto = fromProto(createRequire(import.meta.url).resolve('@temporalio/proto')) as typeof import('@temporalio/proto');
const encodedSize = (h: unknown) => proto.temporal.api.history.v1.History.encode(h as never).finish().length;

try {
  const taskQueue = `bench-month-${randomUUID().slice(0, 8)}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    payloadCodec,
    taskQueue,
    db,
    mailer,
    client: env.client,
    // Activities see the test server's (skipped) clock, as the workflows do.
    now: async () => new Date(await env.currentTimeMs()),
  });
  const running = worker.run();
  // The sink keeps messages in memory: count and drop them.
  const drain = setInterval(() => {
    delivered += sink.messages.length;
    sink.messages.length = 0;
  }, 1_000);
  // 01:00 JST on the next 1st: every contract starts (and is billed from) the 1st.
  const now0 = await env.currentTimeMs();
  const first = firstOfNextMonth(jstDateOf(now0));
  await env.sleep(jstMidnightMs(first) + 3_600_000 - now0);

  const plans: [TermsId, string][] = [
    ['NGN', 'ngn-vpn-standard'],
    ['TNC', 'tnc-home-1g'],
  ];
  const contracts: { terms: TermsId; id: string; handle: WorkflowHandle }[] = [];
  for (const [terms, planId] of plans) {
    for (let i = 0; i < PER_TERMS; i++) {
      const input = application(terms, planId, i, await env.currentTimeMs());
      const handle = await env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      await handle.executeUpdate(acceptApplication, { args: [terms === 'NGN' ? { serviceStartDate: first } : {}] });
      contracts.push({ terms, id: input.contractId, handle });
    }
  }
  say(`${contracts.length} contracts (${PER_TERMS} NGN ngn-vpn-standard, ${PER_TERMS} TNC tnc-home-1g) active from ${first}; running ${MONTHS} months`);

  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  let payments = 0;
  for (let m = 1; m <= MONTHS; m++) {
    // To 10:00 JST on the 2nd of the next month: the close of the 1st has run; pay what is open.
    const now = await env.currentTimeMs();
    const next = firstOfNextMonth(jstDateOf(now));
    await env.sleep(jstMidnightMs(next) + 34 * 3_600_000 - now);
    const today = jstDateOf(await env.currentTimeMs());
    for (const c of contracts) {
      const h = env.client.workflow.getHandle(c.id);
      for (const inv of (await h.query(getContract)).openInvoices) {
        // NGN-19: bank transfer; TNC-27: bank debit.
        const method = c.terms === 'NGN' ? 'bank-transfer' : 'bank-debit';
        await h.executeUpdate(recordPayment, { args: [{ invoiceId: inv.id, amount: inv.total, method, paidOn: today }] });
        payments++;
      }
    }
    if (m % 6 === 0 || m === MONTHS) say(`month ${m} of ${MONTHS} (${today}): ${payments} payments so far, ${((Date.now() - wall0) / 1000).toFixed(0)} s`);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  // ---- counting -----------------------------------------------------------------------------------
  const allRuns: { workflowId: string; history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> }[] = [];
  for (const [terms] of plans) {
    const mine = contracts.filter((c) => c.terms === terms);
    const contractMonths = mine.length * MONTHS;
    const events = new Map<string, number>();
    const activities = new Map<string, number>();
    let total = 0;
    let bytes = 0;
    let runs = 0;
    let largestRun = 0;
    let largestRunBytes = 0;
    for (const c of mine) {
      let runId: string | undefined = (await c.handle.describe()).runId;
      while (runId) {
        const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await env.client.workflow.getHandle(c.id, runId).fetchHistory();
        const list = history.events ?? [];
        allRuns.push({ workflowId: c.id, history });
        runs++;
        total += list.length;
        const size = encodedSize(history);
        bytes += size;
        largestRun = Math.max(largestRun, list.length);
        largestRunBytes = Math.max(largestRunBytes, size);
        for (const e of list) {
          const type = String(proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? e.eventType).replace(/^EVENT_TYPE_/, '');
          events.set(type, (events.get(type) ?? 0) + 1);
          const a = e.activityTaskScheduledEventAttributes?.activityType?.name;
          if (a) activities.set(a, (activities.get(a) ?? 0) + 1);
        }
        runId = list[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      }
    }
    const per = (n: number) => (n / contractMonths).toFixed(2);
    const top = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${per(v)}`)
        .join(', ');
    say(`${terms}: ${mine.length} contracts × ${MONTHS} months`);
    say(`  history events per contract-month: ${per(total)} (${top(events)})`);
    say(`  activities per contract-month: ${per([...activities.values()].reduce((s, v) => s + v, 0))} (${top(activities)})`);
    say(`  history bytes (protobuf) per contract-month: ${(bytes / contractMonths).toFixed(0)}; runs per contract: ${(runs / mine.length).toFixed(2)}; largest run ${largestRun} events, ${largestRunBytes} bytes`);
  }

  // A worker that no longer has a workflow in its cache (evicted, restarted, another worker) replays
  // the run's history before it can go on: what that costs per event and for the largest run.
  const replayEvents = allRuns.reduce((n, r) => n + (r.history.events?.length ?? 0), 0);
  const largest = allRuns.reduce((a, b) => ((b.history.events?.length ?? 0) > (a.history.events?.length ?? 0) ? b : a));
  const replayCpu = async (runsToReplay: typeof allRuns) => {
    const c0 = process.cpuUsage();
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), dataConverter: payloadDataConverter(payloadCodec) }, runsToReplay)) {
      if (r.error) throw new Error(`replay of ${r.workflowId} failed: ${r.error.message}`);
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const allMs = await replayCpu(allRuns);
  const largestMs = await replayCpu(Array.from({ length: 10 }, () => largest));
  say(
    `replay (a cache miss): ${allRuns.length} runs, ${replayEvents} events in ${allMs.toFixed(0)} ms CPU = ${((allMs * 1000) / replayEvents).toFixed(0)} µs per event; ` +
      `the largest run (${largest.history.events?.length} events) ${(largestMs / 10).toFixed(0)} ms`,
  );

  const ids = contracts.map((c) => c.id);
  const where = { contractId: { in: ids } };
  const rows: [string, number][] = [
    ['Contract', await db.contract.count({ where: { id: { in: ids } } })],
    ['LedgerEntry', await db.ledgerEntry.count({ where })],
    ['Invoice', await db.invoice.count({ where })],
    ['Payment', await db.payment.count({ where })],
    ['Notice', await db.notice.count({ where })],
    ['ContractEvent', await db.contractEvent.count({ where })],
    ['UsageRecord', await db.usageRecord.count({ where })],
    ['CarrierMessage', await db.carrierMessage.count({ where })],
  ];
  const cm = contracts.length * MONTHS;
  say(`database rows per contract-month (both 約款): ${rows.map(([t, n]) => `${t} ${(n / cm).toFixed(2)}`).join(', ')}`);
  delivered += sink.messages.length;
  sink.messages.length = 0;
  say(`notices delivered by SMTP: ${delivered}; payments made: ${payments}`);
  say(
    `CPU of this process (worker + client + SMTP server) over the months: ${cpuSeconds.toFixed(1)} s = ${((cpuSeconds * 1000) / cm).toFixed(1)} ms per contract-month; ` +
      `wall ${((Date.now() - wall0) / 1000).toFixed(0)} s; heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MiB, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`,
  );
  for (const c of contracts) await c.handle.terminate('bench finished').catch(() => undefined);
  clearInterval(drain);
  worker.shutdown();
  await running;
} finally {
  await env.teardown();
  mailer.close();
  await sink.close();
  await db.$disconnect();
  rmSync(scratch, { recursive: true, force: true });
}
