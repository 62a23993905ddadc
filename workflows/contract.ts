/**
 * The contract workflow: one per contract (workflow id = contract id), alive for the contract's
 * whole life. Deterministic: it imports only @temporalio/workflow, pure rules and activity types.
 * Every side effect (database, mail, clock reads beyond workflow time) is an activity.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { YAKKAN_NEXT_DEADLINE, YAKKAN_NON_RENEWAL_DEADLINE, YAKKAN_STATUS, YAKKAN_TERMS } from './search-attributes.js';
import type { ContractActivities, LedgerLine } from '../activities/types.js';
import {
  BusinessCalendar,
  addDays,
  dayCountedPeriod,
  addMonthsClamped,
  daysBetween,
  endOfMonth,
  firstOfNextMonth,
  isValidIsoDate,
  jstDateOf,
  jstMidnightMs,
  latestCancellationNoticeDay,
  minimumTerm,
  monthKey,
  nonRenewalDeadline,
  startOfMonth,
} from '../rules/calendar.js';
import { earlyTerminationFee, yen } from '../rules/money.js';
import { getPlan, type Plan } from '../rules/plans.js';
import { rejectionGrounds, termsRules } from '../rules/contract-rules.js';
import {
  acceptanceNotice,
  cancellationReceipt,
  dataDeletionNotice,
  erasureCertificateReminder,
  nonRenewalReceipt,
  overdueReminder,
  rejectionNotice,
  renewalReminder,
} from '../notices/templates.js';
import { renewalReminderDay } from '../notices/catalogue.js';
import { getTerms } from '../rules/terms/index.js';
import { conflict, invalid, lateNotice, requireEmail } from './refusals.js';
import { notify } from './notify.js';
import {
  applyDispatch,
  applyPayment,
  applySurcharge,
  applyUsage,
  closeMonth,
  finalInvoice,
  validateDispatch,
  validatePayment,
  validateSurcharge,
  validateUsage,
  type BillingContext,
} from './billing.js';
import { notifyCarrierOfEvent } from './notify.js';
import * as ev from './events.js';
import {
  announce,
  applyMeasure,
  grantCarrierShare,
  liftSuspension,
  objectToTermsChange,
  recordCure,
  reportOutage,
  reportViolation,
  restoreOutage,
  recordDisclosure,
  alertMalware,
  scheduleSuspension,
  terminateByProvider,
  reportPaymentMethodInvalid,
  changeContractor,
  registerFaultContact,
  type FaultContactInput,
  changePlan,
  pauseService,
  resumeService,
  setQueuePriority,
  type ContractorChangeInput,
  type PlanChangeInput,
  endForceMajeure,
  reportForceMajeure,
  submitErasureCertificate,
  type ErasureCertificateInput,
  type ForceMajeureInput,
  type ProviderTerminationInput,
  acceptApplication,
  chargeDispatch,
  chargeSurcharge,
  getContract,
  recordPayment,
  reportUsage,
  giveNonRenewalNotice,
  rejectApplication,
  requestCancellation,
  type AcceptInput,
  type CancellationInput,
  type ContractInput,
  type ContractState,
  type ContractView,
  type IsoDate,
  type NonRenewalInput,
  type RejectInput,
} from './contract-messages.js';

const acts = proxyActivities<ContractActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Month closes per run before continuing as new (a term boundary), unless suggested earlier. */
export const MONTHS_PER_RUN = 12;

