/**
 * Issue 15, through the HTTP API on the Temporal dev server with a real worker, SQLite and SMTP:
 * malformed requests are 4xx with the JSON error shape; the poison values of the issue are 400
 * naming the field and the contract still answers and still bills; every write is idempotent (the
 * same request again returns the first outcome and posts nothing); a command whose outcome the API
 * cannot learn in time answers 504/503 outcome_unknown and a retry with its key gets the outcome;
 * no response carries a stack trace or a server path.
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { jstDateOf } from '../../rules/calendar.js';
import { bundleWorkflows } from '../../runtime/workflow-bundle.js';
import { explodeForTest } from '../fixtures/faulty-workflows.js';
import { listenLocal } from '../helpers/http.js';
import { corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';

const KEY = { ops: 'ops-key-7d1e0c9b3a5f', auditor: 'auditor-key-4b8a2e6c1d', custA: 'customer-a-key-2c9e7f1a0b', custB: 'customer-b-key-8f3d6a2c5e' };
const KEYS = parseApiKeys(`${KEY.ops}=ops,${KEY.auditor}=auditor,${KEY.custA}=customer:CUST-A,${KEY.custB}=customer:CUST-B`);
const FAULTY_ENTRY = fileURLToPath(new URL('../fixtures/faulty-workflows.ts', import.meta.url));

const world = useWorld('dev-server');
const taskQueue = uniqueId('tq-hostile');
let base: string;

beforeAll(async () => {
  // The faulty bundle is the real contract workflow plus one test-only update with a bug (explodeForTest).
  await world.runWorker(taskQueue, { workflowBundle: await bundleWorkflows(FAULTY_ENTRY) });
  const api = await listenLocal(buildApp({ client: world.env.client, db: world.db, keys: KEYS, taskQueue }));
  world.defer('close the API server', () => api.close());
  base = api.base;
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
}

/** One raw HTTP request (no client-side normalisation of the path, headers or body). */
function raw(method: string, path: string, opts: { key?: string; headers?: Record<string, string>; body?: Buffer | string; at?: string } = {}): Promise<Reply> {
  const url = new URL(opts.at ?? base);
  return new Promise((ok, fail) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...opts.headers }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          ok({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const post = (path: string, body: unknown, opts: { key?: string; idempotencyKey?: string; at?: string } = {}) =>
  raw('POST', path, {
    key: opts.key ?? KEY.ops,
    at: opts.at,
    headers: { 'content-type': 'application/json', ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
const get = (path: string, key = KEY.ops, at?: string) => raw('GET', path, { key, at });

function expectError(r: Reply, status: number, code: string, field?: string) {
  expect({ status: r.status, code: r.json?.error?.code, field: r.json?.error?.field }, r.text.slice(0, 300)).toEqual({ status, code, field });
  expect(r.json.error.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
}

const customer = (id = 'CUST-A') => ({ ...corporateCustomer(id), email: `${uniqueId('hostile')}@example.co.jp` });
const application = (extra: Record<string, unknown> = {}) => ({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: customer(), ...extra });

async function activeContract(): Promise<string> {
  const created = await post('/contracts', application(), { idempotencyKey: uniqueId('apply-key') });
  expect(created.status).toBe(201);
  const id = created.json.contractId as string;
  const accepted = await post(`/contracts/${id}/accept`, { serviceStartDate: jstDateOf(Date.now()) });
  expect(accepted.status).toBe(200);
  return id;
}

describe('issue 15: every malformed request is a 4xx with the JSON error shape', () => {
  test('malformed percent-encoding in the path is 400 bad_encoding', async () => {
    expectError(await get('/contracts/%E0%A4%A/ledger'), 400, 'bad_encoding');
    expectError(await post('/contracts/%E0%A4%A/accept', {}), 400, 'bad_encoding');
  });

  test('a body over 100 kB is 413', async () => {
    expectError(await post('/contracts', { ...application(), pad: 'x'.repeat(120_000) }), 413, 'payload_too_large');
  });

  test('a body that is not JSON is 415 before it is read; an unsupported charset or Content-Encoding is 415; bad gzip is 400', async () => {
    expectError(await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'text/plain' }, body: 'hello' }), 415, 'unsupported_media_type');
    expectError(await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }), 415, 'unsupported_media_type');
    expectError(await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' }), 415, 'unsupported_charset');
    expectError(await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: '{}' }), 415, 'unsupported_encoding');
    expectError(await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip at all' }), 400, 'bad_request');
    // Good gzip is read like any body: here an application with a missing field (400 naming it).
    const gz = await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify({ terms: 'NGN' })) });
    expectError(gz, 400, 'invalid_request', 'planId');
    expectError(await raw('POST', '/contracts', { key: KEY.ops, headers: { 'content-type': 'application/json' }, body: '{"terms":' }), 400, 'invalid_json');
  });

  test('ids of non-contract workflows never reach them: /contracts/announcement-… is 404', async () => {
    const ann = await post('/announcements', { kind: 'abolition', terms: 'TNC', effectiveDate: '2099-01-01', summary: '廃止' });
    expect(ann.status).toBe(202);
    const workflowId = ann.json.workflowId as string;
    expect(workflowId).toMatch(/^announcement-/);
    expectError(await get(`/contracts/${workflowId}`), 404, 'not_found');
    expectError(await post(`/contracts/${workflowId}/accept`, {}), 404, 'not_found');
    expectError(await get(`/audit/contracts/${workflowId}/history`), 404, 'not_found');
    expect((await world.env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await world.env.client.workflow.getHandle(workflowId).terminate('test finished');
  });

  test('only the documented Authorization: Bearer header authenticates', async () => {
    expectError(await raw('GET', '/contracts', { headers: { 'x-api-key': KEY.ops } }), 401, 'unauthenticated');
    expectError(await raw('GET', '/contracts', { headers: { authorization: `Basic ${KEY.ops}` } }), 401, 'unauthenticated');
    expect((await get('/contracts')).status).toBe(200);
  });

  test('the Idempotency-Key header is checked: 8–128 printable ASCII', async () => {
    expectError(await post('/contracts', application(), { idempotencyKey: 'short' }), 400, 'invalid_request', 'Idempotency-Key');
  });
});

describe('issue 15: the poison values are 400 naming the field; the contract still answers and still bills', () => {
  test('NGN-20: 1900/9999/10000 dates, lone surrogates, an over-long local part and over-long text change nothing; a surcharge is then posted', async () => {
    const id = await activeContract();
    const before = (await get(`/contracts/${id}`)).json;
    const at = `${jstDateOf(Date.now())}T09:00:00+09:00`;
    const poison: [string, unknown, string][] = [
      [`/contracts/${id}/violations`, { clauseId: 'NGN-25', act: 1, occurredAt: '1900-01-01T00:00:00+09:00', description: 'x' }, 'occurredAt'],
      [`/contracts/${id}/suspensions`, { clauseId: 'NGN-36', reason: '保守', startsAt: '9999-12-31T23:00:00Z' }, 'startsAt'],
      [`/contracts/${id}/suspensions`, { clauseId: 'NGN-36', reason: '保守', startsAt: '10000-01-01T00:00:00Z' }, 'startsAt'],
      [`/contracts/${id}/disclosures`, { authority: '裁判所', legalBasis: '法', scope: '氏名', disclosureAt: '9999-01-01T00:00:00+09:00' }, 'disclosureAt'],
      [`/contracts/${id}/malware-alerts`, { ipAddress: '192.0.2.1', observedAt: '9999-01-01T00:00:00+09:00', source: 'x', detail: 'y' }, 'observedAt'],
      [`/contracts/${id}/outages`, { startedAt: '0000-01-01T00:00:00Z', recognisedAt: at, cause: 'provider-fault', description: 'x' }, 'startedAt'],
      [`/contracts/${id}/force-majeure`, { startedAt: '9999-01-01T00:00:00Z', description: 'x' }, 'startedAt'],
      [`/contracts/${id}/violations`, { clauseId: 'NGN-25', act: 1, occurredAt: at, description: '禁止\ud800行為' }, 'description'],
      [`/contracts/${id}/disclosures`, { authority: '\udc00', legalBasis: '法', scope: '氏名', disclosureAt: at }, 'authority'],
      [`/contracts/${id}/payments`, { invoiceId: 'x', amount: '1', method: 'bank-transfer', paidOn: '2027-01-01', reference: '\ud800' }, 'reference'],
      [`/contracts/${id}/fault-contact`, { email: `${'a'.repeat(65)}@example.jp` }, 'email'],
      [`/contracts/${id}/surcharges`, { evadedAmount: '1000', description: 'x'.repeat(2001) }, 'description'],
      [`/contracts/${id}/surcharges`, { evadedAmount: '1'.repeat(13), description: 'x' }, 'evadedAmount'],
      [`/contracts/${id}/violations`, { clauseId: 'NGN-25', act: 1, occurredAt: at, description: 'a\u0000b' }, 'description'],
    ];
    for (const [path, body, field] of poison) expectError(await post(path, body), 400, 'invalid_request', field);
    // A lone surrogate in the customer's name: nothing is started, no row is written.
    const bad = await post('/contracts', { ...application(), customer: { ...customer(), name: '株式会社\ud800' } });
    expectError(bad, 400, 'invalid_request', 'customer.name');
    // Accept dates in 9999 on an open application.
    const open = await post('/contracts', application());
    expectError(await post(`/contracts/${open.json.contractId}/accept`, { serviceStartDate: '9999-12-31' }), 400, 'invalid_request', 'serviceStartDate');
    await world.env.client.workflow.getHandle(open.json.contractId).terminate('test finished');

    // The contract answers as before …
    expect((await get(`/contracts/${id}`)).json).toEqual(before);
    // … and bills: NGN-20, twice the evaded 1,000 yen = 2,000 yen, outside consumption tax.
    const s = await post(`/contracts/${id}/surcharges`, { evadedAmount: '1000', description: '料金の不正な免脱' });
    expect(s.status).toBe(201);
    expect(s.json.total).toBe('2000');
    const lines = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'surcharge' } });
    expect(lines.map((l) => [l.clauseId, l.amount, l.taxClass])).toEqual([['NGN-20', '2000', 'out-of-scope']]);
  });
});

