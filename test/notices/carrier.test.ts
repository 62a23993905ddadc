/**
 * Carrier (docomo) notifications on the docomo-billed course (TNC-15/17/18/41): a CarrierMessage
 * outbox row, then a signed JSON POST to a local express "carrier" that verifies the HMAC-SHA256
 * signature over the raw body; the response is kept as proof. Workflow-level retries and escalation
 * run on the time-skipping server through a test workflow that calls workflows/notify.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { beforeAll, describe, expect, test } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { createCarrierActivities, signBody } from '../../activities/carrier.js';
import { createNoticeActivities } from '../../activities/notices.js';
import type { CarrierRequest } from '../../activities/types.js';
import { carrierNotification } from '../../notices/templates.js';
import type { CarrierEventInput } from '../../workflows/notify.js';
import { payloadDataConverter } from '../../runtime/payload-codec.js';
import { bundleWorkflows } from '../../runtime/workflow-bundle.js';
import { testPayloadCodec, useWorld, uniqueId } from '../helpers/world.js';
import { parseMail } from './mime.js';
import { listenLocal } from '../helpers/http.js';

const SECRET = 'test-carrier-secret-0123456789';
const OPS = 'ops@yakkan.test';

const world = useWorld('time-skipping');
let url: string;
let bundle: WorkflowBundle;

/** What the fake carrier does with the next request. */
let carrierMode: 'ok' | 'unavailable' | 'reject' = 'ok';
/** Requests the carrier accepted (signature verified). */
const received: { key: string | undefined; body: Record<string, unknown>; raw: string }[] = [];
/** Every request that reached the carrier, verified or not. */
let hits = 0;

beforeAll(async () => {
  // The carrier side: verify the signature over the raw bytes before trusting anything in them.
  const app = express();
  app.post('/docomo/notifications', express.raw({ type: 'application/json' }), (req, res) => {
    hits += 1;
    const raw = req.body as Buffer;
    const given = Buffer.from(req.get('x-yakkan-signature') ?? '');
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).json({ error: 'signature mismatch' });
      return;
    }
    if (carrierMode === 'unavailable') {
      res.status(503).json({ error: 'maintenance' });
      return;
    }
    if (carrierMode === 'reject') {
      res.status(422).json({ error: 'unknown contract' });
      return;
    }
    received.push({ key: req.get('x-yakkan-message-key'), body: JSON.parse(raw.toString('utf8')), raw: raw.toString('utf8') });
    res.status(202).json({ accepted: true, receipt: `DCM-${received.length}` });
  });
  const api = await listenLocal(app);
  world.defer('close the fake carrier', () => api.close());
  url = `${api.base}/docomo/notifications`;
  bundle = await bundleWorkflows(fileURLToPath(new URL('./notify-workflows.ts', import.meta.url)));
});

const serverNow = async () => new Date(await world.env.currentTimeMs());

async function docomoContract(planId = 'tnc-docomo'): Promise<string> {
  const id = uniqueId('ctr-tnc');
  await world.db.contract.create({
    data: {
      id,
      terms: 'TNC',
      termsVersion: '2022-07-01',
      planId,
      customerId: uniqueId('cust'),
      customerName: '山田 太郎',
      customerEmail: `${id}@example.jp`,
      customerKind: 'consumer',
      channel: 'online',
      status: 'active',
      appliedAt: new Date('2026-04-01T00:00:00Z'),
    },
  });
  return id;
}

function cancellation(contractId: string): CarrierRequest {
  const n = carrierNotification({ contractId, event: 'cancellation', effectiveDate: '2026-04-30', planId: 'tnc-docomo' });
  return { contractId, idempotencyKey: `${contractId}:docomo:cancellation:TNC-17:2026-04-30`, kind: n.kind, clauseId: n.clauseId, payload: { ...n.payload } };
}

const activities = (o: { webhookUrl?: string; webhookSecret?: string } = {}) =>
  createCarrierActivities({ db: world.db, mailer: world.mailer, now: serverNow, webhookUrl: url, webhookSecret: SECRET, opsAlertEmail: OPS, ...o });

