/**
 * The command guard of the contract workflow: a workflow interceptor around every update.
 *
 * Before a command's own validator runs it checks every field against the one table of limits
 * (rules/limits.ts): dates inside their plausible range, text well-formed and within its length,
 * numbers bounded. So no value a client can send reaches handler code that cannot handle it (a
 * 1900 date rendered in 和暦, a lone surrogate written to the database).
 *
 * Around the handler it keeps a bug from freezing the contract. In Temporal an exception thrown by
 * an update handler after its validator passed fails the *workflow task*, which is retried for ever:
 * the update never answers and every later command and query on the contract fails. The guard
 * turns such an exception (anything that is not a Temporal failure: refusals, activity failures and
 * cancellations pass through unchanged) into a failed update of type CommandFailed, puts the
 * contract's state back to what it was before the command (when no other command or deadline ran
 * meanwhile; counters never move back, so no idempotency key is ever reused), records the failure
 * on the contract's timeline and alerts ops. The contract keeps answering, billing and taking
 * commands.
 *
 * And it makes API commands idempotent across continue-as-new: the API sends each command with the
 * update id `idem:<body hash>:<Idempotency-Key>`. Within one run the Temporal server already returns
 * the first outcome for a repeated update id; the guard remembers the last ids with their results in
 * the state it carries to the next run, so a retry that arrives after continue-as-new gets the first
 * outcome too, and a key reused with a different command is refused.
 *
 * On the normal path the guard adds no command to history (no activity, timer or marker): histories
 * recorded before it replay unchanged. Deterministic: workflow APIs and pure rules only.
 */
