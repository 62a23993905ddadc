/**
 * Termination by the provider on the grounds its catalog lists (NGN-40 (1)–(10), NGN-42 (1)–(5),
 * TNC-18 1項/2項), each checked against what the contract's own history shows: NGN-40 (6) needs a
 * demand (催告) whose stated period passed uncured — a demand is its own command with a notice, a
 * durable timer and a cure; NGN-40 (9) needs a stoppage still on; NGN-40 (10) a force majeure of
 * more than 30 days; TNC-18 1項 a TNC-41 suspension whose designated period passed uncured, or a
 * contractor who cannot or refuses to pay an overdue debt; TNC-18 2項 a TNC-12 (2)/(5)/(6) ground.
 * A refusal names the missing step. Where the 約款 gives it (NGN-40 2項), every open amount falls
 * due at once.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { dayCountedPeriod } from '../../rules/calendar.js';
import { yen } from '../../rules/money.js';
import type { TerminationGround } from '../../rules/terms/index.js';
import type { Demand, DemandInput, ProviderTerminationInput } from '../../model/contract.js';
import { terminationNotice, violationNotice } from '../../notices/templates.js';
import { cureDemand, issueDemand, terminateByProvider } from '../contract-messages.js';
import { notify, notifyCarrierOfEvent } from '../notify.js';
import { conflict, invalid, lateNotice } from '../refusals.js';
import { accelerateOpenInvoices } from './billing.js';
import type { ContractContext, ContractModule } from './context.js';
import type { Deadline } from './deadlines.js';
import { textField } from './fields.js';
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

/** The catalog's ground for a clause and item, if the 約款 has one. */
export function terminationGround(ctx: ContractContext, clauseId: string, item: number | undefined): TerminationGround | undefined {
  return ctx.catalog.terminationGrounds.value.find((g) => g.clause === clauseId && g.item === item);
}

/**
 * Checks a ground's precondition against the contract's history. Returns what met it (for the
 * record), or refuses naming the step that is missing.
 */
export function checkGround(
  ctx: ContractContext,
  g: TerminationGround,
  t: Pick<ProviderTerminationInput, 'demandId' | 'paymentDefault' | 'applicationGround'> = {},
): string | undefined {
  const { state, catalog } = ctx;
  const at = `${g.clause} (${g.item})`;
  switch (g.requires) {
    case undefined:
      return undefined;
    case 'uncured-demand': {
      const lapsed = (state.demands ?? []).filter((d) => d.clauseId === g.clause && d.item === g.item && d.status === 'lapsed');
      const d = t.demandId ? lapsed.find((x) => x.id === t.demandId) : lapsed[lapsed.length - 1];
      if (!d) {
        const open = (state.demands ?? []).find((x) => x.clauseId === g.clause && x.item === g.item && x.status === 'open');
        if (open) lateNotice('demandId', `${at}: demand ${open.id} runs until ${open.lastDay} 24:00 JST; termination is possible only after its period passed uncured`, open.lapsesAt);
        invalid(t.demandId ? 'demandId' : 'item', `${at}: no demand (催告) whose stated period passed uncured${t.demandId ? ` with id ${t.demandId}` : ''}; issue a demand first (POST /contracts/:id/demands)`);
      }
      return `demand ${d.id} (period to ${d.lastDay}) not met`;
    }
    case 'stopped-uncured': {
      const stoppage = catalog.notices.stoppage.clause;
      const s = (state.suspensions ?? []).find((x) => x.clauseId === stoppage && x.status === 'active');
      if (!s) invalid('item', `${at}: the contractor is not stopped under ${stoppage}; a stoppage whose cause is not removed must come first`);
      return `stoppage ${s.id} (${stoppage}) still on`;
    }
    case 'force-majeure-right': {
      if (!state.forceMajeure?.rightOpen) {
        conflict(
          state.forceMajeure
            ? `${at}: the force majeure has not lasted more than ${catalog.forceMajeureTerminationDays.value} days yet (right opens ${state.forceMajeure.rightToTerminateFrom})`
            : `${at}: no force majeure is recorded on this contract`,
        );
      }
      return `force majeure since ${state.forceMajeure.startedAt}`;
    }
    case 'suspended-uncured-or-default': {
      const stoppage = catalog.notices.stoppage.clause;
      const s = (state.suspensions ?? []).find((x) => x.clauseId === stoppage && x.status === 'active' && x.cureLapsed);
      if (s) return `suspension ${s.id} (${stoppage}) not cured by ${s.cureBy}`;
      if (t.paymentDefault) {
        const today = ctx.today();
        const overdue = state.openInvoices.find((i) => i.dueDate < today);
        if (!overdue) invalid('paymentDefault', `${at}: no invoice is overdue, so there is no debt the contractor cannot pay or refuses to pay`);
        return `${t.paymentDefault} invoice ${overdue.id} (due ${overdue.dueDate})`;
      }
      const pending = (state.suspensions ?? []).find((x) => x.clauseId === stoppage && x.status === 'active' && x.cureBy);
      invalid(
        'item',
        pending
          ? `${at}: suspension ${pending.id} has its designated period until ${pending.cureBy}; termination is possible once it passed uncured (or state paymentDefault for an overdue debt)`
          : `${at}: the contractor is not suspended under ${stoppage} with a designated period that passed uncured; suspend first, or state paymentDefault (cannot-pay / refuses-to-pay) for an overdue debt`,
      );
    }
    case 'application-ground': {
      const allowed = g.applicationGrounds ?? [];
      if (t.applicationGround === undefined || !allowed.includes(t.applicationGround)) {
        invalid('applicationGround', `${at}: name the application ground that came to light (${allowed.map((n) => `(${n})`).join(', ')} of ${ctx.rules.rejectionClause})`);
      }
      return `${ctx.rules.rejectionClause} (${t.applicationGround}) came to light`;
    }
  }
}

