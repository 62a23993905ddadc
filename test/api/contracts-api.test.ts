/**
 * The HTTP API over real HTTP (Node's fetch against app.listen(0)) on the Temporal dev server, with
 * a real worker, a real SQLite database and a real SMTP sink: applications, acceptance and
 * rejection, request validation (nothing changes on a refusal), and access control by API key.
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { jstDateOf } from '../../rules/calendar.js';
import { consumerCustomer, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';
import { listenLocal } from '../helpers/http.js';
import { personalData } from '../../activities/personal-data.js';

const KEY = {
  ops: 'ops-key-4c1f9a0e7b2d',
  auditor: 'auditor-key-93be51d07a',
  custA: 'customer-a-key-6f20c8e1d4',
  custB: 'customer-b-key-1d7e93a5b0',
};
const CUST_A = 'CUST-A';
const CUST_B = 'CUST-B';

const world = useWorld('dev-server');
let base: string;
const taskQueue = uniqueId('tq-api');

beforeAll(async () => {
  await world.runWorker(taskQueue);
  const app = buildApp({
    client: world.env.client,
    db: world.db,
    keys: parseApiKeys(`${KEY.ops}=ops,${KEY.auditor}=auditor,${KEY.custA}=customer:${CUST_A},${KEY.custB}=customer:${CUST_B}`),
    taskQueue,
  });
  const api = await listenLocal(app);
  world.defer('close the API server', () => api.close());
  base = api.base;
});

/** Workflows a test started, terminated after it so none keeps timers running. */
const started: string[] = [];
afterEach(async () => {
  await Promise.all(
    started.splice(0).map((id) => world.env.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined)),
  );
});

interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
}

/** One request; `body` is sent as JSON, `raw` as-is with Content-Type application/json. */
async function call(
  method: 'GET' | 'POST',
  path: string,
  opts: { key?: string; body?: unknown; raw?: string; header?: 'bearer' | 'x-api-key'; idempotencyKey?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  if (opts.key) {
    if (opts.header === 'x-api-key') headers['x-api-key'] = opts.key;
    else headers.authorization = `Bearer ${opts.key}`;
  }
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** A corporate customer with the given id and an email of its own, so each test sees only its own mail. */
const corpOf = (id: string) => ({ ...corporateCustomer(id), email: `${uniqueId(id.toLowerCase())}@example.co.jp` });
const corpA = () => corpOf(CUST_A);

function ngnBody(customer = corpA(), extra: Record<string, unknown> = {}) {
  return { terms: 'NGN', planId: 'ngn-vpn-standard', customer, ...extra };
}

async function apply(body: unknown): Promise<string> {
  const r = await call('POST', '/contracts', { key: KEY.ops, body });
  expect(r.status).toBe(201);
  started.push(r.body.contractId);
  return r.body.contractId as string;
}

async function applyAndAccept(body: unknown = ngnBody()): Promise<{ id: string; view: any }> {
  const id = await apply(body);
  const r = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: { serviceStartDate: today() } });
  expect(r.status).toBe(200);
  expect(r.body.status).toBe('active');
  return { id, view: r.body };
}

const today = () => jstDateOf(Date.now());
const mailsTo = (email: string) => world.sink.messages.filter((m) => m.to.includes(email));

