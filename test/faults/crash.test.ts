/**
 * Fault injection (issue 15): a workload on 50 NGN contracts through the HTTP API — apply, accept,
 * an NGN-20 surcharge and an NGN-29 dispatch each, every request with its own Idempotency-Key and
 * retried like a client would on a 5xx — while the worker (a child process running the real
 * createWorker) is killed with SIGKILL several times and the Temporal dev server once (restarted on
 * the same database file and port). Afterwards: no ledger row lost or doubled, every notice
 * delivered, every contract running and answering, no bare 500; the SMTP deliveries that went out
 * twice are counted and reported — each repeat carries the Message-ID of its first delivery, so a
 * receiving system can drop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { jstDateOf } from '../../rules/calendar.js';
import { payloadDataConverter } from '../../runtime/payload-codec.js';
import { bundleWorkflows, WORKFLOWS_PATH } from '../../runtime/workflow-bundle.js';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../worker/search-attributes.js';
import { listenLocal } from '../helpers/http.js';
import { testPayloadCodec, uniqueId, useWorld } from '../helpers/world.js';

const CLI = resolve('.temporal/bin/temporal');
const WORKER_SCRIPT = resolve('test/fixtures/worker-process.ts');
const OPS = 'fault-ops-key-91c4e7a2b6';
const CONTRACTS = 50;

const world = useWorld('no-temporal');
const dir = mkdtempSync(join(tmpdir(), 'yakkan-faults-'));
const taskQueue = uniqueId('tq-faults');
let temporalPort: number;
let httpPort: number;
let bundlePath: string;
let base: string;

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => {
      c.end();
      ok(true);
    });
    c.on('error', () => ok(false));
  });
}

/** A child process we can SIGKILL; its output is kept for the failure message. */
class Child {
  proc?: ChildProcess;
  log = '';
  constructor(
    readonly name: string,
    private readonly cmd: string,
    private readonly args: () => string[],
  ) {}
  start(): void {
    const p = spawn(this.cmd, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c: Buffer) => {
      this.log = (this.log + c.toString()).slice(-20_000);
    };
    p.stdout!.on('data', keep);
    p.stderr!.on('data', keep);
    this.proc = p;
  }
  running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || !this.running()) return;
    const exited = new Promise((ok) => p.once('exit', ok));
    p.kill('SIGKILL');
    await exited;
  }
}

const temporal = new Child('temporal', CLI, () => [
  'server', 'start-dev', '--headless',
  '--ip', '127.0.0.1', '--port', String(temporalPort), '--http-port', String(httpPort),
  '--db-filename', join(dir, 'temporal.db'), '--log-level', 'error',
  ...SEARCH_ATTRIBUTE_FLAGS,
]);
const worker = new Child('worker', process.execPath, () => [
  '--import', 'tsx', WORKER_SCRIPT,
  JSON.stringify({ address: `127.0.0.1:${temporalPort}`, databaseUrl: world.dbUrl, smtpUrl: world.sink.url, bundlePath, taskQueue }),
]);

/** Starts the dev server and waits until its frontend answers. */
async function startTemporal(): Promise<void> {
  temporal.start();
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(temporalPort))) {
    if (Date.now() > deadline) throw new Error(`the dev server did not listen within 60 s:\n${temporal.log}`);
    await sleep(200);
  }
  const conn = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  try {
    for (;;) {
      try {
        await conn.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(250);
      }
    }
  } finally {
    await conn.close();
  }
}

