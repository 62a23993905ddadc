/**
 * Announcements (NGN-2, NGN-38, TNC-3, TNC-24), delivered by the fan-out workflow: an abolition ends
 * the contract the day before the abolition date; a suspension of the whole service (TNC-24 休止)
 * stops it for the planned period; a terms change applies on its effective date (the contract
 * continues as new under the new catalog version) unless the customer objects in time where the
 * catalog gives that right (TNC-3), in which case the contract ends on that date.
 *
 * Each contract's lead counts from its own delivered notice: when a contract's notice fails, the
 * announcement does not take effect on it (its service and terms stay) until ops send it again and
 * it is delivered; when it arrives later than the lead allows, the contract's own date moves with
 * it and the customer is told that date.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { addDays, earliestDateAfterNotice, isValidIsoDate, jstDateOf, jstMidnightIso, jstMidnightMs } from '../../rules/calendar.js';
import { getTerms } from '../../rules/terms/index.js';
import type { NoticeProof } from '../../activities/types.js';
import type { AnnouncementInput, AnnouncementRecord, ContractInput, ObjectionInput } from '../../model/contract.js';
import { termsChangeObjectionDeadline } from '../../notices/catalogue.js';
import { abolitionNotice, termsChangeNotice } from '../../notices/templates.js';
import { announce, objectToTermsChange, resendAnnouncement } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid, lateNotice } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import { PATCHES } from './patches.js';
import type { Deadline } from './deadlines.js';

function validateAnnouncement(ctx: ContractContext, a: AnnouncementInput): void {
  if (ctx.state.status !== 'active') conflict(`contract ${ctx.input.contractId} is ${ctx.state.status}`);
  if (!isValidIsoDate(a.effectiveDate)) invalid('effectiveDate', `not a date: ${a.effectiveDate}`);
  if (a.kind === 'suspension') {
    const rule = ctx.catalog.serviceSuspensionByNotice;
    if (!rule.value) invalid('kind', `${ctx.input.terms} has no suspension of the whole service by notice (${rule.clause})`);
    if (a.until !== undefined && (!isValidIsoDate(a.until) || a.until < a.effectiveDate)) invalid('until', `${a.until} is not a date on or after ${a.effectiveDate}`);
  }
  if (a.kind === 'terms-change' && a.newTermsVersion) {
    try {
      getTerms(ctx.input.terms, a.newTermsVersion);
    } catch {
      invalid('newTermsVersion', `${ctx.input.terms} has no version ${a.newTermsVersion}`);
    }
  }
}

/** The clause an announcement of this kind cites, and its lead in clear days (catalog). */
function leadOf(ctx: ContractContext, kind: AnnouncementInput['kind']): { clauseId: string; leadDays: number } {
  const c = ctx.catalog;
  return kind === 'terms-change'
    ? { clauseId: c.termsChangeNoticeDays.clause, leadDays: c.termsChangeNoticeDays.value }
    : { clauseId: c.abolitionNotice.clause, leadDays: c.abolitionNotice.value.leadDays };
}

/** The date an announcement takes effect on this contract. */
function effectiveOn(a: AnnouncementRecord): IsoDateOrNone {
  if (!a.ownLead) return a.effectiveDate;
  return a.effectiveOn;
}
type IsoDateOrNone = string | undefined;