describe('TNC-15 / TNC-17 / TNC-18 / TNC-41 docomo notification (activities/carrier.ts)', () => {
  test('TNC-17: the cancellation is posted once as signed JSON; the carrier verifies the signature; status and body are the proof', async () => {
    carrierMode = 'ok';
    const acts = activities();
    const contractId = await docomoContract();
    const req = cancellation(contractId);
    const proof = await acts.notifyCarrier(req);
    const again = await acts.notifyCarrier(req); // retry / replay: nothing posted twice

    expect(again).toEqual(proof);
    expect(proof).toMatchObject({ delivered: true, responseStatus: 202 });
    expect(JSON.parse(proof.responseBody!)).toMatchObject({ accepted: true });
    const mine = received.filter((r) => r.key === req.idempotencyKey);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toMatchObject({
      messageKey: req.idempotencyKey,
      schema: 'yakkan.carrier-notification/v1',
      contractId,
      course: 'docomo-billed',
      event: 'cancellation',
      clauseId: 'TNC-17',
      effectiveDate: '2026-04-30',
    });
    const row = await world.db.carrierMessage.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, kind: 'docomo:cancellation', clauseId: 'TNC-17', responseStatus: 202, lastError: null });
    expect(row.responseBody).toBe(proof.responseBody);
    // The stored payload is the exact body that was signed and posted.
    expect(row.payload).toBe(mine[0]!.raw);
    expect(signBody(SECRET, row.payload)).toBe(`sha256=${createHmac('sha256', SECRET).update(row.payload).digest('hex')}`);
  });

  test('TNC-41: a message signed with the wrong secret is refused (401) — CarrierRejected, not retried', async () => {
    const acts = activities({ webhookSecret: 'not-the-shared-secret' });
    const contractId = await docomoContract();
    const n = carrierNotification({ contractId, event: 'suspension', effectiveDate: '2026-05-01', planId: 'tnc-docomo', reason: '料金未払い' });
    const req = { contractId, idempotencyKey: `${contractId}:docomo:suspension:TNC-41:2026-05-01`, kind: n.kind, clauseId: n.clauseId, payload: { ...n.payload } };
    const e = await acts.notifyCarrier(req).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect((e as ApplicationFailure).type).toBe('CarrierRejected');
    expect((e as ApplicationFailure).nonRetryable).toBe(true);
    const row = await world.db.carrierMessage.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 401 });
    expect(row.lastError).toMatch(/carrier answered 401/);
  });

  test('TNC-15: without CARRIER_WEBHOOK_URL / _SECRET the message is recorded and fails as CarrierNotConfigured (escalated at once)', async () => {
    const acts = activities({ webhookUrl: undefined, webhookSecret: undefined });
    const contractId = await docomoContract();
    const n = carrierNotification({ contractId, event: 'plan-change', effectiveDate: '2026-05-01', planId: 'tnc-docomo', newPlanId: 'tnc-docomo-2' });
    const before = hits;
    const e = await acts
      .notifyCarrier({ contractId, idempotencyKey: `${contractId}:docomo:plan-change:TNC-15:2026-05-01`, kind: n.kind, clauseId: n.clauseId, payload: { ...n.payload } })
      .catch((x: unknown) => x);
    expect((e as ApplicationFailure).type).toBe('CarrierNotConfigured');
    expect(hits).toBe(before);
  });
});

