/**
 * Violations and their measures (NGN-25/27, TNC-40): a case opens with a notice and, per the
 * catalog, a cure window (NGN-25: 10 days, 民法 第140条), a designated period (TNC-40) or none
 * (NGN-27). A cure recorded in time closes it; after the window ops choose a measure (or the case's
 * default measure applies when the window ends): record, stop the contractor, or terminate.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { dayCountedPeriod, jstDateOf } from '../../rules/calendar.js';
import type { BreachCase } from '../../rules/terms/index.js';
import type { CureInput, MeasureInput, Violation, ViolationInput } from '../../model/contract.js';
import { violationNotice } from '../../notices/templates.js';
import { applyMeasure, recordCure, reportViolation } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid, lateNotice } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import { PATCHES } from './patches.js';
import type { Deadline } from './deadlines.js';
import { instantField } from './fields.js';
import { startSuspension } from './suspensions.js';
import { checkGround, terminate, terminationGround } from './termination.js';

/** The catalog's case for a violation clause (NGN-25, NGN-27, TNC-40 …), if this 約款 has it. */
function breachCase(ctx: ContractContext, clauseId: string): BreachCase | undefined {
  return ctx.catalog.breachHandling.value.cases.find((c) => c.clause === clauseId);
}

/** Measure codes the catalog allows after a violation (NGN-25 (1)–(3); TNC-40 (1)–(6)). */
function measureCodes(ctx: ContractContext): number[] {
  return ctx.catalog.breachMeasures.value.map((m) => m.code);
}

function validateViolation(ctx: ContractContext, v: ViolationInput): void {
  ctx.requireActive();
  const cases = ctx.catalog.breachHandling.value.cases;
  if (!breachCase(ctx, v.clauseId)) invalid('clauseId', `${v.clauseId} is not a violation clause of ${ctx.input.terms} (${cases.map((c) => c.clause).join(', ')})`);
  if (!Number.isInteger(v.act) || v.act < 1) invalid('act', 'must be the item number of the prohibited act (1, 2, …)');
  const at = instantField('occurredAt', v.occurredAt)!;
  if (at > Date.now()) invalid('occurredAt', `${v.occurredAt} is in the future`);
  if (v.designatedDays !== undefined && (!Number.isInteger(v.designatedDays) || v.designatedDays < 1)) {
    invalid('designatedDays', 'must be a whole number of days ≥ 1');
  }
  if (v.defaultMeasure !== undefined && !measureCodes(ctx).includes(v.defaultMeasure)) {
    invalid('defaultMeasure', `${v.clauseId} allows measures ${measureCodes(ctx).join(', ')}`);
  }
  const gate = gatedTermination(ctx, breachCase(ctx, v.clauseId));
  if (gate && v.defaultMeasure !== undefined && effectOf(ctx, v.defaultMeasure) === 'terminate') {
    invalid('defaultMeasure', `${v.clauseId} (${v.defaultMeasure}) terminates only through ${gate.clause} (${gate.item}), which needs a suspension whose designated period passed first; it cannot be a default measure`);
  }
  if (v.violationId && ctx.state.violations?.some((x) => x.id === v.violationId)) conflict(`violation ${v.violationId} is already open`);
  if (!v.description.trim()) invalid('description', 'say what happened');
}

/**
 * Days of the window a case gives (catalog: cure window, designated period, or none). TNC-40's
 * designated period defaults to its own cure window (cureWindowDays, 14), not TNC-18's period for
 * a suspended contractor (demandCurePeriodDays); cases opened before that fix keep the period
 * they were told (patched).
 */
function windowDays(ctx: ContractContext, c: BreachCase | undefined, v: ViolationInput): number {
  if (c?.window === 'cure-window') return ctx.catalog.cureWindowDays.value;
  if (c?.window === 'designated-period') {
    if (v.designatedDays !== undefined) return v.designatedDays;
    return patched(PATCHES.tnc40OwnWindow) ? ctx.catalog.cureWindowDays.value : ctx.catalog.demandCurePeriodDays.value;
  }
  return 0;
}

/** The termination ground a case's 'terminate' measure uses, when its precondition applies (TNC-40 (6) → TNC-18 1項). */
function gatedTermination(ctx: ContractContext, c: BreachCase | undefined) {
  if (!c?.terminateGated) return undefined;
  return terminationGround(ctx, c.terminateUnder ?? c.clause, c.terminateItem);
}

/**
 * Opens a violation case. A window counted in days follows 民法 第140条 (the day of the violation
 * is not counted unless it began at 00:00); measures are possible from 00:00 JST after its last day.
 */
