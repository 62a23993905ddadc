/**
 * The contract workflow: one per contract (workflow id = contract id), alive for the contract's
 * whole life. It sets up the contract's context, lets one module per concern register its update
 * handlers and deadlines, waits for the application to be decided, then runs one loop: wait for
 * the earliest deadline (or for a command that moves it), handle it, save, and continue as new at
 * a term boundary. Deterministic: it imports only @temporalio/workflow, pure rules and activity types.
 *
 * Where each rule lives (workflows/contract/):
 *   formation.ts      NGN-10/11/12, TNC-11/12: queue, accept, reject
 *   billing.ts        NGN-19/20/21/23/29, TNC-26/27/29: month close, invoices, payments, usage
 *   term.ts           NGN-17/18/39/41, TNC-17: renewal, non-renewal, cancellation, the end
 *   breaches.ts       NGN-25/27, TNC-40: violations, cure windows, measures
 *   suspensions.ts    NGN-36/37, TNC-39/41: suspensions, non-payment stoppage
 *   outages.ts        NGN-33/52, TNC-35/42/43: outages, credits, carrier shares
 *   announcements.ts  NGN-2/38, TNC-3/24: terms changes, abolition, objections
 *   changes.ts        NGN-13/14/15/52, TNC-13/15/16: plan (NGN-13.2 formed on the acceptance notice), contractor, pause, fault contact
 *   termination.ts    NGN-40/42, TNC-18: termination by the provider
 *   force-majeure.ts  NGN-40 (10)
 *   disclosures.ts    NGN-46, TNC-45
 *   aftermath.ts      NGN-43, TNC-37.5: erasure certificate, deletion of personal data
 *   parts.ts          NGN-41.1, NGN-43.3: cancelling one part (a site, an option); its erasure certificate
 *   carrier-course.ts TNC-19: docomo ends the docomo-billed course, the value plan continues
 *   (billing.ts also: JP-INVOICE qualified invoices and corrections, TNC-30 receivables assigned to docomo,
 *    NGN-22 payment terms; outages.ts: TNC-26.2 fee exemption; patches.ts names every patch id)
 */
import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ContractInput, ContractView } from '../model/contract.js';
import { getContract } from './contract-messages.js';
import { aftermath, runAftermath } from './contract/aftermath.js';
import { announcements } from './contract/announcements.js';
import { billing } from './contract/billing.js';
import { breaches } from './contract/breaches.js';
import { changes } from './contract/changes.js';
import { ContractContext, type ContractModule } from './contract/context.js';
import { dueTable, handleDue } from './contract/deadlines.js';
import { disclosures } from './contract/disclosures.js';
import { forceMajeure } from './contract/force-majeure.js';
import { awaitDecision, formation } from './contract/formation.js';
import { carrierCourse } from './contract/carrier-course.js';
import { deadlineHandled, guardCommands } from './contract/guard.js';
import { outages } from './contract/outages.js';
import { parts } from './contract/parts.js';
import { PATCHES } from './contract/patches.js';
import { suspensions } from './contract/suspensions.js';
import { term } from './contract/term.js';
import { termination } from './contract/termination.js';

export { DEFAULT_ESCALATION_BUSINESS_DAYS } from './contract/formation.js';

/** Month closes per run before continuing as new (a term boundary), unless suggested earlier. */
export const MONTHS_PER_RUN = 12;

/** Every concern of a contract, in the order their handlers are registered. */
export const CONTRACT_MODULES: readonly ContractModule[] = [
  formation,
  billing,
  term,
  breaches,
  suspensions,
  outages,
  announcements,
  changes,
  termination,
  forceMajeure,
  disclosures,
  aftermath,
  parts,
  carrierCourse,
];

/** Which module handles each kind of deadline (built once; every kind exactly once). */
const DUE = dueTable(CONTRACT_MODULES.map((m) => m.due ?? {}));

export async function contractWorkflow(input: ContractInput): Promise<ContractView> {
  const ctx = new ContractContext(input);
  // Every command passes the guard (contract/guard.ts): field limits, no handler bug can fail a workflow task.
  guardCommands(ctx);
  setHandler(getContract, () => ctx.view());
  ctx.use(CONTRACT_MODULES);

  // A new contract tracks its reported usage months (usage-tracked-close-v1, contract/billing.ts).
  if (!input.resume && patched(PATCHES.usageTrackedClose)) ctx.state.unbilledUsageMonths = [];
  if (!input.resume) await ctx.save();
  ctx.registered = true;
  await awaitDecision(ctx);

  let closesThisRun = 0;
  for (;;) {
    const due = ctx.nextDeadline();
    if (!due) {
      deadlineHandled(); // the loop ends: a command failing now must not roll the contract back to active
      break;
    }
    const waitMs = due.atMs - Date.now();
    if (waitMs > 0) {
      // Signal or deadline: a command (cancellation, non-renewal, …) can move the next deadline.
      const before = JSON.stringify(due);
      const moved = await condition(() => JSON.stringify(ctx.nextDeadline()) !== before, waitMs);
      if (moved) continue;
    }
    deadlineHandled();
    const handled = handleDue(DUE, ctx, due);
    if (handled) await handled;
    deadlineHandled();
    if (due.kind === 'month-close') closesThisRun += 1;
    const continuing = ctx.state.status === 'active' && (closesThisRun >= MONTHS_PER_RUN || workflowInfo().continueAsNewSuggested);
    // Deadlines due at the same moment (a month close with its overdue reminders on the 1st) are
    // handled one after another and the projection is saved once, before the loop waits again
    // (save-once-per-due-burst-v1): the projections in between named a deadline already due.
    const next = ctx.nextDeadline();
    const moreDueNow = !continuing && next !== undefined && next.atMs <= Date.now();
    if (!(moreDueNow && patched(PATCHES.saveOncePerDueBurst))) await ctx.save();
    if (continuing) await ctx.continueAsNewSaved();
  }
  if (ctx.state.status === 'ended') await runAftermath(ctx);
  await condition(allHandlersFinished);
  return ctx.view();
}
