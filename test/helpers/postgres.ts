/**
 * A throwaway PostgreSQL 15 server for one test file (scripts/cluster/postgres.ts, Debian's
 * binaries), in its own folder under data/test/ on a free port, without fsync; stopped and removed
 * by the world's teardown. `freshDatabase()` gives each test its own migrated database, copied
 * from a template migrated once per file with `prisma migrate deploy` (db/migrate.ts).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDb, type Db } from '../../db/client.js';
import { migrateDeploy } from '../../db/migrate.js';
import { freePort } from '../../scripts/cluster/processes.js';
import { startPostgres, type Postgres } from '../../scripts/cluster/postgres.js';
import type { World } from './world.js';

export interface TestPostgres {
  server: Postgres;
  /** An empty database (no migrations) owned by the `yakkan` role; its URL for `user` (`yakkan` or the superuser `postgres`). */
  emptyDatabase(user?: 'yakkan' | 'postgres'): string;
  /** A migrated database of its own (from this file's template) and a client on it (disconnected at teardown). */
  freshDatabase(): { url: string; db: Db };
  /** Another client on `url` (a second worker process, say); disconnected at teardown. */
  client(url: string): Db;
}

/** Starts the server and migrates the template; registers their teardown on `world`. */
export async function startTestPostgres(world: World): Promise<TestPostgres> {
  const dir = resolve('data/test', `pg-${randomUUID().slice(0, 8)}`);
  world.defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const server = await startPostgres({ dataDir: join(dir, 'data'), port: await freePort(), logDir: join(dir, 'logs'), durable: false });
  world.defer('stop the test PostgreSQL server', () => server.stop());
  server.ensureRole('yakkan', 'yakkan');
  const template = `template_${randomUUID().slice(0, 8)}`;
  server.ensureDatabase(template, 'yakkan');
  migrateDeploy(server.url(template, 'yakkan', 'yakkan'));
  const named = () => `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const client = (url: string): Db => {
    const db = createDb(url);
    world.defer(`disconnect from ${url}`, () => db.$disconnect());
    return db;
  };
  return {
    server,
    emptyDatabase(user = 'yakkan') {
      const name = named();
      server.ensureDatabase(name, 'yakkan');
      return server.url(name, user, user === 'yakkan' ? 'yakkan' : '');
    },
    freshDatabase() {
      const name = named();
      server.sql(`CREATE DATABASE "${name}" TEMPLATE "${template}" OWNER yakkan`);
      const url = server.url(name, 'yakkan', 'yakkan');
      return { url, db: client(url) };
    },
    client,
  };
}
