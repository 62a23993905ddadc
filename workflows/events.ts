/**
 * The event-driven half of the 約款 inside the contract workflow: violations and cure windows
 * (NGN-25/27, TNC-40), suspensions with prior notice (NGN-36/37, TNC-39/41), outages and their
 * credits (NGN-33, TNC-35/42/43), carrier shares (TNC-42.2), announcements (NGN-2/38, TNC-3/24)
 * and termination by the provider (NGN-40, NGN-42, TNC-18). Deterministic workflow code.
 */
import { addDays, dayCountedPeriod, isValidIsoDate, jstDateOf, jstMidnightMs } from '../rules/calendar.js';
import { getTerms } from '../rules/terms/index.js';
import { ngnOutageCompensation, tncOutageDamages, yen } from '../rules/money.js';
import type {
  AnnouncementInput,
  Disclosure,
  DisclosureInput,
  MalwareAlert,
  MalwareAlertInput,
  CarrierShareInput,
  CureInput,
  MeasureInput,
  ObjectionInput,
  Outage,
  OutageInput,
  RestoreInput,
  Suspension,
  SuspensionInput,
  Violation,
  ViolationInput,
} from './contract-messages.js';
import { accelerateOpenInvoices, type BillingContext } from './billing.js';
import {
  abolitionNotice,
  creditNotice,
  disclosureNotice,
  malwareAlertNotice,
  outageNotice,
  outageThresholdNotice,
  restorationNotice,
  suspensionNotice,
  termsChangeNotice,
  terminationNotice,
  violationNotice,
} from '../notices/templates.js';
import { notify, notifyCarrierOfEvent } from './notify.js';
import { recipientFor, type NoticeKind } from '../notices/catalogue.js';
import { ApplicationFailure } from '@temporalio/workflow';
import { conflict, invalid, lateNotice } from './refusals.js';

export type EventContext = BillingContext;

/** Measures each clause allows (NGN-25 (1)–(3) and NGN-27; TNC-40 (1)–(6)). */
const MEASURES: Record<ViolationInput['clauseId'], number[]> = {
  'NGN-25': [1, 2, 3],
  'NGN-27': [1, 2, 3],
  'TNC-40': [1, 2, 3, 4, 5, 6],
};
/** Measures that stop the contractor's service (NGN-25 (2); TNC-40 (5) → TNC-41(3)). */
const SUSPEND = new Set(['NGN-25:2', 'NGN-27:2', 'TNC-40:5']);
/** Measures that terminate the contract (NGN-25 (3); TNC-40 (6) → TNC-18). */
const TERMINATE = new Set(['NGN-25:3', 'NGN-27:3', 'TNC-40:6']);

const party = (ctx: EventContext) => ({
  contractId: ctx.input.contractId,
  customerName: ctx.input.customer.name,
  termsTitle: ctx.rules.title,
});
const nowIso = () => new Date(Date.now()).toISOString();

function instantField(field: string, value: string | undefined, opts: { optional?: boolean } = {}): number | undefined {
  if (value === undefined) {
    if (opts.optional) return undefined;
    invalid(field, 'is required');
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    invalid(field, `not an ISO instant with offset (e.g. 2027-04-01T10:00:00+09:00): ${value}`);
  }
  return Date.parse(value);
}

function requireActive(ctx: EventContext) {
  if (ctx.state.status !== 'active') conflict(`contract ${ctx.input.contractId} is ${ctx.state.status}`);
}

// ---- violations ----------------------------------------------------------------------------

export function validateViolation(ctx: EventContext, v: ViolationInput): void {
  requireActive(ctx);
  if (!(v.clauseId in MEASURES)) invalid('clauseId', `${v.clauseId} is not NGN-25, NGN-27 or TNC-40`);
  if (!v.clauseId.startsWith(ctx.input.terms)) invalid('clauseId', `${v.clauseId} is not a clause of ${ctx.input.terms}`);
  if (!Number.isInteger(v.act) || v.act < 1) invalid('act', 'must be the item number of the prohibited act (1, 2, …)');
  const at = instantField('occurredAt', v.occurredAt)!;
  if (at > Date.now()) invalid('occurredAt', `${v.occurredAt} is in the future`);
  if (v.designatedDays !== undefined && (!Number.isInteger(v.designatedDays) || v.designatedDays < 1)) {
    invalid('designatedDays', 'must be a whole number of days ≥ 1');
  }
  if (v.defaultMeasure !== undefined && !MEASURES[v.clauseId].includes(v.defaultMeasure)) {
    invalid('defaultMeasure', `${v.clauseId} allows measures ${MEASURES[v.clauseId].join(', ')}`);
  }
  if (v.violationId && ctx.state.violations?.some((x) => x.id === v.violationId)) conflict(`violation ${v.violationId} is already open`);
  if (!v.description.trim()) invalid('description', 'say what happened');
}

