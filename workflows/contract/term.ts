/**
 * Term, renewal and ending (NGN-17/18/39/41, TNC-17/26): the contract period renews unless a
 * written non-renewal notice arrives by its deadline (with a reminder before it); the contractor
 * cancels with the catalog's lead time; at 24:00 JST of the last day of service the final invoice
 * is issued (with the NGN-18 early-termination fee inside the minimum term) and the contract ends.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { addDays, addMonthsClamped, isValidIsoDate, jstMidnightMs, latestCancellationNoticeDay, nonRenewalDeadline, type IsoDate } from '../../rules/calendar.js';
import { earlyTerminationFee } from '../../rules/money.js';
import type { CancellationInput, LedgerLine, NonRenewalInput } from '../../model/contract.js';
import { renewalReminderDay } from '../../notices/catalogue.js';
import { cancellationReceipt, nonRenewalReceipt, renewalReminder } from '../../notices/templates.js';
import { giveNonRenewalNotice, requestCancellation } from '../contract-messages.js';
import { notify, notifyCarrierOfEvent } from '../notify.js';
import { conflict, invalid, lateNotice } from '../refusals.js';
import { finalInvoice, issueInvoice } from './billing.js';
import type { ContractContext, ContractModule } from './context.js';
import { endOfDayMs, type Deadline } from './deadlines.js';
import { PATCHES } from './patches.js';

/** NGN-41: latest notice day for a desired date; undefined when the 約款 sets no lead (TNC-17). */
function cancellationLeadDay(ctx: ContractContext, desired: IsoDate): IsoDate | undefined {
  const { leadMonths, leadBusinessDays } = ctx.rules.cancellation;
  if (leadMonths === 0 && leadBusinessDays === 0) return undefined;
  if (!ctx.calendar) return undefined; // loaded before the contract became active
  return latestCancellationNoticeDay(ctx.calendar, desired, leadMonths, leadBusinessDays);
}

/** The period after `end` (NGN-39: extended by the catalog's period). */
function nextPeriodEnd(end: IsoDate, periodMonths: number): IsoDate {
  return addDays(addMonthsClamped(addDays(end, 1), periodMonths), -1);
}

/**
 * The clause under which open amounts fall due at once when the contract ends, if any. Since
 * acceleration-by-ground-v1 only where the text gives it (catalog acceleration): the contractor's
 * own cancellation (NGN-41 2項) and a termination under 第40条1項 (NGN-40 2項, decided when the
 * contract was terminated: state.accelerated). Expiry after non-renewal (NGN-39), abolition
 * (NGN-38), NGN-25 (3) and NGN-42 terminations and TNC ends keep each invoice's own due date.
 * Before, every NGN end accelerated under NGN-41 (replays).
 */
function accelerationAtEnd(ctx: ContractContext): string | undefined {
  const { state, rules, catalog } = ctx;
  const rule = catalog.acceleration.value;
  const couldAccelerate = rules.unpaidDueOnEnd || !!rule.onCancellation || rule.onTerminationGrounds.length > 0;
  if (!couldAccelerate) return undefined;
  if (!patched(PATCHES.accelerationByGround)) return rules.unpaidDueOnEnd ? rules.cancellation.clause : undefined;
  if (state.endReason === 'cancellation') return rule.onCancellation ?? undefined;
  if (state.endReason === 'provider-termination') return state.accelerated?.clauseId;
  return undefined;
}

/**
 * Ends the contract at 24:00 JST of its last day: the final invoice bills the last month(s) up to
 * that day and, when the end falls inside the minimum term, the NGN-18 early-termination fee
 * (outside consumption tax; since ngn-22-payment-terms-v1 on an invoice of its own under the
 * 第19条2項 due-date rule, NGN-22). TNC-17: nothing already paid is refunded (fees are billed in
 * arrears, so no credit is posted).
 */
