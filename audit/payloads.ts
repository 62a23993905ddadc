/**
 * Payloads inside proto-JSON history events: `{ metadata: { encoding: base64 }, data: base64 }`.
 * yakkan uses the SDK's default converter, so payloads are `json/plain` (or `binary/null` for
 * undefined), encrypted by the payload codec (runtime/payload-codec.ts) on their way to Temporal:
 * decodeHistoryPayloads decrypts a history first. A payload still encrypted (or protobuf) is
 * reported by its encoding, not decoded.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Decodes one payload; `undefined` for binary/null, `{ $encoding }` for encodings it cannot read. */
export function decodePayload(p: JsonPayload | undefined | null): unknown {
  if (!p) return undefined;
  const encoding = p.metadata?.encoding ? b64(p.metadata.encoding) : '';
  if (encoding === 'binary/null') return undefined;
  if (encoding === 'json/plain') {
    const text = p.data ? b64(p.data) : '';
    try {
      return text === '' ? undefined : JSON.parse(text);
    } catch {
      return { $encoding: encoding, $unparsable: text.slice(0, 200) };
    }
  }
  return { $encoding: encoding || 'unknown' };
}

/** Decodes `{ payloads: [...] }` (activity input/result, update args, workflow input). */
export function decodePayloads(ps: unknown): unknown[] {
  const list = (ps as { payloads?: JsonPayload[] } | undefined)?.payloads;
  return Array.isArray(list) ? list.map(decodePayload) : [];
}

/** First decoded payload, or undefined. */
export function firstPayload(ps: unknown): unknown {
  return decodePayloads(ps)[0];
}

/** One proto-JSON payload as the SDK's Payload (bytes), and back. */
function toPayload(p: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = new Uint8Array(Buffer.from(v ?? '', 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
}

function fromPayload(p: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v ?? new Uint8Array()).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}

const isJsonPayload = (v: unknown): v is JsonPayload => {
  const m = (v as JsonPayload | null)?.metadata;
  return typeof v === 'object' && v !== null && typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>).encoding === 'string';
};

/**
 * A copy of a proto-JSON history (or any part of one) with every payload run through the codecs'
 * decode, last codec first (as the SDK does): encrypted payloads (issue 16) become the `json/plain`
 * payloads the report reads; unencrypted ones stay as they are. Throws the codec's error (e.g. an
 * unknown key id) — a report is never built on payloads it could not read.
 */
export async function decodeHistoryPayloads<T>(value: T, codecs: readonly PayloadCodec[]): Promise<T> {
  if (codecs.length === 0) return value;
  return mapPayloadsDeep(value, async (p) => {
    let ps = [toPayload(p)];
    for (const c of [...codecs].reverse()) ps = await c.decode(ps);
    return fromPayload(ps[0]!);
  });
}

/**
 * A copy of a proto-JSON history (or part of one) with the JSON text of every `json/plain` payload
 * passed through `f` (e.g. opening sealed personal values, issue 16). `f` must keep the text JSON.
 */
export async function mapJsonPayloadText<T>(value: T, f: (text: string) => Promise<string>): Promise<T> {
  return mapPayloadsDeep(value, async (p) => {
    if (b64(p.metadata!.encoding!) !== 'json/plain' || !p.data) return p;
    const text = b64(p.data);
    const out = await f(text);
    return out === text ? p : { ...p, data: Buffer.from(out, 'utf8').toString('base64') };
  });
}

/** A copy of a JSON-like value with every proto-JSON payload inside it replaced by `f`'s answer. */
async function mapPayloadsDeep<T>(value: T, f: (p: JsonPayload) => Promise<JsonPayload>): Promise<T> {
  const walk = async (v: unknown): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map(walk));
    if (isJsonPayload(v)) return f(v);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await walk(x);
      return out;
    }
    return v;
  };
  return (await walk(value)) as T;
}