/**
 * Opens a violation case. NGN-25: 10 days counted per 民法 第140条 (the day of the violation is not
 * counted unless it began at 00:00), measures possible from 00:00 JST after the last day.
 * TNC-40: the demand's designated period (catalog default). NGN-27: no window.
 */
export async function openViolation(ctx: EventContext, v: ViolationInput): Promise<Violation> {
  ctx.state.seq += 1;
  const catalog = getTerms(ctx.input.terms, ctx.input.termsVersion);
  const days = v.clauseId === 'NGN-25' ? catalog.cureWindowDays.value : v.clauseId === 'TNC-40' ? (v.designatedDays ?? catalog.demandCurePeriodDays.value) : 0;
  const window = days > 0 ? dayCountedPeriod(v.occurredAt, days) : undefined;
  const violation: Violation = {
    id: v.violationId ?? `V${ctx.state.seq}`,
    clauseId: v.clauseId,
    act: v.act,
    userRef: v.userRef,
    occurredAt: v.occurredAt,
    cureLastDay: window?.lastDay,
    measuresFrom: new Date(window?.endsAtMs ?? Date.now()).toISOString(),
    status: 'open',
    defaultMeasure: v.defaultMeasure,
  };
  ctx.state.violations = [...(ctx.state.violations ?? []), violation];
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:violation:${violation.id}:${v.clauseId}`,
    recipient: ctx.input.customer.email,
    ...violationNotice({
      ...party(ctx),
      clauseId: v.clauseId,
      violation: `禁止行為（第${ctx.input.terms === 'NGN' ? 26 : 33}条第${v.act}号）: ${v.description}`,
      occurredOn: jstDateOf(v.occurredAt),
      cureBy: violation.cureLastDay,
    }),
  });
  return violation;
}

function openCase(ctx: EventContext, id: string): Violation {
  const v = ctx.state.violations?.find((x) => x.id === id);
  if (!v) invalid('violationId', `no violation ${id} on contract ${ctx.input.contractId}`);
  if (v.status !== 'open') conflict(`violation ${id} is ${v.status}`);
  return v;
}

/** A cure recorded while the window is still running closes the case (service keeps running). */
export function validateCure(ctx: EventContext, c: CureInput): void {
  const v = openCase(ctx, c.violationId);
  if (Date.now() >= Date.parse(v.measuresFrom)) {
    lateNotice('violationId', `${v.clauseId}: the cure window of ${v.id} ended at ${v.measuresFrom}; measures may now be taken`, v.measuresFrom);
  }
}

export function cure(ctx: EventContext, c: CureInput): Violation {
  const v = ctx.state.violations!.find((x) => x.id === c.violationId)!;
  v.status = 'cured';
  return v;
}

export function validateMeasure(ctx: EventContext, m: MeasureInput): void {
  requireActive(ctx);
  const v = openCase(ctx, m.violationId);
  if (!MEASURES[v.clauseId as ViolationInput['clauseId']].includes(m.measure)) {
    invalid('measure', `${v.clauseId} allows measures ${MEASURES[v.clauseId as ViolationInput['clauseId']].join(', ')}`);
  }
  if (Date.now() < Date.parse(v.measuresFrom)) {
    lateNotice('measure', `${v.clauseId}: measures on ${v.id} are possible from ${v.measuresFrom} (cure window until ${v.cureLastDay} 24:00 JST)`, v.measuresFrom);
  }
}

/** Applies a measure: stop the user (record), stop the contractor (suspension) or terminate. */
export async function measure(ctx: EventContext, m: MeasureInput): Promise<Violation> {
  const v = ctx.state.violations!.find((x) => x.id === m.violationId)!;
  v.status = 'measured';
  v.measure = m.measure;
  const key = `${v.clauseId}:${m.measure}`;
  const reason = `${v.clauseId} 第${m.measure}号の措置（違反 ${v.id}: 禁止行為 第${v.act}号、是正期間経過）`;
  if (SUSPEND.has(key)) {
    // TNC-41(3) allows stopping without notice after an ignored demand; NGN-25 (2) likewise needs none.
    await startSuspension(ctx, { clauseId: ctx.input.terms === 'NGN' ? 'NGN-37' : 'TNC-41', reason, startsAt: nowIso(), emergency: true }, 'violation');
  } else if (TERMINATE.has(key)) {
    await terminate(ctx, { clauseId: ctx.input.terms === 'NGN' ? 'NGN-25' : 'TNC-18', reason, endDate: jstDateOf(Date.now()) });
  }
  return v;
}

// ---- suspensions ---------------------------------------------------------------------------

const SUSPENSION_CLAUSES: Record<string, string[]> = { NGN: ['NGN-36', 'NGN-37'], TNC: ['TNC-39', 'TNC-41'] };

export function validateSuspension(ctx: EventContext, s: SuspensionInput): void {
  requireActive(ctx);
  if (!SUSPENSION_CLAUSES[ctx.input.terms]!.includes(s.clauseId)) {
    invalid('clauseId', `${ctx.input.terms} suspends under ${SUSPENSION_CLAUSES[ctx.input.terms]!.join(' or ')}`);
  }
  if (!s.reason.trim()) invalid('reason', 'a reason is required (NGN-36/37: 理由 and 期間 are notified)');
  const start = instantField('startsAt', s.startsAt)!;
  const end = instantField('endsAt', s.endsAt, { optional: true });
  if (end !== undefined && end <= start) invalid('endsAt', `${s.endsAt} is not after startsAt ${s.startsAt}`);
}

/** Whether this suspension needs notice before it starts (catalog: NGN-36/37 prior unless emergency). */
function needsPriorNotice(ctx: EventContext, s: SuspensionInput): boolean {
  const c = getTerms(ctx.input.terms, ctx.input.termsVersion);
  const rule = s.clauseId === 'NGN-36' || s.clauseId === 'TNC-39' ? c.notices.suspension.value : c.notices.stoppage.value;
  return rule === 'prior' || (rule === 'prior-unless-emergency' && !s.emergency);
}

/**
 * Schedules a suspension. Where prior notice is required (NGN-36/37 unless emergency), the notice
 * with reason and period is sent first and the suspension never starts before it was sent.
 * Fees keep accruing while suspended (NGN-16.2, TNC-26.3): billing is not touched.
 */
export async function startSuspension(ctx: EventContext, s: SuspensionInput, cause = 'ops', forInvoice?: string): Promise<Suspension> {
  ctx.state.seq += 1;
  const id = `S${ctx.state.seq}`;
  const proof = await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:suspension:${id}:${s.clauseId}`,
    recipient: ctx.input.customer.email,
    ...suspensionNotice({ ...party(ctx), clauseId: s.clauseId, reason: s.reason, from: s.startsAt, to: s.endsAt, emergency: s.emergency }),
  });
  const prior = needsPriorNotice(ctx, s);
  if (prior && !proof.delivered) {
    // NGN-36/37: without a delivered prior notice the suspension may not start; ops were alerted.
    throw ApplicationFailure.create({
      type: 'NoticeUndeliverable',
      nonRetryable: true,
      message: `${s.clauseId}: the prior notice could not be delivered (${proof.error ?? 'unknown'}); the suspension was not scheduled`,
    });
  }
  await notifyCarrierOfEvent({
    contractId: ctx.input.contractId,
    terms: ctx.input.terms,
    planId: ctx.input.planId,
    docomoBilled: ctx.plan.docomoBilled,
    event: 'suspension',
    effectiveDate: jstDateOf(s.startsAt),
    reason: s.reason,
    occurrence: id,
  });
  const startsAt = prior && Date.parse(proof.sentAt) > Date.parse(s.startsAt) ? proof.sentAt : s.startsAt;
  const susp: Suspension = {
    id,
    clauseId: s.clauseId,
    reason: cause === 'ops' ? s.reason : `${s.reason}`,
    startsAt,
    endsAt: s.endsAt,
    noticeSentAt: proof.sentAt,
    status: Date.parse(startsAt) <= Date.now() ? 'active' : 'scheduled',
    forInvoice,
  };
  ctx.state.suspensions = [...(ctx.state.suspensions ?? []), susp];
  return susp;
}