async function endContract(ctx: ContractContext): Promise<void> {
  const { state, rules, plan, input, catalog } = ctx;
  const end = state.endDate;
  if (!end) return;
  const extra: LedgerLine[] = [];
  // NGN-18 applies to the contractor's own cancellation (契約者が…解約した場合) only: not to
  // termination by the provider, abolition or non-renewal.
  if (rules.earlyTerminationFee && state.endReason === 'cancellation' && state.minimumTerm && end < state.minimumTerm.end) {
    const fee = earlyTerminationFee({ minimumTermEnd: state.minimumTerm.end, effectiveDate: end, monthlyFee: plan.monthlyFee });
    const clauseId = catalog.earlyTerminationFee.clause;
    if (fee.months > 0) {
      extra.push({
        idempotencyKey: `${input.contractId}:termination:${clauseId}:penalty`,
        clauseId,
        kind: 'penalty',
        taxClass: 'out-of-scope',
        amount: fee.amount.toFixed(),
        effectiveDate: end,
        description: `違約金（最低利用期間 ${state.minimumTerm.end} までの残 ${fee.months} か月 × 月額 ${plan.monthlyFee}円、不課税）`,
      });
    }
  }
  const acceleratedBy = accelerationAtEnd(ctx);
  const apart = extra.length > 0 && catalog.paymentTerms.value.penaltyInvoiceApart && patched(PATCHES.paymentTerms);
  await finalInvoice(ctx, end, apart ? [] : extra, acceleratedBy);
  if (apart) {
    // NGN-22: the 違約金 follows 第19条2項 — its own invoice, due by the monthly rule, transfer fees the contractor's.
    await issueInvoice(ctx, {
      id: 'penalty',
      period: 'penalty',
      clauseId: catalog.earlyTerminationFee.clause,
      lines: extra,
      transferFeesClause: catalog.paymentTerms.value.penalties,
    });
  }
  state.status = 'ended';
  state.endedAt = ctx.nowIso();
}

