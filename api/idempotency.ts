/**
 * Idempotency of every write. A client names a request with the `Idempotency-Key` header (8–128
 * printable ASCII characters); without one, the key is derived from what the request says (the
 * route, the contract, the validated body) and the day in Asia/Tokyo, so a client that simply
 * sends the same request again the same day is retrying, not asking twice.
 *
 * Keys are scoped to the API key that sent them. The first outcome is kept by Temporal itself, no
 * table of our own:
 *   - a contract command runs as a workflow update whose id is `idem:<hash of the request>:<scoped key>`;
 *     the server returns the first outcome for a repeated update id, and the contract's command guard
 *     (workflows/contract/guard.ts) remembers recent ids through continue-as-new;
 *   - a start (POST /contracts, /announcements, /carrier-settlements) gets a workflow id derived from
 *     the key when the body names none, and carries the request's hash in its memo, so a retry finds
 *     the workflow and answers what the first request was answered.
 * The same key with a different request is refused (422 idempotency_key_reused).
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { jstDateOf } from '../rules/calendar.js';
import { TEXT_LIMITS } from '../rules/limits.js';
import { IDEMPOTENT_UPDATE_PREFIX } from '../model/contract.js';
import { HttpError } from './errors.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Printable ASCII without space, as in the IETF draft's examples (UUIDs, ULIDs, random tokens). */
const KEY_RE = new RegExp(`^[\\x21-\\x7e]{8,${TEXT_LIMITS.idempotencyKey}}$`);
/** Memo field of a started workflow: the hash of the request that started it. */
export const MEMO_REQUEST = 'yakkanRequest';

export interface IdempotencyKey {
  /** The key as the client sent it, or the derived one (`auto-…`). */
  key: string;
  derived: boolean;
  /** The key scoped to the API key that sent it. */
  scoped: string;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** JSON with object keys sorted, so two equal requests hash alike whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The hash of a request: what it is (route and contract) and what it says (the validated body). */
export function requestHash(route: string, target: string, body: unknown): string {
  return sha256(`${route}\n${target}\n${canonicalJson(body)}`).slice(0, 16);
}

/**
 * The request's idempotency key: the header when sent (checked), else derived from the request
 * and today's date in Asia/Tokyo.
 */
export function idempotencyKeyOf(req: Request, hash: string, now: Date): IdempotencyKey {
  const keyId = req.principal?.keyId ?? 'anonymous';
  const sent = req.get(IDEMPOTENCY_HEADER);
  if (sent !== undefined) {
    if (!KEY_RE.test(sent)) {
      throw new HttpError(
        400,
        'invalid_request',
        `${IDEMPOTENCY_HEADER}: must be 8–${TEXT_LIMITS.idempotencyKey} printable ASCII characters without spaces (e.g. a UUID)`,
        IDEMPOTENCY_HEADER,
      );
    }
    return { key: sent, derived: false, scoped: `${keyId}.${sent}` };
  }
  const key = `auto-${sha256(`${hash}\n${jstDateOf(now.getTime())}`).slice(0, 32)}`;
  return { key, derived: true, scoped: `${keyId}.${key}` };
}

/** The update id of a contract command: the request's hash and its scoped key (parsed again by the guard). */
export function commandUpdateId(key: IdempotencyKey, hash: string): string {
  return `${IDEMPOTENT_UPDATE_PREFIX}${hash}:${key.scoped}`;
}

/** A workflow id for a start whose body names none: `<prefix>-<32 hex>` from the scoped key. */
export function idFromKey(prefix: string, key: IdempotencyKey): string {
  return `${prefix}-${sha256(`${prefix}\n${key.scoped}`).slice(0, 32)}`;
}
