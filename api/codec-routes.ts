/**
 * The codec server (issue 16): the Temporal Web UI's remote codec protocol, so that a person with an
 * ops or auditor key sees decrypted payloads in the UI while the Temporal server and UI hold
 * ciphertext only.
 *
 *   POST /codec/decode   { payloads: [{ metadata: { <name>: base64 }, data: base64 }] } → the same shape, decrypted
 *   POST /codec/encode   the same, encrypted with the first key of YAKKAN_PAYLOAD_KEYS (ops only)
 *   OPTIONS /codec/*     CORS preflight for the UI's origin (CODEC_CORS_ORIGINS; npm start: its own UI)
 *
 * The codec is the API client's own (runtime/payload-codec.ts, through the client's data converter),
 * so the codec server decodes exactly what the workers and API encode. A payload that is not
 * encrypted comes back as it is; one that cannot be decrypted is a 422 naming the key.
 *
 * Who may call it: an ops or auditor key, sent as `Authorization: Bearer <key>` (scripts, a proxy in
 * front of the UI that adds the header, or a UI with its own sign-in whose "Pass the user access
 * token" setting sends that sign-in's token — which is then the key). The same router is mounted at
 * /ui/codec for the browser: there the pages' session cookie (Path=/ui, SameSite=Strict) of an ops or
 * auditor sign-in counts too, which the Web UI sends with its "Include cross-origin credentials"
 * setting (the dev server's UI has no sign-in of its own, so no token to pass). A preflight carries
 * no key and answers without one; a cross-origin POST always needs one (its JSON body makes the
 * browser ask first), and only CODEC_CORS_ORIGINS pass it, so no other page can use the cookie.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { authenticate, requireRole, type KeyTable } from './auth.js';
import { HttpError } from './errors.js';

/** Largest codec request: the payloads of one history event (a continued run's state can be large). */
export const CODEC_BODY_LIMIT = '4mb';
/** Most payloads in one request. */
export const CODEC_MAX_PAYLOADS = 1000;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64 = (what: string) => z.string().max(8_000_000).regex(BASE64, `${what} must be base64`);

/** One payload as the UI sends it (proto JSON of temporal.api.common.v1.Payload). */
const jsonPayload = z.object({
  metadata: z.record(z.string().min(1).max(256), base64('a metadata value')).optional(),
  data: base64('data').optional(),
});
export const codecBody = z.object({
  payloads: z.array(jsonPayload).max(CODEC_MAX_PAYLOADS, `at most ${CODEC_MAX_PAYLOADS} payloads per request`),
});
type JsonPayload = z.infer<typeof jsonPayload>;

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const fromPayload = (p: Payload): Required<JsonPayload> => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecRouteDeps {
  /**
   * Loads a browser session (the pages' cookie) into req.principal, for /ui/codec; undefined: API keys
   * only. A request with an Authorization header is always checked as an API key.
   */
  session?: (req: Request, res: Response, next: NextFunction) => void;
  /** The client's payload codecs (applied in order to encode, in reverse to decode, as the SDK does). */
  codecs: readonly PayloadCodec[];
  keys: KeyTable;
  /** Origins (scheme://host:port) whose pages may call the codec from a browser (the Web UI's). */
  corsOrigins: readonly string[];
}

/** The CORS headers for an allowed origin; a preflight from an allowed origin is a 204, from another a 403. */
function cors(origins: ReadonlySet<string>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    res.vary('Origin');
    const allowed = origin !== undefined && origins.has(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!allowed) {
      const list = origins.size ? [...origins].join(', ') : 'none';
      return next(new HttpError(403, 'origin_not_allowed', `the origin ${JSON.stringify(String(origin ?? 'none').slice(0, 200))} may not call the codec server (CODEC_CORS_ORIGINS: ${list})`, 'Origin'));
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (req.is(['application/json', 'application/*+json'])) return next();
  next(new HttpError(415, 'unsupported_media_type', `the body must be JSON (Content-Type: application/json), not ${JSON.stringify(String(req.headers['content-type'] ?? 'none').slice(0, 80))}`));
}

export function codecRouter({ codecs, keys, corsOrigins, session }: CodecRouteDeps): Router {
  const r = Router();
  r.use(cors(new Set(corsOrigins)));
  const byKey = authenticate(keys);
  r.use((req, res, next) => {
    if (req.get('authorization') !== undefined || !session) return byKey(req, res, next);
    session(req, res, () => (req.principal ? next() : byKey(req, res, next)));
  });
  r.use(requireJson);
  r.use(express.json({ limit: CODEC_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));

  const run = (direction: 'decode' | 'encode') => async (req: Request, res: Response) => {
    const body = codecBody.parse(req.body ?? {});
    let payloads = body.payloads.map(toPayload);
    try {
      if (direction === 'decode') for (const c of [...codecs].reverse()) payloads = await c.decode(payloads);
      else for (const c of codecs) payloads = await c.encode(payloads);
    } catch (e) {
      // PayloadDecryptionError: which key, and why; never key bytes.
      throw new HttpError(422, direction === 'decode' ? 'undecodable_payload' : 'unencodable_payload', (e as Error).message, 'payloads');
    }
    res.json({ payloads: payloads.map(fromPayload) });
  };
  r.post('/decode', requireRole('ops', 'auditor'), run('decode'));
  // Encoding makes ciphertext a worker would accept as input: for those who may write.
  r.post('/encode', requireRole('ops'), run('encode'));
  return r;
}
