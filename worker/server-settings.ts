/**
 * Temporal server settings yakkan is measured and run with (issue 18; README "Benchmarks",
 * docs/SCALING.md). They change how fast tasks reach the worker, never what a history records.
 *
 * Eager activity execution: when a workflow task schedules an activity on the worker's own task
 * queue, the server hands the activity task back in its answer to the task's completion, so the
 * worker starts it at once instead of polling for it. The history is the same
 * (ActivityTaskScheduled, Started, Completed); an activity the worker has no free slot for is
 * dispatched through the queue as before. The server leaves it off unless this dynamic config key
 * says otherwise; the SDK asks for it on every activity (ActivityOptions.allowEagerDispatch,
 * default true). On the dev server it took an accept through the API from p50 308 ms to 136 ms
 * (`npx tsx scripts/bench-commands.ts 40`).
 */
export const EAGER_ACTIVITY_EXECUTION = 'system.enableActivityEagerExecution';

/** `temporal server start-dev` flags for the settings above. */
export const DEV_SERVER_SETTING_FLAGS: string[] = ['--dynamic-config-value', `${EAGER_ACTIVITY_EXECUTION}=true`];

/** The same settings as dynamic config file entries (a server started from a config file). */
export const DYNAMIC_CONFIG_SETTINGS = `${EAGER_ACTIVITY_EXECUTION}:
  - value: true
`;
