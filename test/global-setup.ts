/**
 * Runs once before all test files: builds a migrated template SQLite database with
 * `prisma migrate deploy` in a directory of this run's own (concurrent runs never share files), in
 * SQLite's write-ahead-log mode as the worker sets it;
 * each test file copies it (test/helpers/db.ts). The directory is removed when the run ends.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDb } from '../db/client.js';
import { migrateDeploy } from '../db/migrate.js';
import { useWriteAheadLog } from '../worker/sqlite.js';

export default async function setup() {
  const dir = resolve('data/test', `run-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const template = join(dir, 'template.db');
  migrateDeploy(`file:${template}`);
  // As the worker does at start (worker/sqlite.ts); the mode is kept in the file, so every copy has it.
  const db = createDb(`file:${template}`);
  await useWriteAheadLog(db, `file:${template}`);
  await db.$disconnect();
  process.env.YAKKAN_TEST_DB_TEMPLATE = template;
  return () => rmSync(dir, { recursive: true, force: true });
}