/** The contract row, waiting for the workflow's first saveContract (written asynchronously after 201). */
async function rowOf(id: string) {
  for (let i = 0; i < 100; i++) {
    const row = await world.db.contract.findUnique({ where: { id } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`contract ${id} has no row after 5 s`);
}

async function expectNoWorkflow(id: string) {
  await expect(world.env.client.workflow.getHandle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  expect(await world.db.contract.findUnique({ where: { id } })).toBeNull();
}

function expectError(r: Reply, status: number, code: string, field?: string) {
  expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.field }).toEqual({ status, code, field });
  expect(r.body.error.status).toBe(status);
  expect(typeof r.body.error.message).toBe('string');
}

describe('application and acceptance (NGN-10, NGN-11)', () => {
  test('NGN-11: ops applies and accepts; the contract is formed when the acceptance notice is sent, and the SMTP sink received it', async () => {
    const customer = corpA();
    const applied = await call('POST', '/contracts', { key: KEY.ops, body: ngnBody(customer) });
    expect(applied.status).toBe(201);
    const id = applied.body.contractId as string;
    started.push(id);
    expect(id).toMatch(/^ctr-/);
    expect(applied.headers.get('location')).toBe(`/contracts/${id}`);
    expect(applied.body).toEqual({ contractId: id, status: 'applied', termsVersion: '2020-02-01' });

    const got = await call('GET', `/contracts/${id}`, { key: KEY.ops });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ contractId: id, status: 'applied', terms: 'NGN', planId: 'ngn-vpn-standard', customerId: CUST_A });
    expect(got.body.formedAt).toBeUndefined();

    const start = today();
    const accepted = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: { serviceStartDate: start } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ contractId: id, status: 'active', serviceStart: start, billingStart: start });
    const formedAt = accepted.body.formedAt as string;
    expect(new Date(formedAt).toISOString()).toBe(formedAt);

    // The notice reached the SMTP server, for this customer, citing NGN-11.
    const mails = mailsTo(customer.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/^X-Yakkan-Clause: NGN-11\r?$/m);
    expect(mails[0]!.raw).toContain(`X-Yakkan-Notice: ${id}:acceptance:NGN-11`);

    // The outbox row holds the proof of sending; formation = the send time (NGN-11).
    const notices = await world.db.notice.findMany({ where: { contractId: id } });
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    expect(notice).toMatchObject({ kind: 'acceptance', clauseId: 'NGN-11', status: 'sent' });
    // Issue 16: the outbox row keeps the recipient sealed with the contract's data key; it opens to the address.
    expect(notice.recipient).not.toContain(customer.email);
    expect(await personalData(world.db).openText(notice.recipient)).toBe(customer.email);
    expect(notice.messageId).toBeTruthy();
    expect(notice.smtpResponse).toMatch(/^250\b/);
    expect(mails[0]!.raw.toLowerCase()).toContain(`message-id: ${notice.messageId!.toLowerCase()}`);
    expect(notice.sentAt?.toISOString()).toBe(formedAt);

    const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('active');
    expect(row.formedAt?.toISOString()).toBe(formedAt);
    const after = await call('GET', `/contracts/${id}`, { key: KEY.ops });
    expect(after.body).toMatchObject({ status: 'active', formedAt });
  });

  test('NGN-11: accepting an accepted contract again is a 409 command_conflict and changes nothing', async () => {
    const customer = corpA();
    const { id } = await applyAndAccept(ngnBody(customer));
    const before = await call('GET', `/contracts/${id}`, { key: KEY.ops });
    const rowBefore = await world.db.contract.findUniqueOrThrow({ where: { id } });

    // The same request again is a retry (its Idempotency-Key is derived from it): the first outcome, nothing new.
    const retry = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: { serviceStartDate: today() } });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'active', formedAt: before.body.formedAt });
    // A second accept under a key of its own is a new command: refused.
    const again = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: { serviceStartDate: today() }, idempotencyKey: 'second-accept-0001' });
    expectError(again, 409, 'command_conflict');

    const after = await call('GET', `/contracts/${id}`, { key: KEY.ops });
    expect(after.body).toEqual(before.body);
    expect(await world.db.contract.findUniqueOrThrow({ where: { id } })).toEqual(rowBefore);
    expect(await world.db.notice.count({ where: { contractId: id } })).toBe(1);
    expect(mailsTo(customer.email)).toHaveLength(1);
  });

  test('NGN-52: a fault contact is registered with the application and changed through the API; a bad address is 400 naming the field and changes nothing', async () => {
    const badApply = await call('POST', '/contracts', { key: KEY.ops, body: ngnBody({ ...corpA(), faultContactEmail: 'noc at example' }) });
    expectError(badApply, 400, 'invalid_request', 'customer.faultContactEmail');
    const { id } = await applyAndAccept(ngnBody({ ...corpA(), faultContactEmail: 'noc@example.co.jp' }));
    const bad = await call('POST', `/contracts/${id}/fault-contact`, { key: KEY.ops, body: { email: 'nope' } });
    expectError(bad, 400, 'invalid_request', 'email');
    expect((await call('GET', `/contracts/${id}`, { key: KEY.ops })).body.faultContact).toBeUndefined();
    const denied = await call('POST', `/contracts/${id}/fault-contact`, { key: KEY.auditor, body: { email: 'noc2@example.co.jp' } });
    expect(denied.status).toBe(403);
    const ok = await call('POST', `/contracts/${id}/fault-contact`, { key: KEY.ops, body: { email: 'noc2@example.co.jp' } });
    expect(ok.status).toBe(200);
    expect(ok.body.faultContact).toEqual({ email: 'noc2@example.co.jp', registeredOn: today() });
  });

  test('NGN-46 / TNC-45: disclosures and malware alerts are validated field by field (400), refused by the 約款 they do not belong to (422), and answered 201', async () => {
    const { id } = await applyAndAccept();
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const noAuthority = await call('POST', `/contracts/${id}/disclosures`, { key: KEY.ops, body: { legalBasis: '民事訴訟法第223条', scope: '契約者名', disclosureAt: later } });
    expectError(noAuthority, 400, 'invalid_request', 'authority');
    const ok = await call('POST', `/contracts/${id}/disclosures`, { key: KEY.ops, body: { authority: '東京地方裁判所', legalBasis: '民事訴訟法第223条', scope: '契約者名', disclosureAt: later } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ authority: '東京地方裁判所', prior: true });
    const badIp = await call('POST', `/contracts/${id}/malware-alerts`, { key: KEY.ops, body: { ipAddress: '999.1.1.1', observedAt: new Date().toISOString(), source: 'x', detail: 'y' } });
    expectError(badIp, 400, 'invalid_request', 'ipAddress');
    const wrongTerms = await call('POST', `/contracts/${id}/malware-alerts`, { key: KEY.ops, body: { ipAddress: '192.0.2.1', observedAt: new Date().toISOString(), source: 'x', detail: 'y' } });
    expectError(wrongTerms, 422, 'invalid_command', 'terms');
  });

  test('NGN-11: a service start date before the application date is refused with field serviceStartDate', async () => {
    const id = await apply(ngnBody());
    const r = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: { serviceStartDate: '2000-01-01' } });
    expectError(r, 422, 'invalid_command', 'serviceStartDate');
    expect((await call('GET', `/contracts/${id}`, { key: KEY.ops })).body.status).toBe('applied');
    const bad = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: { serviceStartDate: '1 April' } });
    expectError(bad, 400, 'invalid_request', 'serviceStartDate');
  });
});