export async function contractWorkflow(input: ContractInput): Promise<ContractView> {
  const plan = getPlan(input.planId);
  if (!plan || plan.terms !== input.terms) {
    throw ApplicationFailure.create({
      type: 'UnknownPlan',
      nonRetryable: true,
      message: `plan ${input.planId} does not exist under ${input.terms}`,
    });
  }
  const rules = termsRules(input.terms, input.termsVersion);
  const state: ContractState = input.resume ?? {
    status: 'applied',
    run: 1,
    openInvoices: [],
    pendingLines: [],
    recentPaymentKeys: [],
    seq: 0,
  };
  let deciding = false;
  /** The contract row exists (first saveContract done); handlers that write rows wait for it. */
  let registered = !!input.resume;

  /** Holiday table for business-day deadlines, read through an activity so history records it. */
  let calendar: BusinessCalendar | undefined;
  let calendarYears: [number, number] = [0, -1];
  const loadCalendar = async () => {
    const y = Number(jstDateOf(Date.now()).slice(0, 4));
    calendarYears = [y - 1, y + CALENDAR_YEARS_AHEAD];
    calendar = new BusinessCalendar(await acts.loadCalendar(calendarYears[0], calendarYears[1]));
  };
  const today = (): IsoDate => jstDateOf(Date.now());
  const billing: BillingContext = { input, plan, rules, state, today };

  const nextMonthToClose = (): string | undefined => {
    if (state.status !== 'active' || !state.billingStart) return undefined;
    const month = state.billedThrough
      ? monthKey(firstOfNextMonth(`${state.billedThrough}-01`))
      : monthKey(state.billingStart);
    // The month holding the last day of service is billed when the contract ends, not at its close.
    if (state.endDate && month >= monthKey(state.endDate)) return undefined;
    return month;
  };
  /** Month M is closed (and billed) at 00:00 JST on the 1st of the following month (NGN-19). */
  const closeTimeMs = (month: string): number => jstMidnightMs(firstOfNextMonth(`${month}-01`));
  /** A period counted in days ends at 24:00 JST of its last day (民法 第141条). */
  const endOfDayMs = (date: IsoDate): number => jstMidnightMs(addDays(date, 1));

  /** The next durable deadline: month close, renewal at the period end, or the end of the contract. */
  const nextDue = (): Due | undefined => {
    if (state.status !== 'active') return undefined;
    const due: Due[] = [];
    const month = nextMonthToClose();
    if (month) due.push({ atMs: closeTimeMs(month), kind: 'month-close', month });
    for (const inv of state.openInvoices) {
      if (!inv.overdueNotified) due.push({ atMs: endOfDayMs(inv.dueDate), kind: 'invoice-overdue', invoiceId: inv.id });
    }
    for (const x of state.suspensions ?? []) {
      if (x.status === 'scheduled') due.push({ atMs: Date.parse(x.startsAt), kind: 'suspension' });
      else if (x.status === 'active' && x.endsAt) due.push({ atMs: Date.parse(x.endsAt), kind: 'suspension' });
    }
    for (const v of state.violations ?? []) {
      if (v.status === 'open' && v.defaultMeasure !== undefined) due.push({ atMs: Date.parse(v.measuresFrom), kind: 'default-measure', violationId: v.id });
    }
    for (const a of state.announcements ?? []) {
      if (a.kind === 'terms-change' && !a.objected && !a.applied) due.push({ atMs: jstMidnightMs(a.effectiveDate), kind: 'terms-change', announcementId: a.id });
    }
    if (restartWith) due.push({ atMs: Date.now(), kind: 'restart' });
    const outage24h = ev.nextOutageThreshold(billing);
    if (outage24h !== undefined) due.push({ atMs: outage24h, kind: 'outage-threshold' });
    if (state.pendingPlan) due.push({ atMs: jstMidnightMs(state.pendingPlan.from), kind: 'plan-change' });
    if (state.forceMajeure && !state.forceMajeure.ended && !state.forceMajeure.rightOpen) {
      due.push({ atMs: Date.parse(state.forceMajeure.rightToTerminateFrom), kind: 'force-majeure' });
    }
    if (state.endDate) due.push({ atMs: endOfDayMs(state.endDate), kind: 'contract-end' });
    else if (state.period) {
      due.push({ atMs: endOfDayMs(state.period.end), kind: 'renewal' });
      if (calendar && state.renewalRemindedFor !== state.period.end) {
        const day = renewalReminderDay(calendar, state.period.end, rules.renewal!.nonRenewalLeadMonths);
        due.push({ atMs: jstMidnightMs(day), kind: 'renewal-reminder' });
      }
    }
    // Same instant: close the month first (kinds are listed in processing order).
    due.sort((a, b) => a.atMs - b.atMs || DUE_ORDER.indexOf(a.kind) - DUE_ORDER.indexOf(b.kind));
    return due[0];
  };

  const view = (): ContractView => {
    const next = nextDue();
    return {
      ...state,
      contractId: input.contractId,
      terms: input.terms,
      termsVersion: input.termsVersion,
      planId: input.planId,
      customerId: input.customer.id,
      appliedAt: input.appliedAt,
      nextDeadline: next
        ? { at: new Date(next.atMs).toISOString(), kind: [next.kind, next.month ?? next.invoiceId ?? next.violationId ?? next.announcementId].filter(Boolean).join(':') }
        : undefined,
      nonRenewalDeadline:
        state.status === 'active' && state.period && !state.endDate && rules.renewal
          ? nonRenewalDeadline(state.period.end, rules.renewal.nonRenewalLeadMonths)
          : undefined,
    };
  };

  /** Search attributes last upserted in this run: an unchanged value adds no history event. */
  let upserted: string | undefined;

  /** Writes the contract row (the queryable projection); `as` saves a changed input (restart). */
  const save = async (as: ContractInput = input) => {
    const v = view();
    await acts.saveContract({
      id: as.contractId,
      terms: as.terms,
      termsVersion: as.termsVersion,
      planId: as.planId,
      customerId: as.customer.id,
      // After TNC-37.5 / NGN-43 deletion the projection never writes personal data back.
      customerName: state.aftermath?.personalDataDeletedOn ? '（削除済み）' : as.customer.name,
      customerEmail: state.aftermath?.personalDataDeletedOn ? '' : as.customer.email,
      customerKind: as.customer.kind,
      channel: as.channel,
      status: state.status,
      appliedAt: as.appliedAt,
      formedAt: state.formedAt,
      serviceStart: state.serviceStart,
      billingStart: state.billingStart,
      nextDeadline: v.nextDeadline?.at,
      nextDeadlineKind: v.nextDeadline?.kind,
      nonRenewalDeadline: v.nonRenewalDeadline,
      endedAt: state.endedAt,
      queuePriority: state.queuePriority,
    });
    // The same facts as search attributes, for listing contracts in the Temporal UI.
    const attrs = {
      terms: as.terms,
      status: state.status,
      next: v.nextDeadline?.at ?? null,
      nonRenewal: v.nonRenewalDeadline ? new Date(jstMidnightMs(v.nonRenewalDeadline)).toISOString() : null,
    };
    if (JSON.stringify(attrs) !== upserted) {
      upserted = JSON.stringify(attrs);
      upsertSearchAttributes([
        { key: YAKKAN_TERMS, value: attrs.terms },
        { key: YAKKAN_STATUS, value: attrs.status },
        { key: YAKKAN_NEXT_DEADLINE, value: attrs.next ? new Date(attrs.next) : null },
        { key: YAKKAN_NON_RENEWAL_DEADLINE, value: attrs.nonRenewal ? new Date(attrs.nonRenewal) : null },
      ]);
    }
  };

  setHandler(getContract, view);

  setHandler(
    acceptApplication,
    async (a: AcceptInput) => {
      deciding = true;
      await condition(() => registered);
      const party = { contractId: input.contractId, customerName: input.customer.name, termsTitle: rules.title };
      let formedAt: string;
      const serviceStart = a.serviceStartDate ?? today();
      if (rules.formation === 'acceptance-notice-sent') {
        // NGN-11: the contract is formed when the acceptance notice is sent.
        const proof = await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:acceptance:${rules.formationClause}`,
          recipient: input.customer.email,
          ...acceptanceNotice({ ...party, serviceStart, clauseId: rules.formationClause }),
        });
        if (!proof.delivered) {
          // NGN-11: no notice sent, no contract formed. The update fails; ops were alerted and may accept again.
          deciding = false;
          throw ApplicationFailure.create({
            type: 'NoticeUndeliverable',
            nonRetryable: true,
            message: `NGN-11: the acceptance notice could not be sent (${proof.error ?? 'unknown'}); the contract is not formed. Ops were alerted; accept again once delivery works.`,
          });
        }
        formedAt = proof.sentAt;
      } else {
        // TNC-12: the contract is formed when the applicant is entered in the provider's database.
        formedAt = (await acts.recordFormation(input.contractId)).formedAt;
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:acceptance:${rules.formationClause}`,
          recipient: input.customer.email,
          ...acceptanceNotice({ ...party, serviceStart, clauseId: rules.formationClause }),
        });
      }
      state.formedAt = formedAt;
      state.serviceStart = serviceStart;
      // NGN: fees accrue from the billing start date (課金開始日); TNC-26: from the formation date.
      state.billingStart =
        rules.feeAccrualStart === 'billing-start'
          ? (a.billingStartDate ?? serviceStart)
          : jstDateOf(formedAt);
      if (rules.minimumTermMonths > 0) {
        // NGN-17: the minimum term runs from the 1st of the month after the service start.
        state.minimumTerm = minimumTerm(serviceStart, rules.minimumTermMonths);
      }
      if (rules.renewal) {
        // NGN-39: the first contract period is the minimum term (or a period of the same length).
        const start = state.minimumTerm?.start ?? serviceStart;
        state.period = { start, end: addDays(addMonthsClamped(start, rules.renewal.periodMonths), -1), renewals: 0 };
      }
      await loadCalendar();
      state.status = 'active';
      await save();
      return view();
    },
    {
      validator: (a: AcceptInput) => {
        if (state.status !== 'applied' || deciding) {
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
      },
    },
  );

  setHandler(
    rejectApplication,
    async (r: RejectInput) => {
      deciding = true;
      await condition(() => registered);
      const labels = rejectionGrounds(input.terms, input.termsVersion);
      const clauseId = rules.rejectionClause;
      await notify({
        contractId: input.contractId,
        idempotencyKey: `${input.contractId}:rejection:${clauseId}`,
        recipient: input.customer.email,
        ...rejectionNotice({
          contractId: input.contractId,
          customerName: input.customer.name,
          termsTitle: rules.title,
          grounds: r.grounds.map((code) => ({ code, label: labels[code] ?? '' })),
          reason: r.reason,
          clauseId,
        }),
      });
      const now = new Date(Date.now()).toISOString();
      state.rejection = { grounds: [...r.grounds], reason: r.reason, decidedAt: now };
      state.status = 'rejected';
      state.endedAt = now;
      await save();
      return view();
    },
    {
      validator: (r: RejectInput) => {
        if (state.status !== 'applied' || deciding) {
          conflict(`contract ${input.contractId} is ${state.status}; only an open application can be rejected`);
        }
        const labels = rejectionGrounds(input.terms, input.termsVersion);
        if (r.grounds.length === 0) invalid('grounds', 'at least one rejection ground is required');
        for (const g of r.grounds) {
          if (!labels[g]) invalid('grounds', `${g} is not a rejection ground of ${input.terms}-12 (1–9)`);
        }
        if (!r.reason.trim()) invalid('reason', 'a written reason is required');
      },
    },
  );

  setHandler(
    requestCancellation,
    async (c: CancellationInput) => {
      const receivedOn = today();
      const insideMinimumTerm = !!state.minimumTerm && c.desiredDate <= state.minimumTerm.end;
      state.cancellation = {
        receivedOn,
        desiredDate: c.desiredDate,
        latestNoticeDay: cancellationLeadDay(c.desiredDate),
        insideMinimumTerm,
      };
      state.endDate = c.desiredDate;
      state.endReason = 'cancellation';
      const fee = insideMinimumTerm && rules.earlyTerminationFee && state.minimumTerm
        ? earlyTerminationFee({ minimumTermEnd: state.minimumTerm.end, effectiveDate: c.desiredDate, monthlyFee: plan.monthlyFee })
        : undefined;
      await notify({
        contractId: input.contractId,
        idempotencyKey: `${input.contractId}:cancellation-receipt:${rules.cancellation.clause}`,
        recipient: input.customer.email,
        ...cancellationReceipt({
          contractId: input.contractId,
          customerName: input.customer.name,
          termsTitle: rules.title,
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
      await save();
      return view();
    },
    {
      validator: (c: CancellationInput) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}; only an active contract can be cancelled`);
        if (state.endDate) conflict(`contract ${input.contractId} already ends on ${state.endDate} (${state.endReason})`);
        if (!isValidIsoDate(c.desiredDate)) invalid('desiredDate', `not a date (YYYY-MM-DD): ${c.desiredDate}`);
        const now = today();
        if (c.desiredDate < now) invalid('desiredDate', `${c.desiredDate} is in the past (today is ${now} JST)`);
        if (state.serviceStart && c.desiredDate < state.serviceStart) {
          invalid('desiredDate', `${c.desiredDate} is before the service start ${state.serviceStart}`);
        }
        if (Number(c.desiredDate.slice(0, 4)) > calendarYears[1]) {
          invalid('desiredDate', `${c.desiredDate} is beyond the business calendar (until ${calendarYears[1]}-12-31)`);
        }
        const latest = cancellationLeadDay(c.desiredDate);
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
      const period = state.period!;
      const deadline = nonRenewalDeadline(period.end, rules.renewal!.nonRenewalLeadMonths);
      state.nonRenewal = { receivedOn: today(), deadline };
      state.endDate = period.end;
      state.endReason = 'non-renewal';
      await notify({
        contractId: input.contractId,
        idempotencyKey: `${input.contractId}:non-renewal-receipt:${period.end}:NGN-39`,
        recipient: input.customer.email,
        ...nonRenewalReceipt({
          contractId: input.contractId,
          customerName: input.customer.name,
          termsTitle: rules.title,
          receivedOn: state.nonRenewal.receivedOn,
          endDate: period.end,
          clauseId: 'NGN-39',
        }),
      });
      await save();
      return view();
    },
    {
      validator: (_n: NonRenewalInput) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        if (!rules.renewal || !state.period) conflict(`${input.terms} contracts have no fixed period to decline (no NGN-39 renewal)`);
        if (state.endDate) conflict(`contract ${input.contractId} already ends on ${state.endDate} (${state.endReason})`);
        const deadline = nonRenewalDeadline(state.period.end, rules.renewal.nonRenewalLeadMonths);
        const now = today();
        if (now > deadline) {
          lateNotice(
            'receivedOn',
            `NGN-39: a non-renewal notice for the period ending ${state.period.end} had to arrive by ${deadline}; ` +
              `received ${now}. The contract renews to ${addDays(addMonthsClamped(addDays(state.period.end, 1), rules.renewal.periodMonths), -1)}`,
            deadline,
          );
        }
      },
    },
  );

  setHandler(
    recordPayment,
    async (p) => {
      const result = await applyPayment(billing, p);
      ev.liftPaid(billing); // NGN-37(1) / TNC-41(1): paid in full lifts the non-payment stoppage
      return result;
    },
    {
    validator: (p) => {
      if (state.status === 'applied' || state.status === 'rejected') conflict(`contract ${input.contractId} is ${state.status}; it has no invoices`);
      validatePayment(billing, p);
    },
  });
  setHandler(reportUsage, (u) => applyUsage(billing, u), {
    validator: (u) => {
      if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}; usage is recorded on active contracts`);
      validateUsage(billing, u);
    },
  });
  setHandler(chargeSurcharge, (x) => applySurcharge(billing, x), {
    validator: (x) => {
      if (state.status !== 'active' && state.status !== 'ended') conflict(`contract ${input.contractId} is ${state.status}`);
      validateSurcharge(billing, x);
    },
  });
  setHandler(chargeDispatch, (x) => applyDispatch(billing, x), {
    validator: (x) => {
      if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
      validateDispatch(billing, x);
    },
  });

  setHandler(reportViolation, (v) => ev.openViolation(billing, v), { validator: (v) => ev.validateViolation(billing, v) });
  setHandler(recordCure, (c) => ev.cure(billing, c), { validator: (c) => ev.validateCure(billing, c) });
  setHandler(applyMeasure, (m) => ev.measure(billing, m), { validator: (m) => ev.validateMeasure(billing, m) });
  setHandler(scheduleSuspension, (x) => ev.startSuspension(billing, x), { validator: (x) => ev.validateSuspension(billing, x) });
  setHandler(liftSuspension, (x) => ev.lift(billing, x), { validator: (x) => ev.validateLift(billing, x) });
  setHandler(reportOutage, (o) => ev.openOutage(billing, o), { validator: (o) => ev.validateOutage(billing, o) });
  setHandler(restoreOutage, (r) => ev.restore(billing, r), { validator: (r) => ev.validateRestore(billing, r) });
  setHandler(recordDisclosure, (d) => ev.disclose(billing, d), { validator: (d) => ev.validateDisclosure(billing, d) });
  setHandler(alertMalware, (a) => ev.sendMalwareAlert(billing, a), { validator: (a) => ev.validateMalwareAlert(billing, a) });
  setHandler(grantCarrierShare, (c) => ev.grantShare(billing, c), { validator: (c) => ev.validateCarrierShare(billing, c) });
  setHandler(reportPaymentMethodInvalid, (x) => ev.stopForInvalidPaymentMethod(billing, x), {
    validator: (x) => ev.validateInvalidPaymentMethod(billing, x),
  });
  setHandler(announce, (a) => ev.receiveAnnouncement(billing, a), { validator: (a) => ev.validateAnnouncement(billing, a) });
  setHandler(
    objectToTermsChange,
    async (o) => {
      ev.object(billing, o);
      return view();
    },
    { validator: (o) => ev.validateObjection(billing, o) },
  );
  setHandler(
    terminateByProvider,
    async (t: ProviderTerminationInput) => {
      await ev.terminate(billing, { clauseId: t.clauseId, item: t.item, reason: t.reason, endDate: today() });
      return view();
    },
    {
      validator: (t: ProviderTerminationInput) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        if (!t.clauseId.startsWith(input.terms)) invalid('clauseId', `${t.clauseId} is not a clause of ${input.terms}`);
        if (!t.reason.trim()) invalid('reason', 'a reason is required');
        if (state.endReason === 'provider-termination') conflict('termination already decided');
        if (t.clauseId === 'NGN-40' && t.item === 10 && !state.forceMajeure?.rightOpen) {
          conflict(
            state.forceMajeure
              ? `NGN-40 (10): the force majeure has not lasted more than 30 days yet (right opens ${state.forceMajeure.rightToTerminateFrom})`
              : 'NGN-40 (10): no force majeure is recorded on this contract',
          );
        }
      },
    },
  );

  setHandler(
    reportForceMajeure,
    async (f: ForceMajeureInput) => {
      // NGN-40 (10): "more than 30 days" — counted per 民法 第140条 from the event; the right opens after.
      const limit = getTerms(input.terms, input.termsVersion).forceMajeureTerminationDays.value!;
      state.forceMajeure = {
        startedAt: f.startedAt,
        rightToTerminateFrom: new Date(dayCountedPeriod(f.startedAt, limit).endsAtMs).toISOString(),
        rightOpen: false,
      };
      return view();
    },
    {
      validator: (f: ForceMajeureInput) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        if (getTerms(input.terms, input.termsVersion).forceMajeureTerminationDays.value === null) {
          conflict(`${input.terms} has no force-majeure termination right (NGN-40 (10) is NGN only)`);
        }
        if (state.forceMajeure && !state.forceMajeure.ended) conflict('a force majeure is already open');
        if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(f.startedAt) || Number.isNaN(Date.parse(f.startedAt))) {
          invalid('startedAt', `not an ISO instant with offset: ${f.startedAt}`);
        }
        if (Date.parse(f.startedAt) > Date.now()) invalid('startedAt', 'is in the future');
      },
    },
  );
  setHandler(
    endForceMajeure,
    async (e: { endedAt: string }) => {
      state.forceMajeure!.ended = e.endedAt;
      state.forceMajeure!.rightOpen = false;
      return view();
    },
    {
      validator: (e: { endedAt: string }) => {
        if (!state.forceMajeure || state.forceMajeure.ended) conflict('no force majeure is open');
        if (Number.isNaN(Date.parse(e.endedAt))) invalid('endedAt', `not an ISO instant: ${e.endedAt}`);
      },
    },
  );
  setHandler(
    submitErasureCertificate,
    async (c: ErasureCertificateInput) => {
      state.aftermath = { ...(state.aftermath ?? { reminders: 0 }), certificateOn: today(), equipmentReturned: c.equipmentReturned };
      return view();
    },
    {
      validator: (_c: ErasureCertificateInput) => {
        if (state.status !== 'ended') conflict('NGN-43: the erasure certificate is due after the contract has ended');
        if (!getTerms(input.terms, input.termsVersion).erasureCertificate.value) conflict(`${input.terms} requires no erasure certificate (NGN-43 is NGN only)`);
        if (state.aftermath?.certificateOn) conflict(`the certificate was received on ${state.aftermath.certificateOn}`);
      },
    },
  );

  /** Set by a command that changes the workflow's input; the main loop continues as new with it. */
  let restartWith: ContractInput | undefined;

  setHandler(
    setQueuePriority,
    async ({ priority }) => {
      state.queuePriority = priority;
      await save();
      return view();
    },
    {
      validator: ({ priority }) => {
        if (state.status !== 'applied') conflict(`contract ${input.contractId} is ${state.status}; only open applications are queued`);
        if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) invalid('priority', 'must be a whole number from -1000 to 1000');
      },
    },
  );

  const pauseRule = () => getTerms(input.terms, input.termsVersion).pauseResume.value;
  setHandler(
    pauseService,
    async () => {
      state.paused = { since: today() };
      await save();
      return view();
    },
    {
      validator: (_x: Record<string, never>) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        if (!pauseRule().allowed) conflict(`${input.terms} has no pause (TNC-16 is TNC only)`);
        if (plan.docomoBilled && !pauseRule().docomoCourseAllowed) conflict('TNC-16: the docomo-billed course (他社料金設定コース) cannot be paused');
        if (state.paused) conflict(`paused since ${state.paused.since}`);
      },
    },
  );
  setHandler(
    resumeService,
    async () => {
      state.paused = undefined;
      await save();
      return view();
    },
    {
      validator: (_x: Record<string, never>) => {
        if (!state.paused) conflict('the service is not paused');
      },
    },
  );

  setHandler(
    changePlan,
    async (c: PlanChangeInput) => {
      const from = firstOfNextMonth(today());
      state.pendingPlan = { planId: c.newPlanId, from };
      // TNC-15: on the docomo-billed course docomo is notified of the plan change.
      await notifyCarrierOfEvent({
        contractId: input.contractId,
        terms: input.terms,
        planId: input.planId,
        newPlanId: c.newPlanId,
        docomoBilled: plan.docomoBilled,
        event: 'plan-change',
        effectiveDate: from,
      });
      await save();
      return view();
    },
    {
      validator: (c: PlanChangeInput) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        if (state.endDate) conflict(`contract ${input.contractId} ends on ${state.endDate}`);
        const next = getPlan(c.newPlanId);
        if (!next || next.terms !== input.terms) invalid('newPlanId', `plan ${c.newPlanId} does not exist under ${input.terms}`);
        if (next.id === input.planId) invalid('newPlanId', `the contract is already on ${next.id}`);
        if (next.customerKind !== 'any' && next.customerKind !== input.customer.kind) invalid('newPlanId', `plan ${next.id} is for ${next.customerKind} customers`);
        if (state.pendingPlan) conflict(`a change to ${state.pendingPlan.planId} from ${state.pendingPlan.from} is already accepted`);
      },
    },
  );

  setHandler(
    registerFaultContact,
    async (c: FaultContactInput) => {
      state.faultContact = { email: c.email.trim(), registeredOn: today() };
      return view();
    },
    {
      validator: (c: FaultContactInput) => {
        if (state.status === 'rejected' || state.status === 'ended') conflict(`contract ${input.contractId} is ${state.status}`);
        requireEmail('email', typeof c?.email === 'string' ? c.email.trim() : c?.email);
      },
    },
  );

  setHandler(
    changeContractor,
    async (c: ContractorChangeInput) => {
      const clauseId = c.kind === 'name-change' ? (input.terms === 'NGN' ? 'NGN-14' : 'TNC-13') : input.terms === 'NGN' ? 'NGN-15' : 'TNC-13';
      state.contractorChanges = [...(state.contractorChanges ?? []), { on: today(), kind: c.kind, clauseId, evidence: c.evidence }];
      restartWith = {
        ...input,
        customer: {
          ...input.customer,
          name: c.name ?? input.customer.name,
          email: c.email ?? input.customer.email,
          id: c.kind === 'succession' && c.customerId ? c.customerId : input.customer.id,
        },
      };
      return view();
    },
    {
      validator: (c: ContractorChangeInput) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        if (!c.evidence?.trim()) invalid('evidence', 'NGN-14 / NGN-15 / TNC-13: the change needs its evidence (書類)');
        if (!c.name && !c.email && !c.customerId) invalid('name', 'nothing to change');
        if (c.kind === 'succession' && !c.customerId) invalid('customerId', 'a succession names the successor');
        if (c.email !== undefined) requireEmail('email', c.email);
      },
    },
  );

  /** The day after the due date an invoice is still open: the customer is reminded (NGN-21 / TNC-29 apply from then). */
  async function invoiceOverdue(invoiceId: string) {
    const inv = state.openInvoices.find((i) => i.id === invoiceId);
    if (!inv) return;
    inv.overdueNotified = true;
    await notify({
      contractId: input.contractId,
      idempotencyKey: `${invoiceId}:overdue:${rules.lateInterest.clause}`,
      recipient: input.customer.email,
      ...overdueReminder({
        contractId: input.contractId,
        customerName: input.customer.name,
        termsTitle: rules.title,
        invoiceId,
        dueDate: inv.dueDate,
        open: yen(inv.total).minus(yen(inv.paid)).toFixed(),
        annualRate: rules.lateInterest.annualRate,
        clauseId: rules.lateInterest.clause,
      }),
    });
    // NGN-37 (1) / TNC-41 (1): after the reminder, the stoppage for non-payment with its notice.
    if (state.status === 'active' && !state.endDate) await ev.suspendForNonPayment(billing, invoiceId, inv.dueDate);
  }

  /** NGN-41: latest notice day for a desired date; undefined when the 約款 sets no lead (TNC-17). */
  function cancellationLeadDay(desired: IsoDate): IsoDate | undefined {
    const { leadMonths, leadBusinessDays } = rules.cancellation;
    if (leadMonths === 0 && leadBusinessDays === 0) return undefined;
    return latestCancellationNoticeDay(calendar!, desired, leadMonths, leadBusinessDays);
  }

  if (!input.resume) await save();
  registered = true;
  if (state.status === 'applied' && !state.escalatedAt) {
    // NGN-11: applications are decided in order; one nobody decided within N business days is escalated.
    await loadCalendar();
    const days = input.escalateAfterBusinessDays ?? DEFAULT_ESCALATION_BUSINESS_DAYS;
    const lastDay = calendar!.addBusinessDays(jstDateOf(input.appliedAt), days);
    const decided = await condition(() => state.status !== 'applied', Math.max(0, endOfDayMs(lastDay) - Date.now()));
    if (!decided && state.status === 'applied' && !deciding) {
      state.escalatedAt = (await acts.escalateApplication({ contractId: input.contractId, appliedAt: input.appliedAt, businessDays: days })).escalatedAt;
    }
  }
  await condition(() => state.status !== 'applied');
  if (state.status === 'active' && !calendar) await loadCalendar();

  let closesThisRun = 0;
  for (;;) {
    const due = nextDue();
    if (!due) break;
    const waitMs = due.atMs - Date.now();
    if (waitMs > 0) {
      // Signal or deadline: a command (cancellation, non-renewal) can move the next deadline.
      const before = JSON.stringify(due);
      const moved = await condition(() => JSON.stringify(nextDue()) !== before, waitMs);
      if (moved) continue;
    }
    if (due.kind === 'month-close') {
      await closeMonth(billing, due.month!);
      closesThisRun += 1;
    } else if (due.kind === 'invoice-overdue') {
      await invoiceOverdue(due.invoiceId!);
    } else if (due.kind === 'restart' || due.kind === 'plan-change') {
      // NGN-13 / TNC-15 plan change from its month; NGN-14/15, TNC-13 contractor change: the input changes.
      const next: ContractInput = { ...(restartWith ?? input) };
      if (due.kind === 'plan-change') {
        next.planId = state.pendingPlan!.planId;
        state.pendingPlan = undefined;
      }
      await save(next);
      await condition(allHandlersFinished);
      await continueAsNew<typeof contractWorkflow>({ ...next, resume: { ...state, run: state.run + 1 } });
    } else if (due.kind === 'outage-threshold') {
      await ev.outageThresholdsReached(billing);
    } else if (due.kind === 'renewal-reminder') {
      // NGN-39: remind the contractor of the non-renewal deadline before it passes.
      const p = state.period!;
      state.renewalRemindedFor = p.end;
      const deadline = nonRenewalDeadline(p.end, rules.renewal!.nonRenewalLeadMonths);
      if (today() <= deadline) {
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:renewal-reminder:${p.end}:NGN-39`,
          recipient: input.customer.email,
          ...renewalReminder({
            contractId: input.contractId,
            customerName: input.customer.name,
            termsTitle: rules.title,
            periodEnd: p.end,
            deadline,
            renewedUntil: addDays(addMonthsClamped(addDays(p.end, 1), rules.renewal!.periodMonths), -1),
          }),
        });
      }
    } else if (due.kind === 'force-majeure') {
      state.forceMajeure!.rightOpen = true; // NGN-40 (10): ops may now terminate
    } else if (due.kind === 'suspension') {
      ev.advanceSuspensions(billing);
    } else if (due.kind === 'default-measure') {
      const v = state.violations!.find((x) => x.id === due.violationId)!;
      await ev.measure(billing, { violationId: v.id, measure: v.defaultMeasure! });
    } else if (due.kind === 'terms-change') {
      // The new catalog version applies from its effective date: continue as new under it.
      const a = state.announcements!.find((x) => x.id === due.announcementId)!;
      a.applied = true;
      const next: ContractInput = { ...input, termsVersion: a.newTermsVersion ?? input.termsVersion };
      await save(next);
      await condition(allHandlersFinished);
      await continueAsNew<typeof contractWorkflow>({ ...next, resume: { ...state, run: state.run + 1 } });
    } else if (due.kind === 'renewal') {
      // NGN-39: no timely non-renewal notice, so the period is extended by 12 months.
      const p = state.period!;
      const start = addDays(p.end, 1);
      state.period = { start, end: addDays(addMonthsClamped(start, rules.renewal!.periodMonths), -1), renewals: p.renewals + 1 };
    } else {
      await endContract(billing);
    }
    await save();
    if (state.status === 'active' && (closesThisRun >= MONTHS_PER_RUN || workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof contractWorkflow>({ ...input, resume: { ...state, run: state.run + 1 } });
    }
  }
  if (state.status === 'ended') await aftermath();
  await condition(allHandlersFinished);
  return view();

  /**
   * After the end. NGN-43: the contractor returns equipment and submits an erasure certificate;
   * reminders go out every interval until it arrives (then ops take over). Then, after the
   * retention period (TNC-37.5; NGN decided), the customer's personal data is deleted.
   */
  async function aftermath() {
    const catalog = getTerms(input.terms, input.termsVersion);
    const cert = catalog.erasureCertificate.value;
    const party = { contractId: input.contractId, customerName: input.customer.name, termsTitle: rules.title };
    const terminatedOn = state.endDate ?? jstDateOf(Date.now());
    state.aftermath ??= { reminders: 0 };
    if (cert?.required) {
      while (!state.aftermath.certificateOn && state.aftermath.reminders < cert.maxReminders) {
        const got = await condition(() => !!state.aftermath?.certificateOn, `${cert.reminderIntervalDays} days`);
        if (got) break;
        state.aftermath.reminders += 1;
        await notify({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:erasure-reminder:${state.aftermath.reminders}:NGN-43`,
          recipient: input.customer.email,
          ...erasureCertificateReminder({ ...party, terminatedOn, reminderNo: state.aftermath.reminders, maxReminders: cert.maxReminders }),
        });
      }
      if (!state.aftermath.certificateOn) state.aftermath.escalated = true; // reminders exhausted: ops follow up
    }
    const retention = catalog.retentionDaysAfterTermination;
    const deleteAtMs = jstMidnightMs(addDays(terminatedOn, retention.value + 1));
    if (deleteAtMs > Date.now()) await sleep(deleteAtMs - Date.now());
    const clauseId = input.terms === 'NGN' ? 'NGN-43' : 'TNC-37.5';
    await notify({
      contractId: input.contractId,
      idempotencyKey: `${input.contractId}:data-deletion:${clauseId}`,
      recipient: input.customer.email,
      ...dataDeletionNotice({ ...party, clauseId, terminatedOn, deletedOn: today(), retentionDays: retention.value }),
    });
    await acts.erasePersonalData(input.contractId);
    state.aftermath.personalDataDeletedOn = today();
    state.faultContact = undefined; // NGN-52 contact: personal data too
    await save();
  }
}