export const term: ContractModule = {
  name: 'term',
  register(ctx) {
    const { state, input, rules, plan } = ctx;

    setHandler(
      requestCancellation,
      async (c: CancellationInput) => {
        const receivedOn = ctx.today();
        const insideMinimumTerm = !!state.minimumTerm && c.desiredDate <= state.minimumTerm.end;
        state.cancellation = {
          receivedOn,
          desiredDate: c.desiredDate,
          latestNoticeDay: cancellationLeadDay(ctx, c.desiredDate),
          insideMinimumTerm,
        };
        state.endDate = c.desiredDate;
        state.endReason = 'cancellation';
        const fee =
          insideMinimumTerm && rules.earlyTerminationFee && state.minimumTerm
            ? earlyTerminationFee({ minimumTermEnd: state.minimumTerm.end, effectiveDate: c.desiredDate, monthlyFee: plan.monthlyFee })
            : undefined;
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:cancellation-receipt:${rules.cancellation.clause}`,
          recipient: input.customer.email,
          ...cancellationReceipt({
            ...ctx.party(),
            receivedOn,
            endDate: c.desiredDate,
            clauseId: rules.cancellation.clause,
            earlyTerminationFee: fee && fee.months > 0 ? { months: fee.months, amount: fee.amount.toFixed() } : undefined,
          }),
        });
        // TNC-17: on the docomo-billed course docomo is notified of the cancellation.
        await notifyCarrierOfEvent({
          contractId: input.contractId,
          terms: input.terms,
          planId: input.planId,
          docomoBilled: plan.docomoBilled,
          event: 'cancellation',
          effectiveDate: c.desiredDate,
        });
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (c: CancellationInput) => {
          if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}; only an active contract can be cancelled`);
          if (state.endDate) conflict(`contract ${input.contractId} already ends on ${state.endDate} (${state.endReason})`);
          if (!isValidIsoDate(c.desiredDate)) invalid('desiredDate', `not a date (YYYY-MM-DD): ${c.desiredDate}`);
          const now = ctx.today();
          if (c.desiredDate < now) invalid('desiredDate', `${c.desiredDate} is in the past (today is ${now} JST)`);
          if (state.serviceStart && c.desiredDate < state.serviceStart) {
            invalid('desiredDate', `${c.desiredDate} is before the service start ${state.serviceStart}`);
          }
          if (Number(c.desiredDate.slice(0, 4)) > ctx.calendarYears[1]) {
            invalid('desiredDate', `${c.desiredDate} is beyond the business calendar (until ${ctx.calendarYears[1]}-12-31)`);
          }
          const latest = cancellationLeadDay(ctx, c.desiredDate);
          if (latest && now > latest) {
            lateNotice(
              'desiredDate',
              `${rules.cancellation.clause}: a cancellation on ${c.desiredDate} must be notified by ${latest} ` +
                `(${rules.cancellation.leadMonths} month + ${rules.cancellation.leadBusinessDays} business days); received ${now}`,
              latest,
            );
          }
        },
      },
    );

    setHandler(
      giveNonRenewalNotice,
      async (_n: NonRenewalInput) => {
        const period = state.period;
        const renewal = rules.renewal;
        if (!period || !renewal) return conflict(`${input.terms} contracts have no fixed period to decline`);
        const deadline = nonRenewalDeadline(period.end, renewal.nonRenewalLeadMonths);
        state.nonRenewal = { receivedOn: ctx.today(), deadline };
        state.endDate = period.end;
        state.endReason = 'non-renewal';
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:non-renewal-receipt:${period.end}:${renewal.clause}`,
          recipient: input.customer.email,
          ...nonRenewalReceipt({
            ...ctx.party(),
            receivedOn: state.nonRenewal.receivedOn,
            endDate: period.end,
            clauseId: renewal.clause,
          }),
        });
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (_n: NonRenewalInput) => {
          if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
          if (!rules.renewal || !state.period) conflict(`${input.terms} contracts have no fixed period to decline (no renewal clause)`);
          if (state.endDate) conflict(`contract ${input.contractId} already ends on ${state.endDate} (${state.endReason})`);
          const deadline = nonRenewalDeadline(state.period.end, rules.renewal.nonRenewalLeadMonths);
          const now = ctx.today();
          if (now > deadline) {
            lateNotice(
              'receivedOn',
              `${rules.renewal.clause}: a non-renewal notice for the period ending ${state.period.end} had to arrive by ${deadline}; ` +
                `received ${now}. The contract renews to ${nextPeriodEnd(state.period.end, rules.renewal.periodMonths)}`,
              deadline,
            );
          }
        },
      },
    );
  },

  deadlines(ctx) {
    const { state, rules, calendar } = ctx;
    const out: Deadline[] = [];
    if (state.endDate) out.push({ atMs: endOfDayMs(state.endDate), kind: 'contract-end' });
    else if (state.period) {
      out.push({ atMs: endOfDayMs(state.period.end), kind: 'renewal' });
      if (calendar && rules.renewal && state.renewalRemindedFor !== state.period.end) {
        const day = renewalReminderDay(calendar, state.period.end, rules.renewal.nonRenewalLeadMonths);
        out.push({ atMs: jstMidnightMs(day), kind: 'renewal-reminder' });
      }
    }
    return out;
  },

  due: {
    // NGN-39: remind the contractor of the non-renewal deadline before it passes.
    'renewal-reminder': async (ctx) => {
      const { state, rules, input } = ctx;
      const p = state.period;
      const renewal = rules.renewal;
      if (!p || !renewal) return;
      state.renewalRemindedFor = p.end;
      const deadline = nonRenewalDeadline(p.end, renewal.nonRenewalLeadMonths);
      if (ctx.today() <= deadline) {
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:renewal-reminder:${p.end}:${renewal.clause}`,
          recipient: input.customer.email,
          ...renewalReminder({
            ...ctx.party(),
            clauseId: renewal.clause,
            periodEnd: p.end,
            deadline,
            renewedUntil: nextPeriodEnd(p.end, renewal.periodMonths),
          }),
        });
      }
    },
    // NGN-39: no timely non-renewal notice, so the period is extended by 12 months.
    renewal: (ctx) => {
      const { state, rules } = ctx;
      const p = state.period;
      if (!p || !rules.renewal) return;
      const start = addDays(p.end, 1);
      state.period = { start, end: addDays(addMonthsClamped(start, rules.renewal.periodMonths), -1), renewals: p.renewals + 1 };
    },
    'contract-end': (ctx) => endContract(ctx),
  },
};
