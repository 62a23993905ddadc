/**
 * Applies the committed migrations with `prisma migrate deploy` (the same command operators run):
 * prisma/migrations for a SQLite `file:` URL, prisma/migrations-postgres for a PostgreSQL URL
 * (prisma.config.ts picks them by DATABASE_URL).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment, redactedUrl } from '../runtime/config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function migrateDeploy(url: string): void {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length);
    mkdirSync(dirname(resolve(root, path)), { recursive: true });
  }
  const prisma = resolve(root, 'node_modules/.bin/prisma');
  const r = spawnSync(prisma, ['migrate', 'deploy'], {
    cwd: root,
    env: childEnvironment({ DATABASE_URL: url }), // prisma.config.ts reads it
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`prisma migrate deploy failed for ${redactedUrl(url)}:\n${r.stdout}\n${r.stderr}`);
  }
}
