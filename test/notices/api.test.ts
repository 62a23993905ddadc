/**
 * Notices API (api/notices-routes.ts, mounted in api/app.ts behind the API-key auth): a customer key
 * sees only its own contract's delivered notices (subject, body, sent time), another customer's
 * contract answers 404; ops and auditors see the delivery record and the failed-delivery overview.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client.js';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { listenLocal } from '../helpers/http.js';
import { useWorld } from '../helpers/world.js';

const KEYS = {
  ops: 'ops-key-0123456789abcdef',
  auditor: 'auditor-key-0123456789ab',
  alice: 'alice-key-0123456789abcd',
  bob: 'bob-key-0123456789abcdef',
};

const world = useWorld('no-temporal');
let db: Db;
let base: string;
const ids: Record<string, number> = {};

beforeAll(async () => {
  db = world.db;
  const keys = parseApiKeys(`${KEYS.ops}=ops,${KEYS.auditor}=auditor,${KEYS.alice}=customer:CUST-ALICE,${KEYS.bob}=customer:CUST-BOB`);
  // The notice routes read the database only; no Temporal call is made on these paths.
  const app = buildApp({ client: {} as Client, db, keys });
  const api = await listenLocal(app);
  world.defer('close the API server', () => api.close());
  base = api.base;

  for (const [id, customerId] of [
    ['ctr-alice', 'CUST-ALICE'],
    ['ctr-bob', 'CUST-BOB'],
  ] as const) {
    await db.contract.create({
      data: {
        id,
        terms: 'NGN',
        termsVersion: '2020-02-01',
        planId: 'ngn-vpn-standard',
        customerId,
        customerName: `${customerId} 株式会社`,
        customerEmail: `${id}@example.co.jp`,
        customerKind: 'corporate',
        channel: 'form',
        status: 'active',
        appliedAt: new Date('2026-04-01T00:00:00Z'),
      },
    });
  }
  const notice = async (name: string, contractId: string, kind: string, clauseId: string, extra: Record<string, unknown>) => {
    const n = await db.notice.create({
      data: {
        contractId,
        idempotencyKey: `${contractId}:${kind}:${clauseId}`,
        kind,
        clauseId,
        channel: 'email',
        recipient: `${contractId}@example.co.jp`,
        subject: `【NGN】${kind}`,
        body: `${kind} 本文 ${clauseId}`,
        status: 'pending',
        ...extra,
      },
    });
    ids[name] = n.id;
  };
  await notice('aliceSent', 'ctr-alice', 'acceptance', 'NGN-11', {
    status: 'sent',
    attempts: 3,
    sentAt: new Date('2026-04-27T01:00:00Z'),
    messageId: '<abc.notice@yakkan.localhost>',
    smtpResponse: '250 OK: message queued',
    lastError: null,
  });
  await notice('aliceFailed', 'ctr-alice', 'suspension', 'NGN-36', {
    status: 'failed',
    attempts: 14,
    lastError: '421 mail sink is down',
    escalatedAt: new Date('2026-04-27T03:00:00Z'),
  });
  await notice('alicePending', 'ctr-alice', 'invoice', 'NGN-19', { attempts: 1, lastError: '421 mail sink is down' });
  await notice('bobSent', 'ctr-bob', 'acceptance', 'NGN-11', { status: 'sent', attempts: 1, sentAt: new Date('2026-04-28T01:00:00Z'), smtpResponse: '250 OK' });
});

async function get(path: string, key?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: await res.json() };
}

describe('NGN-49 / TNC-5 notices API: customers see their own notices, ops see delivery proof', () => {
  test('NGN-11: a customer sees only its own delivered notices, with subject, body and sent time — no delivery internals', async () => {
    const r = await get('/contracts/ctr-alice/notices', KEYS.alice);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      contractId: 'ctr-alice',
      notices: [
        { id: ids.aliceSent, kind: 'acceptance', clauseId: 'NGN-11', subject: '【NGN】acceptance', body: 'acceptance 本文 NGN-11', sentAt: '2026-04-27T01:00:00.000Z' },
      ],
    });
    const one = await get(`/contracts/ctr-alice/notices/${ids.aliceSent}`, KEYS.alice);
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual(['body', 'clauseId', 'id', 'kind', 'sentAt', 'subject']);
  });

  test('NGN-49: another customer’s contract and its notices answer 404 (ids cannot be probed); a not-yet-delivered notice is 404 for the customer', async () => {
    expect((await get('/contracts/ctr-bob/notices', KEYS.alice)).status).toBe(404);
    expect((await get(`/contracts/ctr-bob/notices/${ids.bobSent}`, KEYS.alice)).status).toBe(404);
    // Bob's notice id under Alice's contract: not hers either.
    expect((await get(`/contracts/ctr-alice/notices/${ids.bobSent}`, KEYS.alice)).status).toBe(404);
    expect((await get(`/contracts/ctr-alice/notices/${ids.alicePending}`, KEYS.alice)).status).toBe(404);
    expect((await get('/contracts/ctr-alice/notices/not-a-number', KEYS.alice)).status).toBe(404);
    const r = await get('/contracts/ctr-nobody/notices', KEYS.ops);
    expect(r).toEqual({ status: 404, body: { error: { status: 404, code: 'not_found', message: 'contract ctr-nobody does not exist' } } });
  });

  test('NGN-36: auditors and ops see every notice with status, attempts, message id, SMTP response, last error and escalation', async () => {
    const r = await get('/contracts/ctr-alice/notices', KEYS.auditor);
    expect(r.status).toBe(200);
    expect(r.body.notices.map((n: any) => [n.kind, n.status, n.attempts])).toEqual([
      ['acceptance', 'sent', 3],
      ['suspension', 'failed', 14],
      ['invoice', 'pending', 1],
    ]);
    expect(r.body.notices[0]).toMatchObject({ messageId: '<abc.notice@yakkan.localhost>', smtpResponse: '250 OK: message queued', lastError: null, escalatedAt: null });
    expect(r.body.notices[1]).toMatchObject({ clauseId: 'NGN-36', lastError: '421 mail sink is down', escalatedAt: '2026-04-27T03:00:00.000Z', sentAt: null });
    const one = await get(`/contracts/ctr-alice/notices/${ids.aliceFailed}`, KEYS.ops);
    expect(one.body).toMatchObject({ id: ids.aliceFailed, status: 'failed', attempts: 14, recipient: 'ctr-alice@example.co.jp' });
  });

  test('NGN-36: GET /notices?status=failed gives ops the failed deliveries and the counts; customers are refused (403), no key is 401', async () => {
    const r = await get('/notices?status=failed', KEYS.ops);
    expect(r.status).toBe(200);
    expect(r.body.counts).toEqual({ pending: 1, sent: 2, failed: 1 });
    expect(r.body.notices.map((n: any) => [n.contractId, n.kind, n.status, n.escalatedAt])).toEqual([
      ['ctr-alice', 'suspension', 'failed', '2026-04-27T03:00:00.000Z'],
    ]);
    expect((await get('/notices?escalated=false&contractId=ctr-alice', KEYS.auditor)).body.notices.map((n: any) => n.kind)).toEqual(['invoice', 'acceptance']);
    const bad = await get('/notices?status=lost', KEYS.ops);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
    expect((await get('/notices', KEYS.alice)).status).toBe(403);
    expect((await get('/notices')).status).toBe(401);
    expect((await get('/carrier-messages?status=failed', KEYS.ops)).body).toEqual({ messages: [] });
  });
});
