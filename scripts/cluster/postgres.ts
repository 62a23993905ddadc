/**
 * PostgreSQL 15 (Debian's server binaries) for the cluster: one server in a data folder of its
 * own, listening on 127.0.0.1 only, with a role and database per user of it (Temporal, yakkan).
 *
 * initdb and the server refuse to run as root; started by root (as in CI), they run as the
 * `postgres` user the Debian package creates. Local connections are trusted (`--auth=trust` on
 * 127.0.0.1 and the socket in the data folder): this is a one-machine cluster, and the roles'
 * passwords in the URLs are there so the URLs have production's shape.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { childEnvironment } from '../../runtime/config.js';
import { spawnLogged, waitFor, type Proc } from './processes.js';

export const PG_MAJOR = 15;
export const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;

export interface PostgresOptions {
  /** The cluster's data folder (created with initdb when empty). */
  dataDir: string;
  port: number;
  logDir: string;
  /**
   * false: no fsync (a throwaway test cluster; a crash of the machine may lose it). true (default):
   * PostgreSQL's durable defaults.
   */
  durable?: boolean;
  /** Up to how many connections the server takes (Temporal's pools plus yakkan's). */
  maxConnections?: number;
}

export interface Postgres {
  port: number;
  proc: Proc;
  /** `postgresql://user:password@127.0.0.1:port/database`. */
  url(database: string, user: string, password: string): string;
  /** Runs SQL as the superuser; returns psql's unaligned output. Throws with psql's message. */
  sql(statement: string, database?: string): string;
  /** A login role with `password` (kept if it exists). */
  ensureRole(name: string, password: string): void;
  /** A database owned by `owner` (kept if it exists). */
  ensureDatabase(name: string, owner: string): void;
  /** Fast shutdown (SIGINT), then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

export function postgresInstalled(): boolean {
  return existsSync(join(PG_BIN, 'postgres')) && existsSync(join(PG_BIN, 'initdb'));
}

/** The uid/gid to run PostgreSQL as: `postgres` when we are root, else ourselves. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as (install postgresql-15: bash scripts/cluster-setup.sh)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(o: PostgresOptions): Promise<Postgres> {
  if (!postgresInstalled()) {
    throw new Error(`PostgreSQL ${PG_MAJOR} is not installed at ${PG_BIN}: run bash scripts/cluster-setup.sh (as root it installs postgresql-${PG_MAJOR} with apt-get)`);
  }
  const dataDir = resolve(o.dataDir);
  const user = runAs();
  const env = childEnvironment({ LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', TZ: 'UTC' });
  refuseIfRunning(dataDir);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // The folders above stay readable (the server's user must reach its folder); its own is private.
    mkdirSync(dirname(dataDir), { recursive: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (user.uid !== undefined) chownSync(dataDir, user.uid, user.gid!);
    const r = spawnSync(join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      env,
      encoding: 'utf8',
      uid: user.uid,
      gid: user.gid,
    });
    if (r.status !== 0) throw new Error(`initdb ${dataDir} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  }

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dataDir,
    max_connections: String(o.maxConnections ?? 200),
    shared_buffers: '128MB',
    ...(o.durable === false ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
  };
  const args = ['-D', dataDir, '-p', String(o.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const proc = spawnLogged('postgres', join(PG_BIN, 'postgres'), args, { env, logDir: o.logDir, ...user });

  const psqlArgs = (database: string) => ['-h', '127.0.0.1', '-p', String(o.port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt'];
  const sql = (statement: string, database = 'postgres'): string => {
    const r = spawnSync(join(PG_BIN, 'psql'), [...psqlArgs(database), '-c', statement], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql on ${database}: ${statement}\n${r.stderr.trim()}`);
    return r.stdout.trim();
  };

  await waitFor(`PostgreSQL to accept connections on 127.0.0.1:${o.port}`, 90_000, async () => {
    const r = spawnSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(o.port), '-U', 'postgres'], { env, encoding: 'utf8' });
    return r.status === 0;
  }, proc);

  const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const quoteLit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return {
    port: o.port,
    proc,
    url: (database, user, password) =>
      `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${o.port}/${encodeURIComponent(database)}`,
    sql,
    ensureRole(name, password) {
      sql(
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLit(name)}) THEN ` +
          `CREATE ROLE ${quoteId(name)} LOGIN PASSWORD ${quoteLit(password)}; END IF; END $$`,
      );
    },
    ensureDatabase(name, owner) {
      if (sql(`SELECT 1 FROM pg_database WHERE datname = ${quoteLit(name)}`) !== '1') {
        sql(`CREATE DATABASE ${quoteId(name)} OWNER ${quoteId(owner)}`);
      }
    },
    async stop() {
      await proc.stop('SIGINT', 30_000);
    },
  };
}

/** A server already running from `dataDir` (another cluster, or one left behind) is not started twice. */
function refuseIfRunning(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !existsSync(`/proc/${pid}`)) return; // stale: PostgreSQL removes it itself
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (cmd.includes('postgres')) {
    throw new Error(`PostgreSQL already runs from ${dataDir} (pid ${pid}): is another cluster up? Stop it (Ctrl-C where it runs), or end that process.`);
  }
}
