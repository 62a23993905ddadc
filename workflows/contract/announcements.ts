/**
 * Announcements (NGN-2, NGN-38, TNC-3, TNC-24), delivered by the fan-out workflow: an abolition ends
 * the contract the day before the abolition date; a terms change applies on its effective date
 * (the contract continues as new under the new catalog version) unless the customer objects in
 * time where the catalog gives that right (TNC-3), in which case the contract ends on that date.
 */
import { setHandler } from '@temporalio/workflow';
import { addDays, isValidIsoDate, jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { getTerms } from '../../rules/terms/index.js';
import type { AnnouncementInput, ContractInput, ObjectionInput } from '../../model/contract.js';
import { termsChangeObjectionDeadline } from '../../notices/catalogue.js';
import { abolitionNotice, termsChangeNotice } from '../../notices/templates.js';
import { announce, objectToTermsChange } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid, lateNotice } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import type { Deadline } from './deadlines.js';

function validateAnnouncement(ctx: ContractContext, a: AnnouncementInput): void {
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
async function receiveAnnouncement(ctx: ContractContext, a: AnnouncementInput): Promise<{ noticeSent: boolean }> {
  const { state, input, catalog } = ctx;
  if (state.announcements?.some((x) => x.id === a.announcementId)) return { noticeSent: true };
  const objections = a.kind === 'terms-change' && catalog.termsChangeObjectionEndsContract.value;
  state.announcements = [
    ...(state.announcements ?? []),
    { id: a.announcementId, kind: a.kind, effectiveDate: a.effectiveDate, newTermsVersion: a.newTermsVersion, objected: false, applied: false },
  ];
  const clauseId = a.kind === 'abolition' ? catalog.abolitionNotice.clause : catalog.termsChangeNoticeDays.clause;
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:announcement:${a.announcementId}:${clauseId}`,
    recipient: input.customer.email,
    ...(a.kind === 'abolition'
      ? abolitionNotice({ ...ctx.party(), clauseId, serviceName: ctx.plan.name, abolitionDate: a.effectiveDate })
      : termsChangeNotice({
          ...ctx.party(),
          clauseId,
          effectiveDate: a.effectiveDate,
          summary: [a.summary],
          objectionDeadline: objections ? termsChangeObjectionDeadline(a.effectiveDate) : undefined,
        })),
  });
  if (a.kind === 'abolition') {
    const last = addDays(a.effectiveDate, -1);
    if (!state.endDate || last < state.endDate) {
      state.endDate = last;
      state.endReason = 'abolition';
    }
  }
  return { noticeSent: true };
}

function validateObjection(ctx: ContractContext, o: ObjectionInput): void {
  const { state, input, catalog } = ctx;
  ctx.requireActive();
  const a = state.announcements?.find((x) => x.id === o.announcementId);
  if (!a || a.kind !== 'terms-change') invalid('announcementId', `no terms change ${o.announcementId} on this contract`);
  const right = catalog.termsChangeObjectionEndsContract;
  if (!right.value) conflict(`${input.terms} terms give no objection right (${right.clause})`);
  if (a.objected) conflict(`objection to ${o.announcementId} already recorded`);
  const today = jstDateOf(Date.now());
  const deadline = termsChangeObjectionDeadline(a.effectiveDate);
  if (today > deadline) {
    lateNotice('announcementId', `${right.clause}: an objection had to arrive by ${deadline} (the effective date included); received ${today}`, deadline);
  }
}

/** TNC-3: the objecting customer's contract ends on the effective date of the change. */
function object(ctx: ContractContext, o: ObjectionInput): void {
  const a = ctx.state.announcements?.find((x) => x.id === o.announcementId);
  if (!a) return;
  a.objected = true;
  ctx.state.endDate = a.effectiveDate;
  ctx.state.endReason = 'terms-objection';
}

export const announcements: ContractModule = {
  name: 'announcements',
  register(ctx) {
    setHandler(announce, (a) => receiveAnnouncement(ctx, a), { validator: (a) => validateAnnouncement(ctx, a) });
    setHandler(
      objectToTermsChange,
      async (o) => {
        object(ctx, o);
        return ctx.view();
      },
      { validator: (o) => validateObjection(ctx, o) },
    );
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    for (const a of ctx.state.announcements ?? []) {
      if (a.kind === 'terms-change' && !a.objected && !a.applied) out.push({ atMs: jstMidnightMs(a.effectiveDate), kind: 'terms-change', announcementId: a.id });
    }
    return out;
  },
  due: {
    // The new catalog version applies from its effective date: continue as new under it.
    'terms-change': (ctx, d) => {
      const a = ctx.state.announcements?.find((x) => x.id === d.announcementId);
      if (!a) return;
      a.applied = true;
      const next: ContractInput = { ...ctx.input, termsVersion: a.newTermsVersion ?? ctx.input.termsVersion };
      return ctx.continueAsNew(next);
    },
  },
};
