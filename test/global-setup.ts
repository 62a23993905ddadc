/**
 * Runs once before all test files: builds a migrated template SQLite database with
 * `prisma migrate deploy`; each test file copies it (test/helpers/db.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrateDeploy } from '../db/migrate.js';

export default function setup() {
  const dir = resolve('data/test');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const template = join(dir, 'template.db');
  migrateDeploy(`file:${template}`);
  process.env.YAKKAN_TEST_DB_TEMPLATE = template;
}
