/**
 * The real Temporal server (v1.29.1, built from the Go module proxy by scripts/cluster-setup.sh)
 * on PostgreSQL: schemas set up by its own sql tool, a config file written for the chosen ports,
 * all four services (frontend, history, matching, worker) in one process, then the namespace and
 * yakkan's search attributes created through the frontend.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { childEnvironment } from '../../runtime/config.js';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { registerSearchAttributes } from '../../worker/search-attributes.js';
import { spawnLogged, waitFor, type Proc } from './processes.js';
import type { Postgres } from './postgres.js';
import { DYNAMIC_CONFIG_SETTINGS } from '../../worker/server-settings.js';

const BIN = resolve('.temporal/bin');
export const TEMPORAL_SERVER = join(BIN, 'temporal-server');
export const TEMPORAL_SQL_TOOL = join(BIN, 'temporal-sql-tool');
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

/** The schema directories embedded in the sql tool for PostgreSQL 12+ (the plugin `postgres12`). */
const SCHEMAS = [
  { database: 'temporal', schema: 'postgresql/v12/temporal' },
  { database: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

export interface TemporalPorts {
  /** gRPC frontend: TEMPORAL_ADDRESS of workers, API processes, the CLI and the Web UI. */
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Membership (ringpop) ports: each below 32768 (stored as smallint). */
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

export interface TemporalOptions {
  /** Where the server's config/ folder is written. */
  dir: string;
  logDir: string;
  ports: TemporalPorts;
  postgres: Postgres;
  /** The PostgreSQL role Temporal uses (created with its databases). */
  user: string;
  password: string;
  /** Fixed when the cluster is first created; see docs/SCALING.md. */
  historyShards: number;
}

export interface TemporalServer {
  proc: Proc;
  address: string;
  stop(): Promise<void>;
}

export function temporalServerBuilt(): boolean {
  return existsSync(TEMPORAL_SERVER) && existsSync(TEMPORAL_SQL_TOOL);
}

/**
 * Creates the two databases and brings their schemas to the version this server needs, with the
 * server's own tool (idempotent: a second run finds the schemas current and changes nothing).
 */
export function setupTemporalSchemas(o: Pick<TemporalOptions, 'postgres' | 'user' | 'password'>): void {
  const { postgres } = o;
  postgres.ensureRole(o.user, o.password);
  for (const { database, schema } of SCHEMAS) {
    postgres.ensureDatabase(database, o.user);
    const env = childEnvironment({
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: '127.0.0.1',
      SQL_PORT: String(postgres.port),
      SQL_USER: o.user,
      SQL_PASSWORD: o.password,
      SQL_DATABASE: database,
    });
    for (const args of [['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', schema]]) {
      const r = spawnSync(TEMPORAL_SQL_TOOL, ['--db', database, ...args], { env, encoding: 'utf8' });
      if (r.status !== 0) {
        throw new Error(`temporal-sql-tool --db ${database} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
      }
    }
  }
}

/** The server's configuration (persistence on PostgreSQL, four services on 127.0.0.1). */
export function serverConfig(o: Pick<TemporalOptions, 'ports' | 'postgres' | 'user' | 'password' | 'historyShards'>, dynamicConfigFile: string): string {
  const p = o.ports;
  for (const [name, port] of Object.entries(p)) {
    if (name.endsWith('Membership') && port >= 32768) throw new Error(`Temporal membership port ${name}=${port} must be below 32768 (stored as smallint)`);
  }
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${o.postgres.port}"
        connectProtocol: tcp
        user: ${JSON.stringify(o.user)}
        password: ${JSON.stringify(o.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http ? `\n      httpPort: ${http}` : ''}`;
  return `# Written by scripts/cluster/temporal.ts for this cluster's ports; rewritten at every start.
log:
  stdout: true
  level: warn

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${o.historyShards}
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1

services:
  frontend:${service(p.frontend, p.frontendMembership, p.frontendHttp)}
  history:${service(p.history, p.historyMembership)}
  matching:${service(p.matching, p.matchingMembership)}
  worker:${service(p.worker, p.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${p.frontend}"

dcRedirectionPolicy:
  policy: noop

dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: 10s
`;
}

/**
 * Dynamic configuration: updates (yakkan's commands) and accepted-stage updates (the fan-outs)
 * on, and a short namespace cache refresh so a namespace and its search attributes created at
 * start are usable within seconds rather than after the default 10 s; eager activity execution
 * (worker/server-settings.ts), as npm start's dev server runs.
 */
const DYNAMIC_CONFIG = `# Written by scripts/cluster/temporal.ts.
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
system.namespaceCacheRefreshInterval:
  - value: 2s
limit.maxIDLength:
  - value: 255
${DYNAMIC_CONFIG_SETTINGS}`;

export async function startTemporalServer(o: TemporalOptions): Promise<TemporalServer> {
  if (!temporalServerBuilt()) {
    throw new Error(`the Temporal server ${TEMPORAL_SERVER_VERSION} is not built in ${BIN}: run bash scripts/cluster-setup.sh (needs Go)`);
  }
  const dir = resolve(o.dir);
  mkdirSync(join(dir, 'config'), { recursive: true });
  const dynamicConfigFile = join(dir, 'config', 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG);
  writeFileSync(join(dir, 'config', 'cluster.yaml'), serverConfig(o, dynamicConfigFile));
  setupTemporalSchemas(o);
  const proc = spawnLogged('temporal-server', TEMPORAL_SERVER, ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
    env: childEnvironment({}),
    logDir: o.logDir,
  });
  const address = `127.0.0.1:${o.ports.frontend}`;
  await waitFor(`the Temporal frontend to answer on ${address}`, 180_000, async () => {
    const c = await Connection.connect({ address, connectTimeout: 2_000 });
    try {
      await c.workflowService.getSystemInfo({});
      // The history service must own its shards too: a namespace list goes through persistence.
      await c.workflowService.listNamespaces({ pageSize: 1 });
      return true;
    } finally {
      await c.close();
    }
  }, proc);
  return {
    proc,
    address,
    async stop() {
      await proc.stop('SIGTERM', 30_000);
    },
  };
}

const ALREADY_EXISTS = 6;

/**
 * Registers `namespace` (retention `retentionDays`) unless it exists, then yakkan's search
 * attributes in it, and waits until both are served (the frontend caches namespaces).
 * The same as `temporal operator namespace create` + `temporal operator search-attribute create`.
 */
export async function prepareNamespace(address: string, namespace: string, retentionDays: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'yakkan contracts',
        workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
      });
    } catch (e) {
      if (!(isGrpcServiceError(e) && e.code === ALREADY_EXISTS)) throw e;
    }
    await waitFor(`namespace ${namespace} to be served`, 60_000, async () => {
      await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
      return true;
    });
    await registerSearchAttributes(connection, namespace);
    const wanted = CONTRACT_SEARCH_ATTRIBUTES.map((k) => k.name);
    await waitFor(`search attributes ${wanted.join(', ')} in namespace ${namespace}`, 60_000, async () => {
      const r = await connection.operatorService.listSearchAttributes({ namespace });
      return wanted.every((n) => n in (r.customAttributes ?? {}));
    });
    // Every service refreshes its namespace cache on its own (2 s here): give them one round.
    await new Promise((ok) => setTimeout(ok, 4_000));
  } finally {
    await connection.close();
  }
}
