/**
 * Payload encryption at rest (issue 16): every payload the worker, the API's client and the audit
 * tools hand to Temporal is encrypted with AES-256-GCM (node:crypto) before it leaves the process,
 * so the Temporal server, its database and the Web UI (without the codec server, api/codec-routes.ts)
 * hold ciphertext only.
 *
 * Keys come from YAKKAN_PAYLOAD_KEYS (runtime/config.ts): `k1=<base64 of 32 bytes>,k0=<…>`. The
 * first key encrypts; every key decrypts, so a new key is put first and the old one kept until no
 * history needs it (rotation). The key id is in the payload's metadata (`encryption-key-id`) and
 * is authenticated with the ciphertext (GCM additional data).
 *
 * An encrypted payload:
 *   metadata  encoding = "binary/encrypted", encryption-cipher = "AES-256-GCM", encryption-key-id = <id>
 *   data      12-byte IV ‖ ciphertext ‖ 16-byte tag; the plaintext is the original payload as JSON
 *             ({ metadata: { name: base64 }, data: base64 }), so its own encoding survives.
 * A payload without `encoding = binary/encrypted` (histories recorded before this codec, the golden
 * histories) passes through decode unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const CIPHER = 'AES-256-GCM';
const KEY_ID_META = 'encryption-key-id';
const CIPHER_META = 'encryption-cipher';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export interface PayloadKey {
  /** Written into every payload it encrypts: letters, digits, `.`, `_`, `-` (1–64). */
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

/** A payload cannot be decrypted: which key, and why (never the key's bytes). */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `id=<base64>,id=<base64>` (YAKKAN_PAYLOAD_KEYS); throws an Error naming the variable and
 * the entry (by id or position, never its key bytes) when one is malformed.
 */
export function parsePayloadKeys(spec: string, name = 'YAKKAN_PAYLOAD_KEYS'): PayloadKey[] {
  const keys: PayloadKey[] = [];
  const entries = spec.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`${name} must list at least one key as id=<base64 of 32 bytes>`);
  entries.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq) : '';
    const value = eq > 0 ? entry.slice(eq + 1) : '';
    // A bare key ("<base64>=") splits at its padding: report the entry, never echo what may be a key.
    if (!KEY_ID.test(id) || /^=*$/.test(value)) {
      throw new Error(`${name}: entry ${i + 1} must be id=<base64 of 32 bytes> with an id of letters, digits, ".", "_" or "-" (1–64 characters)`);
    }
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) throw new Error(`${name}: the key of "${id}" is not base64`);
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`${name}: the key of "${id}" must be ${KEY_BYTES} bytes (AES-256) in base64; it decodes to ${key.length} bytes`);
    if (keys.some((k) => k.id === id)) throw new Error(`${name}: the id "${id}" is given twice`);
    keys.push({ id, key });
  });
  return keys;
}

