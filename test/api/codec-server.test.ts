/**
 * Issue 16: the codec server for the Temporal Web UI over real HTTP — POST /codec/decode and
 * /codec/encode in the UI's remote codec protocol ({ payloads: [{ metadata, data }] }, base64),
 * CORS for the configured UI origin (preflight included), behind the ops/auditor keys, and at
 * /ui/codec behind the pages' sign-in cookie as well.
 */
import { describe, expect, test, beforeAll } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { SessionStore, SESSION_COOKIE } from '../../api/pages/session.js';
import { payloadDataConverter } from '../../runtime/payload-codec.js';
import { listenLocal } from '../helpers/http.js';
import { testPayloadCodec, useWorld } from '../helpers/world.js';

const world = useWorld('no-temporal');
const KEY = { ops: 'codec-ops-key-0123456789', auditor: 'codec-auditor-key-0123456789', customer: 'codec-customer-key-0123456789' };
const UI = 'http://127.0.0.1:8233';
const sessions = new SessionStore();
let base = '';

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');
const asJson = (p: Payload) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data ?? new Uint8Array()) });
const text = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
const CUSTOMER = { name: '株式会社コーデック', email: 'codec@example.co.jp' };

async function call(path: string, init: { method?: string; key?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'POST', headers, body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
  const t = await res.text();
  return { status: res.status, headers: res.headers, json: t ? (JSON.parse(t) as any) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
}

beforeAll(async () => {
  // A client that never connects: the codec server needs only its data converter (the test key).
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: 'default', dataConverter: payloadDataConverter(testPayloadCodec()) });
  const keys = parseApiKeys(`${KEY.ops}=ops,${KEY.auditor}=auditor,${KEY.customer}=customer:C1`);
  const api = await listenLocal(buildApp({ client, db: world.db, keys, codecCorsOrigins: [UI], sessions }));
  world.defer('close the API', () => api.close());
  base = api.base;
});