async function openViolation(ctx: ContractContext, v: ViolationInput): Promise<Violation> {
  const { state, input, catalog } = ctx;
  state.seq += 1;
  const days = windowDays(ctx, breachCase(ctx, v.clauseId), v);
  const window = days > 0 ? dayCountedPeriod(v.occurredAt, days) : undefined;
  const violation: Violation = {
    id: v.violationId ?? `V${state.seq}`,
    clauseId: v.clauseId,
    act: v.act,
    userRef: v.userRef,
    occurredAt: v.occurredAt,
    cureLastDay: window?.lastDay,
    measuresFrom: new Date(window?.endsAtMs ?? Date.now()).toISOString(),
    status: 'open',
    defaultMeasure: v.defaultMeasure,
  };
  state.violations = [...(state.violations ?? []), violation];
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:violation:${violation.id}:${v.clauseId}`,
    recipient: input.customer.email,
    ...violationNotice({
      ...ctx.party(),
      clauseId: v.clauseId,
      violation: `禁止行為（第${catalog.breachHandling.value.prohibitedActsArticle}条第${v.act}号）: ${v.description}`,
      occurredOn: jstDateOf(v.occurredAt),
      cureBy: violation.cureLastDay,
    }),
  });
  return violation;
}

function openCase(ctx: ContractContext, id: string): Violation {
  const v = ctx.state.violations?.find((x) => x.id === id);
  if (!v) invalid('violationId', `no violation ${id} on contract ${ctx.input.contractId}`);
  if (v.status !== 'open') conflict(`violation ${id} is ${v.status}`);
  return v;
}

/** A cure recorded while the window is still running closes the case (service keeps running). */
function validateCure(ctx: ContractContext, c: CureInput): void {
  const v = openCase(ctx, c.violationId);
  if (Date.now() >= Date.parse(v.measuresFrom)) {
    lateNotice('violationId', `${v.clauseId}: the cure window of ${v.id} ended at ${v.measuresFrom}; measures may now be taken`, v.measuresFrom);
  }
}

function cure(ctx: ContractContext, c: CureInput): Violation {
  const v = openCase(ctx, c.violationId);
  v.status = 'cured';
  return v;
}

function validateMeasure(ctx: ContractContext, m: MeasureInput): void {
  ctx.requireActive();
  const v = openCase(ctx, m.violationId);
  if (!measureCodes(ctx).includes(m.measure)) invalid('measure', `${v.clauseId} allows measures ${measureCodes(ctx).join(', ')}`);
  if (Date.now() < Date.parse(v.measuresFrom)) {
    lateNotice('measure', `${v.clauseId}: measures on ${v.id} are possible from ${v.measuresFrom} (cure window until ${v.cureLastDay} 24:00 JST)`, v.measuresFrom);
  }
  const gate = gatedTermination(ctx, breachCase(ctx, v.clauseId));
  if (gate && effectOf(ctx, m.measure) === 'terminate') checkGround(ctx, gate);
}

function effectOf(ctx: ContractContext, measure: number) {
  return ctx.catalog.breachMeasures.value.find((x) => x.code === measure)?.effect ?? 'record';
}

/** Applies a measure; its effect comes from the catalog: record it, stop the contractor (suspension) or terminate. */
async function measure(ctx: ContractContext, m: MeasureInput): Promise<Violation> {
  const v = openCase(ctx, m.violationId);
  v.status = 'measured';
  v.measure = m.measure;
  const c = breachCase(ctx, v.clauseId);
  const effect = effectOf(ctx, m.measure);
  const reason = `${v.clauseId} 第${m.measure}号の措置（違反 ${v.id}: 禁止行為 第${v.act}号、是正期間経過）`;
  if (effect === 'suspend') {
    // Recorded under the case's own clause (NGN-25 (2), NGN-27) or the one the catalog names
    // (TNC-40 (5) → TNC-41 (3)); the violation notice already told the consequence, so no prior notice.
    await startSuspension(ctx, {
      clauseId: c?.suspendUnder ?? v.clauseId,
      reason,
      startsAt: ctx.nowIso(),
      emergency: true,
      emergencyReason: `${v.clauseId}: 違反 ${v.id} の是正期間経過後の措置（違反のご通知で予告済み）`,
    });
  } else if (effect === 'terminate') {
    await terminate(ctx, { clauseId: c?.terminateUnder ?? v.clauseId, item: c?.terminateItem, reason, endDate: ctx.today() });
  }
  return v;
}

export const breaches: ContractModule = {
  name: 'breaches',
  register(ctx) {
    setHandler(reportViolation, (v) => openViolation(ctx, v), { validator: (v) => validateViolation(ctx, v) });
    setHandler(recordCure, (c) => cure(ctx, c), { validator: (c) => validateCure(ctx, c) });
    setHandler(applyMeasure, (m) => measure(ctx, m), { validator: (m) => validateMeasure(ctx, m) });
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    for (const v of ctx.state.violations ?? []) {
      if (v.status === 'open' && v.defaultMeasure !== undefined) out.push({ atMs: Date.parse(v.measuresFrom), kind: 'default-measure', violationId: v.id });
    }
    return out;
  },
  due: {
    'default-measure': (ctx, d) => {
      const v = ctx.state.violations?.find((x) => x.id === d.violationId);
      if (!v || v.defaultMeasure === undefined) return;
      return measure(ctx, { violationId: v.id, measure: v.defaultMeasure });
    },
  },
};
