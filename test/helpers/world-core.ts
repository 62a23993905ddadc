/**
 * Everything a test file (or a script such as scripts/regen-histories.ts) needs around a Temporal
 * environment: a fresh database, a real SMTP server receiving the notices, and a worker factory on
 * a unique task queue per test. No vitest here (scripts import it); `useWorld` is in world.ts.
 *
 * `useWorld(kind)` registers its own beforeAll/afterAll: the world is built before the file's own
 * hooks run and torn down after them, even when set-up, a test or another hook failed. Teardown is
 * a list of steps run one by one, each guarded (one failing step does not skip the others) and
 * bounded (a step that hangs is named and left behind). What a file adds — an API server, a worker
 * that runs for the whole file, a browser — goes on the same list with `world.defer`.
 *
 * Between tests, the workflows a test started (through `world.env.client`, directly or through the
 * API) and the workers it created that are still running are terminated and shut down, so a failed
 * assertion or a timed-out test leaves nothing that could stall the next test.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type WorkflowClientInterceptor } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { Db } from '../../db/client.js';
import { createSmtpMailer, type Mailer } from '../../activities/mailer.js';
import type { ContractActivities } from '../../activities/types.js';
import type { ActivitySettings } from '../../runtime/config.js';
import { EncryptionCodec, formatPayloadKeys, payloadDataConverter, type PayloadKey } from '../../runtime/payload-codec.js';
import { startMailSink, type MailSink } from '../../worker/mail-sink.js';
import { createWorker } from '../../worker/worker.js';
import { freshDb } from './db.js';
import { Teardown, within } from './teardown.js';
import { devServerEnv, timeSkippingEnv } from './temporal.js';
import type { ContractInput, Customer, TermsId } from '../../workflows/contract-messages.js';

/** time-skipping: timers (Java test server); dev-server: updates (Temporal CLI); no-temporal: database and SMTP only. */
export type WorldKind = 'time-skipping' | 'dev-server' | 'no-temporal';

export interface WorldOptions {
  /** Settings the activities get from the configuration (OPS_ALERT_EMAIL, CARRIER_WEBHOOK_*); none by default. */
  activities?: ActivitySettings;
  /** A migrated template database to copy (default: this test run's, test/global-setup.ts). */
  dbTemplate?: string;
  /** How long one teardown step may take before it is reported as hung (default 30 s). */
  stepTimeoutMs?: number;
  /**
   * A directory the SMTP sink also writes each message to as an .eml file, as npm start's data/mail/
   * does; the workers then erase a contract's messages from it at the deletion (issue 16).
   */
  mailDir?: string;
  /** dev-server worlds: the Temporal server keeps its histories in this SQLite file (default: in memory). */
  temporalDbFile?: string;
}

/** The real worker's options (createWorker), plus any option of the SDK's Worker.create. */
export interface WorldWorkerOptions extends Partial<WorkerOptions> {
  /** Wraps the real activities (fault injection). */
  wrapActivities?: (real: ContractActivities) => ContractActivities;
  /** Another database than the world's (the fan-out tests give each test its own). */
  db?: Db;
}

export interface World {
  env: TestWorkflowEnvironment;
  db: Db;
  /** The database's URL, for processes the test starts (a worker in a child process). */
  dbUrl: string;
  sink: MailSink;
  mailer: Mailer;
  /** The real worker (worker/worker.ts createWorker) on `taskQueue`, with the server's clock. */
  worker(taskQueue: string, options?: WorldWorkerOptions): Promise<Worker>;
  /** A worker that runs from now until the world is torn down (shut down and awaited then). */
  runWorker(taskQueue: string, options?: WorldWorkerOptions): Promise<Worker>;
  /** Adds a teardown step, run before the ones added earlier and before the world's own. */
  defer(what: string, step: () => unknown): void;
  /** Tears everything down (all steps, each guarded and bounded); throws once, naming the steps that failed. */
  close(): Promise<void>;
}

/** Builds a world now (for scripts; test files use `useWorld`). On a failed set-up, what was built is torn down. */
export async function createWorld(kind: WorldKind, options: WorldOptions = {}): Promise<World> {
  return (await buildWorld(kind, options)).world;
}

// ---- building and tearing down ---------------------------------------------------------------

/** Backstop for the afterAll hook; every step has its own, shorter limit. */
export const TEARDOWN_HOOK_TIMEOUT_MS = 300_000;
const DEFAULT_STEP_TIMEOUT_MS = 30_000;

export interface Built {
  world: World;
  tracker: Tracker;
  /** Terminates the workflows the test started and shuts down the workers it created, if still running. */
  afterTest(failed: boolean): Promise<void>;
}

