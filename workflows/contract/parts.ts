/**
 * Parts of a contract (NGN-41.1 / NGN-43.3, catalog partialCancellation): recurring add-ons (sites,
 * options) the contract started with (AcceptInput.addOns). After the minimum term the contractor may
 * cancel one part alone, with the same lead as a whole cancellation (1 month + 5 business days,
 * NGN-41); its fee stops after its last day (billing: rules/monthly-fees.ts addOnMonthFee) and the
 * contract continues. The post-termination duties apply to the part that ended (NGN-43.3): the
 * contractor is asked for the erasure certificate of that part, reminded like after a whole end.
 */
import { setHandler } from '@temporalio/workflow';
import { addDays, isValidIsoDate, jstMidnightMs, latestCancellationNoticeDay, type IsoDate } from '../../rules/calendar.js';
import type { ContractPart, PartCancellationInput, PartErasureCertificateInput } from '../../model/contract.js';
import { partCancellationReceipt, partErasureCertificateRequest } from '../../notices/templates.js';
import { cancelPart, submitPartErasureCertificate } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid, lateNotice } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import { endOfDayMs, type Deadline } from './deadlines.js';

function findPart(ctx: ContractContext, partId: string): ContractPart {
  const part = ctx.state.parts?.find((p) => p.id === partId);
  if (!part) return invalid('partId', `contract ${ctx.input.contractId} has no part ${partId} (${(ctx.state.parts ?? []).map((p) => p.id).join(', ') || 'none'})`);
  return part;
}

/** NGN-41: the latest day a cancellation of `desired` may be notified (undefined without a lead or a calendar). */
function leadDay(ctx: ContractContext, desired: IsoDate): IsoDate | undefined {
  const { leadMonths, leadBusinessDays } = ctx.rules.cancellation;
  if ((leadMonths === 0 && leadBusinessDays === 0) || !ctx.calendar) return undefined;
  return latestCancellationNoticeDay(ctx.calendar, desired, leadMonths, leadBusinessDays);
}

function validateCancelPart(ctx: ContractContext, c: PartCancellationInput): void {
  const { state, input, catalog } = ctx;
  ctx.requireActive();
  const rule = catalog.partialCancellation;
  if (!rule.value.allowed) conflict(`${input.terms} has no partial cancellation (${rule.clause}); cancel the contract or change the plan`);
  const part = findPart(ctx, c.partId);
  if (part.cancellation || part.endedOn) conflict(`part ${part.id} already ends on ${part.endedOn ?? part.cancellation?.desiredDate}`);
  if (!isValidIsoDate(c.desiredDate)) invalid('desiredDate', `not a date (YYYY-MM-DD): ${c.desiredDate}`);
  const today = ctx.today();
  if (c.desiredDate < today) invalid('desiredDate', `${c.desiredDate} is in the past (today is ${today} JST)`);
  if (c.desiredDate < part.from) invalid('desiredDate', `${c.desiredDate} is before part ${part.id} started (${part.from})`);
  if (state.endDate && c.desiredDate >= state.endDate) conflict(`the whole contract ends on ${state.endDate} (${state.endReason})`);
  // NGN-41.1: 最低利用期間経過後においては … 全部又は一部を解約できる (NGN-17: none inside it).
  if (state.minimumTerm && c.desiredDate <= state.minimumTerm.end) {
    conflict(`${rule.clause}: a part can be cancelled after the minimum term (ends ${state.minimumTerm.end}); the earliest desired date is ${addDays(state.minimumTerm.end, 1)}`);
  }
  if (Number(c.desiredDate.slice(0, 4)) > ctx.calendarYears[1]) invalid('desiredDate', `${c.desiredDate} is beyond the business calendar (until ${ctx.calendarYears[1]}-12-31)`);
  const latest = leadDay(ctx, c.desiredDate);
  if (latest && today > latest) {
    const { leadMonths, leadBusinessDays } = ctx.rules.cancellation;
    lateNotice('desiredDate', `${rule.clause}: cancelling part ${part.id} on ${c.desiredDate} must be notified by ${latest} (${leadMonths} month + ${leadBusinessDays} business days); received ${today}`, latest);
  }
}

