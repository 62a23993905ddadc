/**
 * One Prisma client per process, built on the better-sqlite3 driver adapter (offline, no engine
 * download). Created at start-up by the entry points and injected into activities and the API.
 */
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;

/** `url`: a SQLite file URL (runtime/config.ts checks DATABASE_URL). */
export function createDb(url: string): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}
