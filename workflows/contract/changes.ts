/**
 * Changes during the contract (NGN-13/14/15/52, TNC-13/15/16): pause and resume where the catalog
 * allows it, a plan change formed on its acceptance notice (NGN-13.2; docomo told on its course) or refused in writing,
 * a change of the contractor's details or a succession (the run's input changes, so the workflow
 * continues as new with it), and the NGN-52 fault contact.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { addDays, firstOfNextMonth, jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { rejectionGrounds } from '../../rules/contract-rules.js';
import { getPlan } from '../../rules/plans.js';
import type { ContractInput, ContractorChangeInput, FaultContactInput, PlanChangeInput, PlanChangeRefusalInput } from '../../model/contract.js';
import { noticeClauseOf } from '../../notices/catalogue.js';
import { changeAcceptanceNotice, changeRefusalNotice, contractorChangeNotice } from '../../notices/templates.js';
import { changeContractor, changePlan, pauseService, refusePlanChange, registerFaultContact, resumeService } from '../contract-messages.js';
import { notify, notifyCarrierOfEvent } from '../notify.js';
import { conflict, invalid, requireEmail, undeliverable } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import type { Deadline } from './deadlines.js';
import { PATCHES } from './patches.js';

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
    // NGN-13.2 / TNC-19: the old plan was in force through the day before; its month is billed by segment.
    if (pending.segmented) ctx.state.planHistory = [...(ctx.state.planHistory ?? []), { planId: ctx.input.planId, until: addDays(pending.from, -1) }];
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

/**
 * NGN-13.2 (TNC-15 decided alike, catalog changeFormation): the change is formed when its
 * acceptance notice is sent, and the new plan's price applies from that day — the month of the change
 * is billed by plan segment (rules/monthly-fees.ts). The plan-change deadline falls on that day, so
 * the workflow continues as new under the new plan at once. No notice sent, no change formed: the
 * update fails (ops were alerted) and nothing changes. TNC-15.2: docomo is told on its course.
 */
async function acceptPlanChange(ctx: ContractContext, c: PlanChangeInput) {
  const { state, input, plan, catalog } = ctx;
  const next = getPlan(c.newPlanId)!;
  state.seq += 1;
  const clauseId = noticeClauseOf(catalog, 'change-acceptance') ?? catalog.changeFormation.clause;
  const proof = await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:change-acceptance:${state.seq}:${clauseId}`,
    recipient: input.customer.email,
    ...changeAcceptanceNotice({
      ...ctx.party(),
      clauseId,
      fromPlan: plan.name,
      toPlan: next.name,
      effectiveDate: ctx.today(),
      monthlyFee: next.monthlyFee,
      daily: next.partialMonth === 'daily',
    }),
  });
  if (!proof.delivered) {
    undeliverable(`${clauseId}: the acceptance notice of the change could not be sent (${proof.error ?? 'unknown'}); the change is not formed. Ops were alerted; accept again once delivery works.`);
  }
  const from = jstDateOf(proof.sentAt);
  state.pendingPlan = { planId: c.newPlanId, from, segmented: true, clauseId };
  // The change is due at once: the loop continues as new under the new plan (and saves the projection
  // with it) as soon as this handler yields, so the view is taken now and no older projection is saved.
  const view = ctx.view();
  await tellCarrierOfPlanChange(ctx, c.newPlanId, from);
  return view;
}

/** TNC-15: on the docomo-billed course docomo is notified of a plan change and the day it takes effect. */
function tellCarrierOfPlanChange(ctx: ContractContext, newPlanId: string, effectiveDate: string): Promise<unknown> {
  const { input, plan } = ctx;
  return notifyCarrierOfEvent({
    contractId: input.contractId,
    terms: input.terms,
    planId: input.planId,
    newPlanId,
    docomoBilled: plan.docomoBilled,
    event: 'plan-change',
    effectiveDate,
  });
}

function validateRefusal(ctx: ContractContext, r: PlanChangeRefusalInput): void {
  const { state, input, rules } = ctx;
  if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
  const next = getPlan(r.newPlanId);
  if (!next || next.terms !== input.terms) invalid('newPlanId', `plan ${r.newPlanId} does not exist under ${input.terms}`);
  const labels = rejectionGrounds(input.terms, input.termsVersion);
  if (!Array.isArray(r.grounds) || r.grounds.length === 0) invalid('grounds', `at least one ${rules.rejectionClause} ground is required`);
  for (const g of r.grounds) if (!labels[g]) invalid('grounds', `${g} is not a ground of ${rules.rejectionClause} (1–9)`);
  if (!r.reason?.trim()) invalid('reason', 'a written reason is required');
}

/** NGN-13.3 / TNC-15: a change request refused on the application grounds, notified (NGN: in writing); the contract is unchanged. */
async function refuseChange(ctx: ContractContext, r: PlanChangeRefusalInput) {
  const { state, input, rules, catalog } = ctx;
  const labels = rejectionGrounds(input.terms, input.termsVersion);
  const clauseId = noticeClauseOf(catalog, 'change-refusal') ?? catalog.changeFormation.clause;
  state.seq += 1;
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:change-refusal:${state.seq}:${clauseId}`,
    recipient: input.customer.email,
    ...changeRefusalNotice({
      ...ctx.party(),
      clauseId,
      groundsClause: rules.rejectionClause,
      requestedPlan: getPlan(r.newPlanId)?.name ?? r.newPlanId,
      grounds: r.grounds.map((code) => ({ code, label: labels[code] ?? '' })),
      reason: r.reason.trim(),
      written: catalog.changeFormation.value.refusalNotice === 'written',
    }),
  });
  state.planChangeRefusals = [...(state.planChangeRefusals ?? []), { on: ctx.today(), planId: r.newPlanId, grounds: [...r.grounds], reason: r.reason.trim() }];
  await ctx.save();
  return ctx.view();
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
        if (patched(PATCHES.planChangeOnAcceptance)) return acceptPlanChange(ctx, c);
        // Before NGN-13.2 was applied: the new price from the 1st of the next month (replays).
        const from = firstOfNextMonth(ctx.today());
        state.pendingPlan = { planId: c.newPlanId, from };
        await tellCarrierOfPlanChange(ctx, c.newPlanId, from);
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
    setHandler(refusePlanChange, (r: PlanChangeRefusalInput) => refuseChange(ctx, r), { validator: (r: PlanChangeRefusalInput) => validateRefusal(ctx, r) });

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
        if (c.kind === 'succession' && rule.successionNeedsApproval && patched(PATCHES.ngn15Decision)) {
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
