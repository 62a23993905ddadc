/**
 * How the contract workflow delivers notices (NGN-49 / TNC-5) and carrier messages (TNC-15/17/18/41):
 * through the outbox activities, retried with backoff for a bounded time, and — when a message still
 * cannot be delivered — escalated to ops instead of dropped. The contract workflow never crashes
 * on an undeliverable message: it gets a proof with `delivered: false`.
 *
 * Deterministic workflow code: imports only @temporalio/workflow, pure modules and activity types.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TemporalFailure,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  type RetryPolicy,
} from '@temporalio/workflow';
import type {
  CarrierProof,
  CarrierRequest,
  ContractActivities,
  LocalActivities,
  NoticeProof,
  NoticeRequest,
} from '../activities/types.js';
import { carrierMustBeNotified, type CarrierEvent } from '../notices/catalogue.js';
import type { TermsId } from '../rules/terms/index.js';
import { carrierNotification } from '../notices/templates.js';
import { PATCHES } from './contract/patches.js';
import { oneAtATime } from './local-gate.js';

/**
 * Delivery retries: 10 s, 20 s, 40 s … doubling up to one attempt every 15 minutes, for at most
 * DELIVERY_WINDOW_MS (≈ 14 attempts in 2 hours; maximumAttempts is a second bound). An SMTP outage of
 * an hour therefore costs at most ~15 minutes of extra delay after the server is back.
 */
const DELIVERY_INITIAL_MS = 10_000;
const DELIVERY_MAX_INTERVAL_MS = 15 * 60_000;
const DELIVERY_MAX_ATTEMPTS = 20;
export const DELIVERY_RETRY: RetryPolicy = {
  initialInterval: DELIVERY_INITIAL_MS,
  backoffCoefficient: 2,
  maximumInterval: DELIVERY_MAX_INTERVAL_MS,
  maximumAttempts: DELIVERY_MAX_ATTEMPTS,
  // Permanent refusals (SMTP 5xx, carrier 4xx, no carrier configured) are escalated at once.
  nonRetryableErrorTypes: ['SmtpPermanentFailure', 'CarrierRejected', 'CarrierNotConfigured'],
};
/** Total time (2 hours) a notice or carrier message is retried before it is escalated to ops. */
export const DELIVERY_WINDOW_MS = 2 * 3600_000;

/** Escalation (mark failed + alert mail) is retried for up to 30 minutes, e.g. while SMTP is down. */
export const ESCALATION_RETRY: RetryPolicy = {
  initialInterval: '10 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  maximumAttempts: 12,
};
export const ESCALATION_WINDOW = '30 minutes';

const delivery = proxyActivities<ContractActivities>({
  // Above the SMTP (10 s for a free pooled connection + 10 s + 10 s + 25 s idle) and webhook (20 s) timeouts of the activities.
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: DELIVERY_WINDOW_MS,
  retry: DELIVERY_RETRY,
});

/**
 * The same delivery as a local activity (patch `local-notices-v1`), one attempt per call: the
 * workflow retries it itself (sendLocally), so the backoff waits are workflow timers and the 2-hour
 * window is counted in workflow time, as the server counts a remote activity's (a local activity's
 * own schedule-to-close timeout is counted by the worker's wall clock). Like every local activity of
 * the workflow it waits for one already in flight (workflows/local-gate.ts).
 */
const localDelivery = oneAtATime(
  proxyLocalActivities<LocalActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 1 },
  }),
);

const escalation = proxyActivities<ContractActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: ESCALATION_WINDOW,
  retry: ESCALATION_RETRY,
});

/** The last failure behind an activity's failure, in one line (timeouts keep their last cause). */
function describeFailure(err: TemporalFailure): string {
  const parts: string[] = [];
  let f: Error | undefined = err.cause;
  while (f && parts.length < 3) {
    if (f.message) parts.push(f.message);
    f = (f as { cause?: Error }).cause;
  }
  return parts.join(': ') || err.message;
}

/** True for the final failure of an activity (after its retries), not for cancellation. */
function isFinalActivityFailure(err: unknown): err is ActivityFailure {
  return err instanceof ActivityFailure && !isCancellation(err);
}

/** True for a failed local activity attempt, not for cancellation. */
function isLocalFailure(err: unknown): err is TemporalFailure {
  return err instanceof TemporalFailure && !isCancellation(err);
}

/** A failure DELIVERY_RETRY does not retry: non-retryable, or of one of its nonRetryableErrorTypes (an SMTP 5xx). */
function isPermanent(err: TemporalFailure): boolean {
  for (let f: unknown = err; f instanceof TemporalFailure; f = f.cause) {
    if (f instanceof ApplicationFailure && (f.nonRetryable || DELIVERY_RETRY.nonRetryableErrorTypes!.includes(f.type ?? ''))) return true;
  }
  return false;
}

/** DELIVERY_RETRY's wait after the `attempt`-th failed attempt: 10 s doubling, at most 15 minutes. */
function deliveryBackoffMs(attempt: number): number {
  return Math.min(DELIVERY_INITIAL_MS * 2 ** (attempt - 1), DELIVERY_MAX_INTERVAL_MS);
}

