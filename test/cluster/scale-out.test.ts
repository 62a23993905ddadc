/**
 * Issue 19: yakkan scaled out on the production-shaped topology of `npm run cluster`
 * (scripts/cluster/topology.ts): PostgreSQL 15, the real Temporal server v1.29.1 on it, the Web UI,
 * two worker processes and two API processes behind one address. A workload of contracts goes
 * through the one address (so through both API processes); part-way through, one worker process is
 * killed with SIGKILL (no drain, no goodbye), and the other carries every workflow on.
 *
 * Per contract (NGN, plan ngn-vpn-standard), four commands, each a Temporal update:
 *   POST /contracts                  → 201, applied
 *   POST /contracts/:id/accept       → 200, active; NGN-11: formed when the acceptance notice is sent
 *   POST /contracts/:id/dispatches   → 201; NGN-29 dispatch cost 5,000 yen + NGN-23 tax 10% = 500
 *                                      (円未満切り捨て: 5,000 × 0.10 = 500 exactly) → invoice 5,500 yen
 *                                      and its notice (NGN-19 invoice notice)
 *   POST /contracts/:id/payments     → 201; 5,500 yen paid on the day of issue, before the due date
 *                                      at the month end: no NGN-21 late damages
 * Afterwards, for every contract: each command's update is in the history exactly once; the ledger
 * has exactly the two lines (5,000 + 500), one invoice of 5,500 and one payment of 5,500, and
 * GET /contracts/:id/balance reconciles to 0; both notices are sent and reached the SMTP server;
 * the workflow is still running and answers its query. Contracts the killed worker had served are
 * carried on by the other.
 *
 * The cluster is set up here from the binaries scripts/cluster-setup.sh builds (npm test runs it):
 * a fresh PostgreSQL in data/test/, free ports, no fsync. Figures (time, memory) are printed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { beforeAll, describe, expect, test } from 'vitest';
import { createDb, type Db } from '../../db/client.js';
import { MiB } from '../../scripts/cluster/processes.js';
import { postgresInstalled } from '../../scripts/cluster/postgres.js';
import { temporalServerBuilt } from '../../scripts/cluster/temporal.js';
import { freePorts, startCluster, type Cluster } from '../../scripts/cluster/topology.js';
import { uiServerBuilt } from '../../scripts/cluster/ui.js';
import { payloadKeysSpec, registrationNumbersSpec, testPayloadCodec, useWorld } from '../helpers/world.js';
import { payloadDataConverter } from '../../runtime/payload-codec.js';
import { parseMail } from '../notices/mime.js';

const CONTRACTS = 100;
/** Contracts in flight at once (each runs its four commands in order). */
const CONCURRENCY = 8;
/** The worker is killed once this share of all commands has completed. */
const KILL_AT = 0.4;
const COMMANDS_PER_CONTRACT = 4;

const world = useWorld('no-temporal', { stepTimeoutMs: 120_000 });
const opsKey = randomBytes(18).toString('base64url');
let cluster: Cluster;
let client: Client;
let db: Db;

