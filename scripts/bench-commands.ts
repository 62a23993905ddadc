/**
 * Command latency (issue 18, goal 6) on a Temporal CLI dev server, with the real worker in its own
 * process (scripts/bench-worker.ts) and the real API (api/app.ts) on a local port:
 *
 * - accept (NGN-11): N applications are made through the API; each is accepted, alternately through
 *   the API (POST /contracts/:id/accept) and directly with the Temporal client (the baseline). The
 *   acceptance notice is part of the accept (NGN-11: formed when it is sent); its activity's own
 *   time (outbox + SMTP: from the history, or from its outbox row when it ran as a local activity)
 *   is also taken out, for the figure "without the SMTP round trip".
 * - a cheap update (setQueuePriority, NGN-11 queue): on the same contracts, alternately through the
 *   API (POST /contracts/:id/priority) and directly; p50 and p99 of each.
 * - the floor under both: a no-op update of a minimal workflow (scripts/bench-workflows.ts) on the
 *   same server, its worker in a process of its own as the real one is, once per contract between
 *   the two — what any update costs on this server and SDK before the contract does anything.
 *
 *   npx tsx scripts/bench-commands.ts [N=200] [--events] [--profile DIR]
 *
 * One request at a time (latency, not throughput); the two sides alternate so load on the machine
 * falls on both alike.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../api/app.js';
import { parseApiKeys } from '../api/auth.js';
import { startMailSink } from '../worker/mail-sink.js';
import { acceptApplication, getContract, setQueuePriority } from '../workflows/contract-messages.js';
import { baselineNoop } from './bench-workflows.js';
import { attributesOf, eventName, type JsonEvent } from '../audit/history-json.js';
import { args, devServer, freshBenchDb, jsonHistory, machine, percentile, quietRuntime, report, say, spawnWorker, type BenchRow } from './bench-lib.js';

const a = args();
const N = a.n(0, 200);
const KEY = `bench-ops-${randomUUID()}`;

quietRuntime();
const env = await devServer();
const { db, url, drop } = await freshBenchDb({ wal: !a.has('no-wal') });
const sink = await startMailSink();
const taskQueue = `bench-cmd-${randomUUID().slice(0, 8)}`;
/** `--profile DIR`: the worker writes V8 CPU profiles there (node --cpu-prof; one per thread). */
const PROFILE = a.text('profile');
const worker = await spawnWorker(
  { address: env.address, namespace: env.namespace ?? 'default', taskQueue, databaseUrl: url, smtpUrl: sink.url },
  PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [],
);
/** The floor: a minimal workflow's no-op update (scripts/bench-workflows.ts), its own worker process, same server. */
const floorQueue = `bench-floor-${randomUUID().slice(0, 8)}`;
const floorWorker = await spawnWorker({ address: env.address, namespace: env.namespace ?? 'default', taskQueue: floorQueue, databaseUrl: url, smtpUrl: sink.url, baseline: true });
const server = buildApp({ client: env.client, db, keys: parseApiKeys(`${KEY}=ops`), taskQueue }).listen(0, '127.0.0.1');
await new Promise<void>((ok) => server.once('listening', () => ok()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const rows: BenchRow[] = [];

async function api(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as unknown;
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function apply(): Promise<string> {
  const id = `ctr-cmd-${randomUUID().slice(0, 8)}`;
  await api('/contracts', {
    contractId: id,
    terms: 'NGN',
    planId: 'ngn-vpn-standard',
    customer: { id: `cust-${id}`, name: '株式会社ベンチ', email: `${id}@example.co.jp`, kind: 'corporate' },
  });
  return id;
}

/** An event's server time in ms (proto JSON times are ISO strings). */
const at = (e: JsonEvent | undefined): number => Date.parse(e?.eventTime ?? '');

/**
 * Milliseconds of the contract's acceptance notice (outbox + SMTP): its activity's started →
 * completed from the history; run as a local activity (patch local-notices-v1, whose marker has no
 * start time), its outbox row's createdAt → sentAt (both the worker's clock: the row is written
 * when the attempt starts, sentAt when the SMTP server has answered).
 */
async function noticeMs(id: string): Promise<number> {
  const { events } = await jsonHistory(env.client, id);
  const scheduled = events.find((e) => (attributesOf(e).activityType as { name?: string } | undefined)?.name === 'sendNotice');
  if (!scheduled) {
    const row = await db.notice.findFirst({ where: { contractId: id, kind: 'acceptance', status: 'sent' }, select: { createdAt: true, sentAt: true } });
    return row?.sentAt ? row.sentAt.getTime() - row.createdAt.getTime() : NaN;
  }
  const of = (name: string) => events.find((e) => eventName(e) === name && String(attributesOf(e).scheduledEventId) === scheduled.eventId);
  return at(of('ActivityTaskCompleted')) - at(of('ActivityTaskStarted'));
}

/** `--events`: the server's timeline of one contract (ms since its start, event, activity or update), to see where a command waits. */
async function timeline(id: string): Promise<void> {
  const { events } = await jsonHistory(env.client, id);
  const t0 = at(events[0]);
  for (const e of events) {
    const attrs = attributesOf(e) as { activityType?: { name?: string }; acceptedRequest?: { input?: { name?: string } } };
    say(`  ${String(at(e) - t0).padStart(6)} ms  ${e.eventId} ${eventName(e)} ${attrs.activityType?.name ?? attrs.acceptedRequest?.input?.name ?? ''}`);
  }
}

const time = async (f: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

try {
  say(`commands: N = ${N} NGN applications, dev server, worker pid ${worker.pid}, ${machine()}`);
  // Warm-up (connections, caches, JIT), not counted.
  for (let i = 0; i < 10; i++) {
    const id = await apply();
    await api(`/contracts/${id}/accept`, {});
    await env.client.workflow.getHandle(id).executeUpdate(setQueuePriority, { args: [{ priority: 1 }] }).catch(() => undefined);
  }

  const floor = await env.client.workflow.start('updateBaselineWorkflow', { taskQueue: floorQueue, workflowId: `floor-${randomUUID().slice(0, 8)}` });
  for (let i = 0; i < 10; i++) await floor.executeUpdate(baselineNoop, { args: [1] });
  const noop: number[] = [];
  const accept = { api: [] as number[], direct: [] as number[], apiWithoutNotice: [] as number[] };
  const cheap = { api: [] as number[], direct: [] as number[] };
  for (let i = 0; i < N; i++) {
    const id = await apply();
    const h = env.client.workflow.getHandle(id);
    // The application's first workflow task done (a query is answered after it), so neither update
    // below carries the workflow's start: POST /contracts answers once the workflow is started.
    await h.query(getContract);
    // The cheap update first, while the application is open: one through the API, one direct.
    const order = i % 2 === 0 ? (['api', 'direct'] as const) : (['direct', 'api'] as const);
    for (const side of order) {
      const ms = await time(() => (side === 'api' ? api(`/contracts/${id}/priority`, { priority: i % 7 }) : h.executeUpdate(setQueuePriority, { args: [{ priority: i % 5 }] })));
      cheap[side].push(ms);
    }
    noop.push(await time(() => floor.executeUpdate(baselineNoop, { args: [1] })));
    // Then the accept, alternately through the API and direct.
    if (i % 2 === 0) {
      const ms = await time(() => api(`/contracts/${id}/accept`, {}));
      accept.api.push(ms);
      accept.apiWithoutNotice.push(ms - (await noticeMs(id)));
    } else {
      accept.direct.push(await time(() => h.executeUpdate(acceptApplication, { args: [{}] })));
    }
    if ((i + 1) % 50 === 0) say(`${i + 1}/${N} contracts`);
    if (a.has('events') && i === N - 1) await timeline(id);
  }

  const p = (xs: number[], q: number) => percentile(xs, q);
  say(`accept through the API: p50 ${p(accept.api, 50).toFixed(1)} ms, p99 ${p(accept.api, 99).toFixed(1)} ms; direct: p50 ${p(accept.direct, 50).toFixed(1)} ms`);
  say(`accept through the API without its notice activity (outbox + SMTP): p50 ${p(accept.apiWithoutNotice, 50).toFixed(1)} ms`);
  say(`cheap update (priority) through the API: p50 ${p(cheap.api, 50).toFixed(1)} ms, p99 ${p(cheap.api, 99).toFixed(1)} ms; direct: p50 ${p(cheap.direct, 50).toFixed(1)} ms, p99 ${p(cheap.direct, 99).toFixed(1)} ms`);
  say(`floor: a minimal workflow's no-op update, direct (its own worker process, same server): p50 ${p(noop, 50).toFixed(1)} ms, p99 ${p(noop, 99).toFixed(1)} ms`);
  await floor.terminate('benchmark finished');
  const sent = await db.notice.count({ where: { kind: 'acceptance', status: 'sent' } });
  if (sent < N) throw new Error(`only ${sent} acceptance notices sent for ${N} accepts`);

  rows.push(
    {
      bench: 'commands',
      figure: 'accept (NGN-11) through the API, p50, acceptance notice included',
      value: p(accept.api, 50),
      unit: 'ms',
      baseline: 'accept with the Temporal client directly, p50',
      baselineValue: p(accept.direct, 50),
      better: 'lower',
    },
    {
      bench: 'commands',
      figure: 'accept through the API without its notice activity (outbox + SMTP), p50',
      value: p(accept.apiWithoutNotice, 50),
      unit: 'ms',
      baseline: 'accept through the API, notice included, p50',
      baselineValue: p(accept.api, 50),
      better: 'lower',
      target: '< 50 ms',
      met: p(accept.apiWithoutNotice, 50) < 50,
    },
    {
      bench: 'commands',
      figure: 'accept (NGN-11) directly, p50, acceptance notice included',
      value: p(accept.direct, 50),
      unit: 'ms',
      baseline: "a minimal workflow's no-op update, direct, p50 (the server's and SDK's floor)",
      baselineValue: p(noop, 50),
      better: 'lower',
    },
    {
      bench: 'commands',
      figure: 'cheap update (priority) directly, p50',
      value: p(cheap.direct, 50),
      unit: 'ms',
      baseline: "a minimal workflow's no-op update, direct, p50",
      baselineValue: p(noop, 50),
      better: 'lower',
    },
    {
      bench: 'commands',
      figure: 'cheap update (priority) through the API, p99',
      value: p(cheap.api, 99),
      unit: 'ms',
      baseline: 'the same update with the Temporal client directly, p99',
      baselineValue: p(cheap.direct, 99),
      better: 'lower',
      target: 'ratio ≤ 1.2',
      met: p(cheap.api, 99) <= 1.2 * p(cheap.direct, 99),
    },
    {
      bench: 'commands',
      figure: 'cheap update (priority) through the API, p50',
      value: p(cheap.api, 50),
      unit: 'ms',
      baseline: 'direct, p50',
      baselineValue: p(cheap.direct, 50),
      better: 'lower',
    },
  );
} finally {
  await new Promise<void>((ok) => server.close(() => ok()));
  await worker.stop();
  await floorWorker.stop();
  await sink.close();
  await drop();
  await env.teardown();
}
report(rows);