/** NGN-41.1: records the part's cancellation and confirms it; the part ends at 24:00 JST of the desired day. */
async function cancel(ctx: ContractContext, c: PartCancellationInput) {
  const { input, catalog } = ctx;
  const part = findPart(ctx, c.partId);
  const receivedOn = ctx.today();
  part.cancellation = { receivedOn, desiredDate: c.desiredDate, latestNoticeDay: leadDay(ctx, c.desiredDate) };
  const rule = catalog.partialCancellation;
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:part-cancellation:${part.id}:${rule.clause}`,
    recipient: input.customer.email,
    ...partCancellationReceipt({
      ...ctx.party(),
      clauseId: rule.clause,
      receivedOn,
      endDate: c.desiredDate,
      partName: part.name,
      monthlyFee: part.monthlyFee,
      erasureClause: erasureDuty(ctx) ?? undefined,
    }),
  });
  await ctx.save();
  return ctx.view();
}

/** NGN-43.3: the clause that puts the erasure duty on an ended part, when the 約款 has one and requires certificates. */
function erasureDuty(ctx: ContractContext): string | null {
  return ctx.catalog.erasureCertificate.value?.required ? ctx.catalog.partialCancellation.value.erasureForEndedPart : null;
}

/** Whether an ended part still owes its erasure certificate (NGN-43.3). */
function owesCertificate(ctx: ContractContext, p: ContractPart): boolean {
  return !!p.endedOn && !!p.erasure && !p.erasure.certificateOn && !p.erasure.escalated;
}

/** NGN-43.3: asks for (and reminds of) the certificate of an ended part; after the last reminder ops take over. */
async function requestCertificate(ctx: ContractContext, part: ContractPart): Promise<void> {
  const cert = ctx.catalog.erasureCertificate.value;
  if (!cert || !part.erasure || !part.endedOn) return;
  part.erasure.requests += 1;
  const n = part.erasure.requests;
  const clauseId = ctx.catalog.erasureCertificate.clause;
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${ctx.input.contractId}:part-erasure:${part.id}:${n}:${clauseId}`,
    recipient: ctx.input.customer.email,
    ...partErasureCertificateRequest({ ...ctx.party(), clauseId, partClause: erasureDuty(ctx) ?? clauseId, partName: part.name, endedOn: part.endedOn, requestNo: n, maxRequests: cert.maxReminders }),
  });
  if (n >= cert.maxReminders) part.erasure.escalated = true; // requests exhausted: ops follow up
}

/** The part's last day has passed: its fee stops (billing reads endedOn); the erasure duty starts (NGN-43.3). */
async function endPart(ctx: ContractContext, partId: string): Promise<void> {
  const part = ctx.state.parts?.find((p) => p.id === partId);
  if (!part?.cancellation || part.endedOn) return;
  part.endedOn = part.cancellation.desiredDate;
  if (erasureDuty(ctx)) {
    part.erasure = { requests: 0 };
    await requestCertificate(ctx, part);
  }
}

function validatePartCertificate(ctx: ContractContext, c: PartErasureCertificateInput): void {
  const part = findPart(ctx, c.partId);
  if (!part.endedOn || !part.erasure) conflict(`part ${part.id} has not ended or owes no certificate (${erasureDuty(ctx) ?? ctx.catalog.partialCancellation.clause})`);
  if (part.erasure.certificateOn) conflict(`the certificate of part ${part.id} was received on ${part.erasure.certificateOn}`);
}

export const parts: ContractModule = {
  name: 'parts',
  register(ctx) {
    setHandler(cancelPart, (c: PartCancellationInput) => cancel(ctx, c), { validator: (c: PartCancellationInput) => validateCancelPart(ctx, c) });
    setHandler(
      submitPartErasureCertificate,
      async (c: PartErasureCertificateInput) => {
        const part = findPart(ctx, c.partId);
        part.erasure = { ...(part.erasure ?? { requests: 0 }), certificateOn: ctx.today(), equipmentReturned: c.equipmentReturned };
        return ctx.view();
      },
      { validator: (c: PartErasureCertificateInput) => validatePartCertificate(ctx, c) },
    );
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    const cert = ctx.catalog.erasureCertificate.value;
    for (const p of ctx.state.parts ?? []) {
      if (p.cancellation && !p.endedOn) out.push({ atMs: endOfDayMs(p.cancellation.desiredDate), kind: 'part-end', partId: p.id });
      if (cert && owesCertificate(ctx, p)) {
        // the next reminder: reminderIntervalDays after the previous request (the first went out at the end)
        out.push({ atMs: jstMidnightMs(addDays(p.endedOn!, 1 + cert.reminderIntervalDays * p.erasure!.requests)), kind: 'part-erasure-reminder', partId: p.id });
      }
    }
    return out;
  },
  due: {
    'part-end': (ctx, d) => endPart(ctx, d.partId),
    'part-erasure-reminder': (ctx, d) => {
      const part = ctx.state.parts?.find((p) => p.id === d.partId);
      return part && owesCertificate(ctx, part) ? requestCertificate(ctx, part) : undefined;
    },
  },
};
