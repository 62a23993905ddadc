/**
 * Outages and their credits (NGN-33, NGN-52, TNC-35/42/43): the customer (or the NGN-52 fault
 * contact) is told at recognition, again when 24 hours have passed, and at restoration; the credit
 * its catalog's formula gives is netted on the next invoice as a negative line outside consumption
 * tax. Carrier-caused outages are settled in a batch (TNC-42.2 shares).
 */
import { patched, setHandler } from '@temporalio/workflow';
import { jstDateOf } from '../../rules/calendar.js';
import { feeExemptionByMonth, largerRemedy, ngnOutageCompensation, tncOutageDamages, yen } from '../../rules/money.js';
import type { CreditFormulaId, NoticeKind } from '../../rules/terms/index.js';
import type { CarrierShareInput, LedgerLine, Outage, OutageCause, OutageInput, RestoreInput, Suspension } from '../../model/contract.js';
import { noticeClauseOf, recipientFor } from '../../notices/catalogue.js';
import { creditNotice, outageNotice, outageThresholdNotice, restorationNotice } from '../../notices/templates.js';
import { grantCarrierShare, reportOutage, restoreOutage } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import type { Deadline } from './deadlines.js';
import { instantField } from './fields.js';
import { PATCHES } from './patches.js';

const CAUSES: readonly OutageCause[] = [
  'provider-fault',
  'force-majeure',
  'restriction-or-suspension',
  'third-party-hacking',
  'carrier-failure',
  'carrier-repair-data-loss',
  'other-not-attributable',
];

function validateOutage(ctx: ContractContext, o: OutageInput): void {
  ctx.requireActive();
  const start = instantField('startedAt', o.startedAt)!;
  const rec = instantField('recognisedAt', o.recognisedAt)!;
  if (rec < start) invalid('recognisedAt', 'the provider cannot recognise an outage before it started');
  if (rec > Date.now()) invalid('recognisedAt', `${o.recognisedAt} is in the future`);
  if (!CAUSES.includes(o.cause)) invalid('cause', `one of ${CAUSES.join(', ')}`);
  if (o.outageId && ctx.state.outages?.some((x) => x.id === o.outageId)) conflict(`outage ${o.outageId} is already reported`);
}

/** The clause a notice of this kind cites under the contract's catalog (every 約款 has outage notices). */
function clauseOf(ctx: ContractContext, kind: NoticeKind): string {
  return noticeClauseOf(ctx.catalog, kind) ?? ctx.catalog.outageThresholdHours.clause;
}

/** NGN-52: outage notices go to the registered fault contact (the latest one), else the customer. */
function outageRecipient(ctx: ContractContext, kind: NoticeKind): string {
  return recipientFor(kind, {
    customerEmail: ctx.input.customer.email,
    faultContactEmail: ctx.state.faultContact?.email ?? ctx.input.customer.faultContactEmail,
  });
}