export function validateLift(ctx: EventContext, l: { suspensionId: string }): void {
  const s = ctx.state.suspensions?.find((x) => x.id === l.suspensionId);
  if (!s) invalid('suspensionId', `no suspension ${l.suspensionId}`);
  if (s.status === 'lifted') conflict(`suspension ${l.suspensionId} is already lifted`);
}

export function lift(ctx: EventContext, l: { suspensionId: string }): Suspension {
  const s = ctx.state.suspensions!.find((x) => x.id === l.suspensionId)!;
  s.status = 'lifted';
  s.endsAt = nowIso();
  return s;
}

/** Timer work: scheduled suspensions start, timed ones end. */
export function advanceSuspensions(ctx: EventContext): void {
  for (const s of ctx.state.suspensions ?? []) {
    if (s.status === 'scheduled' && Date.parse(s.startsAt) <= Date.now()) s.status = 'active';
    if (s.status === 'active' && s.endsAt && Date.parse(s.endsAt) <= Date.now()) s.status = 'lifted';
  }
}

// ---- outages -------------------------------------------------------------------------------

export function validateOutage(ctx: EventContext, o: OutageInput): void {
  requireActive(ctx);
  const start = instantField('startedAt', o.startedAt)!;
  const rec = instantField('recognisedAt', o.recognisedAt)!;
  if (rec < start) invalid('recognisedAt', 'the provider cannot recognise an outage before it started');
  if (rec > Date.now()) invalid('recognisedAt', `${o.recognisedAt} is in the future`);
  const causes = ['provider-fault', 'force-majeure', 'restriction-or-suspension', 'third-party-hacking', 'carrier-failure', 'carrier-repair-data-loss', 'other-not-attributable'];
  if (!causes.includes(o.cause)) invalid('cause', `one of ${causes.join(', ')}`);
  if (o.outageId && ctx.state.outages?.some((x) => x.id === o.outageId)) conflict(`outage ${o.outageId} is already reported`);
}

