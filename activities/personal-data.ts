/**
 * Crypto-shredding of a contract's personal data (issue 16; TNC-37.5, NGN-43; docs/PERSONAL-DATA.md).
 *
 * Each contract has its own data key (ContractDataKey, 32 random bytes). A personal value (the
 * fields of model/personal-data.ts) is *sealed* with it into a token
 *
 *   ⟦pd1:<contractId>:<base64url of 12-byte IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag>⟧
 *
 * (the contract id is the GCM additional data), and only the token travels: through workflow
 * payloads (run inputs, update arguments, rendered notices in activity inputs) into histories and
 * exports, and into the database rows the activities write. Workflow code treats a token as the
 * opaque string it is (a recipient, a name in a notice's text). Whoever needs the value opens the
 * tokens in a text at the last moment — the SMTP delivery, an API answer, a page, the audit report.
 *
 * The deletion destroys the key: every token of the contract, wherever it was copied, then opens to
 * ERASED. Ids, money, dates and clause ids were never sealed, so replay and the audit report work
 * as before. A text without tokens (contracts applied before this, or started by a client that does
 * not seal) opens to itself.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
export { isSealed } from '../model/personal-data.js';

/** What a token of a destroyed key opens to. */
export const ERASED = '（削除済み）';

const TOKEN = /⟦pd1:([A-Za-z0-9][A-Za-z0-9_-]{0,63}):([A-Za-z0-9_-]+)⟧/g;

/** True when the text holds at least one sealed value. */
export function hasSealed(text: string): boolean {
  TOKEN.lastIndex = 0;
  const r = TOKEN.test(text);
  TOKEN.lastIndex = 0;
  return r;
}

function seal(key: Buffer, contractId: string, value: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(contractId));
  const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
  return `⟦pd1:${contractId}:${Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url')}⟧`;
}

function open(key: Buffer, contractId: string, sealed: string): string | undefined {
  const b = Buffer.from(sealed, 'base64url');
  if (b.length < 28) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
    d.setAAD(Buffer.from(contractId));
    d.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export interface PersonalData {
  /** The contract's key, made on first use (idempotent: the first writer wins, every caller gets that one). */
  seal(contractId: string, value: string): Promise<string>;
  /** Seals each string field of `fields` present in `obj` (a copy; other fields as they are). */
  sealFields<T extends object>(contractId: string, obj: T, fields: readonly (keyof T)[]): Promise<T>;
  /**
   * Every token in `text` replaced by its value, or ERASED when its key is destroyed (or unknown, or
   * the token is damaged); `escape` is applied to each value put in (e.g. for HTML).
   */
  openText(text: string, escape?: (value: string) => string): Promise<string>;
  /** openText applied to every string inside a JSON-like value (a copy). */
  openDeep<T>(value: T): Promise<T>;
  /** Destroys the contract's key; true when there was one to destroy. Every sealed copy now opens to ERASED. */
  destroy(contractId: string): Promise<boolean>;
  /**
   * Keeps `key` (base64, as stored) as the contract's key for the life of this object, read by the
   * caller in a statement of its own (the notice outbox reads it with its insert, issue 18).
   */
  remember(contractId: string, key: string): void;
}

/** The personal-data keys of one database. Keys read are cached for the life of this object only. */
export function personalData(db: Db): PersonalData {
  const cache = new Map<string, Buffer | null>();
  const keyOf = async (contractId: string): Promise<Buffer | null> => {
    if (cache.has(contractId)) return cache.get(contractId)!;
    // One plain SELECT (the same on SQLite and PostgreSQL): every notice delivery opens its text
    // here, and a Prisma model query costs several times the CPU of the statement (issue 18).
    const rows = await db.$queryRaw<{ key: string | null }[]>`SELECT "key" FROM "ContractDataKey" WHERE "contractId" = ${contractId}`;
    const row = rows[0];
    const key = row?.key ? Buffer.from(row.key, 'base64') : null;
    // A destroyed key stays destroyed; a missing one may be made later, so it is not cached.
    if (key || row) cache.set(contractId, key);
    return key;
  };
  const ensureKey = async (contractId: string): Promise<Buffer> => {
    const have = await keyOf(contractId);
    if (have) return have;
    const row = await db.contractDataKey.findUnique({ where: { contractId } });
    if (row && !row.key) throw new Error(`the personal data of ${contractId} was deleted (TNC-37.5 / NGN-43): nothing new is sealed for it`);
    await db.contractDataKey
      .create({ data: { contractId, key: randomBytes(32).toString('base64') } })
      .catch(async (e: unknown) => {
        // Another process made it meanwhile: use theirs.
        if (!(await db.contractDataKey.findUnique({ where: { contractId } }))) throw e;
      });
    cache.delete(contractId);
    const made = await keyOf(contractId);
    if (!made) throw new Error(`the personal-data key of ${contractId} could not be made`);
    return made;
  };
  const openText = async (text: string, escape: (value: string) => string = (v) => v): Promise<string> => {
    if (!text.includes('⟦pd1:')) return text;
    const ids = new Set([...text.matchAll(TOKEN)].map((m) => m[1]!));
    const keys = new Map<string, Buffer | null>();
    for (const id of ids) keys.set(id, await keyOf(id));
    return text.replace(TOKEN, (_all, id: string, sealed: string) => {
      const key = keys.get(id);
      return escape((key && open(key, id, sealed)) || ERASED);
    });
  };
  const openDeep = async (v: unknown): Promise<unknown> => {
    if (typeof v === 'string') return openText(v);
    if (Array.isArray(v)) return Promise.all(v.map(openDeep));
    if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) && !Buffer.isBuffer(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await openDeep(x);
      return out;
    }
    return v;
  };
  return {
    async seal(contractId, value) {
      if (hasSealed(value)) return value; // sealed already (a retried request)
      return seal(await ensureKey(contractId), contractId, value);
    },
    async sealFields<T extends object>(contractId: string, obj: T, fields: readonly (keyof T)[]): Promise<T> {
      const out = { ...obj } as Record<string, unknown>;
      for (const f of fields) {
        const v = out[f as string];
        if (typeof v === 'string' && v !== '') out[f as string] = await this.seal(contractId, v);
      }
      return out as T;
    },
    openText,
    openDeep: (v) => openDeep(v) as Promise<never>,
    async destroy(contractId) {
      // SQLite keeps a replaced value's bytes in the page's free space and in the write-ahead log:
      // zero freed space for this write (secure_delete), then fold the log into the file and empty
      // it, so the destroyed key cannot be read back from the file (test/workflows/erasure.test.ts).
      const sqlite = (db as unknown as { _activeProvider?: string })._activeProvider === 'sqlite';
      if (sqlite) await db.$queryRawUnsafe('PRAGMA secure_delete = ON');
      const r = await db.contractDataKey.updateMany({ where: { contractId, NOT: { key: null } }, data: { key: null, destroyedAt: new Date() } });
      if (sqlite) {
        await db.$queryRawUnsafe('PRAGMA secure_delete = OFF');
        await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
      }
      if (r.count === 0) {
        // Never had one (applied before sealing, or by a client that does not seal): record the deletion anyway.
        await db.contractDataKey.create({ data: { contractId, key: null, destroyedAt: new Date() } }).catch(() => undefined);
      }
      cache.set(contractId, null);
      return r.count > 0;
    },
    remember(contractId, key) {
      cache.set(contractId, Buffer.from(key, 'base64'));
    },
  };
}
