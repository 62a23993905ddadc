/**
 * A production-shaped yakkan installation on one machine (issue 19), started and stopped as one:
 *
 *   PostgreSQL 15 ── temporal, temporal_visibility (Temporal's stores)
 *                └── yakkan (contracts, ledger, notices; migrations applied at start)
 *   Temporal server v1.29.1 (frontend, history, matching, worker services) on PostgreSQL
 *   Temporal Web UI server v2.42.1 → the frontend
 *   N yakkan workers (worker/main.ts), each its own process polling the contract task queue
 *   M API processes (api/main.ts) behind one address (scripts/cluster/proxy.ts)
 *   an SMTP server keeping every notice (worker/mail-sink.ts), unless SMTP_URL names one
 *
 * Every piece is a separate process talking over TCP, as on separate hosts; only the ports are on
 * one machine. `npm run cluster` (scripts/cluster.ts) runs it with fixed ports; the scale-out test
 * (test/cluster/scale-out.test.ts) with free ones.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { migrateDeploy } from '../../db/migrate.js';
import { childEnvironment, redactedUrl } from '../../runtime/config.js';
import { CONTRACT_TASK_QUEUE } from '../../workflows/contract-messages.js';
import { startMailSink, type MailSink } from '../../worker/mail-sink.js';
import { startPostgres, type Postgres } from './postgres.js';
import { freePort, spawnLogged, treeMemory, waitFor, waitForPort, type Memory, type Proc } from './processes.js';
import { startApiProxy, type ApiProxy } from './proxy.js';
import { prepareNamespace, startTemporalServer, type TemporalPorts, type TemporalServer } from './temporal.js';
import { startUiServer, type UiServer } from './ui.js';

export interface ClusterPorts extends TemporalPorts {
  /** The one address of the API (the proxy). */
  api: number;
  /** One per API process. */
  apiProcesses: number[];
  ui: number;
  postgres: number;
  /** The local SMTP server (when no SMTP_URL is given). */
  smtp: number;
}

/** temporal.api.enums.v1.TaskQueueType */
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/** `npm run cluster`'s ports (README, Deployment). */
export const DEFAULT_PORTS: ClusterPorts = {
  api: 3000,
  apiProcesses: [3001, 3002],
  frontend: 7233,
  frontendHttp: 7243,
  history: 7234,
  matching: 7235,
  worker: 7239,
  frontendMembership: 6933,
  historyMembership: 6934,
  matchingMembership: 6935,
  workerMembership: 6939,
  ui: 8233,
  postgres: 5433,
  smtp: 2525,
};

/** Free ports for every piece (tests, or a second cluster beside the first). */
export async function freePorts(apis: number): Promise<ClusterPorts> {
  const apiProcesses: number[] = [];
  for (let i = 0; i < apis; i++) apiProcesses.push(await freePort());
  return {
    api: await freePort(),
    apiProcesses,
    frontend: await freePort(),
    frontendHttp: await freePort(),
    history: await freePort(),
    matching: await freePort(),
    worker: await freePort(),
    frontendMembership: await freePort(),
    historyMembership: await freePort(),
    matchingMembership: await freePort(),
    workerMembership: await freePort(),
    ui: await freePort(),
    postgres: await freePort(),
    smtp: await freePort(),
  };
}

export interface ClusterOptions {
  /** Everything the cluster keeps: pg/, temporal/, ui/, logs/, mail/. */
  dir: string;
  ports: ClusterPorts;
  /** YAKKAN_API_KEYS of the API processes. */
  apiKeys: string;
  /** YAKKAN_PAYLOAD_KEYS of the workers and API processes (issue 16: both refuse to start without). */
  payloadKeys: string;
  workers?: number;
  namespace?: string;
  /** Fixed when the cluster's database is first created (docs/SCALING.md). */
  historyShards?: number;
  /** Namespace retention of closed workflows, days. */
  retentionDays?: number;
  /** false: PostgreSQL without fsync (a throwaway test cluster). */
  durable?: boolean;
  /** Start the Web UI (default true). */
  ui?: boolean;
  /** SMTP_URL for the workers; unset: a local SMTP server keeps the notices (dir/mail). */
  smtpUrl?: string;
  mailFrom?: string;
  /**
   * INVOICE_REGISTRATION_NUMBERS of the workers (JP-INVOICE, `NGN=T…,TNC=T…`): the deployment worker
   * refuses to start without a number for every 約款.
   */
  invoiceRegistrationNumbers: string;
  /** Progress lines ("[cluster] …"). */
  say?: (line: string) => void;
  /** Called when a process exits that was not stopped through the cluster (a crash, a kill). */
  onExit?: (proc: Proc) => void;
}

