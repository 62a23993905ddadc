/**
 * `useWorld(kind)`: the world of one test file (world-core.ts builds it). It registers its own
 * beforeAll/afterAll: the world is built before the file's own hooks run and torn down after them,
 * even when set-up, a test or another hook failed; between tests, workflows and workers a test left
 * running are stopped.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TEARDOWN_HOOK_TIMEOUT_MS, buildWorld, type Built, type World, type WorldKind, type WorldOptions } from './world-core.js';

export * from './world-core.js';

/**
 * The world of one test file: built in beforeAll, torn down in afterAll, cleaned between tests.
 * The object returned can be kept at module level; its properties are the world of the running file.
 */
export function useWorld(kind: WorldKind, options: WorldOptions = {}): World {
  let built: Built | undefined;
  let setupError: unknown;
  const current = (): Built => {
    if (built) return built;
    throw new Error(
      setupError
        ? `the test world could not be set up: ${(setupError as Error).message ?? String(setupError)}`
        : 'the test world is not set up yet: use it inside tests and hooks, not at module level',
    );
  };

  beforeAll(async () => {
    try {
      built = await buildWorld(kind, options);
    } catch (e) {
      setupError = e;
      throw e;
    }
  });
  beforeEach((ctx) => {
    if (!built) return;
    const b = built;
    b.tracker.beginTest();
    // Runs after the test and every afterEach hook, even when one of those threw.
    ctx.onTestFinished((c) => b.afterTest(c.task.result?.state === 'fail'));
  });
  // The file's own afterAll hooks (registered later) run first; this one last.
  afterAll(async () => {
    await built?.world.close();
  }, TEARDOWN_HOOK_TIMEOUT_MS);

  return {
    get env() {
      return current().world.env;
    },
    get db() {
      return current().world.db;
    },
    get dbUrl() {
      return current().world.dbUrl;
    },
    get sink() {
      return current().world.sink;
    },
    get mailer() {
      return current().world.mailer;
    },
    worker: (taskQueue, o) => current().world.worker(taskQueue, o),
    runWorker: (taskQueue, o) => current().world.runWorker(taskQueue, o),
    defer: (what, step) => current().world.defer(what, step),
    close: () => current().world.close(),
  };
}

