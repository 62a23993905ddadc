/**
 * Every command of the table (api/commands.ts) over real HTTP on the Temporal dev server answers
 * the same way: an unknown contract is 404 not_found, a closed one (here: rejected, NGN-12) is
 * 409 command_conflict, a key without the role is 403 — each with the same error shape, and none
 * of them changes anything.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { COMMANDS } from '../../api/commands.js';
import { corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';
import { listenLocal, type LocalServer } from '../helpers/http.js';
import { COMMAND_EXAMPLES, commandPath } from './command-examples.js';

const KEY = { ops: 'ops-key-8d2b6e4f1a9c', auditor: 'auditor-key-5e0a7c3b29' };

const world = useWorld('dev-server');
let api: LocalServer | undefined;
/** A contract rejected through the API (NGN-12) whose workflow has closed. */
let rejectedId: string;
let rejectedRow: unknown;
let rejectedNotices: number;

async function post(path: string, key: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api!.base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  const taskQueue = uniqueId('tq-commands');
  await world.runWorker(taskQueue);
  const app = buildApp({ client: world.env.client, db: world.db, keys: parseApiKeys(`${KEY.ops}=ops,${KEY.auditor}=auditor`), taskQueue });
  const server = await listenLocal(app);
  api = server;
  world.defer('close the API server', () => server.close());

  const customer = { ...corporateCustomer('CUST-CMD'), email: `${uniqueId('cmd')}@example.co.jp` };
  const applied = await post('/contracts', KEY.ops, { terms: 'NGN', planId: 'ngn-vpn-standard', customer });
  expect(applied.status).toBe(201);
  rejectedId = applied.body.contractId;
  const rejected = await post(`/contracts/${rejectedId}/reject`, KEY.ops, { grounds: [1], reason: '申込書の記載内容に不備' });
  expect(rejected.status).toBe(200);
  // The workflow returns once the rejection update has finished: wait until it is closed, so every
  // command below meets a closed workflow rather than the (still running) validators.
  const handle = world.env.client.workflow.getHandle(rejectedId);
  for (let i = 0; (await handle.describe()).status.name === 'RUNNING'; i++) {
    if (i >= 100) throw new Error(`workflow ${rejectedId} still running after 5 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  rejectedRow = await world.db.contract.findUniqueOrThrow({ where: { id: rejectedId } });
  rejectedNotices = await world.db.notice.count({ where: { contractId: rejectedId } });
  expect(rejectedNotices).toBe(1);
});

const rows = COMMANDS.map((c) => [c.path, c] as const);

describe('every command answers 404 for an unknown contract and 409 for a closed one, the same way', () => {
  test.each(rows)('POST %s on an unknown contract → 404 not_found', async (path) => {
    const id = uniqueId('ctr-no-such');
    const r = await post(commandPath(path, id), KEY.ops, COMMAND_EXAMPLES[path]);
    expect({ status: r.status, body: r.body }).toEqual({
      status: 404,
      body: { error: { status: 404, code: 'not_found', message: `contract ${id} does not exist` } },
    });
    expect(await world.db.contract.findUnique({ where: { id } })).toBeNull();
  });

  test.each(rows)('NGN-12: POST %s on a rejected (closed) contract → 409 command_conflict, nothing changes', async (path) => {
    const r = await post(commandPath(path, rejectedId), KEY.ops, COMMAND_EXAMPLES[path]);
    expect({ status: r.status, body: r.body }).toEqual({
      status: 409,
      body: { error: { status: 409, code: 'command_conflict', message: `contract ${rejectedId} is rejected; it takes no further commands` } },
    });
    expect(await world.db.contract.findUniqueOrThrow({ where: { id: rejectedId } })).toEqual(rejectedRow);
    expect(await world.db.notice.count({ where: { contractId: rejectedId } })).toBe(rejectedNotices);
  });

  test.each(rows)('POST %s is for ops only: an auditor key → 403 forbidden, before the contract is looked at', async (path, c) => {
    const r = await post(commandPath(path, rejectedId), KEY.auditor, COMMAND_EXAMPLES[path]);
    expect({ status: r.status, code: r.body.error.code, role: c.role }).toEqual({ status: 403, code: 'forbidden', role: 'ops' });
    expect(r.body.error.message).toBe('this action needs the ops role; the key has auditor');
  });
});
