/**
 * Every call the API makes to Temporal is bounded: a gRPC deadline on the call and a timer beside
 * it, so no request waits longer than its limit however the service behaves. When a write gives up
 * without an answer its outcome is unknown, and the API says so (503/504 outcome_unknown) with the
 * Idempotency-Key to retry with; a read that gives up changed nothing (503/504, retry).
 */
import type { Client } from '@temporalio/client';
import { CallTimeout, HttpError, isTimeout, isUnreachable } from './errors.js';
import { IDEMPOTENCY_HEADER } from './idempotency.js';

export interface CallLimits {
  /** A command (workflow update or start) waits this long for its outcome (default 20 s). */
  commandMs: number;
  /** A read (query, describe, history) waits this long (default 10 s). */
  readMs: number;
}

export const DEFAULT_CALL_LIMITS: CallLimits = { commandMs: 20_000, readMs: 10_000 };

/** Runs `fn` under a gRPC deadline of `ms`, and gives up `ms` + 1 s later at the latest. */
export async function bounded<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(`no answer within ${ms + 1000} ms`)), ms + 1000);
  });
  try {
    return await Promise.race([client.withDeadline(Date.now() + ms, fn), backstop]);
  } finally {
    clearTimeout(timer);
  }
}

/** A read: a timeout or an unreachable service becomes a 504/503 saying that nothing changed. */
export async function read<T>(client: Client, limits: CallLimits, fn: () => Promise<T>): Promise<T> {
  try {
    return await bounded(client, limits.readMs, fn);
  } catch (e) {
    if (!isUnreachable(e) && !(e instanceof CallTimeout)) throw e;
    throw isTimeout(e)
      ? new HttpError(504, 'timeout', `the workflow service did not answer within ${limits.readMs / 1000} s; nothing was changed; retry`)
      : new HttpError(503, 'unavailable', 'the workflow service cannot be reached; nothing was changed; retry', undefined, { retryAfterSeconds: '5' });
  }
}

/**
 * A write: a timeout or an unreachable service becomes 504/503 `outcome_unknown`, naming the key a
 * retry must carry to get the first outcome (a retry never carries the command out twice).
 */
export async function write<T>(client: Client, limits: CallLimits, idempotencyKey: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await bounded(client, limits.commandMs, fn);
  } catch (e) {
    if (!isUnreachable(e) && !(e instanceof CallTimeout)) throw e;
    const timeout = isTimeout(e);
    throw new HttpError(
      timeout ? 504 : 503,
      'outcome_unknown',
      `${what}: ${timeout ? `no outcome within ${limits.commandMs / 1000} s` : 'the workflow service could not be reached'}; ` +
        `the command may or may not have been carried out. Send the same request again with ${IDEMPOTENCY_HEADER}: ${idempotencyKey} ` +
        'to get its outcome; it is never carried out twice.',
      undefined,
      { idempotencyKey, outcome: 'unknown', retryAfterSeconds: '5' },
    );
  }
}