/** NGN-52: outage notices go to the registered fault contact (the latest one), else the customer. */
function outageRecipient(ctx: EventContext, kind: NoticeKind): string {
  return recipientFor(kind, {
    customerEmail: ctx.input.customer.email,
    faultContactEmail: ctx.state.faultContact?.email ?? ctx.input.customer.faultContactEmail,
  });
}

/** Records an outage and notifies the customer at once (TNC-35; NGN-52 fault contact). */
export async function openOutage(ctx: EventContext, o: OutageInput): Promise<Outage> {
  ctx.state.seq += 1;
  const outage: Outage = {
    id: o.outageId ?? `O${ctx.state.seq}`,
    startedAt: o.startedAt,
    recognisedAt: o.recognisedAt,
    cause: o.cause,
    grossNegligence: !!o.grossNegligence,
  };
  ctx.state.outages = [...(ctx.state.outages ?? []), outage];
  const clauseId = ctx.input.terms === 'TNC' ? 'TNC-35' : 'NGN-52';
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:outage:${outage.id}:${clauseId}`,
    recipient: outageRecipient(ctx, 'outage'),
    ...outageNotice({ ...party(ctx), clauseId, recognisedAt: o.recognisedAt, symptom: o.description }),
  });
  return outage;
}

export function validateRestore(ctx: EventContext, r: RestoreInput): void {
  const o = ctx.state.outages?.find((x) => x.id === r.outageId);
  if (!o) invalid('outageId', `no outage ${r.outageId}`);
  if (o.restoredAt) conflict(`outage ${r.outageId} was restored at ${o.restoredAt}`);
  const at = instantField('restoredAt', r.restoredAt)!;
  if (at < Date.parse(o.recognisedAt)) invalid('restoredAt', 'is before the outage was recognised');
  if (at > Date.now()) invalid('restoredAt', `${r.restoredAt} is in the future`);
}

/**
 * Restoration: the credit each 約款 gives, netted on the next invoice as a negative line outside
 * consumption tax. NGN-33: whole 24-hour multiples from recognition × fee ÷ 30, capped at the
 * monthly fee, nothing for NGN-33.3 causes. TNC-42.1: fee × 1/30 × whole days, floored; TNC-43
 * consumer cap; TNC-42.5 no cap for gross negligence; carrier-caused outages are settled in a
 * batch instead (TNC-42.2), so no individual credit. Decide: under TNC the TNC-42.1 amount is the
 * one credit posted (it equals the TNC-26.2 fee exemption for the same days at ÷30); posting both
 * would pay the same days twice.
 */
export async function restore(ctx: EventContext, r: RestoreInput): Promise<Outage> {
  const o = ctx.state.outages!.find((x) => x.id === r.outageId)!;
  o.restoredAt = r.restoredAt;
  const noticeClause = ctx.input.terms === 'TNC' ? 'TNC-35' : 'NGN-52';
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:restoration:${o.id}:${noticeClause}`,
    recipient: outageRecipient(ctx, 'restoration'),
    ...restorationNotice({ ...party(ctx), clauseId: noticeClause, recognisedAt: o.recognisedAt, restoredAt: r.restoredAt }),
  });
  const recognisedAtMs = Date.parse(o.recognisedAt);
  const restoredAtMs = Date.parse(r.restoredAt);
  const catalog = getTerms(ctx.input.terms, ctx.input.termsVersion);
  let credit: { amount: string; days: number; clauseId: string } | undefined;
  if (ctx.input.terms === 'NGN') {
    const excluded = catalog.excludedOutageCauses.value.includes(o.cause);
    const c = ngnOutageCompensation({ monthlyFee: ctx.plan.monthlyFee, recognisedAtMs, restoredAtMs, excludedCause: excluded });
    if (c.amount.gt(0)) credit = { amount: c.amount.toFixed(), days: c.days, clauseId: 'NGN-33.2' };
  } else if (o.cause === 'provider-fault') {
    const c = tncOutageDamages({
      monthlyFee: ctx.plan.monthlyFee,
      recognisedAtMs,
      restoredAtMs,
      consumer: ctx.input.customer.kind === 'consumer',
      wilfulOrGrossNegligence: o.grossNegligence,
    });
    if (c.amount.gt(0)) credit = { amount: c.amount.toFixed(), days: c.days, clauseId: c.capped ? 'TNC-43' : 'TNC-42.1' };
  }
  if (credit) {
    o.credit = credit;
    ctx.state.pendingLines.push({
      idempotencyKey: `${ctx.input.contractId}:outage:${o.id}:${credit.clauseId}`,
      clauseId: credit.clauseId,
      kind: 'credit',
      taxClass: 'out-of-scope',
      amount: yen(credit.amount).negated().toFixed(),
      effectiveDate: jstDateOf(restoredAtMs),
      description: `障害 ${o.id}（${o.recognisedAt} 認知〜${r.restoredAt} 復旧、${credit.days}日分）の損害賠償・減額（不課税）`,
    });
    await notify({
      contractId: ctx.input.contractId,
      idempotencyKey: `${ctx.input.contractId}:credit:${o.id}:${credit.clauseId}`,
      recipient: ctx.input.customer.email,
      ...creditNotice({
        ...party(ctx),
        clauseId: credit.clauseId as 'NGN-33.2' | 'TNC-42.1' | 'TNC-43',
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

// ---- carrier shares (TNC-42.2) ---------------------------------------------------------------

export function validateCarrierShare(ctx: EventContext, c: CarrierShareInput): void {
  requireActive(ctx);
  if (ctx.input.terms !== 'TNC') conflict('TNC-42.2 carrier settlements apply to TNC contracts');
  if (ctx.state.pendingLines.some((l) => l.idempotencyKey.endsWith(`:carrier:${c.batchId}`))) conflict(`batch ${c.batchId} already granted`);
  let amount;
  try {
    amount = yen(c.amount);
  } catch {
    invalid('amount', `not a yen amount: ${c.amount}`);
  }
  if (amount.isNegative() || !amount.isInteger()) invalid('amount', 'must be whole yen ≥ 0');
}

export function grantShare(ctx: EventContext, c: CarrierShareInput): { amount: string } {
  if (yen(c.amount).gt(0)) {
    ctx.state.pendingLines.push({
      idempotencyKey: `${ctx.input.contractId}:carrier:${c.batchId}`,
      clauseId: 'TNC-42.2',
      kind: 'credit',
      taxClass: 'out-of-scope',
      amount: yen(c.amount).negated().toFixed(),
      effectiveDate: jstDateOf(Date.now()),
      description: `電気通信事業者起因の障害に係る按分賠償（バッチ ${c.batchId}、受領額 ${c.received}円）: ${c.description}`,
    });
  }
  return { amount: yen(c.amount).toFixed() };
}

// ---- announcements (NGN-2, NGN-38, TNC-3, TNC-24) ------------------------------------------

export function validateAnnouncement(ctx: EventContext, a: AnnouncementInput): void {
  if (ctx.state.status !== 'active') conflict(`contract ${ctx.input.contractId} is ${ctx.state.status}`);
  if (!isValidIsoDate(a.effectiveDate)) invalid('effectiveDate', `not a date: ${a.effectiveDate}`);
  if (a.kind === 'terms-change' && a.newTermsVersion) {
    try {
      getTerms(ctx.input.terms, a.newTermsVersion);
    } catch {
      invalid('newTermsVersion', `${ctx.input.terms} has no version ${a.newTermsVersion}`);
    }
  }
}

/**
 * An announcement reaches this contract (idempotent by id): notice to the customer; abolition
 * ends the contract the day before the abolition date; a terms change applies on its effective
 * date unless the customer objects in time (TNC-3).
 */
export async function receiveAnnouncement(ctx: EventContext, a: AnnouncementInput): Promise<{ noticeSent: boolean }> {
  if (ctx.state.announcements?.some((x) => x.id === a.announcementId)) return { noticeSent: true };
  const catalog = getTerms(ctx.input.terms, ctx.input.termsVersion);
  const objections = a.kind === 'terms-change' && catalog.termsChangeObjectionEndsContract.value;
  ctx.state.announcements = [
    ...(ctx.state.announcements ?? []),
    { id: a.announcementId, kind: a.kind, effectiveDate: a.effectiveDate, newTermsVersion: a.newTermsVersion, objected: false, applied: false },
  ];
  const clauseId = a.kind === 'abolition' ? catalog.abolitionNotice.clause : catalog.termsChangeNoticeDays.clause;
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:announcement:${a.announcementId}:${clauseId}`,
    recipient: ctx.input.customer.email,
    ...(a.kind === 'abolition'
      ? abolitionNotice({ ...party(ctx), clauseId: clauseId as 'NGN-38' | 'TNC-24', serviceName: ctx.plan.name, abolitionDate: a.effectiveDate })
      : termsChangeNotice({
          ...party(ctx),
          clauseId: clauseId as 'NGN-2' | 'TNC-3',
          effectiveDate: a.effectiveDate,
          summary: [a.summary],
          objectionDeadline: objections ? addDays(a.effectiveDate, -1) : undefined,
        })),
  });
  if (a.kind === 'abolition') {
    const last = addDays(a.effectiveDate, -1);
    if (!ctx.state.endDate || last < ctx.state.endDate) {
      ctx.state.endDate = last;
      ctx.state.endReason = 'abolition';
    }
  }
  return { noticeSent: true };
}

export function validateObjection(ctx: EventContext, o: ObjectionInput): void {
  requireActive(ctx);
  const a = ctx.state.announcements?.find((x) => x.id === o.announcementId);
  if (!a || a.kind !== 'terms-change') invalid('announcementId', `no terms change ${o.announcementId} on this contract`);
  if (!getTerms(ctx.input.terms, ctx.input.termsVersion).termsChangeObjectionEndsContract.value) {
    conflict(`${ctx.input.terms} terms give no objection right (TNC-3 is TNC only)`);
  }
  if (a.objected) conflict(`objection to ${o.announcementId} already recorded`);
  const today = jstDateOf(Date.now());
  if (today >= a.effectiveDate) {
    lateNotice('announcementId', `TNC-3: an objection had to arrive before ${a.effectiveDate}; received ${today}`, addDays(a.effectiveDate, -1));
  }
}

/** TNC-3: the objecting customer's contract ends on the effective date of the change. */
export function object(ctx: EventContext, o: ObjectionInput): void {
  const a = ctx.state.announcements!.find((x) => x.id === o.announcementId)!;
  a.objected = true;
  ctx.state.endDate = a.effectiveDate;
  ctx.state.endReason = 'terms-objection';
}

// ---- termination by the provider -------------------------------------------------------------

/**
 * Ends the contract by the provider's decision: NGN-25 (3) / NGN-40 / NGN-42 / TNC-18. NGN-40 2項:
 * every open amount falls due at once (期限の利益の喪失): open invoices are accelerated to today and
 * the final invoice is due on issue.
 */
export async function terminate(
  ctx: EventContext,
  t: { clauseId: 'NGN-25' | 'NGN-40' | 'NGN-42' | 'TNC-18'; item?: number; reason: string; endDate: string },
): Promise<void> {
  const accelerate = getTerms(ctx.input.terms, ctx.input.termsVersion).accelerationOnTermination;
  const accelerated = accelerate.value ? await accelerateOpenInvoices(ctx, accelerate.clause) : yen(0);
  ctx.state.endDate = t.endDate;
  ctx.state.endReason = 'provider-termination';
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:termination:${t.clauseId}${t.item ? `(${t.item})` : ''}`,
    recipient: ctx.input.customer.email,
    ...terminationNotice({
      ...party(ctx),
      clauseId: t.clauseId,
      reason: t.reason,
      effectiveDate: t.endDate,
      acceleratedAmount: accelerated.gt(0) ? accelerated.toFixed() : undefined,
    }),
  });
  await notifyCarrierOfEvent({
    contractId: ctx.input.contractId,
    terms: ctx.input.terms,
    planId: ctx.input.planId,
    docomoBilled: ctx.plan.docomoBilled,
    event: 'termination-by-provider',
    effectiveDate: t.endDate,
    reason: t.reason,
  });
}

// ---- non-payment (NGN-37 (1), TNC-41 (1)) and invalid payment method (TNC-41 (2)) -------------

/** Days between the overdue reminder and a non-payment stoppage (the prior notice's lead, catalogue). */
export const NON_PAYMENT_SUSPENSION_DAYS = 7;

/**
 * An invoice is overdue: the service stops for non-payment NON_PAYMENT_SUSPENSION_DAYS after the
 * day after the due date (NGN-37 (1) after its prior notice with reason and period; TNC-41 (1)
 * needs none, the same grace is given). Paying the invoice in full lifts it (liftPaid).
 */
export async function suspendForNonPayment(ctx: EventContext, invoiceId: string, dueDate: IsoDateLike): Promise<Suspension> {
  const startsOn = addDays(dueDate, 1 + NON_PAYMENT_SUSPENSION_DAYS);
  return startSuspension(
    ctx,
    {
      clauseId: ctx.input.terms === 'NGN' ? 'NGN-37' : 'TNC-41',
      reason: `料金の未払い（請求書 ${invoiceId}、支払期日 ${dueDate}）。お支払いの確認をもって停止を解除します。`,
      startsAt: new Date(jstMidnightMs(startsOn)).toISOString(),
    },
    'non-payment',
    invoiceId,
  );
}
type IsoDateLike = string;

/** Lifts (or cancels, if not started) the non-payment suspensions of invoices no longer open. */
export function liftPaid(ctx: EventContext): void {
  const open = new Set(ctx.state.openInvoices.map((i) => i.id));
  for (const s of ctx.state.suspensions ?? []) {
    if (s.forInvoice && !open.has(s.forInvoice) && s.status !== 'lifted') {
      s.status = 'lifted';
      s.endsAt = nowIso();
    }
  }
}

export function validateInvalidPaymentMethod(ctx: EventContext, x: { reason: string }): void {
  requireActive(ctx);
  if (ctx.input.terms !== 'TNC') conflict('TNC-41 (2) applies to TNC contracts');
  if (!x.reason?.trim()) invalid('reason', 'say what was invalid (card, account)');
}

/** TNC-41 (2): an invalid card or account stops the service without prior notice. */
export function stopForInvalidPaymentMethod(ctx: EventContext, x: { reason: string }): Promise<Suspension> {
  return startSuspension(ctx, { clauseId: 'TNC-41', reason: `(2) お支払い方法が無効です: ${x.reason}`, startsAt: nowIso() }, 'payment-method');
}

// ---- the 24-hour threshold (NGN-33.1, TNC-42.1) -------------------------------------------------

/** Hours from recognition after which an outage counts for compensation (catalog, NGN-33.1 / TNC-42.1). */
function thresholdMs(ctx: EventContext): number {
  return getTerms(ctx.input.terms, ctx.input.termsVersion).outageThresholdHours.value * 3600_000;
}

/** Whether an outage of this cause can earn compensation (NGN-33.3 exclusions; TNC: the provider's fault). */
function compensable(ctx: EventContext, o: Outage): boolean {
  if (ctx.input.terms === 'TNC') return o.cause === 'provider-fault';
  return !getTerms(ctx.input.terms, ctx.input.termsVersion).excludedOutageCauses.value.includes(o.cause);
}

/** When the next still-open compensable outage crosses its threshold; undefined when none is pending. */
export function nextOutageThreshold(ctx: EventContext): number | undefined {
  const at = (ctx.state.outages ?? [])
    .filter((o) => !o.restoredAt && !o.thresholdNotified && compensable(ctx, o))
    .map((o) => Date.parse(o.recognisedAt) + thresholdMs(ctx));
  return at.length ? Math.min(...at) : undefined;
}

/** Timer work: tells the customer when an open outage has lasted 24 hours from recognition. */
export async function outageThresholdsReached(ctx: EventContext): Promise<void> {
  for (const o of ctx.state.outages ?? []) {
    const at = Date.parse(o.recognisedAt) + thresholdMs(ctx);
    if (o.restoredAt || o.thresholdNotified || at > Date.now() || !compensable(ctx, o)) continue;
    o.thresholdNotified = true;
    const clauseId = ctx.input.terms === 'NGN' ? 'NGN-33.1' : 'TNC-42.1';
    await notify({
      contractId: ctx.input.contractId,
      idempotencyKey: `${ctx.input.contractId}:outage-24h:${o.id}:${clauseId}`,
      recipient: outageRecipient(ctx, 'outage-24h'),
      ...outageThresholdNotice({ ...party(ctx), clauseId, recognisedAt: o.recognisedAt, thresholdAt: new Date(at).toISOString() }),
    });
  }
}

// ---- NGN-46 disclosure to authorities, TNC-45 malware alert -----------------------------------

const text = (field: string, value: unknown, max = 500): void => {
  if (typeof value !== 'string' || !value.trim()) invalid(field, 'is required');
  if (value.length > max) invalid(field, `is longer than ${max} characters`);
};

export function validateDisclosure(ctx: EventContext, d: DisclosureInput): void {
  if (ctx.input.terms !== 'NGN') invalid('terms', `NGN-46 disclosures are recorded under NGN; this contract is ${ctx.input.terms}`);
  if (ctx.state.aftermath?.personalDataDeletedOn) conflict(`the contract data was deleted on ${ctx.state.aftermath.personalDataDeletedOn}`);
  if (d.disclosureId && ctx.state.disclosures?.some((x) => x.id === d.disclosureId)) conflict(`disclosure ${d.disclosureId} is already recorded`);
  text('authority', d.authority);
  text('legalBasis', d.legalBasis);
  text('scope', d.scope, 2000);
  const at = instantField('disclosureAt', d.disclosureAt)!;
  // NGN-46: the notice comes first; a notice after the fact needs the reason it could not.
  if (at <= Date.now() && !d.whyNotPrior?.trim()) {
    invalid('whyNotPrior', `NGN-46: the disclosure at ${d.disclosureAt} is not in the future, so the contractor can no longer be told first; state why prior notice was impossible or extremely difficult`);
  }
}

/** NGN-46: tells the contractor at once — before a planned disclosure, or as soon as possible after one. */
export async function disclose(ctx: EventContext, d: DisclosureInput): Promise<Disclosure> {
  ctx.state.seq += 1;
  const prior = Date.parse(d.disclosureAt) > Date.now();
  const x: Disclosure = {
    id: d.disclosureId ?? `D${ctx.state.seq}`,
    authority: d.authority.trim(),
    legalBasis: d.legalBasis.trim(),
    scope: d.scope.trim(),
    disclosureAt: d.disclosureAt,
    prior,
    ...(prior ? {} : { whyNotPrior: d.whyNotPrior!.trim() }),
  };
  ctx.state.disclosures = [...(ctx.state.disclosures ?? []), x];
  const proof = await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:disclosure:NGN-46:${x.id}`,
    recipient: ctx.input.customer.email,
    ...disclosureNotice({ ...party(ctx), ...x }),
  });
  if (proof.delivered) x.noticeSentAt = proof.sentAt;
  return x;
}

export function validateMalwareAlert(ctx: EventContext, a: MalwareAlertInput): void {
  if (ctx.input.terms !== 'TNC') invalid('terms', `TNC-45 alerts are sent under TNC; this contract is ${ctx.input.terms}`);
  requireActive(ctx);
  if (a.alertId && ctx.state.malwareAlerts?.some((x) => x.id === a.alertId)) conflict(`alert ${a.alertId} was already sent`);
  if (typeof a.ipAddress !== 'string' || !/^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/.test(a.ipAddress)) {
    invalid('ipAddress', `not an IPv4 or IPv6 address: ${a.ipAddress}`);
  }
  const at = instantField('observedAt', a.observedAt)!;
  if (at > Date.now()) invalid('observedAt', `${a.observedAt} is in the future`);
  text('source', a.source);
  text('detail', a.detail, 2000);
}

/** TNC-45: the optional alert, sent when ops decide the service is at risk. */
export async function sendMalwareAlert(ctx: EventContext, a: MalwareAlertInput): Promise<MalwareAlert> {
  ctx.state.seq += 1;
  const x: MalwareAlert = {
    id: a.alertId ?? `M${ctx.state.seq}`,
    ipAddress: a.ipAddress,
    observedAt: a.observedAt,
    source: a.source.trim(),
    detail: a.detail.trim(),
  };
  ctx.state.malwareAlerts = [...(ctx.state.malwareAlerts ?? []), x];
  const proof = await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:malware-alert:TNC-45:${x.id}`,
    recipient: ctx.input.customer.email,
    ...malwareAlertNotice({ ...party(ctx), ...x }),
  });
  if (proof.delivered) x.noticeSentAt = proof.sentAt;
  return x;
}
