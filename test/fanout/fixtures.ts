/**
 * Shared set-up for the fan-out tests: each test gets its own database (so the announcement lists
 * only that test's contracts), its own task queue and worker, contracts created through the
 * contract workflow (start + acceptApplication), and the API on an ephemeral port.
 */
import { Client, type WorkflowHandle } from '@temporalio/client';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import type { Db } from '../../db/client.js';
import { acceptApplication, type TermsId } from '../../workflows/contract-messages.js';
import { freshDb } from '../helpers/db.js';
import { application, consumerCustomer, corporateCustomer, uniqueId, type World } from '../helpers/world.js';
import { listenLocal } from '../helpers/http.js';
import { testPayloadCodec } from '../helpers/world-core.js';
import { payloadDataConverter } from '../../runtime/payload-codec.js';

export const OPS_KEY = 'ops-key-0123456789abcdef';
export const AUDITOR_KEY = 'auditor-key-0123456789abcdef';

export interface Scope {
  db: Db;
  taskQueue: string;
  /** Runs `fn` with a worker (contract + fan-out workflows, all activities) polling this scope's task queue. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Every workflow started in this scope, terminated by `close` when still running. */
  started: string[];
  close(): Promise<void>;
}

export async function openScope(world: World): Promise<Scope> {
  const { db } = freshDb();
  const taskQueue = uniqueId('tq-fanout');
  const started: string[] = [];
  return {
    db,
    taskQueue,
    async run(fn) {
      // The world's real worker (server clock, world mailer and client) on this scope's database.
      const worker = await world.worker(taskQueue, { db });
      return worker.runUntil(fn);
    },
    started,
    async close() {
      for (const id of started) {
        const h = world.env.client.workflow.getHandle(id);
        const d = await h.describe().catch(() => undefined);
        if (d?.status.name === 'RUNNING') await h.terminate('test finished');
      }
      await db.$disconnect();
    },
  };
}

/** Runs `n` contracts through application and acceptance (TNC: consumer home plan; NGN: standard VPN). */
export async function createContracts(world: World, scope: Scope, n: number, terms: TermsId = 'TNC'): Promise<WorkflowHandle[]> {
  const handles: WorkflowHandle[] = [];
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next += 1;
      const at = await world.env.currentTimeMs();
      const input =
        terms === 'TNC'
          ? application('TNC', 'tnc-home-1g', consumerCustomer(), at)
          : application('NGN', 'ngn-vpn-standard', corporateCustomer(), at);
      scope.started.push(input.contractId);
      const h = await world.env.client.workflow.start('contractWorkflow', {
        taskQueue: scope.taskQueue,
        workflowId: input.contractId,
        args: [input],
      });
      await h.executeUpdate(acceptApplication, { args: [{}] });
      handles.push(h);
    }
  };
  await Promise.all(Array.from({ length: 6 }, lane));
  return handles;
}

export interface Api {
  url: string;
  /** `idempotencyKey`: sent as the Idempotency-Key header (without it the API derives one from the request). */
  call(method: string, path: string, body?: unknown, key?: string, idempotencyKey?: string): Promise<{ status: number; headers: Headers; json: any }>;
  close(): Promise<void>;
}

/** The real express app (buildApp) on an ephemeral port, driven with fetch. */
export async function startApi(world: World, scope: Scope, now?: () => Date): Promise<Api> {
  const app = buildApp({
    client: world.env.client,
    db: scope.db,
    keys: parseApiKeys(`${OPS_KEY}=ops,${AUDITOR_KEY}=auditor`),
    taskQueue: scope.taskQueue,
    now,
  });
  const api = await listenLocal(app);
  const url = api.base;
  return {
    url,
    async call(method, path, body, key = OPS_KEY, idempotencyKey) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
    },
    close: api.close,
  };
}

/** Polls `fn` until `done(value)` or the time runs out. */
export async function eventually<T>(fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`condition not met after ${timeoutMs} ms; last value ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/**
 * The result of `h`, waited for with the server's time skipping left locked, so its clock follows the
 * wall clock meanwhile. The time-skipping client's result() unlocks skipping until it returns; once
 * every workflow is idle (the contracts' notices sent) the server then jumps at once to the next
 * timer anywhere, a month close weeks later, before the lock is back. A test that goes on to
 * "the 20th" needs the announcement to have finished on its own day.
 */
export async function resultInRealTime<T>(world: World, h: WorkflowHandle): Promise<T> {
  const client = new Client({ connection: world.env.connection, namespace: world.env.namespace ?? 'default', dataConverter: payloadDataConverter(testPayloadCodec()) });
  return (await client.workflow.getHandle(h.workflowId).result()) as T;
}
