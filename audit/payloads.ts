/**
 * Payloads inside proto-JSON history events: `{ metadata: { encoding: base64 }, data: base64 }`.
 * yakkan uses the SDK's default converter, so payloads are `json/plain` (or `binary/null` for
 * undefined). Anything else (an encrypted codec, protobuf) is reported by its encoding, not decoded.
 */

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