describe('rejection (NGN-12)', () => {
  test('NGN-12: refused grounds and reasons change nothing; a rejection on ground (3) is notified in writing', async () => {
    const customer = corpA();
    const id = await apply(ngnBody(customer));
    await rowOf(id);

    const badGround = await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [12], reason: '与信審査の結果' } });
    expectError(badGround, 422, 'invalid_command', 'grounds');
    const noReason = await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [3], reason: '' } });
    expectError(noReason, 400, 'invalid_request', 'reason');
    const blankReason = await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [3], reason: '   ' } });
    expectError(blankReason, 400, 'invalid_request', 'reason');
    const noGrounds = await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [], reason: '与信審査の結果' } });
    expectError(noGrounds, 400, 'invalid_request', 'grounds');
    expect((await call('GET', `/contracts/${id}`, { key: KEY.ops })).body.status).toBe('applied');
    expect(mailsTo(customer.email)).toHaveLength(0);
    expect(await world.db.notice.count({ where: { contractId: id } })).toBe(0);

    const reason = '料金の支払いを怠るおそれがあるため（与信審査の結果）';
    const rejected = await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [3], reason } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ contractId: id, status: 'rejected', rejection: { grounds: [3], reason } });
    expect(rejected.body.formedAt).toBeUndefined();

    const mails = mailsTo(customer.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/^X-Yakkan-Clause: NGN-12\r?$/m);
    const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id } });
    expect(notice).toMatchObject({ kind: 'rejection', clauseId: 'NGN-12', status: 'sent' });
    // Issue 16: the outbox row keeps the recipient sealed with the contract's data key; it opens to the address.
    expect(notice.recipient).not.toContain(customer.email);
    expect(await personalData(world.db).openText(notice.recipient)).toBe(customer.email);
    expect(notice.body).toContain(reason);
    const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('rejected');
    expect(row.formedAt).toBeNull();
  });

  test('NGN-12: a rejected application can be neither accepted nor rejected again (409 command_conflict)', async () => {
    const customer = corpA();
    const id = await apply(ngnBody(customer));
    const rejected = await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [1], reason: '申込書の記載内容に不備' } });
    expect(rejected.status).toBe(200);

    expectError(await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: {} }), 409, 'command_conflict');
    expectError(
      await call('POST', `/contracts/${id}/reject`, { key: KEY.ops, body: { grounds: [2], reason: '再度の拒絶' } }),
      409,
      'command_conflict',
    );
    const got = await call('GET', `/contracts/${id}`, { key: KEY.ops });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'rejected', rejection: { grounds: [1] } });
    expect(mailsTo(customer.email)).toHaveLength(1);
  });
});

