/**
 * Formation (NGN-10/11/12, TNC-11/12): the application waits in the queue (NGN-11 order of
 * receipt, ops may reorder; escalated when nobody decides in time), then ops accept or reject it.
 * NGN-11: formed when the acceptance notice is sent; TNC-12: when entered in the database. A
 * rejection is notified with its grounds (NGN-12: in writing).
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import { addDays, addMonthsClamped, isValidIsoDate, jstDateOf, minimumTerm } from '../../rules/calendar.js';
import { rejectionGrounds } from '../../rules/contract-rules.js';
import type { AcceptInput, RejectInput } from '../../model/contract.js';
import { acceptanceNotice, rejectionNotice } from '../../notices/templates.js';
import { acceptApplication, rejectApplication, setQueuePriority } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid, undeliverable } from '../refusals.js';
import { acts, type ContractContext, type ContractModule } from './context.js';
import { endOfDayMs } from './deadlines.js';
import { PATCHES } from './patches.js';

/** NGN-11: business days an application may wait for a decision before ops are alerted. */
export const DEFAULT_ESCALATION_BUSINESS_DAYS = 5;

export const formation: ContractModule = {
  name: 'formation',
  register(ctx) {
    const { input, state, rules } = ctx;

    setHandler(
      acceptApplication,
      async (a: AcceptInput) => {
        ctx.deciding = true;
        await condition(() => ctx.registered);
        let formedAt: string;
        const serviceStart = a.serviceStartDate ?? ctx.today();
        const notice = {
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:acceptance:${rules.formationClause}`,
          recipient: input.customer.email,
          ...acceptanceNotice({ ...ctx.party(), serviceStart, clauseId: rules.formationClause }),
        };
        // The holiday table the active contract will run on: the one read when the application
        // arrived (awaitDecision) while it covers the same years, i.e. in the same JST year
        // (accept-calendar-reuse-v1: one local activity fewer per accept); otherwise read while the
        // contract is being formed, in the same workflow task (accept-calendar-alongside-v1).
        // Histories recorded before the reuse read it again (before accept-calendar-alongside-v1:
        // after the formation), and replay so.
        const reuse = ctx.calendarCurrent() && patched(PATCHES.acceptCalendarReuse);
        const calendar = !reuse && patched(PATCHES.acceptCalendarAlongside) ? ctx.loadCalendar() : undefined;
        // Awaited below; if the formation fails first (an undeliverable notice), nobody awaits it.
        calendar?.catch(() => undefined);
        if (rules.formation === 'acceptance-notice-sent') {
          // NGN-11: the contract is formed when the acceptance notice is sent.
          const proof = await notify(notice);
          if (!proof.delivered) {
            // NGN-11: no notice sent, no contract formed. The update fails; ops were alerted and may accept again.
            ctx.deciding = false;
            undeliverable(
              `${rules.formationClause}: the acceptance notice could not be sent (${proof.error ?? 'unknown'}); the contract is not formed. Ops were alerted; accept again once delivery works.`,
            );
          }
          formedAt = proof.sentAt;
        } else {
          // TNC-12: the contract is formed when the applicant is entered in the provider's database.
          formedAt = (await acts.recordFormation(input.contractId)).formedAt;
          await notify(notice);
        }
        state.formedAt = formedAt;
        state.serviceStart = serviceStart;
        // NGN-41.1: the parts (sites, options) the contract starts with, each cancellable on its own.
        if (a.addOns?.length) {
          state.parts = a.addOns.map((x, i) => {
            const addOn = ctx.plan.addOns!.find((o) => o.id === x.addOnId)!;
            return { id: x.partId ?? `P${i + 1}`, addOnId: addOn.id, name: addOn.name, monthlyFee: addOn.monthlyFee, from: serviceStart };
          });
        }
        // TNC-27: the payment method registered with the application is kept on the contract.
        if (a.paymentMethod) state.paymentMethod = { method: a.paymentMethod, since: jstDateOf(formedAt) };
        // NGN: fees accrue from the billing start date (課金開始日); TNC-26: from the formation date.
        state.billingStart = rules.feeAccrualStart === 'billing-start' ? (a.billingStartDate ?? serviceStart) : jstDateOf(formedAt);
        if (rules.minimumTermMonths > 0) {
          // NGN-17: the minimum term runs from the 1st of the month after the service start.
          state.minimumTerm = minimumTerm(serviceStart, rules.minimumTermMonths);
        }
        if (rules.renewal) {
          // NGN-39: the first contract period is the one the application states (契約申込書に定める),
          // by default the minimum term (or a period of the same length); renewals add 12 months each.
          const start = state.minimumTerm?.start ?? serviceStart;
          const months = input.contractPeriodMonths ?? rules.renewal.periodMonths;
          state.period = { start, end: addDays(addMonthsClamped(start, months), -1), renewals: 0 };
        }
        if (!reuse) await (calendar ?? ctx.loadCalendar());
        state.status = 'active';
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (a: AcceptInput) => {
          if (state.status !== 'applied' || ctx.deciding) {
            conflict(`contract ${input.contractId} is ${state.status}; only an open application can be accepted`);
          }
          const applied = jstDateOf(input.appliedAt);
          for (const [field, value] of [
            ['serviceStartDate', a.serviceStartDate],
            ['billingStartDate', a.billingStartDate],
          ] as const) {
            if (value === undefined) continue;
            if (!isValidIsoDate(value)) invalid(field, `not a date (YYYY-MM-DD): ${value}`);
            if (value < applied) invalid(field, `${value} is before the application date ${applied}`);
          }
          if (a.serviceStartDate && a.billingStartDate && a.billingStartDate < a.serviceStartDate) {
            invalid('billingStartDate', `${a.billingStartDate} is before serviceStartDate ${a.serviceStartDate}`);
          }
          const offered = ctx.plan.addOns ?? [];
          const ids = new Set<string>();
          (a.addOns ?? []).forEach((x, i) => {
            if (!offered.some((o) => o.id === x?.addOnId)) {
              invalid(`addOns.${i}.addOnId`, `plan ${ctx.plan.id} has no add-on ${x?.addOnId} (${offered.map((o) => o.id).join(', ') || 'none'})`);
            }
            const id = x.partId ?? `P${i + 1}`;
            if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id)) invalid(`addOns.${i}.partId`, 'must be 1–64 letters, digits, _ or -');
            if (ids.has(id)) invalid(`addOns.${i}.partId`, `part ${id} is given twice`);
            ids.add(id);
          });
          if (a.paymentMethod !== undefined && !rules.paymentMethods.includes(a.paymentMethod)) {
            invalid('paymentMethod', `${a.paymentMethod} is not a payment method of ${input.terms} (${rules.paymentMethods.join(', ')})`);
          }
        },
      },
    );

    setHandler(
      rejectApplication,
      async (r: RejectInput) => {
        ctx.deciding = true;
        await condition(() => ctx.registered);
        const labels = rejectionGrounds(input.terms, input.termsVersion);
        const clauseId = rules.rejectionClause;
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:rejection:${clauseId}`,
          recipient: input.customer.email,
          ...rejectionNotice({
            ...ctx.party(),
            grounds: r.grounds.map((code) => ({ code, label: labels[code] ?? '' })),
            reason: r.reason,
            clauseId,
          }),
        });
        const now = ctx.nowIso();
        state.rejection = { grounds: [...r.grounds], reason: r.reason, decidedAt: now };
        state.status = 'rejected';
        state.endedAt = now;
        await ctx.save();
        return ctx.view();
      },
      {
        validator: (r: RejectInput) => {
          if (state.status !== 'applied' || ctx.deciding) {
            conflict(`contract ${input.contractId} is ${state.status}; only an open application can be rejected`);
          }
          const labels = rejectionGrounds(input.terms, input.termsVersion);
          if (r.grounds.length === 0) invalid('grounds', 'at least one rejection ground is required');
          for (const g of r.grounds) {
            if (!labels[g]) invalid('grounds', `${g} is not a rejection ground of ${rules.rejectionClause} (1–9)`);
          }
          if (!r.reason.trim()) invalid('reason', 'a written reason is required');
        },
      },
    );

    setHandler(
      setQueuePriority,
      async ({ priority }) => {
        state.queuePriority = priority;
        await ctx.save();
        return ctx.view();
      },
      {
        validator: ({ priority }) => {
          if (state.status !== 'applied') conflict(`contract ${input.contractId} is ${state.status}; only open applications are queued`);
          if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) invalid('priority', 'must be a whole number from -1000 to 1000');
        },
      },
    );
  },
};

/**
 * Waits until the application is decided. NGN-11: applications are decided in order; one nobody
 * decided within N business days is escalated to ops (once; the wait goes on).
 */
export async function awaitDecision(ctx: ContractContext): Promise<void> {
  const { input, state } = ctx;
  if (state.status === 'applied' && !state.escalatedAt) {
    const calendar = await ctx.loadCalendar();
    const days = input.escalateAfterBusinessDays ?? DEFAULT_ESCALATION_BUSINESS_DAYS;
    const lastDay = calendar.addBusinessDays(jstDateOf(input.appliedAt), days);
    const decided = await condition(() => state.status !== 'applied', Math.max(0, endOfDayMs(lastDay) - Date.now()));
    if (!decided && state.status === 'applied' && !ctx.deciding) {
      state.escalatedAt = (await acts.escalateApplication({ contractId: input.contractId, appliedAt: input.appliedAt, businessDays: days })).escalatedAt;
    }
  }
  await condition(() => state.status !== 'applied');
  if (state.status === 'active' && !ctx.calendar) await ctx.loadCalendar();
}