describe('codec server: the Web UI decodes payloads through the API (issue 16)', () => {
  test('decode: an encrypted payload comes back as its json/plain original; an unencrypted one as it is; ops and auditor keys may, a customer key may not', async () => {
    const [encrypted] = await testPayloadCodec().encode([defaultPayloadConverter.toPayload(CUSTOMER)!]);
    const plain = defaultPayloadConverter.toPayload({ contractId: 'ctr-1' })!;
    expect(text(asJson(encrypted!).data)).not.toContain(CUSTOMER.email);
    for (const key of [KEY.ops, KEY.auditor]) {
      const r = await call('/codec/decode', { key, body: { payloads: [asJson(encrypted!), asJson(plain)] }, headers: { 'x-namespace': 'default' } });
      expect(r.status).toBe(200);
      expect(r.json.payloads).toHaveLength(2);
      expect(text(r.json.payloads[0].metadata.encoding)).toBe('json/plain');
      expect(JSON.parse(text(r.json.payloads[0].data))).toEqual(CUSTOMER);
      expect(r.json.payloads[1]).toEqual(asJson(plain));
    }
    const c = await call('/codec/decode', { key: KEY.customer, body: { payloads: [asJson(encrypted!)] } });
    expect(c.status).toBe(403);
    expect(c.json.error.code).toBe('forbidden');
  });

  test('encode (ops only): the answer is ciphertext under the current key, and decodes back', async () => {
    const plain = defaultPayloadConverter.toPayload(CUSTOMER)!;
    const e = await call('/codec/encode', { key: KEY.ops, body: { payloads: [asJson(plain)] } });
    expect(e.status).toBe(200);
    expect(text(e.json.payloads[0].metadata.encoding)).toBe('binary/encrypted');
    expect(text(e.json.payloads[0].metadata['encryption-key-id'])).toBe('test-1');
    expect(text(e.json.payloads[0].data)).not.toContain(CUSTOMER.name);
    const d = await call('/codec/decode', { key: KEY.auditor, body: e.json });
    expect(JSON.parse(text(d.json.payloads[0].data))).toEqual(CUSTOMER);
    expect((await call('/codec/encode', { key: KEY.auditor, body: { payloads: [asJson(plain)] } })).status).toBe(403);
  });

  test('CORS: the preflight from the UI origin is a 204 allowing POST with Authorization, Content-Type and X-Namespace; another origin gets a 403 and no allowance', async () => {
    const pre = await call('/codec/decode', {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(UI);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(pre.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, X-Namespace');
    expect(pre.headers.get('vary')).toContain('Origin');

    const other = await call('/codec/decode', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.status).toBe(403);
    expect(other.json.error).toMatchObject({ code: 'origin_not_allowed', field: 'Origin' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const post = await call('/codec/decode', { key: KEY.auditor, body: { payloads: [] }, headers: { origin: UI } });
    expect(post.status).toBe(200);
    expect(post.json).toEqual({ payloads: [] });
    expect(post.headers.get('access-control-allow-origin')).toBe(UI);
  });

  test('401 without a key or with an unknown one, also on the UI origin', async () => {
    const none = await call('/codec/decode', { body: { payloads: [] }, headers: { origin: UI } });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('unauthenticated');
    expect(none.headers.get('access-control-allow-origin')).toBe(UI); // the UI can read why
    expect((await call('/codec/decode', { key: 'not-a-key-0123456789', body: { payloads: [] } })).status).toBe(401);
    expect((await call('/ui/codec/decode', { body: { payloads: [] } })).status).toBe(401);
  });

  test('400 on a malformed body (naming the field), invalid JSON, 415 for a body that is not JSON; 422 for a payload no configured key decrypts', async () => {
    const notArray = await call('/codec/decode', { key: KEY.ops, body: { payloads: 'x' } });
    expect(notArray.status).toBe(400);
    expect(notArray.json.error.field).toBe('payloads');
    const badData = await call('/codec/decode', { key: KEY.ops, body: { payloads: [{ metadata: { encoding: b64('json/plain') }, data: 'not base64!' }] } });
    expect(badData.status).toBe(400);
    expect(badData.json.error.field).toBe('payloads.0.data');
    expect((await call('/codec/decode', { key: KEY.ops, body: {} })).status).toBe(400);
    const json = await call('/codec/decode', { key: KEY.ops, raw: '{"payloads": [' });
    expect(json.status).toBe(400);
    expect(json.json.error.code).toBe('invalid_json');
    expect((await call('/codec/decode', { key: KEY.ops, raw: 'payloads', headers: { 'content-type': 'text/plain' } })).status).toBe(415);

    const foreign = { metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k-old') }, data: b64(Buffer.alloc(40)) };
    const r = await call('/codec/decode', { key: KEY.ops, body: { payloads: [foreign] } });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toBe('payload encrypted with key "k-old", which YAKKAN_PAYLOAD_KEYS does not hold (the configured keys are "test-1")');
  });

  test('/ui/codec: the pages\' sign-in cookie of an auditor is enough (the UI\'s "Include cross-origin credentials"); a customer\'s is not', async () => {
    const [encrypted] = await testPayloadCodec().encode([defaultPayloadConverter.toPayload(CUSTOMER)!]);
    const auditor = sessions.create({ role: 'auditor', keyId: 'a' });
    const r = await call('/ui/codec/decode', { body: { payloads: [asJson(encrypted!)] }, headers: { origin: UI, cookie: `${SESSION_COOKIE}=${auditor.id}` } });
    expect(r.status).toBe(200);
    expect(JSON.parse(text(r.json.payloads[0].data))).toEqual(CUSTOMER);
    expect(r.headers.get('access-control-allow-origin')).toBe(UI);
    const customer = sessions.create({ role: 'customer', customerId: 'C1', keyId: 'c' });
    expect((await call('/ui/codec/decode', { body: { payloads: [asJson(encrypted!)] }, headers: { cookie: `${SESSION_COOKIE}=${customer.id}` } })).status).toBe(403);
    const pre = await call('/ui/codec/decode', { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
  });
});