export async function buildWorld(kind: WorldKind, options: WorldOptions): Promise<Built> {
  const stepMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const teardown = new Teardown(stepMs);
  const tracker = new Tracker();
  try {
    // Issue 16: the world's client and workers encrypt payloads with the fixed test key.
    const client = { interceptors: { workflow: [tracker.interceptor] }, dataConverter: payloadDataConverter(testPayloadCodec()) };
    let env: TestWorkflowEnvironment | undefined;
    if (kind !== 'no-temporal') {
      env = kind === 'time-skipping' ? await timeSkippingEnv({ client }) : await devServerEnv({ client, dbFilename: options.temporalDbFile });
      const e = env;
      teardown.add('tear down the Temporal test environment', () => e.teardown());
    }
    const { db, url: dbUrl } = freshDb(options.dbTemplate);
    teardown.add('disconnect the database', () => db.$disconnect());
    const sink = await startMailSink({ dir: options.mailDir });
    teardown.add('close the SMTP sink', () => sink.close());
    const mailer = createSmtpMailer(sink.url, 'yakkan-test <notices@yakkan.test>');
    teardown.add('close the mailer', () => mailer.close());
    teardown.add('shut down the workers still running', () => stopWorkers(tracker.allWorkers(), stepMs));

    const temporal = (): TestWorkflowEnvironment => {
      if (!env) throw new Error("this world has no Temporal environment (useWorld('no-temporal'))");
      return env;
    };
    const worker = async (taskQueue: string, o: WorldWorkerOptions = {}): Promise<Worker> => {
      const { wrapActivities, db: otherDb, ...workerOptions } = o;
      const t = temporal();
      const w = await createWorker({
        connection: t.nativeConnection,
        payloadCodec: testPayloadCodec(),
        taskQueue,
        db: otherDb ?? db,
        mailer,
        wrapActivities,
        client: t.client,
        // Activities see the test server's (skipped) clock, as workflow code does.
        now: async () => new Date(await t.currentTimeMs()),
        invoiceRegistrationNumbers: TEST_REGISTRATION_NUMBERS,
        ...(options.mailDir ? { mailArchive: sink } : {}),
        ...options.activities,
        workerOptions,
      });
      tracker.addWorker(w, taskQueue);
      return w;
    };

    let closed: Promise<void> | undefined;
    const world: World = {
      get env() {
        return temporal();
      },
      db,
      dbUrl,
      sink,
      mailer,
      worker,
      async runWorker(taskQueue, o) {
        const w = await worker(taskQueue, o);
        const running = w.run();
        teardown.add(`shut down the worker on ${taskQueue}`, async () => {
          if (w.getState() === 'RUNNING') w.shutdown();
          await running;
        });
        return w;
      },
      defer: (what, step) => teardown.add(what, step),
      close: () => (closed ??= teardown.run()),
    };
    return {
      world,
      tracker,
      async afterTest(failed) {
        const { workflows, workers } = tracker.endTest();
        const problems: string[] = [];
        let terminated: string[] = [];
        if (env && workflows.length > 0) {
          await within(stepMs, 'terminate the workflows the test left running', async () => {
            terminated = await terminateRunning(env!, workflows);
          }).catch((e: Error) => problems.push(e.message));
        }
        const stopped = workers.filter((w) => w.worker.getState() === 'RUNNING').map((w) => w.taskQueue);
        await stopWorkers(workers, stepMs).catch((e: Error) => problems.push(e.message));
        if (failed && (terminated.length > 0 || stopped.length > 0)) {
          console.warn(
            `[world] after the failed test: terminated ${terminated.length} workflow(s) still running (${terminated.join(', ')}), shut down ${stopped.length} worker(s) (${stopped.join(', ')})`,
          );
        }
        if (problems.length > 0) throw new Error(`cleaning up after the test:\n  ${problems.join('\n  ')}`);
      },
    };
  } catch (e) {
    await teardown.run().catch((t: Error) => console.error(`[world] after a failed set-up: ${t.message}`));
    throw e;
  }
}

interface TrackedWorker {
  worker: Worker;
  taskQueue: string;
}

/**
 * What the world's client started and which workers the world created, by phase: file-level
 * (beforeAll) or the current test (beforeEach … afterEach).
 */
class Tracker {
  private inTest = false;
  private testWorkflows: string[] = [];
  private testWorkers: TrackedWorker[] = [];
  private readonly workers: TrackedWorker[] = [];

  /** Records the workflow id of every start through the client (start, signal-with-start, update-with-start). */
  readonly interceptor: WorkflowClientInterceptor = {
    startWithDetails: (input, next) => {
      this.addWorkflow(input.options.workflowId);
      return next(input);
    },
    signalWithStart: (input, next) => {
      this.addWorkflow(input.options.workflowId);
      return next(input);
    },
    startUpdateWithStart: (input, next) => {
      this.addWorkflow(input.workflowStartOptions.workflowId);
      return next(input);
    },
  };