interface Due {
  atMs: number;
  kind:
    | 'month-close'
    | 'invoice-overdue'
    | 'suspension'
    | 'default-measure'
    | 'force-majeure'
    | 'outage-threshold'
    | 'renewal-reminder'
    | 'terms-change'
    | 'plan-change'
    | 'restart'
    | 'renewal'
    | 'contract-end';
  month?: string;
  invoiceId?: string;
  violationId?: string;
  announcementId?: string;
}
const DUE_ORDER: Due['kind'][] = [
  'month-close',
  'invoice-overdue',
  'suspension',
  'default-measure',
  'force-majeure',
  'outage-threshold',
  'renewal-reminder',
  'terms-change',
  'plan-change',
  'restart',
  'renewal',
  'contract-end',
];

/** NGN-11: business days an application may wait for a decision before ops are alerted. */
export const DEFAULT_ESCALATION_BUSINESS_DAYS = 5;

/** Years of holiday data loaded ahead of today; a cancellation further out is refused. */
const CALENDAR_YEARS_AHEAD = 4;

/**
 * Ends the contract at 24:00 JST of its last day: the final invoice bills the last month(s) up to
 * that day and, when the end falls inside the minimum term, the NGN-18 early-termination fee
 * (outside consumption tax). TNC-17: nothing already paid is refunded (fees are billed in arrears,
 * so no credit is posted).
 */
async function endContract(ctx: BillingContext) {
  const { state, rules, plan, input } = ctx;
  const end = state.endDate!;
  const extra: LedgerLine[] = [];
  // NGN-18 applies to the contractor's own cancellation (契約者が…解約した場合) only: not to
  // termination by the provider, abolition or non-renewal.
  if (rules.earlyTerminationFee && state.endReason === 'cancellation' && state.minimumTerm && end < state.minimumTerm.end) {
    const fee = earlyTerminationFee({ minimumTermEnd: state.minimumTerm.end, effectiveDate: end, monthlyFee: plan.monthlyFee });
    if (fee.months > 0) {
      extra.push({
        idempotencyKey: `${input.contractId}:termination:NGN-18:penalty`,
        clauseId: 'NGN-18',
        kind: 'penalty',
        taxClass: 'out-of-scope',
        amount: fee.amount.toFixed(),
        effectiveDate: end,
        description: `違約金（最低利用期間 ${state.minimumTerm.end} までの残 ${fee.months} か月 × 月額 ${plan.monthlyFee}円、不課税）`,
      });
    }
  }
  await finalInvoice(ctx, end, extra);
  state.status = 'ended';
  state.endedAt = new Date(Date.now()).toISOString();
}