export interface Cluster {
  /** The API's one address (http://127.0.0.1:<port>). */
  apiUrl: string;
  temporalAddress: string;
  namespace: string;
  /** The Web UI, when started. */
  uiUrl?: string;
  /** yakkan's DATABASE_URL (password shown; a one-machine cluster). */
  databaseUrl: string;
  postgres: Postgres;
  temporal: TemporalServer;
  ui?: UiServer;
  workers: Proc[];
  apis: Proc[];
  proxy: ApiProxy;
  /** The local SMTP server, when no SMTP_URL was given. */
  sink?: MailSink;
  logDir: string;
  /** Memory of every process of the cluster (each with its children: PostgreSQL's backends), bytes. */
  memory(): ({ name: string; pid: number } & Memory)[];
  /** Waits until the worker processes `procs` poll the contract task queue (workflow and activity tasks). */
  waitForWorkers(procs: Proc[], timeoutMs?: number): Promise<void>;
  /** Stops everything, in order (API, workers, UI, Temporal, PostgreSQL); safe to call twice. */
  stop(): Promise<void>;
}

/** Builds the cluster; on a failure, stops what was started and throws. */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const say = o.say ?? (() => {});
  const dir = resolve(o.dir);
  const logDir = join(dir, 'logs');
  const namespace = o.namespace ?? 'default';
  const p = o.ports;
  const started: { name: string; stop: () => Promise<unknown> }[] = [];
  const procs: Proc[] = [];
  let stopping = false;
  const watch = (proc: Proc) => {
    procs.push(proc);
    void proc.exited.then(() => {
      if (!stopping) o.onExit?.(proc);
    });
    return proc;
  };
  const stopAll = async () => {
    stopping = true;
    for (const s of started.reverse().splice(0)) {
      try {
        await s.stop();
      } catch (e) {
        say(`stopping ${s.name} failed: ${(e as Error).message}`);
      }
    }
  };

  try {
    say(`PostgreSQL 15 on 127.0.0.1:${p.postgres} (data in ${join(dir, 'pg')})`);
    const postgres = await startPostgres({ dataDir: join(dir, 'pg'), port: p.postgres, logDir, durable: o.durable });
    watch(postgres.proc);
    started.push({ name: 'PostgreSQL', stop: () => postgres.stop() });

    say(`Temporal server v1.29.1 on 127.0.0.1:${p.frontend} (schemas by temporal-sql-tool; ${o.historyShards ?? 4} history shards)`);
    const temporalServer = await startTemporalServer({
      dir: join(dir, 'temporal'),
      logDir,
      ports: p,
      postgres,
      user: 'temporal',
      password: 'temporal',
      historyShards: o.historyShards ?? 4,
    });
    watch(temporalServer.proc);
    started.push({ name: 'Temporal server', stop: () => temporalServer.stop() });

    say(`namespace ${namespace} and the contract search attributes`);
    await prepareNamespace(temporalServer.address, namespace, o.retentionDays ?? 30);

    postgres.ensureRole('yakkan', 'yakkan');
    postgres.ensureDatabase('yakkan', 'yakkan');
    const databaseUrl = postgres.url('yakkan', 'yakkan', 'yakkan');
    say(`migrations on ${redactedUrl(databaseUrl)}`);
    migrateDeploy(databaseUrl);

    let ui: UiServer | undefined;
    if (o.ui !== false) {
      ui = await startUiServer({ dir: join(dir, 'ui'), logDir, port: p.ui, temporalAddress: temporalServer.address, namespace });
      watch(ui.proc);
      const u = ui;
      started.push({ name: 'Temporal UI', stop: () => u.stop() });
    }

    let sink: MailSink | undefined;
    let smtpUrl = o.smtpUrl;
    if (!smtpUrl) {
      sink = await startMailSink({ port: p.smtp, dir: join(dir, 'mail') });
      smtpUrl = sink.url;
      const s = sink;
      started.push({ name: 'SMTP server', stop: () => s.close() });
    }

    const common = {
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: namespace,
      DATABASE_URL: databaseUrl,
      YAKKAN_PAYLOAD_KEYS: o.payloadKeys,
    };
    const node = (name: string, entry: string, vars: Record<string, string>) =>
      watch(
        spawnLogged(name, process.execPath, ['--import', 'tsx', entry], {
          env: childEnvironment({ ...common, ...vars }),
          logDir,
        }),
      );

    const workers: Proc[] = [];
    for (let i = 1; i <= (o.workers ?? 2); i++) {
      workers.push(node(`worker-${i}`, 'worker/main.ts', {
          SMTP_URL: smtpUrl,
          MAIL_FROM: o.mailFrom ?? 'yakkan <notices@yakkan.localhost>',
          INVOICE_REGISTRATION_NUMBERS: o.invoiceRegistrationNumbers,
        }));
    }
    started.push({ name: 'workers', stop: () => Promise.all(workers.map((w) => w.stop('SIGTERM', 30_000))) });
    const apis = p.apiProcesses.map((port, i) => node(`api-${i + 1}`, 'api/main.ts', { API_PORT: String(port), YAKKAN_API_KEYS: o.apiKeys }));
    started.push({ name: 'API processes', stop: () => Promise.all(apis.map((a) => a.stop('SIGTERM', 15_000))) });

    const waitForWorkers = async (which: Proc[], timeoutMs = 240_000) => {
      const connection = await Connection.connect({ address: temporalServer.address });
      try {
        const identities = which.map((w) => `${w.pid}@${hostname()}`);
        for (const [kind, type] of [
          ['workflow', TASK_QUEUE_TYPE_WORKFLOW],
          ['activity', TASK_QUEUE_TYPE_ACTIVITY],
        ] as const) {
          await waitFor(
            `${which.map((w) => w.name).join(', ')} to poll ${kind} tasks on ${CONTRACT_TASK_QUEUE}`,
            timeoutMs,
            async () => {
              const r = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: CONTRACT_TASK_QUEUE }, taskQueueType: type });
              const polling = new Set((r.pollers ?? []).map((x) => x.identity));
              for (const w of which) if (!w.running) throw new Error(`${w.name} stopped (${w.exitText}); its log (${w.logFile}):\n${w.tail()}`);
              return identities.every((id) => polling.has(id));
            },
          );
        }
      } finally {
        await connection.close();
      }
    };

    say(`${workers.length} workers and ${apis.length} API processes starting (each bundles or loads the code: up to a minute on 2 busy cores)`);
    await Promise.all(apis.map((a, i) => waitForPort(p.apiProcesses[i]!, `${a.name} to listen on 127.0.0.1:${p.apiProcesses[i]}`, 180_000, a)));
    const proxy = await startApiProxy(
      p.api,
      apis.map((a, i) => ({ name: a.name, port: p.apiProcesses[i]! })),
    );
    started.push({ name: 'API proxy', stop: () => proxy.close() });
    await waitForWorkers(workers);

    return {
      apiUrl: `http://127.0.0.1:${p.api}`,
      temporalAddress: temporalServer.address,
      namespace,
      uiUrl: ui?.url,
      databaseUrl,
      postgres,
      temporal: temporalServer,
      ui,
      workers,
      apis,
      proxy,
      sink,
      logDir,
      memory: () => procs.filter((x) => x.running).map((x) => ({ name: x.name, pid: x.pid, ...treeMemory(x.pid) })),
      waitForWorkers,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