  beginTest(): void {
    this.inTest = true;
    this.testWorkflows = [];
    this.testWorkers = [];
  }

  endTest(): { workflows: string[]; workers: TrackedWorker[] } {
    this.inTest = false;
    return { workflows: [...new Set(this.testWorkflows.splice(0))], workers: this.testWorkers.splice(0) };
  }

  addWorker(worker: Worker, taskQueue: string): void {
    const w = { worker, taskQueue };
    this.workers.push(w);
    if (this.inTest) this.testWorkers.push(w);
  }

  allWorkers(): TrackedWorker[] {
    return this.workers;
  }

  private addWorkflow(workflowId: string): void {
    if (this.inTest) this.testWorkflows.push(workflowId);
  }
}

/** Terminates each workflow (its latest run) that is still running; returns their ids. */
async function terminateRunning(env: TestWorkflowEnvironment, workflowIds: string[]): Promise<string[]> {
  const terminated: string[] = [];
  const one = async (id: string) => {
    const h = env.client.workflow.getHandle(id);
    try {
      if ((await h.describe()).status.name !== 'RUNNING') return;
      await h.terminate('test finished (test world clean-up)');
      terminated.push(id);
    } catch (e) {
      // Never started (the start failed) or closed meanwhile: nothing to do.
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    }
  };
  for (let i = 0; i < workflowIds.length; i += 10) await Promise.all(workflowIds.slice(i, i + 10).map(one));
  return terminated;
}

/** Shuts down the workers that are still running and waits until they have stopped. */
async function stopWorkers(workers: TrackedWorker[], ms: number): Promise<void> {
  const running = workers.filter((w) => isActive(w.worker));
  if (running.length === 0) return;
  await within(ms, `shut down the worker(s) on ${running.map((w) => w.taskQueue).join(', ')}`, async () => {
    for (const w of running) if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
    while (running.some((w) => isActive(w.worker))) await new Promise((ok) => setTimeout(ok, 50));
  });
}

const isActive = (w: Worker) => ['RUNNING', 'STOPPING', 'DRAINING', 'DRAINED'].includes(w.getState());

// ---- data --------------------------------------------------------------------------------------

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const corporateCustomer = (id = uniqueId('cust')): Customer => ({
  id,
  name: '株式会社テスト商事',
  email: `${id}@example.co.jp`,
  kind: 'corporate',
  domestic: true,
});

export const consumerCustomer = (id = uniqueId('cust')): Customer => ({
  id,
  name: '山田 太郎',
  email: `${id}@example.jp`,
  kind: 'consumer',
  domestic: true,
});

export function application(terms: TermsId, planId: string, customer: Customer, appliedAtMs: number): ContractInput {
  const contractId = uniqueId(`ctr-${terms.toLowerCase()}`);
  return {
    contractId,
    terms,
    termsVersion: terms === 'NGN' ? '2020-02-01' : '2022-07-01',
    planId,
    customer,
    channel: terms === 'NGN' ? 'form' : 'online',
    appliedAt: new Date(appliedAtMs).toISOString(),
  };
}

/**
 * The payload key of the test worlds (YAKKAN_PAYLOAD_KEYS; issue 16): fixed, so a history recorded by
 * one test process decodes in another. 32 bytes: 0x00, 0x01, … 0x1f. Made up, never a real key.
 */
export const TEST_PAYLOAD_KEYS: readonly PayloadKey[] = Object.freeze([{ id: 'test-1', key: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) }]);

/** The codec of the test worlds' clients and workers. */
export function testPayloadCodec(): EncryptionCodec {
  return new EncryptionCodec(TEST_PAYLOAD_KEYS);
}

/** TEST_PAYLOAD_KEYS as YAKKAN_PAYLOAD_KEYS would give them, for processes a test starts. */
export function payloadKeysSpec(keys: readonly PayloadKey[] = TEST_PAYLOAD_KEYS): string {
  return formatPayloadKeys(keys);
}

/** JP-INVOICE registration numbers the test worlds' activities use (INVOICE_REGISTRATION_NUMBERS; made up, T + 13 digits). */
export const TEST_REGISTRATION_NUMBERS: Readonly<Record<string, string>> = Object.freeze({ NGN: 'T1010001000001', TNC: 'T2020002000002' });

/** The same numbers as INVOICE_REGISTRATION_NUMBERS would give them, for processes a test starts. */
export function registrationNumbersSpec(): string {
  return Object.entries(TEST_REGISTRATION_NUMBERS)
    .map(([terms, n]) => `${terms}=${n}`)
    .join(',');
}
