/**
 * Suspensions and stoppages (NGN-36/37, TNC-39/41): scheduled by ops with reason and period, after
 * their prior notice where the catalog requires one (NGN-36/37 unless emergency); the non-payment
 * stoppage after an overdue reminder (NGN-37 (1) / TNC-41 (1)), lifted by payment; TNC-41 (2) an
 * invalid payment method. Fees keep accruing while suspended (NGN-16.2, TNC-26.3).
 */
import { patched, setHandler } from '@temporalio/workflow';
import { addDays, dayCountedPeriod, jstDateOf, jstMidnightMs, type IsoDate } from '../../rules/calendar.js';
import type { Suspension, SuspensionInput } from '../../model/contract.js';
import { SUSPENSION_NOTICE_DAYS, earliestStartAfterNotice } from '../../notices/catalogue.js';
import { suspensionNotice } from '../../notices/templates.js';
import { liftSuspension, reportPaymentMethodInvalid, scheduleSuspension } from '../contract-messages.js';
import { notify, notifyCarrierOfEvent } from '../notify.js';
import { conflict, invalid, lateNotice, undeliverable } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import { PATCHES } from './patches.js';
import type { Deadline } from './deadlines.js';
import { instantField } from './fields.js';
import { exemptStop } from './outages.js';

function validateSuspension(ctx: ContractContext, s: SuspensionInput): void {
  ctx.requireActive();
  const grounds: string[] = ctx.catalog.suspensionGrounds.value.map((g) => g.clause);
  if (!grounds.includes(s.clauseId)) invalid('clauseId', `${ctx.input.terms} suspends under ${grounds.join(' or ')}`);
  if (!s.reason.trim()) invalid('reason', 'a reason is required (理由 and 期間 are notified)');
  if (s.item !== undefined && (!Number.isInteger(s.item) || s.item < 1 || s.item > 9)) invalid('item', `${s.item} is not an item of ${s.clauseId} (1–9)`);
  const start = instantField('startsAt', s.startsAt)!;
  const end = instantField('endsAt', s.endsAt, { optional: true });
  if (end !== undefined && end <= start) invalid('endsAt', `${s.endsAt} is not after startsAt ${s.startsAt}`);
  if (s.emergency && !s.emergencyReason?.trim()) {
    invalid('emergencyReason', `${s.clauseId}: without prior notice (緊急やむを得ないとき) the reason it could not be given must be stated`);
  }
  if (s.otherContractDebt) {
    if (s.clauseId !== ctx.catalog.notices.stoppage.clause) invalid('otherContractDebt', `a debt under another contract grounds a stoppage under ${ctx.catalog.notices.stoppage.clause} only`);
    if (s.otherContractDebt.contractId === ctx.input.contractId) invalid('otherContractDebt', 'name the other contract; a debt of this one is a stoppage for this contract’s own invoice');
    if (!(s.otherContractDebt.dueDate < ctx.today())) invalid('otherContractDebt', `the invoice ${s.otherContractDebt.invoiceId} is not overdue (due ${s.otherContractDebt.dueDate})`);
  }
  // NGN-36 2項 / NGN-37 2項: with prior notice, the stop starts no earlier than the lead after it.
  const lead = ctx.catalog.suspensionNoticeLeadDays;
  if (needsPriorNotice(ctx, s) && lead.value > 0) {
    const earliest = jstMidnightMs(earliestStartAfterNotice(ctx.today(), lead.value));
    if (start < earliest) {
      lateNotice(
        'startsAt',
        `${s.clauseId}: notified today, the stop may start at ${new Date(earliest).toISOString()} (${lead.value} days' notice, ${lead.clause}) at the earliest; ${s.startsAt} is too early (an emergency states emergencyReason)`,
        new Date(earliest).toISOString(),
      );
    }
  }
}

/**
 * Whether this suspension needs notice before it starts: the catalog's notice rule for its ground
 * (a suspension or a stoppage), e.g. NGN-36/37 prior unless emergency, TNC-39/41 none.
 */
function needsPriorNotice(ctx: ContractContext, s: SuspensionInput): boolean {
  const ground = ctx.catalog.suspensionGrounds.value.find((g) => g.clause === s.clauseId);
  const rule = ctx.catalog.notices[ground?.rule ?? 'stoppage'].value;
  return rule === 'prior' || (rule === 'prior-unless-emergency' && !s.emergency);
}

/** TNC-18 1項: a stoppage under this clause carries a designated period to remove its cause, after which the provider may terminate. */
function designatesCurePeriod(ctx: ContractContext, clauseId: string): boolean {
  return clauseId === ctx.catalog.notices.stoppage.clause && ctx.catalog.terminationGrounds.value.some((g) => g.requires === 'suspended-uncured-or-default');
}

const later = (a: string, bMs: number): string => (Date.parse(a) >= bMs ? a : new Date(bMs).toISOString());