/** Records an outage and notifies the customer at once (TNC-35; NGN-52 fault contact). */
async function openOutage(ctx: ContractContext, o: OutageInput): Promise<Outage> {
  const { state, input } = ctx;
  state.seq += 1;
  const outage: Outage = {
    id: o.outageId ?? `O${state.seq}`,
    startedAt: o.startedAt,
    recognisedAt: o.recognisedAt,
    cause: o.cause,
    grossNegligence: !!o.grossNegligence,
  };
  state.outages = [...(state.outages ?? []), outage];
  const clauseId = clauseOf(ctx, 'outage');
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:outage:${outage.id}:${clauseId}`,
    recipient: outageRecipient(ctx, 'outage'),
    ...outageNotice({ ...ctx.party(), clauseId, recognisedAt: o.recognisedAt, symptom: o.description }),
  });
  return outage;
}

function validateRestore(ctx: ContractContext, r: RestoreInput): void {
  const o = ctx.state.outages?.find((x) => x.id === r.outageId);
  if (!o) invalid('outageId', `no outage ${r.outageId}`);
  if (o.restoredAt) conflict(`outage ${r.outageId} was restored at ${o.restoredAt}`);
  const at = instantField('restoredAt', r.restoredAt)!;
  if (at < Date.parse(o.recognisedAt)) invalid('restoredAt', 'is before the outage was recognised');
  if (at > Date.now()) invalid('restoredAt', `${r.restoredAt} is in the future`);
}

/** Whether an outage of this cause earns an individual credit (catalog compensableOutageCauses). */
function compensable(ctx: ContractContext, o: Outage): boolean {
  return ctx.catalog.compensableOutageCauses.value.includes(o.cause);
}

type Credit = { amount: string; days: number; clauseId: string; remedy?: 'damages' };

/** The catalog's credit formula for a compensable outage, or undefined when it yields nothing. */
const CREDIT_FORMULAS: Record<CreditFormulaId, (ctx: ContractContext, o: Outage, recognisedAtMs: number, restoredAtMs: number) => Credit | undefined> = {
  // NGN-33.2: whole 24-hour multiples from recognition × fee ÷ 30, capped at the monthly fee.
  'ngn-33-whole-days-div30-cap-month': (ctx, _o, recognisedAtMs, restoredAtMs) => {
    const c = ngnOutageCompensation({ monthlyFee: ctx.plan.monthlyFee, recognisedAtMs, restoredAtMs, excludedCause: false });
    return c.amount.gt(0) ? { amount: c.amount.toFixed(), days: c.days, clauseId: ctx.catalog.creditFormula.clause } : undefined;
  },
  // TNC-42.1: fee × 1/30 × whole days, floored; TNC-43 consumer cap; TNC-42.5 no cap for gross negligence.
  'tnc-42-whole-days-div30': (ctx, o, recognisedAtMs, restoredAtMs) => {
    const c = tncOutageDamages({
      monthlyFee: ctx.plan.monthlyFee,
      recognisedAtMs,
      restoredAtMs,
      consumer: ctx.input.customer.kind === 'consumer',
      wilfulOrGrossNegligence: o.grossNegligence,
    });
    const clauseId = c.capped ? ctx.catalog.creditCap.clause : ctx.catalog.creditFormula.clause;
    return c.amount.gt(0) ? { amount: c.amount.toFixed(), days: c.days, clauseId } : undefined;
  },
};

// ---- TNC-26.2 fee exemption ---------------------------------------------------------------------

type Exemption = ReturnType<typeof feeExemptionByMonth>;

/**
 * TNC-26.2: the fee and its tax for the days a flat-rate service was totally unusable through the
 * provider's fault, for 24 hours or more from recognition (catalog feeExemption and
 * feeExemptionGrounds). Not on a carrier-billed plan: there TNC-26.4 leaves the fees to docomo's
 * terms. Undefined when nothing is exempted.
 */
function exemptionFor(ctx: ContractContext, fromMs: number, toMs: number): Exemption | undefined {
  const rule = ctx.catalog.feeExemption.value;
  if (!rule || !ctx.catalog.feeExemptionGrounds.value) return undefined;
  if (ctx.plan.docomoBilled && ctx.catalog.carrierBilling.value?.receivablesAssigned) return undefined;
  const e = feeExemptionByMonth({ monthlyFee: ctx.plan.monthlyFee, fromMs, toMs, thresholdHours: rule.thresholdHours });
  return e.amount.gt(0) ? e : undefined;
}

/**
 * The exemption as credits for the next invoice: one negative *taxable* line per month (the tax on
 * it leaves with it when the invoice computes its tax, JP-INVOICE), citing TNC-26.2 and the month
 * the days belong to (for days already billed, a 返還 on the next invoice).
 */
function exemptionLines(ctx: ContractContext, e: Exemption, what: string, keyOf: string, effectiveDate: string): LedgerLine[] {
  const clauseId = ctx.catalog.feeExemption.clause;
  return e.months.map((m) => ({
    idempotencyKey: `${ctx.input.contractId}:${keyOf}:${clauseId}:${m.month}`,
    clauseId,
    kind: 'exemption' as const,
    taxClass: 'taxable' as const,
    amount: m.amount.negated().toFixed(),
    period: m.month,
    effectiveDate,
    description: `料金の免除（${what}、${m.month}分 ${m.days}日 ÷ ${m.daysInMonth}日 × 月額 ${ctx.plan.monthlyFee}円、消費税相当額とともに免除）`,
  }));
}

/** Sends the credit notice of a TNC-26.2 exemption (the months, the tax removed, the damages it replaces). */
async function notifyExemption(
  ctx: ContractContext,
  a: { id: string; recognisedAt: string; restoredAt: string; e: Exemption; instead?: { clauseId: string; amount: string } },
): Promise<void> {
  const clauseId = ctx.catalog.feeExemption.clause;
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:credit:${a.id}:${clauseId}`,
    recipient: ctx.input.customer.email,
    ...creditNotice({
      ...ctx.party(),
      clauseId,
      recognisedAt: a.recognisedAt,
      restoredAt: a.restoredAt,
      days: a.e.days,
      amount: a.e.amount.plus(a.e.tax).toFixed(),
      appliedTo: '次回請求',
      exemption: { months: a.e.months.map((m) => ({ ...m, amount: m.amount.toFixed() })), tax: a.e.tax.toFixed(), instead: a.instead },
    }),
  });
}

