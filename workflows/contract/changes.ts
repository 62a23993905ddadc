/**
 * Changes during the contract (NGN-13/14/15/52, TNC-13/15/16): pause and resume where the catalog
 * allows it, an accepted plan change from the 1st of the next month (docomo told on its course),
 * a change of the contractor's details or a succession (the run's input changes, so the workflow
 * continues as new with it), and the NGN-52 fault contact.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { firstOfNextMonth, jstMidnightMs } from '../../rules/calendar.js';
import { getPlan } from '../../rules/plans.js';
import type { ContractInput, ContractorChangeInput, FaultContactInput, PlanChangeInput } from '../../model/contract.js';
import { contractorChangeNotice } from '../../notices/templates.js';
import { changeContractor, changePlan, pauseService, registerFaultContact, resumeService } from '../contract-messages.js';
import { notify, notifyCarrierOfEvent } from '../notify.js';
import { conflict, invalid, requireEmail } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import type { Deadline } from './deadlines.js';

/**
 * Continues as new with the changed input: the contractor change waiting in `restartWith` and, on
 * its day, the accepted plan change (NGN-13 / TNC-15).
 */
function restart(ctx: ContractContext, withPlanChange: boolean): Promise<never> {
  const next: ContractInput = { ...(ctx.restartWith ?? ctx.input) };
  const pending = ctx.state.pendingPlan;
  if (withPlanChange && pending) {
    next.planId = pending.planId;
    ctx.state.pendingPlan = undefined;
  }
  return ctx.continueAsNew(next);
}

function validateContractorChange(ctx: ContractContext, c: ContractorChangeInput): void {
  const { state, input, catalog } = ctx;
  const rule = catalog.contractorChanges.value;
  if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
  if (c.kind === 'transfer') {
    if (rule.transferRefusedBy) conflict(`${rule.transferRefusedBy}: the right to the service cannot be assigned to another, except by succession under ${rule.succession}`);
    invalid('kind', `${rule.succession}: a transfer of the contractual position is asked for as a succession (kind succession)`);
  }
  if (!c.evidence?.trim()) invalid('evidence', `${c.kind === 'succession' ? rule.succession : rule.nameChange}: the change needs its evidence (書類)`);
  switch (c.kind) {
    case 'name-change':
      if (!c.name && !c.email) invalid('name', 'nothing to change');
      if (rule.nameChangeGrounds && c.name) {
        if (!c.nameChangeGround || !rule.nameChangeGrounds.includes(c.nameChangeGround)) {
          invalid('nameChangeGround', `${rule.nameChange}: a name may change only on ${rule.nameChangeGrounds.join(', ')} (${rule.succession} for a succession)`);
        }
      }
      break;
    case 'address-change':
      if (!c.address?.trim()) invalid('address', 'the new address is required');
      break;
    case 'payment-method-change':
      if (!rule.paymentMethodChange) conflict(`${input.terms} has no report of a change of payment account or card (${rule.nameChange})`);
      if (!c.paymentMethod || !ctx.rules.paymentMethods.includes(c.paymentMethod)) {
        invalid('paymentMethod', `one of ${ctx.rules.paymentMethods.join(', ')} (${catalog.paymentMethods.clause})`);
      }
      break;
    case 'succession':
      if (!c.customerId) invalid('customerId', 'a succession names the successor');
      if (rule.successionNeedsApproval) {
        if (c.jointlySigned !== true) invalid('jointlySigned', `${rule.succession}: the request must be on the form signed by both parties (連署した書面)`);
        if (c.decision !== 'approve' && c.decision !== 'deny') invalid('decision', `${rule.succession}: the provider approves or denies the succession (approve | deny)`);
        if (c.decision === 'deny' && !c.denyReason?.trim()) invalid('denyReason', 'a denial states its reason');
      }
      break;
    default:
      invalid('kind', `one of name-change, address-change, payment-method-change, succession, transfer`);
  }
  if (c.email !== undefined) requireEmail('email', c.email);
}

