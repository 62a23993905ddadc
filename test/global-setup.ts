/**
 * Runs once before all test files: builds a migrated template SQLite database with
 * `prisma migrate deploy` in a directory of this run's own (concurrent runs never share files);
 * each test file copies it (test/helpers/db.ts). The directory is removed when the run ends.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrateDeploy } from '../db/migrate.js';

export default function setup() {
  const dir = resolve('data/test', `run-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const template = join(dir, 'template.db');
  migrateDeploy(`file:${template}`);
  process.env.YAKKAN_TEST_DB_TEMPLATE = template;
  return () => rmSync(dir, { recursive: true, force: true });
}