describe('validation of applications (NGN-10): a refusal starts nothing', () => {
  const refusals: Array<[string, (contractId: string) => { body?: unknown; raw?: string }, number, string, string | undefined]> = [
    ['bad email', (contractId) => ({ body: ngnBody({ ...corpA(), email: 'not-an-email' }, { contractId }) }), 400, 'invalid_request', 'customer.email'],
    ['unknown terms', (contractId) => ({ body: { ...ngnBody(corpA(), { contractId }), terms: 'XYZ' } }), 400, 'invalid_request', 'terms'],
    ['unknown plan', (contractId) => ({ body: ngnBody(corpA(), { contractId, planId: 'ngn-no-such-plan' }) }), 422, 'unknown_plan', 'planId'],
    ['a TNC plan under the NGN terms', (contractId) => ({ body: ngnBody(corpA(), { contractId, planId: 'tnc-home-1g' }) }), 422, 'unknown_plan', 'planId'],
    ['NGN-10: NGN for a consumer', (contractId) => ({ body: ngnBody(consumerCustomer(CUST_A), { contractId }) }), 422, 'applicant_not_eligible', 'customer.kind'],
    ['NGN-10: NGN for a foreign corporation', (contractId) => ({ body: ngnBody({ ...corpA(), domestic: false }, { contractId }) }), 422, 'applicant_not_eligible', 'customer.domestic'],
    ['malformed JSON', (contractId) => ({ raw: `{"contractId":"${contractId}","terms":"NGN",` }), 400, 'invalid_json', undefined],
    ['an unknown extra field', (contractId) => ({ body: ngnBody(corpA(), { contractId, discount: '100%' }) }), 400, 'invalid_request', undefined],
    ['an unknown extra customer field', (contractId) => ({ body: ngnBody({ ...corpA(), vip: true } as never, { contractId }) }), 400, 'invalid_request', 'customer'],
    ['a malformed contractId', () => ({ body: ngnBody(corpA(), { contractId: '../etc' }) }), 400, 'invalid_request', 'contractId'],
  ];

  test.each(refusals)('NGN-10: %s → refused, nothing started', async (_name, make, status, code, field) => {
    const contractId = uniqueId('ctr-refused');
    const before = await world.db.contract.count();
    const r = await call('POST', '/contracts', { key: KEY.ops, ...make(contractId) });
    expectError(r, status, code, field);
    await expectNoWorkflow(contractId);
    expect(await world.db.contract.count()).toBe(before);
  });
});

describe('contract ids', () => {
  test('a duplicate contractId of a running contract is 409 already_exists and changes nothing', async () => {
    const contractId = uniqueId('ctr-dup');
    const first = await call('POST', '/contracts', { key: KEY.ops, body: ngnBody(corpA(), { contractId }) });
    expect(first.status).toBe(201);
    started.push(contractId);
    expect(first.body.contractId).toBe(contractId);
    const row = await rowOf(contractId);

    const other = { ...corpOf(CUST_B), name: '株式会社べつの会社' };
    const dup = await call('POST', '/contracts', { key: KEY.ops, body: ngnBody(other, { contractId }) });
    expectError(dup, 409, 'already_exists', 'contractId');
    expect(await world.db.contract.findUniqueOrThrow({ where: { id: contractId } })).toEqual(row);
    expect((await call('GET', `/contracts/${contractId}`, { key: KEY.ops })).body.customerId).toBe(CUST_A);
  });

  test('NGN-12: the contractId of a rejected (closed) application cannot be reused (409 already_exists)', async () => {
    const contractId = uniqueId('ctr-dup');
    const customer = corpA();
    await apply(ngnBody(customer, { contractId }));
    expect((await call('POST', `/contracts/${contractId}/reject`, { key: KEY.ops, body: { grounds: [3], reason: '与信審査の結果' } })).status).toBe(200);
    const row = await world.db.contract.findUniqueOrThrow({ where: { id: contractId } });

    const dup = await call('POST', '/contracts', { key: KEY.ops, body: ngnBody(corpOf(CUST_B), { contractId }) });
    expectError(dup, 409, 'already_exists', 'contractId');
    await new Promise((r) => setTimeout(r, 300)); // a wrongly started second run would have saved its row by now
    expect(await world.db.contract.findUniqueOrThrow({ where: { id: contractId } })).toEqual(row);
    const got = await call('GET', `/contracts/${contractId}`, { key: KEY.ops });
    expect(got.body).toMatchObject({ status: 'rejected', customerId: CUST_A });
  });
});

