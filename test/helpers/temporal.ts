/**
 * Temporal test environments from the servers scripts/temporal-servers.sh puts in .temporal/:
 * the Java time-skipping test server for timers, the Temporal CLI dev server for updates.
 * Where they are missing (no Go/Java on the machine), the SDK downloads its own.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TestWorkflowEnvironment, type ClientOptionsForTestEnv } from '@temporalio/testing';
import { registerSearchAttributes } from '../../worker/search-attributes.js';
import { DEV_SERVER_SETTING_FLAGS } from '../../worker/server-settings.js';

const TEST_SERVER = resolve('.temporal/test-server/run.sh');
const CLI = resolve('.temporal/bin/temporal');

/** `client`: options of the environment's client (test/helpers/world.ts adds an interceptor). */
export interface EnvOptions {
  client?: ClientOptionsForTestEnv;
  /** Dev server only: persist histories in this SQLite file (as npm start's data/temporal.db) instead of memory. */
  dbFilename?: string;
}

export async function timeSkippingEnv({ client }: EnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    client,
    ...(existsSync(TEST_SERVER) ? { server: { executable: { type: 'existing-path', path: TEST_SERVER } } } : {}),
  });
  await registerSearchAttributes(env.connection, env.namespace);
  return env;
}

export async function devServerEnv({ client, dbFilename }: EnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createLocal({
    client,
    server: {
      ...(existsSync(CLI) ? { executable: { type: 'existing-path', path: CLI }, ui: false, log: { format: 'pretty', level: 'warn' } } : {}),
      // As npm start runs it (worker/server-settings.ts).
      extraArgs: DEV_SERVER_SETTING_FLAGS,
      ...(dbFilename ? { dbFilename } : {}),
    },
  });
  await registerSearchAttributes(env.connection, env.namespace);
  return env;
}
