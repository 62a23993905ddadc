/**
 * Baseline workflows for the benchmarks (bundled on their own, never registered by the product's
 * worker): the smallest workflow with the same shape as the contract's month close — a durable
 * timer to 00:00 JST on the 1st, then one activity — so each benchmark can say how far the real
 * contract workflow is from what the server and the SDK allow on the same machine in the same run.
 *
 * Deterministic workflow code: only @temporalio/workflow.
 */
import { condition, continueAsNew, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';

export interface BaselineActivities {
  /** Stands for the month-close work: one round trip to an activity, its result in history. */
  closeMonth(workflowId: string, month: string): Promise<{ month: string }>;
}

const { closeMonth } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The same activity as a local activity (the contract's bookkeeping and notices run as local activities). */
const local = proxyLocalActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

const JST_OFFSET_MS = 9 * 3600_000;

/** 00:00 JST on the 1st of the month after the JST month of `ms`, and that month as 'YYYY-MM'. */
function nextFirstJst(ms: number): { atMs: number; month: string } {
  const jst = new Date(ms + JST_OFFSET_MS);
  const y = jst.getUTCFullYear();
  const m = jst.getUTCMonth(); // 0-based: the month being closed
  return { atMs: Date.UTC(y, m + 1, 1) - JST_OFFSET_MS, month: `${y}-${String(m + 1).padStart(2, '0')}` };
}

export interface MonthlyInput {
  workflowId: string;
  /** Month closes still to do (the workflow ends after the last). */
  months: number;
  /** Continue as new after this many closes (the contract workflow's MONTHS_PER_RUN is 12). */
  perRun: number;
}

/**
 * `months` month closes: wait for the 1st (a timer), run `close`, continue as new (the same workflow
 * type, the months left) every `perRun` closes — the contract workflow's month-close loop without
 * its rules.
 */
async function monthCloses(input: MonthlyInput, close: (month: string) => Promise<unknown>): Promise<number> {
  let left = input.months;
  let thisRun = 0;
  while (left > 0) {
    const { atMs, month } = nextFirstJst(Date.now());
    const wait = atMs - Date.now();
    if (wait > 0) await sleep(wait);
    await close(month);
    left -= 1;
    thisRun += 1;
    if (left > 0 && thisRun >= input.perRun) await continueAsNew<(i: MonthlyInput) => Promise<number>>({ ...input, months: left });
  }
  return input.months;
}

/** The month-close loop with one activity per close. */
export function monthlyBaselineWorkflow(input: MonthlyInput): Promise<number> {
  return monthCloses(input, (month) => closeMonth(input.workflowId, month));
}

export interface MonthShapeInput extends MonthlyInput {
  /** Local activities one after another at each month close (the contract's unpaid month runs 5). */
  localSteps: number;
}

/** Activity calls a baseline workflow makes at each month close (what its worker counts per close). */
export function callsPerClose(input: MonthlyInput | MonthShapeInput): number {
  return 'localSteps' in input ? input.localSteps : 1;
}

/**
 * The contract's month close with its rules taken out: the same loop, with `localSteps` local
 * activities one after another in the close's workflow task (each doing nothing). What the
 * contract's months cost on this server and SDK before any of its own work (the activities'
 * database and SMTP time, the rules).
 */
export function monthShapeBaselineWorkflow(input: MonthShapeInput): Promise<number> {
  return monthCloses(input, async (month) => {
    for (let i = 0; i < input.localSteps; i++) await local.closeMonth(input.workflowId, month);
  });
}

/** A no-op update: the smallest command a client can send a running workflow. */
export const baselineNoop = defineUpdate<number, [number]>('baselineNoop');

/**
 * A workflow that only answers baselineNoop (adds its argument to a counter and returns it) until
 * it is terminated: the floor under any update on the same server and worker.
 */
export async function updateBaselineWorkflow(): Promise<void> {
  let n = 0;
  setHandler(baselineNoop, (k: number) => (n += k));
  await condition(() => n < 0);
}