import {
  ApplicationFailure,
  ContinueAsNew,
  TemporalFailure,
  log,
  proxyActivities,
  type Next,
  type UpdateInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { ContractActivities } from '../../activities/types.js';
import { parseIdempotentUpdateId, type ContractState, type RecentCommand } from '../../model/contract.js';
import { checkCommandFields } from '../../rules/limits.js';
import { isSealed } from '../../model/personal-data.js';
import { invalid } from '../refusals.js';

/** API-keyed commands remembered through continue-as-new. */
export const RECENT_COMMANDS = 64;
/** A result larger than this (as JSON) is not kept; a retry then gets the contract's current view. */
export const RECENT_RESULT_MAX_CHARS = 2048;

/** What the guard needs of the contract (ContractContext provides it). */
export interface GuardedContract {
  readonly state: ContractState;
  readonly contractId: string;
  deciding: boolean;
  restartWith?: unknown;
  view(): unknown;
  /** Writes the database projection (after a rollback, so the row matches the state again). */
  save(): Promise<void>;
}

interface Guarded {
  contract: GuardedContract;
  /** Bumped whenever a command starts or ends or a deadline is handled: a rollback is safe only if nothing else ran. */
  epoch: number;
}

/** The contract of this workflow execution (module state is per workflow execution in the SDK's sandbox). */
let guarded: Guarded | undefined;

/** Puts the contract's commands under the guard; called once, before any handler is registered. */
export function guardCommands(contract: GuardedContract): void {
  guarded = { contract, epoch: 0 };
}

/** The main loop handled a deadline or ended: a command that fails now must not roll back what it saw. */
export function deadlineHandled(): void {
  if (guarded) guarded.epoch += 1;
}

const alerts = proxyActivities<ContractActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function recent(state: ContractState): RecentCommand[] {
  return state.recentCommands ?? [];
}

class CommandGuard implements WorkflowInboundCallsInterceptor {
  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const g = guarded;
    if (!g) return next(input);
    const state = g.contract.state;
    // A retry of a command carried out in an earlier run: its first outcome is returned, unvalidated.
    if (recent(state).some((c) => c.id === input.updateId)) return;
    const idem = parseIdempotentUpdateId(input.updateId);
    if (idem) {
      const other = recent(state).find((c) => parseIdempotentUpdateId(c.id)?.key === idem.key);
      if (other) {
        throw ApplicationFailure.create({
          type: 'IdempotencyKeyReused',
          nonRetryable: true,
          message: `the Idempotency-Key ${idem.key} was already used for a different command on contract ${g.contract.contractId}; use a new key for a new command`,
          details: [{ field: 'Idempotency-Key' }],
        });
      }
    }
    // Personal values the API sealed (issue 16) were checked before sealing; their tokens pass as they are.
    const problem = checkCommandFields(input.args[0], '', 0, isSealed);
    if (problem) invalid(problem.field, problem.message);
    try {
      next(input);
    } catch (e) {
      if (e instanceof TemporalFailure) throw e;
      // A validator bug refuses the command (a rejected update leaves no trace in history).
      log.error('update validator threw', { update: input.name, updateId: input.updateId, error: describe(e) });
      throw ApplicationFailure.create({
        type: 'CommandFailed',
        nonRetryable: true,
        message: `${input.name}: the command could not be checked (${describe(e)}); nothing changed`,
      });
    }
  }

  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const g = guarded;
    if (!g) return next(input);
    const { contract } = g;
    const prior = recent(contract.state).find((c) => c.id === input.updateId);
    if (prior) return prior.result ?? contract.view();

    g.epoch += 1;
    const startedAt = g.epoch;
    const before = { state: JSON.stringify(contract.state), deciding: contract.deciding, restartWith: contract.restartWith };
    let result: unknown;
    try {
      result = await next(input);
    } catch (e) {
      const untouched = g.epoch === startedAt;
      g.epoch += 1;
      if (e instanceof TemporalFailure || e instanceof ContinueAsNew) throw e;
      const rolledBack = untouched ? rollback(contract, before) : false;
      const error = describe(e);
      if (rolledBack) await contract.save().catch((saveError: unknown) => log.error('saving the rolled-back state failed', { error: describe(saveError) }));
      log.error('update handler threw; the command failed and the contract carries on', { update: input.name, updateId: input.updateId, error, rolledBack });
      try {
        await alerts.reportCommandFailure({ contractId: contract.contractId, update: input.name, updateId: input.updateId, error, rolledBack });
      } catch (alertError) {
        log.error('reporting the failed command failed', { updateId: input.updateId, error: describe(alertError) });
      }
      throw ApplicationFailure.create({
        type: 'CommandFailed',
        nonRetryable: true,
        message:
          `${input.name} failed inside contract ${contract.contractId}: ${error}. ` +
          (rolledBack
            ? 'The contract is as it was before the command; '
            : 'Other work ran on the contract meanwhile, so its state was kept as it stood; ') +
          'anything already posted or sent keeps its idempotency key. Ops were alerted; the contract carries on.',
        details: [{ update: input.name, rolledBack: String(rolledBack) }],
      });
    }
    g.epoch += 1;
    if (parseIdempotentUpdateId(input.updateId)) remember(contract.state, input.updateId, result);
    return result;
  }
}

/** Puts the state back to its snapshot, in place (modules hold the state object); `seq` never moves back. */
function rollback(contract: GuardedContract, before: { state: string; deciding: boolean; restartWith?: unknown }): boolean {
  const now = contract.state as unknown as Record<string, unknown>;
  const then = JSON.parse(before.state) as Record<string, unknown>;
  const seq = Math.max(Number(then.seq ?? 0), Number(now.seq ?? 0));
  for (const k of Object.keys(now)) delete now[k];
  Object.assign(now, then, { seq });
  contract.deciding = before.deciding;
  contract.restartWith = before.restartWith;
  return true;
}

function remember(state: ContractState, id: string, result: unknown): void {
  const json = result === undefined ? undefined : JSON.stringify(result);
  const entry: RecentCommand = json !== undefined && json.length <= RECENT_RESULT_MAX_CHARS ? { id, result: JSON.parse(json) as unknown } : { id };
  state.recentCommands = [...recent(state), entry].slice(-RECENT_COMMANDS);
}

function describe(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  // One line, no stack, bounded: it travels to the API caller and into the timeline.
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** Registered through the bundle's workflowInterceptorModules (runtime/workflow-bundle.ts). */
export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new CommandGuard()] });