beforeAll(async () => {
  const missing = [
    !temporalServerBuilt() && 'the Temporal server and sql tool (.temporal/bin/temporal-server, temporal-sql-tool)',
    !uiServerBuilt() && 'the Temporal UI server (.temporal/bin/temporal-ui-server)',
    !postgresInstalled() && 'PostgreSQL 15 (/usr/lib/postgresql/15/bin)',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`the scale-out test needs ${missing.join(', ')}: run bash scripts/cluster-setup.sh (Go for the builds, root for apt-get)`);
  }
  const dir = resolve('data/test', `cluster-${randomUUID().slice(0, 8)}`);
  world.defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const started = Date.now();
  cluster = await startCluster({
    dir,
    ports: await freePorts(2),
    apiKeys: `${opsKey}=ops`,
    payloadKeys: payloadKeysSpec(),
    workers: 2,
    durable: false,
    smtpUrl: world.sink.url,
    mailFrom: 'yakkan-test <notices@yakkan.test>',
    invoiceRegistrationNumbers: registrationNumbersSpec(),
    say: (line) => console.log(`[scale-out] ${line}`),
  }).catch((e: Error) => {
    throw new Error(`the cluster did not start: ${e.message}`);
  });
  world.defer('stop the cluster', () => cluster.stop());
  console.log(`[scale-out] cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const connection = await Connection.connect({ address: cluster.temporalAddress });
  world.defer('close the Temporal connection', () => connection.close());
  client = new Client({ connection, namespace: cluster.namespace, dataConverter: payloadDataConverter(testPayloadCodec()) });
  db = createDb(cluster.databaseUrl);
  world.defer('disconnect from the yakkan database', () => db.$disconnect());
}, 600_000);

interface Answer {
  status: number;
  body: Record<string, unknown>;
  api: string;
  ms: number;
}

/** One request through the cluster's one address; a write carries its Idempotency-Key. */
async function call(method: 'GET' | 'POST', path: string, body?: object, key?: string): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${cluster.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${opsKey}`, ...(body ? { 'content-type': 'application/json' } : {}), ...(key ? { 'idempotency-key': key } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(240_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, api: res.headers.get('x-yakkan-api') ?? '?', ms: Date.now() - started };
}

/** Requests sent again after a 503/504 outcome_unknown (the API's answer while a worker is gone). */
let retried = 0;
const RETRIES = 10;

/**
 * A command that must succeed with `status`; otherwise fails naming the command and the answer. As a
 * client must (README "Guarantees"), a write whose outcome the API could not know (503/504
 * `outcome_unknown`, e.g. while the killed worker's workflows move to the other one) is sent again
 * with the same Idempotency-Key, which returns its one outcome and never carries it out twice.
 */
async function command(what: string, method: 'GET' | 'POST', path: string, status: number, body?: object): Promise<Answer> {
  const key = method === 'POST' ? `scale-${randomUUID()}` : undefined;
  for (let attempt = 1; ; attempt++) {
    const a = await call(method, path, body, key);
    const code = (a.body.error as { code?: string } | undefined)?.code;
    if ((a.status === 503 || a.status === 504) && code === 'outcome_unknown' && attempt < RETRIES) {
      retried++;
      continue;
    }
    if (a.status !== status) throw new Error(`${what}: ${method} ${path} answered ${a.status} (expected ${status}) from ${a.api}: ${JSON.stringify(a.body)}`);
    return a;
  }
}

/** Today in Japan (the workflows' calendar day, NGN/TNC dates are Asia/Tokyo). */
const todayJst = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

describe('scale-out: two workers and two API processes on PostgreSQL and the Temporal server (issue 19)', () => {
  test(`${CONTRACTS} NGN contracts through both API processes; one worker is SIGKILLed part-way and the other carries every workflow on`, async () => {
    const [worker1, worker2] = cluster.workers as [Cluster['workers'][0], Cluster['workers'][0]];
    const identity = (w: { pid: number }) => `${w.pid}@${hostname()}`;
    const memoryBefore = cluster.memory();

    const total = CONTRACTS * COMMANDS_PER_CONTRACT;
    let done = 0;
    let killedAt: number | undefined;
    const servedBy: Record<string, number> = {};
    const latencies: number[] = [];
    const ids: string[] = [];
    const record = (a: Answer) => {
      done++;
      servedBy[a.api] = (servedBy[a.api] ?? 0) + 1;
      latencies.push(a.ms);
      if (killedAt === undefined && done >= total * KILL_AT) {
        killedAt = Date.now();
        worker1.kill('SIGKILL');
        console.log(`[scale-out] SIGKILL ${worker1.name} (pid ${worker1.pid}) after ${done} of ${total} commands`);
      }
    };

    const one = async (n: number) => {
      const customerId = `scale-${n}`;
      const created = await command(`contract ${n}: apply`, 'POST', '/contracts', 201, {
        terms: 'NGN',
        planId: 'ngn-vpn-standard',
        customer: { id: customerId, name: `株式会社スケール${n}`, email: `${customerId}@example.co.jp`, kind: 'corporate' },
      });
      record(created);
      const id = String(created.body.contractId);
      ids.push(id);
      const accepted = await command(`${id}: accept`, 'POST', `/contracts/${id}/accept`, 200, {});
      expect(accepted.body.status).toBe('active');
      record(accepted);
      const dispatch = await command(`${id}: NGN-29 dispatch`, 'POST', `/contracts/${id}/dispatches`, 201, { cost: '5000', description: '契約者側設備の故障（スケールアウト試験）' });
      expect(dispatch.body.total).toBe('5500');
      record(dispatch);
      const paid = await command(`${id}: payment`, 'POST', `/contracts/${id}/payments`, 201, {
        invoiceId: dispatch.body.invoiceId,
        amount: '5500',
        method: 'bank-transfer',
        paidOn: todayJst(),
      });
      record(paid);
    };

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CONTRACTS) await one(next++);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `[scale-out] ${CONTRACTS} contracts, ${done} commands in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(1)} commands/s); ` +
        `latency p50 ${latencies[Math.floor(latencies.length / 2)]} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]} ms, max ${latencies.at(-1)} ms; ` +
        `answered by ${JSON.stringify(servedBy)}; ${retried} sent again after outcome_unknown; last command ${((Date.now() - killedAt!) / 1000).toFixed(1)} s after the kill`,
    );

    // The kill happened, it was a SIGKILL, and the other worker still polls.
    expect(killedAt).toBeDefined();
    expect((await worker1.exited).signal).toBe('SIGKILL');
    expect(worker2.running).toBe(true);
    await cluster.waitForWorkers([worker2], 60_000);

    // Both API processes took commands (the proxy's count and the answers' header agree).
    expect(Object.keys(servedBy).sort()).toEqual(['api-1', 'api-2']);
    expect(servedBy['api-1']).toBeGreaterThan(total / 4);
    expect(servedBy['api-2']).toBeGreaterThan(total / 4);

    // Every command's update is in its workflow's history exactly once; which worker did the work.
    const updates = ['acceptApplication', 'chargeDispatch', 'recordPayment'];
    let carriedOver = 0;
    const byWorker = { [identity(worker1)]: 0, [identity(worker2)]: 0 };
    for (const id of ids) {
      const history = await client.workflow.getHandle(id).fetchHistory();
      const accepted = (history.events ?? []).flatMap((e) => (e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name] : []));
      expect(accepted.sort(), `${id}: accepted updates`).toEqual([...updates].sort());
      const completed = (history.events ?? []).filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).length;
      expect(completed, `${id}: completed updates`).toBe(updates.length);
      const who = (history.events ?? []).flatMap((e) => [e.workflowTaskStartedEventAttributes?.identity, e.activityTaskStartedEventAttributes?.identity].filter((x): x is string => !!x));
      for (const w of who) if (w in byWorker) byWorker[w]!++;
      const first1 = who.indexOf(identity(worker1));
      if (first1 >= 0 && who.slice(first1).includes(identity(worker2))) carriedOver++;
    }
    console.log(`[scale-out] tasks started by worker: ${JSON.stringify(byWorker)}; ${carriedOver} workflows served by ${worker1.name} and then carried on by ${worker2.name}`);
    expect(byWorker[identity(worker1)]).toBeGreaterThan(0);
    expect(byWorker[identity(worker2)]).toBeGreaterThan(0);
    expect(carriedOver).toBeGreaterThan(0);

    // The ledger: exactly the two lines, one invoice, one payment per contract, and the balance reconciles.
    const where = { contractId: { in: ids } };
    expect(await db.contract.count({ where: { id: { in: ids } } })).toBe(CONTRACTS);
    const lines = await db.ledgerEntry.findMany({ where, select: { contractId: true, clauseId: true, amount: true } });
    expect(lines).toHaveLength(2 * CONTRACTS);
    for (const id of ids) {
      expect(
        lines
          .filter((l) => l.contractId === id)
          .map((l) => `${l.clauseId} ${l.amount}`)
          .sort(),
      ).toEqual(['NGN-23 500', 'NGN-29 5000']);
    }
    expect(await db.invoice.count({ where })).toBe(CONTRACTS);
    expect(await db.payment.count({ where })).toBe(CONTRACTS);
    for (const id of ids) {
      const balance = await command(`${id}: balance`, 'GET', `/contracts/${id}/balance`, 200);
      expect(balance.body, id).toMatchObject({ ledgerTotal: '5500', invoicedTotal: '5500', paidTotal: '5500', balance: '0', mismatches: [], ok: true });
    }

    // Every notice (NGN-11 acceptance, the dispatch invoice's notice) is sent and reached the SMTP server.
    const notices = await db.notice.findMany({ where, select: { idempotencyKey: true, status: true, messageId: true, clauseId: true } });
    expect(notices).toHaveLength(2 * CONTRACTS);
    expect(notices.filter((n) => n.status !== 'sent')).toEqual([]);
    const delivered = new Map<string, number>();
    for (const m of world.sink.messages) {
      const key = parseMail(m.raw).headers.get('x-yakkan-notice');
      if (key) delivered.set(key, (delivered.get(key) ?? 0) + 1);
    }
    expect(notices.filter((n) => !delivered.has(n.idempotencyKey)).map((n) => n.idempotencyKey)).toEqual([]);
    const twice = [...delivered.values()].filter((c) => c > 1).length;
    console.log(`[scale-out] ${notices.length} notices sent; ${twice} delivered twice (an SMTP acceptance whose recording the kill cut off; same Message-ID)`);

    // Every workflow runs on: still running, answering its query, and taking a further command.
    for (const id of ids) {
      expect((await client.workflow.getHandle(id).describe()).status.name, id).toBe('RUNNING');
      const state = await command(`${id}: state`, 'GET', `/contracts/${id}`, 200);
      expect(state.body.status, id).toBe('active');
    }
    const last = ids.at(-1)!;
    await command(`${last}: a command after the run`, 'POST', `/contracts/${last}/fault-contact`, 200, { email: 'noc@example.co.jp' });

    // The Web UI serves the cluster's workflows, by search attribute.
    const ui = await fetch(`${cluster.uiUrl}/api/v1/namespaces/${cluster.namespace}/workflows?query=${encodeURIComponent(`WorkflowId="${last}" AND YakkanStatus="active"`)}`);
    expect(ui.status).toBe(200);
    expect(JSON.stringify(await ui.json())).toContain(last);

    const memoryAfter = cluster.memory();
    const mib = (m: { pss: number }[]) => Math.round(m.reduce((s, x) => s + x.pss, 0) / MiB);
    console.log(
      `[scale-out] memory (PSS, MiB) before: ${memoryBefore.map((m) => `${m.name} ${Math.round(m.pss / MiB)}`).join(', ')} = ${mib(memoryBefore)}; ` +
        `after: ${memoryAfter.map((m) => `${m.name} ${Math.round(m.pss / MiB)}`).join(', ')} = ${mib(memoryAfter)}`,
    );
  }, 900_000);
});
