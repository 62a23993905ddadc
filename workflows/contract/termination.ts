/**
 * Termination by the provider (NGN-25 (3), NGN-40, NGN-42, TNC-18) on the grounds its catalog
 * lists; where the 約款 gives it (NGN-40 2項), every open amount falls due at once.
 */
import { patched, setHandler } from '@temporalio/workflow';
import type { ProviderTerminationInput } from '../../model/contract.js';
import { terminationNotice } from '../../notices/templates.js';
import { terminateByProvider } from '../contract-messages.js';
import { notify, notifyCarrierOfEvent } from '../notify.js';
import { conflict, invalid } from '../refusals.js';
import { accelerateOpenInvoices } from './billing.js';
import type { ContractContext, ContractModule } from './context.js';
import { yen } from '../../rules/money.js';
import { PATCHES } from './patches.js';

/**
 * NGN-40 2項: 期限の利益の喪失 only when the contractor falls under a 第40条1項 ground (catalog
 * acceleration.onTerminationGrounds, every item of the clause as the text says 前項各号の一). NGN-42
 * and NGN-25 (3) terminations accelerate nothing. Before acceleration-by-ground-v1 every
 * termination under a catalog with accelerationOnTermination did (replays). Returns the clause.
 */
function accelerationClause(ctx: ContractContext, clauseId: string): string | undefined {
  const { catalog } = ctx;
  const grounds = catalog.acceleration.value.onTerminationGrounds;
  if (!catalog.accelerationOnTermination.value && grounds.length === 0) return undefined;
  if (!patched(PATCHES.accelerationByGround)) return catalog.accelerationOnTermination.value ? catalog.accelerationOnTermination.clause : undefined;
  return grounds.includes(clauseId as never) ? clauseId : undefined;
}

/**
 * Ends the contract by the provider's decision on `endDate`. NGN-40 2項 (catalog
 * accelerationOnTermination): every open amount falls due at once (期限の利益の喪失): open invoices
 * are accelerated to today and the final invoice is due on issue.
 */
export async function terminate(ctx: ContractContext, t: { clauseId: string; item?: number; reason: string; endDate: string }): Promise<void> {
  const { state, input } = ctx;
  const clause = accelerationClause(ctx, t.clauseId);
  const accelerated = clause ? await accelerateOpenInvoices(ctx, clause) : yen(0);
  if (clause) state.accelerated = { clauseId: clause, on: ctx.today() };
  state.endDate = t.endDate;
  state.endReason = 'provider-termination';
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:termination:${t.clauseId}${t.item ? `(${t.item})` : ''}`,
    recipient: input.customer.email,
    ...terminationNotice({
      ...ctx.party(),
      clauseId: t.clauseId,
      reason: t.reason,
      effectiveDate: t.endDate,
      acceleratedAmount: accelerated.gt(0) ? accelerated.toFixed() : undefined,
    }),
  });
  await notifyCarrierOfEvent({
    contractId: input.contractId,
    terms: input.terms,
    planId: input.planId,
    docomoBilled: ctx.plan.docomoBilled,
    event: 'termination-by-provider',
    effectiveDate: t.endDate,
    reason: t.reason,
  });
}

function validateTermination(ctx: ContractContext, t: ProviderTerminationInput): void {
  const { state, input, catalog } = ctx;
  if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
  const grounds = catalog.terminationGrounds.value;
  const ground = grounds.find((g) => g.clause === t.clauseId && g.item !== undefined && g.item === t.item) ?? grounds.find((g) => g.clause === t.clauseId && g.item === undefined);
  if (!ground) invalid('clauseId', `${t.clauseId} is not a termination ground of ${input.terms} (${[...new Set(grounds.map((g) => g.clause))].join(', ')})`);
  if (!t.reason.trim()) invalid('reason', 'a reason is required');
  if (state.endReason === 'provider-termination') conflict('termination already decided');
  if (ground.requires === 'force-majeure-right' && !state.forceMajeure?.rightOpen) {
    const at = `${t.clauseId} (${t.item})`;
    conflict(
      state.forceMajeure
        ? `${at}: the force majeure has not lasted more than ${catalog.forceMajeureTerminationDays.value} days yet (right opens ${state.forceMajeure.rightToTerminateFrom})`
        : `${at}: no force majeure is recorded on this contract`,
    );
  }
}

export const termination: ContractModule = {
  name: 'termination',
  register(ctx) {
    setHandler(
      terminateByProvider,
      async (t: ProviderTerminationInput) => {
        await terminate(ctx, { clauseId: t.clauseId, item: t.item, reason: t.reason, endDate: ctx.today() });
        return ctx.view();
      },
      { validator: (t: ProviderTerminationInput) => validateTermination(ctx, t) },
    );
  },
};