/** A new key in the YAKKAN_PAYLOAD_KEYS form, `<id>=<base64>`. */
export function newPayloadKeySpec(id: string): string {
  return `${id}=${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * The development keys of `npm start` (and the audit CLI next to it): `file` (e.g.
 * data/dev-payload-keys), created with one new key when it does not exist. Mode 0600.
 */
export function devPayloadKeys(file: string, create = true): PayloadKey[] | undefined {
  if (!existsSync(file)) {
    if (!create) return undefined;
    writeFileSync(file, `${newPayloadKeySpec(`dev-${new Date().toISOString().slice(0, 10)}`)}\n`, { mode: 0o600 });
  }
  return parsePayloadKeys(readFileSync(file, 'utf8').trim(), file);
}

const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

export function isEncrypted(p: Payload): boolean {
  return utf8(p.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names (undefined for a payload that is not encrypted). */
export function payloadKeyId(p: Payload): string | undefined {
  return isEncrypted(p) ? utf8(p.metadata?.[KEY_ID_META]) : undefined;
}

/** The original payload as JSON bytes (metadata values and data base64). */
function serialize(p: Payload): Buffer {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v ?? new Uint8Array()).toString('base64');
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') }));
}

function deserialize(b: Buffer): Payload {
  const o = JSON.parse(b.toString('utf8')) as { metadata: Record<string, string>; data: string };
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(o.metadata)) metadata[k] = new Uint8Array(Buffer.from(v, 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(o.data, 'base64')) };
}

/**
 * The codec. With no key it only passes unencrypted payloads through and refuses everything else
 * (the audit CLI replaying the golden histories needs no key).
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(readonly keys: readonly PayloadKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    for (const k of keys) if (k.key.length !== KEY_BYTES) throw new Error(`payload key "${k.id}" must be ${KEY_BYTES} bytes`);
  }

  /** The id of the key that encrypts. */
  get encryptingKeyId(): string | undefined {
    return this.keys[0]?.id;
  }

  encryptOne(p: Payload): Payload {
    const k = this.keys[0];
    if (!k) throw new PayloadDecryptionError('no payload key is configured (YAKKAN_PAYLOAD_KEYS): cannot encrypt a payload');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', k.key, iv);
    cipher.setAAD(Buffer.from(k.id));
    const body = Buffer.concat([cipher.update(serialize(p)), cipher.final()]);
    return {
      metadata: {
        encoding: new Uint8Array(Buffer.from(ENCRYPTED_ENCODING)),
        [CIPHER_META]: new Uint8Array(Buffer.from(CIPHER)),
        [KEY_ID_META]: new Uint8Array(Buffer.from(k.id)),
      },
      data: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])),
    };
  }

  decryptOne(p: Payload): Payload {
    if (!isEncrypted(p)) return p;
    const id = utf8(p.metadata?.[KEY_ID_META]);
    const cipherName = utf8(p.metadata?.[CIPHER_META]);
    if (cipherName && cipherName !== CIPHER) throw new PayloadDecryptionError(`payload encrypted with ${cipherName}; only ${CIPHER} is supported`);
    const key = this.byId.get(id);
    if (!key) {
      const have = this.keys.length ? `the configured keys are ${this.keys.map((k) => `"${k.id}"`).join(', ')}` : 'no key is configured';
      throw new PayloadDecryptionError(`payload encrypted with key "${id}", which YAKKAN_PAYLOAD_KEYS does not hold (${have})`);
    }
    const data = Buffer.from(p.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key "${id}") is too short (${data.length} bytes)`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`payload (key "${id}") does not decrypt: the key "${id}" configured is not the one it was encrypted with, or the payload was altered`);
    }
    return deserialize(plain);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }
}

/** The DataConverter of every Client, Worker and replay worker of yakkan: the SDK's JSON converter, then this codec. */
export function payloadDataConverter(codec: EncryptionCodec): DataConverter {
  return { payloadCodecs: [codec] };
}

/**
 * For the deployment entry points (worker/main.ts, api/main.ts): the codec of YAKKAN_PAYLOAD_KEYS,
 * or an Error saying the variable must be set (checkedAtStart prints it and exits with code 2). A
 * deployment never writes payloads in clear text and never invents a key it would lose.
 */
export function requiredPayloadCodec(keys: readonly PayloadKey[] | undefined): EncryptionCodec {
  if (!keys?.length) {
    throw new Error(
      'YAKKAN_PAYLOAD_KEYS must be set: the payloads written to Temporal are encrypted with it (AES-256-GCM), e.g. ' +
        `YAKKAN_PAYLOAD_KEYS=k1=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")`,
    );
  }
  return new EncryptionCodec(keys);
}

/** Keys in the YAKKAN_PAYLOAD_KEYS form, for a child process's environment. */
export function formatPayloadKeys(keys: readonly PayloadKey[]): string {
  return keys.map((k) => `${k.id}=${k.key.toString('base64')}`).join(',');
}
