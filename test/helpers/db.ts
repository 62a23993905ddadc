import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '../../db/client.js';

/**
 * A fresh, migrated SQLite database for one test file, copied from this run's template
 * (test/global-setup.ts) or from `template` (scripts/regen-histories.ts makes its own).
 */
export function freshDb(template = process.env.YAKKAN_TEST_DB_TEMPLATE): { db: Db; url: string } {
  if (!template) throw new Error('YAKKAN_TEST_DB_TEMPLATE is not set: run tests through vitest (test/global-setup.ts)');
  const file = join(dirname(template), `${randomUUID()}.db`);
  copyFileSync(template, file);
  const url = `file:${file}`;
  return { db: createDb(url), url };
}