/**
 * Schedules a suspension. Where prior notice is required (NGN-36/37 unless emergency), the notice
 * with reason and period is sent first and the suspension starts no earlier than the catalog's lead
 * after the day it was delivered (民法 第140条). A stoppage that can lead to termination after a
 * designated period (TNC-18 1項) states that period. Fees keep accruing while suspended (NGN-16.2,
 * TNC-26.3): billing is not touched.
 */
export async function startSuspension(ctx: ContractContext, s: SuspensionInput, forInvoice?: string): Promise<Suspension> {
  const { state, input, catalog } = ctx;
  state.seq += 1;
  const id = `S${state.seq}`;
  const prior = needsPriorNotice(ctx, s);
  const lead = catalog.suspensionNoticeLeadDays.value;
  // Patched: contracts running before these rules keep the start and period they were told.
  const withLead = prior && lead > 0 && patched(PATCHES.suspensionNoticeLead);
  const withCure = designatesCurePeriod(ctx, s.clauseId) && patched(PATCHES.tnc18CurePeriod);
  let startsAt = withLead ? later(s.startsAt, jstMidnightMs(earliestStartAfterNotice(ctx.today(), lead))) : s.startsAt;
  const cureBy = withCure ? new Date(dayCountedPeriod(startsAt, catalog.demandCurePeriodDays.value).endsAtMs).toISOString() : undefined;
  const cureClause = withCure ? catalog.terminationGrounds.value.find((g) => g.requires === 'suspended-uncured-or-default')?.clause : undefined;
  const proof = await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:suspension:${id}:${s.clauseId}`,
    recipient: input.customer.email,
    ...suspensionNotice({
      ...ctx.party(),
      clauseId: s.clauseId,
      reason: s.reason,
      from: startsAt,
      to: s.endsAt,
      emergency: s.emergency,
      ...(s.emergencyReason ? { emergencyReason: s.emergencyReason } : {}),
      ...(Date.parse(startsAt) < Date.now() && !s.emergency ? { after: true } : {}),
      ...(cureBy ? { cureBy, cureClause } : {}),
    }),
  });
  if (prior && !proof.delivered) {
    // NGN-36/37: without a delivered prior notice the suspension may not start; ops were alerted.
    undeliverable(`${s.clauseId}: the prior notice could not be delivered (${proof.error ?? 'unknown'}); the suspension was not scheduled`);
  }
  await notifyCarrierOfEvent({
    contractId: input.contractId,
    terms: input.terms,
    planId: input.planId,
    docomoBilled: ctx.plan.docomoBilled,
    event: 'suspension',
    effectiveDate: jstDateOf(s.startsAt),
    reason: s.reason,
    occurrence: id,
  });
  if (prior && Date.parse(proof.sentAt) > Date.parse(startsAt)) startsAt = proof.sentAt;
  // A notice delivered on a later day than planned (retries) moves the earliest start with it.
  if (withLead) startsAt = later(startsAt, jstMidnightMs(earliestStartAfterNotice(jstDateOf(proof.sentAt), lead)));
  const susp: Suspension = {
    id,
    clauseId: s.clauseId,
    ...(s.item !== undefined ? { item: s.item } : {}),
    reason: s.reason,
    startsAt,
    endsAt: s.endsAt,
    noticeSentAt: proof.sentAt,
    status: Date.parse(startsAt) <= Date.now() ? 'active' : 'scheduled',
    forInvoice,
    ...(cureBy ? { cureBy } : {}),
    ...(s.otherContractDebt ? { otherContractDebt: s.otherContractDebt } : {}),
  };
  state.suspensions = [...(state.suspensions ?? []), susp];
  return susp;
}

function validateLift(ctx: ContractContext, l: { suspensionId: string }): void {
  const s = ctx.state.suspensions?.find((x) => x.id === l.suspensionId);
  if (!s) invalid('suspensionId', `no suspension ${l.suspensionId}`);
  if (s.status === 'lifted') conflict(`suspension ${l.suspensionId} is already lifted`);
}

/** Ends a suspension now; a 第39条 stop of 24 hours or more earns its TNC-26.2 exemption (synchronous when it earns none). */
function lift(ctx: ContractContext, l: { suspensionId: string }): Suspension | Promise<Suspension> {
  const s = ctx.state.suspensions?.find((x) => x.id === l.suspensionId);
  if (!s) return invalid('suspensionId', `no suspension ${l.suspensionId}`);
  s.status = 'lifted';
  s.endsAt = ctx.nowIso();
  const exempting = exemptStop(ctx, s);
  return exempting ? exempting.then(() => s) : s;
}

/** TNC-18 1項: the designated periods of active stoppages that have passed uncured (termination becomes possible). */
function lapseCurePeriods(ctx: ContractContext): void {
  for (const s of ctx.state.suspensions ?? []) {
    if (s.status === 'active' && s.cureBy && !s.cureLapsed && Date.parse(s.cureBy) <= Date.now()) s.cureLapsed = true;
  }
}

/** Timer work: scheduled suspensions start, timed ones end (a TNC-26.2 exemption for a long 第39条 stop). */
function advanceSuspensions(ctx: ContractContext): void | Promise<void> {
  const work: Suspension[] = [];
  for (const s of ctx.state.suspensions ?? []) {
    if (s.status === 'scheduled' && Date.parse(s.startsAt) <= Date.now()) s.status = 'active';
    if (s.status === 'active' && s.endsAt && Date.parse(s.endsAt) <= Date.now()) {
      s.status = 'lifted';
      work.push(s);
    }
  }
  return exemptStops(ctx, work);
}

/** The exemptions of stops that just ended, one after the other; nothing (synchronous) when none earns one. */
function exemptStops(ctx: ContractContext, ended: Suspension[]): void | Promise<void> {
  for (let i = 0; i < ended.length; i++) {
    const first = exemptStop(ctx, ended[i]!);
    if (first) {
      return (async () => {
        await first;
        for (const s of ended.slice(i + 1)) await exemptStop(ctx, s);
      })();
    }
  }
}

/**
 * An invoice is overdue: the service stops for non-payment SUSPENSION_NOTICE_DAYS after the day
 * after the due date (NGN-37 (1) after its prior notice with reason and period; TNC-41 (1) needs
 * none, the same grace is given), under the catalog's stoppage clause. Paying the invoice in full
 * lifts it (liftPaid).
 */
export function suspendForNonPayment(ctx: ContractContext, invoiceId: string, dueDate: IsoDate): Promise<Suspension> {
  const startsOn = addDays(dueDate, 1 + SUSPENSION_NOTICE_DAYS);
  return startSuspension(
    ctx,
    {
      clauseId: ctx.catalog.notices.stoppage.clause,
      reason: `料金の未払い（請求書 ${invoiceId}、支払期日 ${dueDate}）。お支払いの確認をもって停止を解除します。`,
      startsAt: new Date(jstMidnightMs(startsOn)).toISOString(),
    },
    invoiceId,
  );
}

/** Lifts (or cancels, if not started) the non-payment suspensions of invoices no longer open. */
export function liftPaid(ctx: ContractContext): void {
  const open = new Set(ctx.state.openInvoices.map((i) => i.id));
  for (const s of ctx.state.suspensions ?? []) {
    if (s.forInvoice && !open.has(s.forInvoice) && s.status !== 'lifted') {
      s.status = 'lifted';
      s.endsAt = ctx.nowIso();
    }
  }
}

function validateInvalidPaymentMethod(ctx: ContractContext, x: { reason: string }): void {
  ctx.requireActive();
  const rule = ctx.catalog.paymentMethodInvalidStoppage;
  if (!rule.value) conflict(`${ctx.input.terms} has no stoppage for an invalid payment method (${rule.clause})`);
  if (!x.reason?.trim()) invalid('reason', 'say what was invalid (card, account)');
}

/**
 * TNC-41 (2): an invalid card or account stops the service without prior notice. The payment method
 * registered on the contract (TNC-27) is marked invalid from now and named in the notice.
 */
function stopForInvalidPaymentMethod(ctx: ContractContext, x: { reason: string }): Promise<Suspension> {
  const pm = ctx.state.paymentMethod;
  const now = ctx.nowIso();
  if (pm && !pm.invalidSince) pm.invalidSince = now;
  const which = pm ? `（登録のお支払い方法: ${pm.method}、${pm.since} から）` : '';
  return startSuspension(ctx, { clauseId: ctx.catalog.paymentMethodInvalidStoppage.clause, item: 2, reason: `(2) お支払い方法が無効です${which}: ${x.reason}`, startsAt: now });
}

export const suspensions: ContractModule = {
  name: 'suspensions',
  register(ctx) {
    setHandler(scheduleSuspension, (x) => startSuspension(ctx, x), { validator: (x) => validateSuspension(ctx, x) });
    setHandler(liftSuspension, (x) => lift(ctx, x), { validator: (x) => validateLift(ctx, x) });
    setHandler(reportPaymentMethodInvalid, (x) => stopForInvalidPaymentMethod(ctx, x), {
      validator: (x) => validateInvalidPaymentMethod(ctx, x),
    });
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    for (const x of ctx.state.suspensions ?? []) {
      if (x.status === 'scheduled') out.push({ atMs: Date.parse(x.startsAt), kind: 'suspension' });
      else if (x.status === 'active' && x.endsAt) out.push({ atMs: Date.parse(x.endsAt), kind: 'suspension' });
    }
    for (const x of ctx.state.suspensions ?? []) {
      if (x.status === 'active' && x.cureBy && !x.cureLapsed) out.push({ atMs: Date.parse(x.cureBy), kind: 'suspension-cure' });
    }
    return out;
  },
  due: {
    suspension: (ctx) => advanceSuspensions(ctx),
    'suspension-cure': (ctx) => lapseCurePeriods(ctx),
  },
};