/** Starts the worker and waits for its "worker-ready" line. */
async function startWorker(): Promise<void> {
  worker.log = '';
  worker.start();
  const deadline = Date.now() + 60_000;
  while (!worker.log.includes('worker-ready')) {
    if (!worker.running()) throw new Error(`the worker exited at start:\n${worker.log}`);
    if (Date.now() > deadline) throw new Error(`the worker was not ready within 60 s:\n${worker.log}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  expect(existsSync(CLI), `${CLI} is missing: run scripts/setup.sh`).toBe(true);
  temporalPort = await freePort();
  httpPort = await freePort();
  world.defer('remove the fault test directory', () => rmSync(dir, { recursive: true, force: true }));
  world.defer('kill the dev server', () => temporal.kill9());
  world.defer('kill the worker', () => worker.kill9());
  bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows(WORKFLOWS_PATH)).code);
  await startTemporal();
  await startWorker();
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  world.defer('close the API client', () => connection.close());
  const client = new Client({ connection, dataConverter: payloadDataConverter(testPayloadCodec()) });
  const api = await listenLocal(buildApp({ client, db: world.db, keys: parseApiKeys(`${OPS}=ops`), taskQueue, limits: { commandMs: 8000, readMs: 5000 } }));
  world.defer('close the API server', () => api.close());
  base = api.base;
}, 180_000);

interface Reply {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
}

const stats = { requests: 0, retries: 0, fiveHundreds: new Map<string, number>() };

/** A client that retries every 5xx (and a lost connection) with the same Idempotency-Key until it gets a definitive answer. */
async function send(path: string, body: unknown, key: string): Promise<Reply> {
  const deadline = Date.now() + 240_000;
  for (let attempt = 1; ; attempt++) {
    stats.requests += 1;
    let reply: Reply | undefined;
    try {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPS}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      reply = { status: res.status, json: await res.json() };
    } catch {
      reply = undefined;
    }
    if (reply && reply.status < 500) return reply;
    const label = reply ? `${reply.status} ${reply.json?.error?.code}` : 'no answer';
    stats.fiveHundreds.set(label, (stats.fiveHundreds.get(label) ?? 0) + 1);
    stats.retries += 1;
    if (Date.now() > deadline) throw new Error(`${path}: no definitive answer after 240 s (last: ${label})`);
    await sleep(Math.min(500 * attempt, 3000));
  }
}

/** Evaded amount of contract i's surcharge (NGN-20 bills twice this). */
const evaded = (i: number) => 1000 + i;

async function pipeline(i: number): Promise<string> {
  const customer = { id: `FAULT-${i}`, name: `株式会社障害試験${i}`, email: `fault-${i}-${taskQueue}@example.co.jp`, kind: 'corporate', domestic: true };
  const created = await send('/contracts', { terms: 'NGN', planId: 'ngn-vpn-standard', customer }, `fault-apply-${i}-${taskQueue}`);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const id = created.json.contractId as string;
  const accepted = await send(`/contracts/${id}/accept`, { serviceStartDate: jstDateOf(Date.now()) }, `fault-accept-${i}`);
  expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
  const s = await send(`/contracts/${id}/surcharges`, { evadedAmount: String(evaded(i)), description: `免脱 ${i}` }, `fault-surcharge-${i}`);
  expect(s.status, JSON.stringify(s.json)).toBe(201);
  const d = await send(`/contracts/${id}/dispatches`, { cost: '5000', description: `派遣 ${i}` }, `fault-dispatch-${i}`);
  expect(d.status, JSON.stringify(d.json)).toBe(201);
  return id;
}

describe('issue 15: worker SIGKILLs and a dev-server SIGKILL during a workload of 50 contracts', () => {
  test('NGN-11 NGN-20 NGN-29: no ledger row lost or doubled, every notice delivered, every contract running; repeated SMTP deliveries counted', async () => {
    const kills = { worker: 0, temporal: 0 };
    let finished = false;
    // The workload: contract i starts at i × 300 ms, at most 10 at a time, so the faults fall into it.
    const ids: string[] = new Array(CONTRACTS);
    let next = 0;
    const lane = async () => {
      while (next < CONTRACTS) {
        const i = next++;
        await sleep(Math.max(0, i * 300 - (Date.now() - startedAt)));
        ids[i] = await pipeline(i);
      }
    };
    const startedAt = Date.now();
    const workload = Promise.all(Array.from({ length: 10 }, lane)).finally(() => (finished = true));

    // The faults, while the workload runs: the worker killed four times, the dev server once.
    const chaos = (async () => {
      const plan: ('worker' | 'temporal')[] = ['worker', 'worker', 'temporal', 'worker'];
      for (const what of plan) {
        await sleep(3500);
        if (finished) break;
        if (what === 'worker') {
          await worker.kill9();
          kills.worker += 1;
          await sleep(1000);
        } else {
          await temporal.kill9();
          kills.temporal += 1;
          await worker.kill9(); // the worker goes down with it, as on a host that lost both
          kills.worker += 1;
          await sleep(3000);
          await startTemporal();
        }
        await startWorker();
      }
    })();
    await Promise.all([workload, chaos]);
    const workloadSeconds = Math.round((Date.now() - startedAt) / 1000);
    expect(kills, 'the faults must fall inside the workload').toEqual({ worker: 4, temporal: 1 });
    if (!worker.running()) await startWorker();

    // Activities cut off by a SIGKILL are retried after their start-to-close timeout (1 minute): wait for them.
    const expectedNotices = CONTRACTS * 3; // acceptance (NGN-11) + two invoices (NGN-20, NGN-29) each
    const deadline = Date.now() + 240_000;
    while ((await world.db.notice.count({ where: { contractId: { in: ids }, status: 'sent' } })) < expectedNotices) {
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    const settledSeconds = Math.round((Date.now() - startedAt) / 1000);

    // Ledger: per contract exactly one NGN-20 surcharge line of 2 × the evaded amount, one NGN-29
    // dispatch line of 5,000 yen and its consumption tax of 500 yen (5,000 × 10%, NGN-23); nothing else.
    const lines = await world.db.ledgerEntry.findMany({ where: { contractId: { in: ids } } });
    const byContract = new Map<string, string[]>();
    for (const l of lines) byContract.set(l.contractId, [...(byContract.get(l.contractId) ?? []), `${l.kind}:${l.clauseId}:${l.amount}`].sort());
    const wrong = ids
      .map((id, i) => ({ id, got: byContract.get(id) ?? [], want: [`consumption-tax:NGN-23:500`, `dispatch:NGN-29:5000`, `surcharge:NGN-20:${2 * evaded(i)}`] }))
      .filter((c) => JSON.stringify(c.got) !== JSON.stringify(c.want));
    expect(wrong).toEqual([]);
    expect(lines).toHaveLength(CONTRACTS * 3);
    expect(await world.db.invoice.count({ where: { contractId: { in: ids } } })).toBe(CONTRACTS * 2);

    // Every notice delivered, once in the outbox.
    const notices = await world.db.notice.findMany({ where: { contractId: { in: ids } } });
    expect(notices.filter((n) => n.status !== 'sent').map((n) => `${n.contractId} ${n.kind} ${n.status} ${n.lastError}`)).toEqual([]);
    expect(notices).toHaveLength(expectedNotices);

    // Every contract running and answering.
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${temporalPort}` }), dataConverter: payloadDataConverter(testPayloadCodec()) });
    try {
      for (const id of ids) {
        expect((await client.workflow.getHandle(id).describe()).status.name, id).toBe('RUNNING');
      }
    } finally {
      await client.connection.close();
    }
    for (const id of ids.slice(0, 10)) {
      const r = await fetch(`${base}/contracts/${id}`, { headers: { authorization: `Bearer ${OPS}` } });
      expect([r.status, ((await r.json()) as { status: string }).status]).toEqual([200, 'active']);
    }
    const balance = await fetch(`${base}/contracts/${ids[0]}/balance`, { headers: { authorization: `Bearer ${OPS}` } });
    expect(((await balance.json()) as { ok: boolean }).ok).toBe(true);

    // No bare 500: what the API answered while it could not know is 503/504 saying so.
    const bare = [...stats.fiveHundreds.keys()].filter((k) => !/^(503|504) (outcome_unknown|unavailable|timeout)$/.test(k) && k !== 'no answer');
    expect(bare).toEqual([]);

    // SMTP: deliveries per Message-ID. A repeat is a notice sent again after a crash between the SMTP
    // server's acceptance and the outbox row's 'sent': it carries the same Message-ID.
    const sent = new Map(notices.map((n) => [n.messageId, n]));
    const deliveries = new Map<string, number>();
    for (const m of world.sink.messages) {
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw)?.[1];
      if (messageId && sent.has(messageId)) deliveries.set(messageId, (deliveries.get(messageId) ?? 0) + 1);
    }
    expect([...sent.keys()].filter((mid) => !deliveries.has(mid!))).toEqual([]);
    const repeated = [...deliveries.values()].reduce((s, n) => s + n - 1, 0);
    console.log(
      `[faults] ${CONTRACTS} contracts, ${stats.requests} requests (${stats.retries} retried: ${JSON.stringify(Object.fromEntries(stats.fiveHundreds))}); ` +
        `kills: worker ${kills.worker}, dev server ${kills.temporal}; workload ${workloadSeconds} s, settled after ${settledSeconds} s; ` +
        `ledger rows ${lines.length}, notices ${notices.length} sent, SMTP deliveries ${[...deliveries.values()].reduce((s, n) => s + n, 0)} ` +
        `of which ${repeated} repeated (same Message-ID)`,
    );
  }, 600_000);
});