export const changes: ContractModule = {
  name: 'changes',
  register(ctx) {
    const { state, input, catalog, plan } = ctx;
    const pause = catalog.pauseResume;

    setHandler(
      pauseService,
      async () => {
        state.paused = { since: ctx.today() };
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (_x: Record<string, never>) => {
          if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
          if (!pause.value.allowed) conflict(`${input.terms} has no pause (${pause.clause})`);
          if (plan.docomoBilled && !pause.value.docomoCourseAllowed) conflict(`${pause.clause}: the docomo-billed course (他社料金設定コース) cannot be paused`);
          if (state.paused) conflict(`paused since ${state.paused.since}`);
        },
      },
    );
    setHandler(
      resumeService,
      async () => {
        state.paused = undefined;
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (_x: Record<string, never>) => {
          if (!state.paused) conflict('the service is not paused');
        },
      },
    );

    setHandler(
      changePlan,
      async (c: PlanChangeInput) => {
        const from = firstOfNextMonth(ctx.today());
        state.pendingPlan = { planId: c.newPlanId, from };
        // TNC-15: on the docomo-billed course docomo is notified of the plan change.
        await notifyCarrierOfEvent({
          contractId: input.contractId,
          terms: input.terms,
          planId: input.planId,
          newPlanId: c.newPlanId,
          docomoBilled: plan.docomoBilled,
          event: 'plan-change',
          effectiveDate: from,
        });
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (c: PlanChangeInput) => {
          if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
          if (state.endDate) conflict(`contract ${input.contractId} ends on ${state.endDate}`);
          const next = getPlan(c.newPlanId);
          if (!next || next.terms !== input.terms) invalid('newPlanId', `plan ${c.newPlanId} does not exist under ${input.terms}`);
          if (next.id === input.planId) invalid('newPlanId', `the contract is already on ${next.id}`);
          if (next.customerKind !== 'any' && next.customerKind !== input.customer.kind) invalid('newPlanId', `plan ${next.id} is for ${next.customerKind} customers`);
          if (state.pendingPlan) conflict(`a change to ${state.pendingPlan.planId} from ${state.pendingPlan.from} is already accepted`);
        },
      },
    );

    setHandler(
      registerFaultContact,
      async (c: FaultContactInput) => {
        state.faultContact = { email: c.email.trim(), registeredOn: ctx.today() };
        return ctx.view();
      },
      {
        validator: (c: FaultContactInput) => {
          if (state.status === 'rejected' || state.status === 'ended') conflict(`contract ${input.contractId} is ${state.status}`);
          requireEmail('email', typeof c?.email === 'string' ? c.email.trim() : c?.email);
        },
      },
    );

    setHandler(
      changeContractor,
      async (c: ContractorChangeInput) => {
        const rule = catalog.contractorChanges.value;
        const today = ctx.today();
        if (c.kind === 'payment-method-change') {
          // TNC-14: the account or card used for payment changed; TNC-27 / TNC-41 (2) follow it.
          const clauseId = rule.paymentMethodChange ?? rule.nameChange;
          state.contractorChanges = [...(state.contractorChanges ?? []), { on: today, kind: c.kind, clauseId, evidence: c.evidence }];
          if (c.paymentMethod) state.paymentMethod = { method: c.paymentMethod, since: today };
          await ctx.save();
          return ctx.view();
        }
        const clauseId = c.kind === 'succession' ? rule.succession : rule.nameChange;
        if (c.kind === 'succession' && rule.successionNeedsApproval && patched('ngn-15-decision-v1')) {
          // NGN-15: the transfer takes effect only with the provider's approval; the decision is written.
          const denied = c.decision === 'deny';
          state.contractorChanges = [
            ...(state.contractorChanges ?? []),
            { on: today, kind: c.kind, clauseId, evidence: c.evidence, decision: denied ? 'denied' : 'approved', ...(denied ? { denyReason: c.denyReason } : {}) },
          ];
          await notify({
            contractId: input.contractId,
            idempotencyKey: `${input.contractId}:contractor-change:${clauseId}:${state.contractorChanges.length}`,
            recipient: input.customer.email,
            ...contractorChangeNotice({ ...ctx.party(), clauseId, decision: denied ? 'denied' : 'approved', decidedOn: today, successor: c.name, reason: c.denyReason }),
          });
          if (denied) return ctx.view();
        } else {
          state.contractorChanges = [
            ...(state.contractorChanges ?? []),
            { on: today, kind: c.kind, clauseId, evidence: c.evidence, ...(c.nameChangeGround && rule.nameChangeGrounds ? { nameChangeGround: c.nameChangeGround } : {}) },
          ];
        }
        ctx.restartWith = {
          ...input,
          customer: {
            ...input.customer,
            name: c.name ?? input.customer.name,
            email: c.email ?? input.customer.email,
            ...(c.address !== undefined ? { address: c.address } : {}),
            id: c.kind === 'succession' && c.customerId ? c.customerId : input.customer.id,
          },
        };
        return ctx.view();
      },
      { validator: (c: ContractorChangeInput) => validateContractorChange(ctx, c) },
    );
  },

  deadlines(ctx) {
    const out: Deadline[] = [];
    if (ctx.restartWith) out.push({ atMs: Date.now(), kind: 'restart' });
    if (ctx.state.pendingPlan) out.push({ atMs: jstMidnightMs(ctx.state.pendingPlan.from), kind: 'plan-change' });
    return out;
  },

  due: {
    // NGN-14/15, TNC-13: the contractor changed; the input changes.
    restart: (ctx) => restart(ctx, false),
    // NGN-13 / TNC-15: the plan changes from its month.
    'plan-change': (ctx) => restart(ctx, true),
  },
};