describe('issue 15: every write is idempotent', () => {
  test('NGN-20: the same surcharge with the same Idempotency-Key posts once and answers the first outcome; the key with another body is 422', async () => {
    const id = await activeContract();
    const body = { evadedAmount: '1000', description: '免脱（1 回目）' };
    const first = await post(`/contracts/${id}/surcharges`, body, { idempotencyKey: 'surcharge-key-0001' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-key']).toBe('surcharge-key-0001');
    const again = await post(`/contracts/${id}/surcharges`, body, { idempotencyKey: 'surcharge-key-0001' });
    expect([again.status, again.json]).toEqual([201, first.json]);
    const reused = await post(`/contracts/${id}/surcharges`, { ...body, evadedAmount: '2000' }, { idempotencyKey: 'surcharge-key-0001' });
    expectError(reused, 422, 'idempotency_key_reused', 'Idempotency-Key');
    // Without a header the key is derived from the request: the same request again is a retry too.
    const plain1 = await post(`/contracts/${id}/dispatches`, { cost: '5000', description: '派遣' });
    const plain2 = await post(`/contracts/${id}/dispatches`, { cost: '5000', description: '派遣' });
    expect(plain1.headers['idempotency-key']).toMatch(/^auto-[0-9a-f]{32}$/);
    expect([plain2.status, plain2.json]).toEqual([201, plain1.json]);
    expect(await world.db.invoice.count({ where: { contractId: id, period: 'surcharge' } })).toBe(1);
    expect(await world.db.invoice.count({ where: { contractId: id, period: 'dispatch' } })).toBe(1);
    // NGN-20 / NGN-29: one invoice notice each (plus the acceptance).
    expect((await world.db.notice.findMany({ where: { contractId: id } })).map((n) => n.kind).sort()).toEqual(['acceptance', 'invoice', 'invoice']);
  });

  test('NGN-10: POST /contracts with the same key names the same contract and starts one workflow', async () => {
    const body = application();
    const a = await post('/contracts', body, { idempotencyKey: 'apply-once-000001' });
    const b = await post('/contracts', body, { idempotencyKey: 'apply-once-000001' });
    expect(a.status).toBe(201);
    expect([b.status, b.json]).toEqual([201, a.json]);
    const c = await post('/contracts', { ...body, planId: 'ngn-vpn-standard', channel: 'other' }, { idempotencyKey: 'apply-once-000001' });
    expectError(c, 422, 'idempotency_key_reused', 'Idempotency-Key');
    const runs = [];
    for await (const w of world.env.client.workflow.list({ query: `WorkflowId = '${a.json.contractId}'` })) runs.push(w.runId);
    expect(runs).toHaveLength(1);
    await world.env.client.workflow.getHandle(a.json.contractId).terminate('test finished');
  });
});

describe('issue 15: when the API cannot learn the outcome it says so, and a retry gets it', () => {
  test('NGN-11: an accept sent while no worker runs answers 504 outcome_unknown with its key; the retry after the worker is back answers 200, one acceptance notice', async () => {
    const quiet = uniqueId('tq-quiet');
    const api = await listenLocal(buildApp({ client: world.env.client, db: world.db, keys: KEYS, taskQueue: quiet, limits: { commandMs: 1500, readMs: 1500 } }));
    world.defer('close the quiet API', () => api.close());
    const created = await post('/contracts', application(), { at: api.base });
    expect(created.status).toBe(201);
    const id = created.json.contractId as string;
    const started = Date.now();
    const unknown = await post(`/contracts/${id}/accept`, {}, { at: api.base, idempotencyKey: 'accept-while-down-1' });
    expect(Date.now() - started).toBeLessThan(5000);
    expectError(unknown, 504, 'outcome_unknown');
    expect(unknown.json.error).toMatchObject({ idempotencyKey: 'accept-while-down-1', outcome: 'unknown' });
    expect(unknown.json.error.message).toContain('Idempotency-Key: accept-while-down-1');

    await world.runWorker(quiet);
    const retried = await post(`/contracts/${id}/accept`, {}, { at: base, idempotencyKey: 'accept-while-down-1' });
    expect(retried.status).toBe(200);
    expect(retried.json.status).toBe('active');
    expect(await world.db.notice.count({ where: { contractId: id, kind: 'acceptance' } })).toBe(1);
  });

  test('the workflow service unreachable: a command is 503 outcome_unknown, a read 503; a customer key still gets 404 for another customer\'s contract', async () => {
    const id = await activeContract();
    const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: 'default' });
    const api = await listenLocal(buildApp({ client: dead, db: world.db, keys: KEYS, taskQueue, limits: { commandMs: 1500, readMs: 1500 } }));
    world.defer('close the API without Temporal', () => api.close());
    const cmd = await post(`/contracts/${id}/surcharges`, { evadedAmount: '1', description: 'x' }, { at: api.base });
    expect([503, 504]).toContain(cmd.status);
    expect(cmd.json.error).toMatchObject({ code: 'outcome_unknown', outcome: 'unknown' });
    expect(cmd.json.error.idempotencyKey).toMatch(/^auto-/);
    const q = await get(`/contracts/${id}`, KEY.ops, api.base);
    expect([503, 504]).toContain(q.status);
    // The ownership check reads the database before any workflow call.
    expectError(await get(`/contracts/${id}`, KEY.custB, api.base), 404, 'not_found');
  });
});

