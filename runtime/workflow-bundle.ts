/**
 * The workflow code as the worker runs it: bundled once per process. Here, not in worker/, so the
 * auditor's replay (audit/replay.ts) and the tests use the very bundle the worker polls with
 * without importing worker/.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** The contract workflow's command guard, an inbound interceptor of every workflow in the bundle. */
export const WORKFLOW_INTERCEPTOR_MODULES = [fileURLToPath(new URL('../workflows/contract/guard.ts', import.meta.url))];

/**
 * Pure modules (rules, catalogs, notice templates, the contract model, the patch ids, and decimal.js
 * through them) that the worker's reusable V8 context evaluates once and shares between all the
 * workflows of its thread (the SDK's `preloadModules`, deep-frozen there), instead of evaluating
 * them again for every workflow it creates or replays: one copy per worker thread, not one per
 * cached contract (issue 18, memory). A module listed here, and everything it imports, must hold
 * nothing a workflow could change; none may reach @temporalio/workflow, whose state is per
 * workflow (test/architecture/preloaded-modules.test.ts checks that on the bundle).
 */
export const PRELOADED_MODULES = [
  '../rules/terms/index.ts',
  '../rules/calendar.ts',
  '../rules/money.ts',
  '../rules/invoice.ts',
  '../rules/monthly-fees.ts',
  '../rules/plans.ts',
  '../rules/contract-rules.ts',
  '../rules/limits.ts',
  '../notices/templates.ts',
  '../model/contract.ts',
  '../model/personal-data.ts',
  '../workflows/contract/patches.ts',
].map((m) => fileURLToPath(new URL(m, import.meta.url)));

/** The bundler reports progress at info; only its warnings and errors are worth showing. */
const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};

/** Bundles the workflows file at `workflowsPath` (e.g. a candidate change an auditor replays). */
export function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    preloadModules: PRELOADED_MODULES,
    logger: quietBundlerLogger,
  });
}

let cachedBundle: Promise<WorkflowBundle> | undefined;
/** Bundles the workflow code (WORKFLOWS_PATH) once per process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  cachedBundle ??= bundleWorkflows(WORKFLOWS_PATH);
  return cachedBundle;
}