describe('TNC-17 / TNC-18 carrier delivery policy on the time-skipping server (workflows/notify.ts)', () => {
  async function run(taskQueue: string, input: CarrierEventInput) {
    const worker = await Worker.create({
      connection: world.env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      // The world's client encrypts (issue 16): the worker decrypts with the same test key.
      dataConverter: payloadDataConverter(testPayloadCodec()),
      activities: {
        ...createNoticeActivities({ db: world.db, mailer: world.mailer, now: serverNow, opsAlertEmail: OPS }),
        ...activities(),
      },
    });
    return { worker, workflowId: uniqueId('wf-carrier') };
  }

  test('TNC-17: the carrier answers 503 for 30 minutes; the retries deliver the cancellation exactly once, attempts > 1', async () => {
    const contractId = await docomoContract();
    const taskQueue = uniqueId('tq');
    const input: CarrierEventInput = { contractId, terms: 'TNC', planId: 'tnc-docomo', docomoBilled: true, event: 'cancellation', effectiveDate: '2026-04-30' };
    const { worker, workflowId } = await run(taskQueue, input);
    carrierMode = 'unavailable';
    try {
      await worker.runUntil(async () => {
        const handle = await world.env.client.workflow.start('carrierEventWorkflow', { taskQueue, workflowId, args: [input] });
        try {
          await world.env.sleep('30 minutes');
          const during = await world.db.carrierMessage.findFirstOrThrow({ where: { contractId } });
          expect(during).toMatchObject({ status: 'pending', responseStatus: 503 });
          expect(during.attempts).toBeGreaterThan(3);
          carrierMode = 'ok';
          const proof = await handle.result();
          expect(proof).toMatchObject({ delivered: true, responseStatus: 202 });
          const row = await world.db.carrierMessage.findFirstOrThrow({ where: { contractId } });
          expect(row.status).toBe('sent');
          expect(row.attempts).toBe(during.attempts + 1);
          expect(received.filter((r) => r.body.contractId === contractId)).toHaveLength(1);
        } finally {
          await handle.terminate('test finished').catch(() => undefined);
        }
      });
    } finally {
      carrierMode = 'ok';
    }
  });

  test('TNC-18: a carrier that keeps answering 503 for 2 hours — the message is escalated: status failed, ops alerted, the workflow completes with delivered=false', async () => {
    const contractId = await docomoContract();
    const taskQueue = uniqueId('tq');
    const input: CarrierEventInput = {
      contractId,
      terms: 'TNC',
      planId: 'tnc-docomo',
      docomoBilled: true,
      event: 'termination-by-provider',
      effectiveDate: '2026-06-15',
      reason: '利用停止後、指定期間内に料金が支払われなかったため',
    };
    const { worker, workflowId } = await run(taskQueue, input);
    carrierMode = 'unavailable';
    try {
      await worker.runUntil(async () => {
        const handle = await world.env.client.workflow.start('carrierEventWorkflow', { taskQueue, workflowId, args: [input] });
        try {
          const proof = await handle.result(); // time skips through the whole delivery window
          expect(proof).toMatchObject({ delivered: false, escalatedAt: expect.any(String) });
          expect(proof!.error).toMatch(/503/);
          const row = await world.db.carrierMessage.findFirstOrThrow({ where: { contractId } });
          expect(row).toMatchObject({ status: 'failed', kind: 'docomo:termination-by-provider', clauseId: 'TNC-18.4', responseStatus: 503, sentAt: null });
          expect(row.attempts).toBeGreaterThanOrEqual(10);
          expect(row.lastError).toContain('[ops alerted at ');
          const alerts = world.sink.messages.filter((m) => m.to.includes(OPS) && m.raw.includes(row.idempotencyKey));
          expect(alerts).toHaveLength(1);
          const a = parseMail(alerts[0]!.raw);
          expect(a.subject).toContain('TNC-18.4');
          expect(a.text).toContain(contractId);
          expect(received.filter((r) => r.body.contractId === contractId)).toHaveLength(0);
        } finally {
          await handle.terminate('test finished').catch(() => undefined);
        }
      });
    } finally {
      carrierMode = 'ok';
    }
  });

  test('TNC-17: a contract not on the docomo-billed course sends nothing to the carrier', async () => {
    const contractId = await docomoContract('tnc-home-1g');
    const taskQueue = uniqueId('tq');
    const input: CarrierEventInput = { contractId, terms: 'TNC', planId: 'tnc-home-1g', docomoBilled: false, event: 'cancellation', effectiveDate: '2026-04-30' };
    const { worker, workflowId } = await run(taskQueue, input);
    await worker.runUntil(async () => {
      const result = await world.env.client.workflow.execute('carrierEventWorkflow', { taskQueue, workflowId, args: [input] });
      expect(result).toBeNull();
    });
    expect(await world.db.carrierMessage.count({ where: { contractId } })).toBe(0);
  });
});