/**
 * TNC-39: a 第39条 stop for the provider's maintenance or works (1) or a fault of its own
 * equipment (2) that lasted 24 hours or more exempts the fee and its tax for those days (TNC-26.2;
 * TNC-39.3 excludes damages, not the exemption). A stop recorded without its item is taken as (1).
 * Called when the stop ends; returns undefined (no work) when nothing is exempted.
 */
export function exemptStop(ctx: ContractContext, s: Suspension): Promise<void> | undefined {
  const grounds = ctx.catalog.feeExemptionGrounds.value;
  const stop = grounds?.stops.find((x) => x.clause === s.clauseId);
  if (!stop || s.exemption || !s.endsAt || !stop.items.includes(s.item ?? 1)) return undefined;
  const e = exemptionFor(ctx, Date.parse(s.startsAt), Date.parse(s.endsAt));
  if (!e || !patched(PATCHES.feeExemption)) return undefined;
  s.exemption = { amount: e.amount.toFixed(), tax: e.tax.toFixed(), days: e.days };
  ctx.state.pendingLines.push(...exemptionLines(ctx, e, `${s.clauseId}(${s.item ?? 1}) 提供中止 ${s.id}`, `stop:${s.id}`, jstDateOf(s.endsAt)));
  return notifyExemption(ctx, { id: s.id, recognisedAt: s.startsAt, restoredAt: s.endsAt, e });
}

/**
 * Restoration: the customer is told, and the credit is netted on the next invoice. Damages (the
 * catalog's formula: NGN-33.2, TNC-42.1 with the TNC-43 cap) are a negative line outside
 * consumption tax; causes the catalog does not compensate earn none (NGN-33.3; under TNC
 * carrier-caused outages go to the TNC-42.2 batch). Since tnc-26-2-fee-exemption-v1, where the
 * catalog has a fee exemption and the cause qualifies, the TNC-26.2 exemption (the fee and its tax)
 * is computed too and the customer gets the larger of the two for the same days (catalog
 * feeExemptionGrounds.withDamages). Before, the TNC-42.1 amount was the one credit (replays).
 */