describe('issue 15: a bug in a handler is a failed command; no response carries a stack trace or a path', () => {
  test('NGN-20: the failed update is CommandFailed (500 command_failed, test/api/errors.test.ts) and the contract carries on; the audit history export has no stack trace and no server path', async () => {
    const id = await activeContract();
    const failed = await world.env.client.workflow.getHandle(id).executeUpdate(explodeForTest, { args: [{ note: 'x' }] }).catch((e: any) => e.cause);
    expect(failed.type).toBe('CommandFailed');
    // The contract still takes commands (NGN-20: 2 × 500 = 1,000 yen).
    const s = await post(`/contracts/${id}/surcharges`, { evadedAmount: '500', description: 'x' });
    expect(s.json.total).toBe('1000');

    const history = await get(`/audit/contracts/${id}/history`, KEY.auditor);
    expect(history.status).toBe(200);
    expect(history.text).toContain('CommandFailed');
    expect(history.text).not.toContain(process.cwd());
    expect(history.text).not.toMatch(/"stackTrace":"[^"]/);
    const report = await get(`/audit/contracts/${id}/report`, KEY.auditor);
    expect(report.status).toBe(200);
    expect(report.text).not.toContain(process.cwd());
    for (const r of [await get('/contracts/%E0%A4%A'), await post('/contracts', { nope: 1 })]) {
      expect(r.text).not.toContain(process.cwd());
      expect(r.text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
    }
  });
});