describe('access control by API key', () => {
  test('no key or an unknown key is 401, whatever the request', async () => {
    expectError(await call('GET', '/contracts'), 401, 'unauthenticated');
    expectError(await call('POST', '/contracts', { body: ngnBody() }), 401, 'unauthenticated');
    expectError(await call('POST', '/contracts', { raw: '{not json' }), 401, 'unauthenticated');
    expectError(await call('GET', '/contracts', { key: 'unknown-key-0123456789' }), 401, 'unauthenticated');
    expectError(await call('GET', '/contracts', { key: 'unknown-key-0123456789', header: 'x-api-key' }), 401, 'unauthenticated');
    expectError(await call('GET', '/contracts', { key: KEY.ops.slice(0, -1) }), 401, 'unauthenticated');
    // Only the documented header: a valid key in X-API-Key is still 401, and the answer says why (issue 15).
    const xApiKey = await call('GET', '/contracts', { key: KEY.ops, header: 'x-api-key' });
    expectError(xApiKey, 401, 'unauthenticated');
    expect(xApiKey.body.error.message).toContain('X-API-Key is not supported');
    expect((await call('GET', '/health')).status).toBe(200);
  });

  test('roles: auditor reads all but writes nothing; a customer reads only its own contracts (others are 404)', async () => {
    const { id } = await applyAndAccept(ngnBody(corpA()));
    const contracts = await world.db.contract.count();

    const auditorPost = await call('POST', '/contracts', { key: KEY.auditor, body: ngnBody(corpA(), { contractId: uniqueId('ctr-x') }) });
    expectError(auditorPost, 403, 'forbidden');
    expectError(await call('POST', `/contracts/${id}/accept`, { key: KEY.auditor, body: {} }), 403, 'forbidden');
    expectError(await call('POST', `/contracts/${id}/reject`, { key: KEY.auditor, body: { grounds: [3], reason: 'x' } }), 403, 'forbidden');
    const auditorList = await call('GET', '/contracts', { key: KEY.auditor });
    expect(auditorList.status).toBe(200);
    expect(auditorList.body.contracts.map((c: { id: string }) => c.id)).toContain(id);
    expect((await call('GET', `/contracts/${id}`, { key: KEY.auditor })).status).toBe(200);

    const customerPost = await call('POST', '/contracts', { key: KEY.custA, body: ngnBody(corpA(), { contractId: uniqueId('ctr-x') }) });
    expectError(customerPost, 403, 'forbidden');
    expectError(await call('POST', `/contracts/${id}/accept`, { key: KEY.custA, body: {} }), 403, 'forbidden');
    expectError(await call('GET', '/contracts', { key: KEY.custA }), 403, 'forbidden');
    expect(await world.db.contract.count()).toBe(contracts);

    const own = await call('GET', `/contracts/${id}`, { key: KEY.custA });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ contractId: id, customerId: CUST_A, status: 'active' });
    const ownLedger = await call('GET', `/contracts/${id}/ledger`, { key: KEY.custA });
    expect(ownLedger.status).toBe(200);
    expect(ownLedger.body).toEqual({ contractId: id, entries: [] });

    // Another customer cannot tell the contract exists: the same 404 as for an unknown id.
    const foreign = await call('GET', `/contracts/${id}`, { key: KEY.custB });
    expectError(foreign, 404, 'not_found');
    expect(JSON.stringify(foreign.body)).not.toContain(CUST_A);
    expectError(await call('GET', `/contracts/${id}/ledger`, { key: KEY.custB }), 404, 'not_found');
    expectError(await call('GET', '/contracts/ctr-no-such-contract', { key: KEY.custB }), 404, 'not_found');
  });

  test('listing: ?status=active returns only active contracts; ?status=bogus is 400; unknown contracts are 404', async () => {
    const { id: active } = await applyAndAccept();
    const applied = await apply(ngnBody());
    await rowOf(applied);

    const list = await call('GET', '/contracts?status=active', { key: KEY.ops });
    expect(list.status).toBe(200);
    const ids = list.body.contracts.map((c: { id: string }) => c.id);
    expect(ids).toContain(active);
    expect(ids).not.toContain(applied);
    expect(list.body.contracts.every((c: { status: string }) => c.status === 'active')).toBe(true);
    const activeInDb = await world.db.contract.count({ where: { status: 'active' } });
    expect(ids).toHaveLength(activeInDb);

    const appliedList = await call('GET', '/contracts?status=applied', { key: KEY.auditor });
    expect(appliedList.body.contracts.map((c: { id: string }) => c.id)).toContain(applied);
    expect(appliedList.body.contracts.every((c: { status: string }) => c.status === 'applied')).toBe(true);

    expectError(await call('GET', '/contracts?status=bogus', { key: KEY.ops }), 400, 'invalid_request', 'status');
    expectError(await call('GET', '/contracts/ctr-no-such-contract', { key: KEY.ops }), 404, 'not_found');
    expectError(await call('GET', '/contracts/ctr-no-such-contract/ledger', { key: KEY.ops }), 404, 'not_found');
    expectError(await call('POST', '/contracts/ctr-no-such-contract/accept', { key: KEY.ops, body: {} }), 404, 'not_found');
    expectError(
      await call('POST', '/contracts/ctr-no-such-contract/reject', { key: KEY.ops, body: { grounds: [3], reason: '与信審査の結果' } }),
      404,
      'not_found',
    );
  });
});