/**
 * A notice by the local activity, retried as DELIVERY_RETRY retries the remote one: after each
 * failed attempt a workflow timer of the backoff, until an attempt succeeds, a failure is permanent,
 * the 20th attempt fails, or the waits would pass DELIVERY_WINDOW_MS (10 s + 20 s + … + 900 s: the
 * 14th attempt is the last, 111 minutes after the first; each attempt itself is bounded by its
 * 1-minute start-to-close timeout).
 */
async function sendLocally(req: NoticeRequest): Promise<NoticeProof> {
  let waited = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await localDelivery.sendNoticeLocal(req)).result;
    } catch (err) {
      if (!isLocalFailure(err) || isPermanent(err) || attempt >= DELIVERY_MAX_ATTEMPTS) throw err;
      const wait = deliveryBackoffMs(attempt);
      if (waited + wait >= DELIVERY_WINDOW_MS) throw err;
      waited += wait;
      await sleep(wait);
    }
  }
}

/**
 * Delivers a notice: outbox row + SMTP, retried for DELIVERY_WINDOW_MS. On final failure the notice is
 * escalated (row 'failed' + escalatedAt, alert to OPS_ALERT_EMAIL) and a proof with
 * `delivered: false` is returned; cancellation of the workflow still propagates.
 */
export async function notify(req: NoticeRequest): Promise<NoticeProof> {
  const local = patched(PATCHES.localNotices);
  try {
    return local ? await sendLocally(req) : await delivery.sendNotice(req);
  } catch (err) {
    // A local activity's failure reaches the workflow as the activity's own failure (an
    // application failure, a timeout), not always wrapped in an ActivityFailure.
    if (!(local ? isLocalFailure(err) : isFinalActivityFailure(err))) throw err;
    const error = describeFailure(err as TemporalFailure);
    log.warn('notice undeliverable; escalating to ops', { key: req.idempotencyKey, clauseId: req.clauseId, error });
    try {
      const r = await escalation.escalateNotice({ request: req, error });
      if (r.deliveredProof) return r.deliveredProof;
      return { noticeId: r.id, sentAt: '', delivered: false, escalatedAt: r.escalatedAt, error };
    } catch (e2) {
      if (!isFinalActivityFailure(e2)) throw e2;
      // The row (if any) keeps its lastError and shows in GET /notices; nothing more can be done here.
      log.error('notice escalation failed', { key: req.idempotencyKey, error: describeFailure(e2) });
      return { noticeId: 0, sentAt: '', delivered: false, error };
    }
  }
}

/**
 * Delivers a carrier message: CarrierMessage outbox row + signed webhook, retried like notices and
 * escalated to ops on final failure (`delivered: false`).
 */
export async function notifyCarrier(req: CarrierRequest): Promise<CarrierProof> {
  try {
    return await delivery.notifyCarrier(req);
  } catch (err) {
    if (!isFinalActivityFailure(err)) throw err;
    const error = describeFailure(err);
    log.warn('carrier message undeliverable; escalating to ops', { key: req.idempotencyKey, clauseId: req.clauseId, error });
    try {
      const r = await escalation.escalateCarrierMessage({ request: req, error });
      if (r.deliveredProof) return r.deliveredProof;
      return { messageId: r.id, delivered: false, escalatedAt: r.escalatedAt, error };
    } catch (e2) {
      if (!isFinalActivityFailure(e2)) throw e2;
      log.error('carrier escalation failed', { key: req.idempotencyKey, error: describeFailure(e2) });
      return { messageId: 0, delivered: false, error };
    }
  }
}

export interface CarrierEventInput {
  contractId: string;
  terms: TermsId;
  planId: string;
  /** rules/plans.ts Plan.docomoBilled (true only for `tnc-docomo`). */
  docomoBilled: boolean;
  event: CarrierEvent;
  /** IsoDate (Asia/Tokyo) the event takes effect. */
  effectiveDate: string;
  newPlanId?: string;
  reason?: string;
  /** Distinguishes repeated events of the same kind (e.g. a second suspension); default effectiveDate. */
  occurrence?: string;
}

/**
 * TNC-15 / TNC-17 / TNC-18 / TNC-41 on the docomo-billed course: notifies docomo of `event` when the
 * contract's plan is docomo-billed (terms catalog docomoCourse); returns undefined otherwise.
 * Key: contract:docomo:event:clause:occurrence.
 */
export async function notifyCarrierOfEvent(e: CarrierEventInput): Promise<CarrierProof | undefined> {
  if (!carrierMustBeNotified(e.terms, e.docomoBilled, e.event)) return undefined;
  const n = carrierNotification(e);
  return notifyCarrier({
    contractId: e.contractId,
    idempotencyKey: `${e.contractId}:docomo:${e.event}:${n.clauseId}:${e.occurrence ?? e.effectiveDate}`,
    kind: n.kind,
    clauseId: n.clauseId,
    payload: { ...n.payload },
  });
}
