/**
 * Issue 16: the payload codec (runtime/payload-codec.ts), without a server. AES-256-GCM with the key
 * id in the metadata; the first key encrypts, every key decrypts; unencrypted payloads pass through.
 * test/runtime/payload-encryption.test.ts checks the same on a real server's histories.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, PayloadDecryptionError, parsePayloadKeys, payloadKeyId } from '../../runtime/payload-codec.js';

const NAME = '株式会社暗号テスト';
const plain = (v: unknown): Payload => defaultPayloadConverter.toPayload(v)!;
const value = (p: Payload): unknown => defaultPayloadConverter.fromPayload(p);
const key = (id: string) => ({ id, key: randomBytes(32) });

describe('payload codec: AES-256-GCM, key id in the metadata (issue 16)', () => {
  test('an encoded payload holds no byte of the value and names its key; decode gives the payload back, encoding included', async () => {
    const k1 = key('k1');
    const codec = new EncryptionCodec([k1]);
    const input = [plain({ name: NAME, email: 'crypt@example.co.jp' }), plain(undefined)];
    const [a, b] = await codec.encode(input);
    expect(Buffer.from(a!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(payloadKeyId(a!)).toBe('k1');
    expect(Buffer.from(a!.data!).includes(Buffer.from(NAME))).toBe(false);
    expect(Buffer.from(a!.data!).includes(Buffer.from('crypt@example.co.jp'))).toBe(false);
    const [da, db] = await codec.decode([a!, b!]);
    expect(value(da!)).toEqual({ name: NAME, email: 'crypt@example.co.jp' });
    expect(Buffer.from(db!.metadata!.encoding!).toString()).toBe('binary/null');
    expect(value(db!)).toBeUndefined();
  });

  test('the same value encrypts differently each time (a fresh 12-byte IV per payload)', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const [a, b] = await codec.encode([plain(NAME), plain(NAME)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  test('an unencrypted payload (a history recorded before the codec) passes through decode unchanged', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const p = plain({ contractId: 'ctr-1' });
    expect((await codec.decode([p]))[0]).toBe(p);
    // Even a codec without a key reads them (the audit CLI replaying the goldens).
    expect((await new EncryptionCodec([]).decode([p]))[0]).toBe(p);
  });

  test('rotation: the first key encrypts, the old one still decrypts what it encrypted', async () => {
    const k0 = key('k0');
    const k1 = key('k1');
    const [old] = await new EncryptionCodec([k0]).encode([plain(NAME)]);
    const rotated = new EncryptionCodec([k1, k0]);
    const [fresh] = await rotated.encode([plain(NAME)]);
    expect(payloadKeyId(fresh!)).toBe('k1');
    expect((await rotated.decode([old!, fresh!])).map(value)).toEqual([NAME, NAME]);
  });

  test('a missing key, a wrong key, an altered payload or a changed key id each fail with a PayloadDecryptionError that says which', async () => {
    const k0 = key('k0');
    const [p] = await new EncryptionCodec([k0]).encode([plain(NAME)]);
    await expect(new EncryptionCodec([key('k1')]).decode([p!])).rejects.toThrow(
      new PayloadDecryptionError('payload encrypted with key "k0", which YAKKAN_PAYLOAD_KEYS does not hold (the configured keys are "k1")'),
    );
    await expect(new EncryptionCodec([]).decode([p!])).rejects.toThrow('payload encrypted with key "k0", which YAKKAN_PAYLOAD_KEYS does not hold (no key is configured)');
    await expect(new EncryptionCodec([key('k0')]).decode([p!])).rejects.toThrow(
      'payload (key "k0") does not decrypt: the key "k0" configured is not the one it was encrypted with, or the payload was altered',
    );
    const altered = { ...p!, data: new Uint8Array(p!.data!) };
    altered.data[20] = altered.data[20]! ^ 1;
    await expect(new EncryptionCodec([k0]).decode([altered])).rejects.toBeInstanceOf(PayloadDecryptionError);
    // The key id is authenticated: the same key under another id does not decrypt it.
    const renamed = { ...p!, metadata: { ...p!.metadata, 'encryption-key-id': new Uint8Array(Buffer.from('k9')) } };
    await expect(new EncryptionCodec([{ id: 'k9', key: k0.key }]).decode([renamed])).rejects.toThrow('does not decrypt');
  });

  test('a codec without a key refuses to encrypt (never writes clear text in its place)', async () => {
    await expect(new EncryptionCodec([]).encode([plain(NAME)])).rejects.toThrow('no payload key is configured (YAKKAN_PAYLOAD_KEYS): cannot encrypt a payload');
  });

  test('parsePayloadKeys reads id=<base64>, standard or URL-safe, in order', () => {
    const a = Buffer.alloc(32, 0xfb); // base64 "+/v7…", base64url "-_v7…"
    const keys = parsePayloadKeys(`new=${a.toString('base64url')}, old=${a.toString('base64')}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys.every((k) => k.key.equals(a))).toBe(true);
  });
});
