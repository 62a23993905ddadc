/**
 * One Prisma client per process, on the database DATABASE_URL names (runtime/config.ts checks it):
 *
 *   file:…          the embedded SQLite default, through the better-sqlite3 driver adapter;
 *   postgresql://…  PostgreSQL, through @prisma/adapter-pg (a pool of `pg` connections).
 *
 * Both are Prisma 6.19's offline JavaScript engine (no engine download). Created at start-up by the
 * entry points and injected into activities and the API.
 *
 * The two generated clients come from one schema source (db/schema-dialects.ts) and have the same
 * models, fields and methods. They differ in one type: the fields marked `@decimal` are exact
 * decimal strings in SQLite and `numeric` in PostgreSQL, where Prisma hands them over as Decimal
 * objects. The PostgreSQL client is extended to turn those back into the same plain decimal
 * strings (`toFixed()`: no exponent, no float on the way), so every caller sees one shape, the
 * SQLite client's type `Db`. Writes need nothing: Prisma takes a decimal string for a Decimal field.
 */
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { PrismaClient as PostgresPrismaClient, Prisma as PostgresPrisma } from '../generated/prisma-postgres/client.js';
import { databaseKind } from '../runtime/config.js';

export type Db = PrismaClient;

export interface DbOptions {
  /** PostgreSQL: the most connections this process's pool opens (pg's default is 10). */
  poolSize?: number;
}

/** `url`: DATABASE_URL, a SQLite file URL or a PostgreSQL URL (runtime/config.ts checks it). */
export function createDb(url: string, options: DbOptions = {}): Db {
  if (databaseKind(url) === 'sqlite') return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  const client = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 }) });
  // Same models and methods as the SQLite client, with @decimal fields as strings (see above).
  return client.$extends(decimalsAsStrings) as unknown as Db;
}

/** Every Decimal in a result (any model, nested includes, aggregates) → its plain decimal string. */
const decimalsAsStrings = PostgresPrisma.defineExtension({
  name: 'yakkan-decimals-as-strings',
  query: {
    async $allOperations({ args, query }) {
      return plainDecimals(await query(args));
    },
  },
});

export function plainDecimals<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (PostgresPrisma.Decimal.isDecimal(value)) return (value as unknown as PostgresPrisma.Decimal).toFixed() as T;
  if (value instanceof Date || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = plainDecimals(value[i]);
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = plainDecimals(o[k]);
  return value;
}
