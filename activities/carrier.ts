/**
 * Carrier notifications on the docomo-billed course (他社料金設定コース): TNC-15 plan change,
 * TNC-17 cancellation, TNC-18 termination by the provider, TNC-41 suspension.
 *
 * Outbox first (CarrierMessage row, idempotent key), then an HTTP POST of the stored JSON body,
 * signed with HMAC-SHA256 over the raw body:
 *   X-Yakkan-Signature: sha256=<hex>     (secret CARRIER_WEBHOOK_SECRET)
 *   X-Yakkan-Message-Key: <idempotency key>  (lets the carrier drop a duplicate)
 * to CARRIER_WEBHOOK_URL. The response status and body are stored as proof. Retried by the
 * workflow's delivery policy (workflows/notify.ts) and escalated to ops when it never gets through.
 */
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import type { Mailer } from './mailer.js';
import { isUniqueViolation } from './prisma-errors.js';
import type { CarrierEscalation, CarrierProof, CarrierRequest, ContractActivities, EscalationResult } from './types.js';

export interface CarrierActivityDeps {
  db: Db;
  mailer: Mailer;
  now: () => Date | Promise<Date>;
  /** CARRIER_WEBHOOK_URL. Unset: every message fails as CarrierNotConfigured and is escalated. */
  webhookUrl?: string;
  /** CARRIER_WEBHOOK_SECRET. */
  webhookSecret?: string;
  /** OPS_ALERT_EMAIL. */
  opsAlertEmail?: string;
  /** Per-request timeout (ms), below the activity's 1-minute start-to-close timeout. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export const SIGNATURE_HEADER = 'X-Yakkan-Signature';
export const MESSAGE_KEY_HEADER = 'X-Yakkan-Message-Key';
/** Failure types that are not retried (escalated at once). */
export const CARRIER_REJECTED = 'CarrierRejected';
export const CARRIER_NOT_CONFIGURED = 'CarrierNotConfigured';

/** Proof bodies are kept, truncated to this many characters. */
const MAX_PROOF_BODY = 4000;
/** Marker written into lastError once ops were alerted (CarrierMessage has no escalatedAt column). */
const ALERTED_MARKER = ' [ops alerted at ';

/** `sha256=<hex>` of HMAC-SHA256(secret, rawBody). */
export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** 4xx other than these means the carrier refuses this message as it is: retrying will not help. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

type CarrierRow = NonNullable<Awaited<ReturnType<Db['carrierMessage']['findUnique']>>>;

export function createCarrierActivities({
  db,
  mailer,
  now,
  webhookUrl,
  webhookSecret,
  opsAlertEmail,
  timeoutMs = 20_000,
  fetchImpl = fetch,
}: CarrierActivityDeps): Pick<ContractActivities, 'notifyCarrier' | 'escalateCarrierMessage'> {
  async function record(req: CarrierRequest, status: 'pending' | 'failed' = 'pending'): Promise<CarrierRow> {
    const found = await db.carrierMessage.findUnique({ where: { idempotencyKey: req.idempotencyKey } });
    if (found) return found;
    try {
      return await db.carrierMessage.create({
        data: {
          contractId: req.contractId,
          idempotencyKey: req.idempotencyKey,
          kind: req.kind,
          clauseId: req.clauseId,
          // The exact bytes that are signed and posted on every attempt.
          payload: JSON.stringify({ messageKey: req.idempotencyKey, ...req.payload }),
          status,
        },
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return db.carrierMessage.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    }
  }

  return {
    async notifyCarrier(req: CarrierRequest): Promise<CarrierProof> {
      const msg = await record(req);
      if (msg.status === 'sent' && msg.sentAt) return proofOf(msg);
      if (!webhookUrl || !webhookSecret) {
        const message = `${msg.clauseId} ${msg.kind}: CARRIER_WEBHOOK_URL and CARRIER_WEBHOOK_SECRET must be set to notify docomo`;
        await db.carrierMessage.update({ where: { id: msg.id }, data: { lastError: message } });
        throw ApplicationFailure.create({ type: CARRIER_NOT_CONFIGURED, nonRetryable: true, message });
      }
      await db.carrierMessage.update({ where: { id: msg.id }, data: { attempts: { increment: 1 } } });
      let status: number;
      let body: string;
      try {
        const res = await fetchImpl(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            [SIGNATURE_HEADER]: signBody(webhookSecret, msg.payload),
            [MESSAGE_KEY_HEADER]: msg.idempotencyKey,
          },
          body: msg.payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        body = (await res.text()).slice(0, MAX_PROOF_BODY);
      } catch (e) {
        const message = `POST ${webhookUrl} failed: ${(e as Error).message ?? String(e)}`;
        await db.carrierMessage.update({ where: { id: msg.id }, data: { lastError: message } });
        throw new Error(message);
      }
      if (status >= 200 && status < 300) {
        const sent = await db.carrierMessage.update({
          where: { id: msg.id },
          data: { status: 'sent', sentAt: await now(), responseStatus: status, responseBody: body, lastError: null },
        });
        return proofOf(sent);
      }
      const message = `carrier answered ${status}: ${body.slice(0, 500)}`;
      await db.carrierMessage.update({ where: { id: msg.id }, data: { responseStatus: status, responseBody: body, lastError: message } });
      if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
        throw ApplicationFailure.create({ type: CARRIER_REJECTED, nonRetryable: true, message: `${msg.clauseId} ${msg.kind}: ${message}` });
      }
      throw new Error(message);
    },

    async escalateCarrierMessage({ request, error }: CarrierEscalation): Promise<EscalationResult<CarrierProof>> {
      let msg = await record(request, 'failed');
      if (msg.status === 'sent' && msg.sentAt) return { id: msg.id, escalatedAt: '', alerted: false, deliveredProof: proofOf(msg) };
      const marker = msg.lastError?.indexOf(ALERTED_MARKER) ?? -1;
      if (msg.status === 'failed' && msg.lastError && marker >= 0) {
        return { id: msg.id, escalatedAt: msg.lastError.slice(marker + ALERTED_MARKER.length, -1), alerted: !!opsAlertEmail };
      }
      msg = await db.carrierMessage.update({ where: { id: msg.id }, data: { status: 'failed', lastError: error } });
      let alerted = false;
      if (opsAlertEmail) {
        await mailer.send({
          to: opsAlertEmail,
          subject: `[yakkan] ドコモへの通知に失敗しました: ${msg.clauseId} ${msg.kind}（契約番号 ${msg.contractId}）`,
          text: [
            '他社料金設定コースのドコモへの通知を再試行期間内に届けられませんでした。ドコモへ別途連絡してください。',
            '',
            `契約番号: ${msg.contractId}`,
            `通知: ${msg.kind}（${msg.clauseId}）`,
            `試行回数: ${msg.attempts}`,
            `最後の応答: ${msg.responseStatus ?? 'なし'}`,
            `最後のエラー: ${error}`,
            `内容: ${msg.payload}`,
            `outbox key: ${msg.idempotencyKey}`,
          ].join('\n'),
          headers: { 'X-Yakkan-Alert': msg.idempotencyKey },
        });
        alerted = true;
      } else {
        console.warn(`[yakkan] carrier message ${msg.idempotencyKey} undeliverable and OPS_ALERT_EMAIL is not set: ${error}`);
      }
      const at = (await now()).toISOString();
      await db.carrierMessage.update({ where: { id: msg.id }, data: { lastError: `${error}${ALERTED_MARKER}${at}]` } });
      return { id: msg.id, escalatedAt: at, alerted };
    },
  };
}

function proofOf(m: CarrierRow): CarrierProof {
  return {
    messageId: m.id,
    delivered: true,
    sentAt: m.sentAt?.toISOString(),
    responseStatus: m.responseStatus ?? undefined,
    responseBody: m.responseBody ?? undefined,
  };
}