describe('reads from the database', () => {
  test('an unknown contract is 404 on every billing read (async errors reach the error handler); the NGN-11 queue lists an open application', async () => {
    for (const read of ['invoices', 'payments', 'balance', 'ledger.csv', 'notices']) {
      expectError(await call('GET', `/contracts/ctr-no-such-contract/${read}`, { key: KEY.ops }), 404, 'not_found');
    }
    const id = await apply(ngnBody());
    await rowOf(id);
    const queue = await call('GET', '/applications', { key: KEY.auditor });
    expect(queue.status).toBe(200);
    expect(queue.body.applications.find((a: { id: string }) => a.id === id)).toMatchObject({ id, terms: 'NGN', planId: 'ngn-vpn-standard', customerId: CUST_A });
    expectError(await call('GET', '/applications', { key: KEY.custA }), 403, 'forbidden');
  });
});

describe('TNC application (TNC-12)', () => {
  test('TNC-12: an accepted TNC application is formed at its database entry: formedAt equals the contract row', async () => {
    const customer = { ...consumerCustomer(CUST_A), email: `${uniqueId('tnc')}@example.jp` };
    const id = await apply({ terms: 'TNC', planId: 'tnc-home-1g', customer });
    const accepted = await call('POST', `/contracts/${id}/accept`, { key: KEY.ops, body: {} });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ contractId: id, status: 'active', terms: 'TNC', termsVersion: '2022-07-01' });
    const formedAt = accepted.body.formedAt as string;
    expect(formedAt).toBeTruthy();

    const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
    expect(row.formedAt?.toISOString()).toBe(formedAt);
    expect(row.status).toBe('active');
    // TNC-26: fees accrue from the formation date (JST).
    expect(accepted.body.billingStart).toBe(jstDateOf(formedAt));

    // The acceptance notice follows the formation; it does not define it.
    const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id } });
    expect(notice).toMatchObject({ kind: 'acceptance', clauseId: 'TNC-12', status: 'sent' });
    expect(notice.sentAt!.getTime()).toBeGreaterThanOrEqual(Date.parse(formedAt));
    const mails = mailsTo(customer.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/^X-Yakkan-Clause: TNC-12\r?$/m);
  });
});
