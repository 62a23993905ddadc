/**
 * The carrier-billed course (TNC-19, catalog carrierBilling): when the carrier (docomo) notifies the
 * cancellation of the course, the course ends and the base plan (フレッツ・光対応バリュープラン)
 * continues — a plan change, not the end of the contract. Days up to the course's last day stay
 * assigned to the carrier (TNC-30); from the next day the provider bills the customer itself, so the
 * customer is told and asked for a payment method (TNC-27).
 */
import { setHandler } from '@temporalio/workflow';
import { addDays, firstOfNextMonth, isValidIsoDate } from '../../rules/calendar.js';
import { getPlan } from '../../rules/plans.js';
import type { CarrierCourseEndInput } from '../../model/contract.js';
import { noticeClauseOf } from '../../notices/catalogue.js';
import { carrierCourseEndNotice } from '../../notices/templates.js';
import { endCarrierCourse } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';

/** The first day not yet billed (a course may end on the last billed day at the earliest). */
function firstUnbilledDay(ctx: ContractContext): string | undefined {
  const { state } = ctx;
  if (state.billedThrough) return firstOfNextMonth(`${state.billedThrough}-01`);
  return state.billingStart;
}

function validateCourseEnd(ctx: ContractContext, c: CarrierCourseEndInput): void {
  const { state, input, plan, catalog } = ctx;
  ctx.requireActive();
  const rule = catalog.carrierBilling.value;
  if (!rule || !plan.docomoBilled) conflict(`contract ${input.contractId} is not on a carrier-billed course (${catalog.carrierBilling.clause})`);
  const base = plan.carrierCourseBasePlanId ? getPlan(plan.carrierCourseBasePlanId) : undefined;
  if (!base) conflict(`${rule.courseEnd}: plan ${plan.id} names no base plan that continues`);
  if (!isValidIsoDate(c.courseEndsOn)) invalid('courseEndsOn', `not a date (YYYY-MM-DD): ${c.courseEndsOn}`);
  const first = firstUnbilledDay(ctx);
  if (first && c.courseEndsOn < addDays(first, -1)) {
    invalid('courseEndsOn', `${c.courseEndsOn} lies in a month already assigned to the carrier (billed through ${state.billedThrough}); the earliest is ${addDays(first, -1)}`);
  }
  if (state.endDate && c.courseEndsOn >= state.endDate) conflict(`the contract ends on ${state.endDate} (${state.endReason})`);
  if (state.pendingPlan) conflict(`a change to ${state.pendingPlan.planId} from ${state.pendingPlan.from} is already pending`);
  if (!c.reference?.trim()) invalid('reference', "docomo's reference for its notice is required");
}

/** TNC-19: the course ends on `courseEndsOn`; the base plan applies from the next day (a segmented plan change). */
async function endCourse(ctx: ContractContext, c: CarrierCourseEndInput) {
  const { state, input, plan, catalog } = ctx;
  const base = getPlan(plan.carrierCourseBasePlanId!)!;
  const clauseId = noticeClauseOf(catalog, 'carrier-course-end') ?? catalog.carrierBilling.value!.courseEnd;
  const from = addDays(c.courseEndsOn, 1);
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:carrier-course-end:${c.courseEndsOn}:${clauseId}`,
    recipient: input.customer.email,
    ...carrierCourseEndNotice({
      ...ctx.party(),
      clauseId,
      courseEndsOn: c.courseEndsOn,
      basePlan: base.name,
      monthlyFee: base.monthlyFee,
      paymentClause: catalog.paymentMethods.clause,
    }),
  });
  state.carrierCourseEnd = { receivedOn: ctx.today(), courseEndsOn: c.courseEndsOn, reference: c.reference.trim(), basePlanId: base.id };
  state.pendingPlan = { planId: base.id, from, segmented: true, clauseId };
  // From a past or present day the loop continues as new under the base plan at once (saving the
  // projection with it); a later day is a deadline the projection must show now.
  const view = ctx.view();
  if (from > ctx.today()) await ctx.save();
  return view;
}

export const carrierCourse: ContractModule = {
  name: 'carrier-course',
  register(ctx) {
    setHandler(endCarrierCourse, (c: CarrierCourseEndInput) => endCourse(ctx, c), { validator: (c: CarrierCourseEndInput) => validateCourseEnd(ctx, c) });
  },
};
