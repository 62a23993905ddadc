import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '../../db/client.js';

/** A fresh, migrated SQLite database for one test file (copied from the global-setup template). */
export function freshDb(): { db: Db; url: string } {
  const template = process.env.YAKKAN_TEST_DB_TEMPLATE ?? resolve('data/test/template.db');
  const file = join(resolve('data/test'), `${randomUUID()}.db`);
  copyFileSync(template, file);
  const url = `file:${file}`;
  return { db: createDb(url), url };
}