function recordedBasis(ctx: ContractContext, t: ProviderTerminationInput): string | undefined {
  const g = terminationGround(ctx, t.clauseId, t.item);
  try {
    return g ? checkGround(ctx, g, t) : undefined;
  } catch {
    return undefined;
  }
}

function validateTermination(ctx: ContractContext, t: ProviderTerminationInput): void {
  const { state, input, catalog } = ctx;
  if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
  const grounds = catalog.terminationGrounds.value;
  const clauses = [...new Set(grounds.map((g) => g.clause))];
  if (!clauses.includes(t.clauseId as never)) invalid('clauseId', `${t.clauseId} is not a termination ground of ${input.terms} (${clauses.join(', ')})`);
  const g = terminationGround(ctx, t.clauseId, t.item);
  if (!g) {
    const items = grounds.filter((x) => x.clause === t.clauseId).map((x) => x.item);
    invalid('item', `${t.clauseId} needs the item of its ground (${items.map((n) => `(${n})`).join(', ')})${t.item === undefined ? '' : `; ${t.item} is not one`}`);
  }
  if (!t.reason.trim()) invalid('reason', 'a reason is required');
  if (state.endReason === 'provider-termination') conflict('termination already decided');
  checkGround(ctx, g, t);
}

// ---- demands (催告) ---------------------------------------------------------------------------

/** The catalog ground that needs a demand under `clauseId` (NGN-40 (6)). */
function demandGround(ctx: ContractContext, clauseId: string): TerminationGround | undefined {
  return ctx.catalog.terminationGrounds.value.find((g) => g.clause === clauseId && g.requires === 'uncured-demand');
}

function validateDemand(ctx: ContractContext, d: DemandInput): void {
  ctx.requireActive();
  if (!demandGround(ctx, d.clauseId)) {
    const needs = ctx.catalog.terminationGrounds.value.filter((g) => g.requires === 'uncured-demand').map((g) => `${g.clause} (${g.item})`);
    invalid('clauseId', needs.length ? `a demand prepares ${needs.join(', ')}; ${d.clauseId} needs none` : `${ctx.input.terms} has no ground that needs a demand`);
  }
  textField('what', d.what, 2000);
  if (d.periodDays !== undefined && (!Number.isInteger(d.periodDays) || d.periodDays < 1 || d.periodDays > 365)) {
    invalid('periodDays', 'must be a whole number of days from 1 to 365 (a reasonable period, 相当の期間)');
  }
  if (d.demandId && ctx.state.demands?.some((x) => x.id === d.demandId)) conflict(`demand ${d.demandId} already exists`);
}