/** Renders and sends this contract's notice of `a` (for `date`, its own effective date); `suffix` keeps each attempt's key distinct. */
function sendNotice(ctx: ContractContext, a: AnnouncementRecord, date: string, suffix = ''): Promise<NoticeProof> {
  const { input, catalog } = ctx;
  const { clauseId } = leadOf(ctx, a.kind);
  const objections = a.kind === 'terms-change' && catalog.termsChangeObjectionEndsContract.value;
  return notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:announcement:${a.id}:${clauseId}${suffix}`,
    recipient: input.customer.email,
    ...(a.kind === 'terms-change'
      ? termsChangeNotice({
          ...ctx.party(),
          clauseId,
          effectiveDate: date,
          summary: [a.summary ?? ''],
          objectionDeadline: objections ? termsChangeObjectionDeadline(date) : undefined,
        })
      : abolitionNotice({
          ...ctx.party(),
          clauseId,
          serviceName: ctx.plan.name,
          abolitionDate: date,
          ...(a.kind === 'suspension' ? { measure: 'suspension' as const, until: a.until } : {}),
        })),
  });
}

/**
 * A notice was delivered: the announcement takes effect on this contract on the announced date or,
 * when the notice came too late for the lead, on the first date the lead allows counted from its
 * own delivery. When that date is later, the customer is told it.
 */
async function delivered(ctx: ContractContext, a: AnnouncementRecord, proof: NoticeProof): Promise<void> {
  const { state, catalog } = ctx;
  if (!proof.delivered) return; // not told: nothing changes for this contract; ops see it and send again
  a.noticeSentAt = proof.sentAt;
  const own = earliestDateAfterNotice(jstDateOf(proof.sentAt), leadOf(ctx, a.kind).leadDays);
  a.effectiveOn = own > a.effectiveDate ? own : a.effectiveDate;
  if (a.effectiveOn !== a.effectiveDate) await sendNotice(ctx, a, a.effectiveOn, `:own-date:${a.effectiveOn}`);
  if (a.kind === 'abolition') {
    const last = addDays(a.effectiveOn, -1);
    if (!state.endDate || last < state.endDate) {
      state.endDate = last;
      state.endReason = 'abolition';
    }
  } else if (a.kind === 'suspension') {
    // TNC-24 休止: the service stops for the planned period (fees are not touched here).
    state.seq += 1;
    state.suspensions = [
      ...(state.suspensions ?? []),
      {
        id: `S${state.seq}`,
        clauseId: catalog.serviceSuspensionByNotice.clause,
        reason: a.summary ?? '',
        startsAt: jstMidnightIso(a.effectiveOn),
        ...(a.until ? { endsAt: jstMidnightIso(addDays(a.until, 1)) } : {}),
        noticeSentAt: proof.sentAt,
        status: 'scheduled',
      },
    ];
  }
}

/**
 * An announcement reaches this contract (idempotent by id): notice to the customer, then its effect
 * from this contract's own effective date (see `delivered`). Records from before the own-lead rule
 * took effect on the announced date whatever the delivery (patched).
 */
async function receiveAnnouncement(ctx: ContractContext, a: AnnouncementInput): Promise<{ noticeSent: boolean; effectiveOn?: string }> {
  const { state } = ctx;
  if (state.announcements?.some((x) => x.id === a.announcementId)) return { noticeSent: true };
  const ownLead = patched(PATCHES.announcementOwnLead);
  const rec: AnnouncementRecord = {
    id: a.announcementId,
    kind: a.kind,
    effectiveDate: a.effectiveDate,
    newTermsVersion: a.newTermsVersion,
    objected: false,
    applied: false,
    ...(ownLead ? { ownLead: true, summary: a.summary, attempts: 1, ...(a.until ? { until: a.until } : {}) } : {}),
  };
  state.announcements = [...(state.announcements ?? []), rec];
  if (!ownLead) {
    await sendNotice(ctx, { ...rec, summary: a.summary }, a.effectiveDate);
    if (a.kind === 'abolition') {
      const last = addDays(a.effectiveDate, -1);
      if (!state.endDate || last < state.endDate) {
        state.endDate = last;
        state.endReason = 'abolition';
      }
    }
    return { noticeSent: true };
  }
  const proof = await sendNotice(ctx, rec, a.effectiveDate);
  await delivered(ctx, rec, proof);
  return { noticeSent: proof.delivered, ...(rec.effectiveOn ? { effectiveOn: rec.effectiveOn } : {}) };
}

function pendingAnnouncement(ctx: ContractContext, id: string): AnnouncementRecord {
  const a = ctx.state.announcements?.find((x) => x.id === id);
  if (!a) invalid('announcementId', `no announcement ${id} on contract ${ctx.input.contractId}`);
  if (!a.ownLead) conflict(`announcement ${id} took effect on ${a.effectiveDate} under the earlier rule`);
  if (a.noticeSentAt) conflict(`the notice of ${id} was delivered at ${a.noticeSentAt}; it takes effect on ${a.effectiveOn}`);
  return a;
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
  const date = effectiveOn(a);
  if (!date) return; // not yet told: an objection is in time whenever it comes
  const deadline = termsChangeObjectionDeadline(date);
  if (today > deadline) {
    lateNotice('announcementId', `${right.clause}: an objection had to arrive by ${deadline} (the effective date included); received ${today}`, deadline);
  }
}

/** TNC-3: the objecting customer's contract ends on the effective date of the change (its own). */
function object(ctx: ContractContext, o: ObjectionInput): void {
  const a = ctx.state.announcements?.find((x) => x.id === o.announcementId);
  if (!a) return;
  a.objected = true;
  ctx.state.endDate = effectiveOn(a) ?? a.effectiveDate;
  ctx.state.endReason = 'terms-objection';
}

export const announcements: ContractModule = {
  name: 'announcements',
  register(ctx) {
    setHandler(announce, (a) => receiveAnnouncement(ctx, a), { validator: (a) => validateAnnouncement(ctx, a) });
    setHandler(
      resendAnnouncement,
      async ({ announcementId }) => {
        const a = pendingAnnouncement(ctx, announcementId);
        a.attempts = (a.attempts ?? 1) + 1;
        const proof = await sendNotice(ctx, a, a.effectiveDate, `:attempt-${a.attempts}`);
        await delivered(ctx, a, proof);
        await ctx.save();
        return { noticeSent: proof.delivered, ...(a.effectiveOn ? { effectiveOn: a.effectiveOn } : {}) };
      },
      {
        validator: ({ announcementId }) => {
          ctx.requireActive();
          pendingAnnouncement(ctx, announcementId);
        },
      },
    );
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
      const date = effectiveOn(a);
      if (a.kind === 'terms-change' && !a.objected && !a.applied && date) out.push({ atMs: jstMidnightMs(date), kind: 'terms-change', announcementId: a.id });
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