async function restore(ctx: ContractContext, r: RestoreInput): Promise<Outage> {
  const { state, input, catalog } = ctx;
  const o = state.outages?.find((x) => x.id === r.outageId);
  if (!o) return invalid('outageId', `no outage ${r.outageId}`);
  o.restoredAt = r.restoredAt;
  const noticeClause = clauseOf(ctx, 'restoration');
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:restoration:${o.id}:${noticeClause}`,
    recipient: outageRecipient(ctx, 'restoration'),
    ...restorationNotice({ ...ctx.party(), clauseId: noticeClause, recognisedAt: o.recognisedAt, restoredAt: r.restoredAt }),
  });
  const recognisedAtMs = Date.parse(o.recognisedAt);
  const restoredAtMs = Date.parse(r.restoredAt);
  const credit = compensable(ctx, o) ? CREDIT_FORMULAS[catalog.creditFormula.value](ctx, o, recognisedAtMs, restoredAtMs) : undefined;
  const exempt = catalog.feeExemptionGrounds.value?.outageCauses.includes(o.cause) ? exemptionFor(ctx, recognisedAtMs, restoredAtMs) : undefined;
  if (exempt && patched(PATCHES.feeExemption)) {
    if (largerRemedy(exempt, credit?.amount) === 'exemption') {
      o.credit = { amount: exempt.amount.plus(exempt.tax).toFixed(), days: exempt.days, clauseId: catalog.feeExemption.clause, remedy: 'exemption', tax: exempt.tax.toFixed() };
      state.pendingLines.push(...exemptionLines(ctx, exempt, `障害 ${o.id}（${o.recognisedAt} 認知〜${r.restoredAt} 復旧）`, `outage:${o.id}`, jstDateOf(restoredAtMs)));
      await notifyExemption(ctx, {
        id: o.id,
        recognisedAt: o.recognisedAt,
        restoredAt: r.restoredAt,
        e: exempt,
        instead: credit ? { clauseId: credit.clauseId, amount: credit.amount } : undefined,
      });
      return o;
    }
    if (credit) credit.remedy = 'damages';
  }
  if (credit) {
    o.credit = credit;
    state.pendingLines.push({
      idempotencyKey: `${input.contractId}:outage:${o.id}:${credit.clauseId}`,
      clauseId: credit.clauseId,
      kind: 'credit',
      taxClass: 'out-of-scope',
      amount: yen(credit.amount).negated().toFixed(),
      effectiveDate: jstDateOf(restoredAtMs),
      description: `障害 ${o.id}（${o.recognisedAt} 認知〜${r.restoredAt} 復旧、${credit.days}日分）の損害賠償・減額（不課税）`,
    });
    await notify({
      contractId: input.contractId,
      idempotencyKey: `${input.contractId}:credit:${o.id}:${credit.clauseId}`,
      recipient: input.customer.email,
      ...creditNotice({
        ...ctx.party(),
        clauseId: credit.clauseId,
        recognisedAt: o.recognisedAt,
        restoredAt: r.restoredAt,
        days: credit.days,
        amount: credit.amount,
        appliedTo: '次回請求',
      }),
    });
  }
  return o;
}

// ---- the 24-hour threshold (NGN-33.1, TNC-42.1) -------------------------------------------------

/** Hours from recognition after which an outage counts for compensation (catalog, NGN-33.1 / TNC-42.1). */
function thresholdMs(ctx: ContractContext): number {
  return ctx.catalog.outageThresholdHours.value * 3600_000;
}

/** When the next still-open compensable outage crosses its threshold; undefined when none is pending. */
function nextOutageThreshold(ctx: ContractContext): number | undefined {
  const at = (ctx.state.outages ?? [])
    .filter((o) => !o.restoredAt && !o.thresholdNotified && compensable(ctx, o))
    .map((o) => Date.parse(o.recognisedAt) + thresholdMs(ctx));
  return at.length ? Math.min(...at) : undefined;
}

/** Timer work: tells the customer when an open outage has lasted 24 hours from recognition. */
async function outageThresholdsReached(ctx: ContractContext): Promise<void> {
  const { input } = ctx;
  for (const o of ctx.state.outages ?? []) {
    const at = Date.parse(o.recognisedAt) + thresholdMs(ctx);
    if (o.restoredAt || o.thresholdNotified || at > Date.now() || !compensable(ctx, o)) continue;
    o.thresholdNotified = true;
    const clauseId = clauseOf(ctx, 'outage-24h');
    await notify({
      contractId: input.contractId,
      idempotencyKey: `${input.contractId}:outage-24h:${o.id}:${clauseId}`,
      recipient: outageRecipient(ctx, 'outage-24h'),
      ...outageThresholdNotice({ ...ctx.party(), clauseId, recognisedAt: o.recognisedAt, thresholdAt: new Date(at).toISOString() }),
    });
  }
}

// ---- carrier shares (TNC-42.2) ---------------------------------------------------------------

function validateCarrierShare(ctx: ContractContext, c: CarrierShareInput): void {
  ctx.requireActive();
  const allocation = ctx.catalog.carrierCausedAllocation;
  if (allocation.value !== 'pro-rata-largest-remainder') conflict(`${ctx.input.terms} settles no carrier-caused outages in a batch (${allocation.clause})`);
  if (ctx.state.pendingLines.some((l) => l.idempotencyKey.endsWith(`:carrier:${c.batchId}`))) conflict(`batch ${c.batchId} already granted`);
  let amount;
  try {
    amount = yen(c.amount);
  } catch {
    invalid('amount', `not a yen amount: ${c.amount}`);
  }
  if (amount.isNegative() || !amount.isInteger()) invalid('amount', 'must be whole yen ≥ 0');
}

function grantShare(ctx: ContractContext, c: CarrierShareInput): { amount: string } {
  if (yen(c.amount).gt(0)) {
    ctx.state.pendingLines.push({
      idempotencyKey: `${ctx.input.contractId}:carrier:${c.batchId}`,
      clauseId: ctx.catalog.carrierCausedAllocation.clause,
      kind: 'credit',
      taxClass: 'out-of-scope',
      amount: yen(c.amount).negated().toFixed(),
      effectiveDate: jstDateOf(Date.now()),
      description: `電気通信事業者起因の障害に係る按分賠償（バッチ ${c.batchId}、受領額 ${c.received}円）: ${c.description}`,
    });
  }
  return { amount: yen(c.amount).toFixed() };
}

export const outages: ContractModule = {
  name: 'outages',
  register(ctx) {
    setHandler(reportOutage, (o) => openOutage(ctx, o), { validator: (o) => validateOutage(ctx, o) });
    setHandler(restoreOutage, (r) => restore(ctx, r), { validator: (r) => validateRestore(ctx, r) });
    setHandler(grantCarrierShare, (c) => grantShare(ctx, c), { validator: (c) => validateCarrierShare(ctx, c) });
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    const at = nextOutageThreshold(ctx);
    if (at !== undefined) out.push({ atMs: at, kind: 'outage-threshold' });
    return out;
  },
  due: {
    'outage-threshold': (ctx) => outageThresholdsReached(ctx),
  },
};