/**
 * Issues a demand: the contractor is told what to perform or cure and by when (the period counted
 * per 民法 第140条 from tomorrow; it lapses at 24:00 JST of its last day).
 */
async function demand(ctx: ContractContext, d: DemandInput): Promise<Demand> {
  const { state, input, catalog } = ctx;
  const g = demandGround(ctx, d.clauseId);
  state.seq += 1;
  const periodDays = d.periodDays ?? catalog.demandCurePeriodDays.value;
  const issuedAt = ctx.nowIso();
  const window = dayCountedPeriod(issuedAt, periodDays);
  const x: Demand = {
    id: d.demandId ?? `DM${state.seq}`,
    clauseId: d.clauseId,
    item: g?.item ?? 0,
    what: d.what.trim(),
    issuedAt,
    periodDays,
    lastDay: window.lastDay,
    lapsesAt: new Date(window.endsAtMs).toISOString(),
    status: 'open',
  };
  state.demands = [...(state.demands ?? []), x];
  const proof = await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:demand:${x.id}:${d.clauseId}`,
    recipient: input.customer.email,
    ...violationNotice({ ...ctx.party(), clauseId: d.clauseId, violation: x.what, occurredOn: ctx.today(), cureBy: x.lastDay }),
  });
  if (proof.delivered) x.noticeSentAt = proof.sentAt;
  return x;
}

function openDemand(ctx: ContractContext, id: string): Demand {
  const d = ctx.state.demands?.find((x) => x.id === id);
  if (!d) invalid('demandId', `no demand ${id} on contract ${ctx.input.contractId}`);
  if (d.status !== 'open') conflict(`demand ${id} is ${d.status}`);
  return d;
}

export const termination: ContractModule = {
  name: 'termination',
  register(ctx) {
    setHandler(
      terminateByProvider,
      async (t: ProviderTerminationInput) => {
        // The validator checked the ground; on replay of an older history it did not run, so the
        // basis is recorded when it can be read and never throws here.
        const basis = recordedBasis(ctx, t);
        ctx.state.termination = { clauseId: t.clauseId, item: t.item, reason: t.reason, decidedOn: ctx.today(), ...(basis ? { basis } : {}) };
        await terminate(ctx, { clauseId: t.clauseId, item: t.item, reason: t.reason, endDate: ctx.today() });
        return ctx.view();
      },
      { validator: (t: ProviderTerminationInput) => validateTermination(ctx, t) },
    );
    setHandler(issueDemand, (d) => demand(ctx, d), { validator: (d) => validateDemand(ctx, d) });
    setHandler(
      cureDemand,
      ({ demandId }) => {
        const d = openDemand(ctx, demandId);
        d.status = 'cured';
        return d;
      },
      {
        validator: ({ demandId }) => {
          const d = openDemand(ctx, demandId);
          if (Date.now() >= Date.parse(d.lapsesAt)) lateNotice('demandId', `demand ${d.id} lapsed at ${d.lapsesAt} (period to ${d.lastDay})`, d.lapsesAt);
        },
      },
    );
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    for (const d of ctx.state.demands ?? []) {
      if (d.status === 'open') out.push({ atMs: Date.parse(d.lapsesAt), kind: 'demand-lapse', demandId: d.id });
    }
    return out;
  },
  due: {
    // The period passed uncured: the ground that needed the demand is now open to ops.
    'demand-lapse': (ctx, d) => {
      const x = ctx.state.demands?.find((y) => y.id === d.demandId);
      if (x && x.status === 'open') x.status = 'lapsed';
    },
  },
};
