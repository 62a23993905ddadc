/**
 * Notice catalogue (issue 7): every notice the two 約款 call for, with the clause that requires it,
 * what triggers it, when it must go out (lead time), by which channel and to whom.
 *
 * Pure data and pure functions (no I/O, no clock), so the contract workflow, activities, API and
 * tests can all import it. Lead times the texts state come from the terms catalogs (rules/terms/);
 * the ones the texts leave open are marked `decided` with the reason next to them (CLAUSES.md
 * **decide** convention).
 */
import {
  BusinessCalendar,
  addDays,
  nonRenewalDeadline,
  type IsoDate,
} from '../rules/calendar.js';
import { getTerms, type ClauseId, type NoticeKind, type TermsCatalog, type TermsId } from '../rules/terms/index.js';

export type { NoticeKind };

/**
 * Channels (NGN-49 / TNC-5: notices may be electronic or on paper). 'paper' marks a notice the
 * 約款 wants in writing (書面): the same rendered text is also printed and posted by ops.
 */
export type NoticeChannel = 'email' | 'paper' | 'web' | 'carrier-webhook';

/**
 * Who receives it.
 * - customer: the contract's registered e-mail address.
 * - fault-contact-or-customer: NGN-52 registered fault contact (故障連絡先) when there is one,
 *   otherwise the customer address.
 * - carrier: NTT docomo, by the signed webhook (TNC 他社料金設定コース).
 */
export type RecipientRule = 'customer' | 'fault-contact-or-customer' | 'carrier';

export type LeadTime =
  /** Sent when the trigger happens (no lead), e.g. a receipt or the acceptance notice. */
  | { readonly when: 'on-trigger'; readonly note?: string }
  /** Sent at least `amount` units before `anchor`. */
  | {
      readonly when: 'before';
      readonly anchor: string;
      readonly amount: number;
      /** 'clear-days': that many whole days strictly between notice day and anchor day. */
      readonly unit: 'calendar-days' | 'business-days' | 'clear-days';
      /** NGN-36/37: 緊急やむを得ない場合 the notice may follow the measure. */
      readonly exceptEmergency?: boolean;
    }
  /** Sent `amount` units after `anchor`. */
  | { readonly when: 'after'; readonly anchor: string; readonly amount: number; readonly unit: 'calendar-days' | 'business-days' }
  /** Repeated every `everyDays` from `anchor`, at most `max` times. */
  | { readonly when: 'repeat'; readonly anchor: string; readonly everyDays: number; readonly max: number };

export interface CatalogueEntry {
  readonly kind: NoticeKind;
  /** Japanese title as used in subjects. */
  readonly title: string;
  /** Clauses per 約款 (first = the one cited as the notice's clause id); absent = not in that 約款. */
  readonly clauses: Readonly<Partial<Record<TermsId, readonly ClauseId[]>>>;
  readonly trigger: string;
  readonly lead: Readonly<Partial<Record<TermsId, LeadTime>>>;
  readonly channels: Readonly<Partial<Record<TermsId, readonly NoticeChannel[]>>>;
  readonly recipient: RecipientRule;
  /** Elements the rendered text must contain (checked by the template tests). */
  readonly requires: readonly ('date' | 'amount' | 'reason' | 'period' | 'deadline' | 'grounds')[];
  /** Only for the docomo-billed course (plan.docomoBilled). */
  readonly docomoCourseOnly?: boolean;
  /** When a lead time or channel is our reading (CLAUSES.md **decide**): why. */
  readonly decided?: string;
}

// ---------------------------------------------------------------------------------------------
// Decided parameters (named, documented)
// ---------------------------------------------------------------------------------------------

/**
 * NGN-39 renewal reminder: 10 business days before the non-renewal deadline.
 * Decided: NGN-39 needs a *written* notice to *arrive* by the deadline (one month before the expiry instant). A
 * corporate customer needs an internal decision and a posted letter; two business weeks before the
 * deadline leaves time for both, and business days keep the reminder clear of Golden Week and the
 * year-end break, where a calendar-day lead could land the whole window in holidays.
 */
export const RENEWAL_REMINDER_BUSINESS_DAYS = 10;

/**
 * Overdue reminder: the day after the due date, i.e. the first day NGN-21 / TNC-29 late damages
 * accrue (支払期日の翌日から). Decided: the reminder tells the customer the day damages start, so
 * it goes out on that day; this is when the billing workflow sends it (invoiceOverdue).
 */
export const OVERDUE_REMINDER_DAYS_AFTER_DUE = 1;

/**
 * TNC-3 objection deadline: a written objection is in time when it arrives by the effective date,
 * that day included (第3条4項: 効力発生日までの間に当社に到達した場合). An objection received on
 * the effective date itself still ends the contract on that date. (CLAUSES.md revised 2026-12-01;
 * the earlier reading, the day before, refused a right the text gives.)
 */
export const TERMS_CHANGE_OBJECTION_DAYS_BEFORE = 0;

const ngn = getTerms('NGN');
const tnc = getTerms('TNC');

/** NGN-36 / NGN-37 prior notice of a planned suspension or stoppage, in days (terms catalog suspensionNoticeLeadDays, decided). */
export const SUSPENSION_NOTICE_DAYS = ngn.suspensionNoticeLeadDays.value;

/** An entry's clauses per 約款, read from the terms catalogs (each catalog's noticeClauses is the one source). */
function clausesOf(kind: NoticeKind): Partial<Record<TermsId, readonly ClauseId[]>> {
  const out: Partial<Record<TermsId, readonly ClauseId[]>> = {};
  for (const c of [ngn, tnc] as TermsCatalog[]) {
    const list = c.noticeClauses[kind];
    if (list) out[c.id] = list;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------

export const NOTICE_CATALOGUE: readonly CatalogueEntry[] = Object.freeze([
  {
    kind: 'acceptance',
    title: 'ご利用申込み承諾のお知らせ',
    clauses: clausesOf('acceptance'),
    trigger: 'ops accepts the application (acceptApplication update)',
    lead: {
      NGN: { when: 'on-trigger', note: 'NGN-11: the contract is formed when this notice is sent; formation time = send time' },
      TNC: { when: 'on-trigger', note: 'TNC-12: formed at database entry; this notice follows it' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
  },
  {
    kind: 'rejection',
    title: 'ご利用申込みについて（承諾できない旨のご通知）',
    clauses: clausesOf('rejection'),
    trigger: 'ops rejects the application with ground codes (1)–(9) and a reason',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email', 'paper'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['grounds', 'reason'],
    decided:
      'NGN-12 wants the rejection 書面で. NGN-49 allows electronic notices, so the e-mail goes at once (and is the delivery proof); ops also posts the same rendered text on paper so the written form is met even for a customer who never agreed to e-mail.',
  },
  {
    kind: 'renewal-reminder',
    title: '契約期間満了および自動更新のご案内',
    clauses: clausesOf('renewal-reminder'),
    trigger: `${RENEWAL_REMINDER_BUSINESS_DAYS} business days before the NGN-39 non-renewal deadline of each contract period`,
    lead: { NGN: { when: 'before', anchor: 'NGN-39 non-renewal deadline (one month before the expiry at 24:00 of the period end)', amount: RENEWAL_REMINDER_BUSINESS_DAYS, unit: 'business-days' } },
    channels: { NGN: ['email'] },
    recipient: 'customer',
    requires: ['date', 'deadline'],
    decided: `renewalReminderDay(): ${RENEWAL_REMINDER_BUSINESS_DAYS} business days before the deadline (see RENEWAL_REMINDER_BUSINESS_DAYS).`,
  },
  {
    kind: 'non-renewal-receipt',
    title: '契約を更新しない旨のご通知の受領',
    clauses: clausesOf('non-renewal-receipt'),
    trigger: 'a timely written non-renewal notice is accepted (giveNonRenewalNotice update)',
    lead: { NGN: { when: 'on-trigger' } },
    channels: { NGN: ['email'] },
    recipient: 'customer',
    requires: ['date'],
  },
  {
    kind: 'cancellation-receipt',
    title: '解約のお申出の受付',
    clauses: clausesOf('cancellation-receipt'),
    trigger: 'a cancellation request is accepted (requestCancellation update)',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
  },
  {
    kind: 'early-termination-fee',
    title: '違約金（残契約期間分）のご請求',
    clauses: clausesOf('early-termination-fee'),
    trigger: 'the contract ends inside the NGN-17 minimum term and the NGN-18 penalty is posted',
    lead: { NGN: { when: 'on-trigger', note: 'with the final bill' } },
    channels: { NGN: ['email'] },
    recipient: 'customer',
    requires: ['amount', 'date'],
  },
  {
    kind: 'suspension',
    title: 'サービスの提供中止・利用停止のご通知',
    clauses: clausesOf('suspension'),
    trigger: 'ops schedules a temporary suspension (NGN-36) or a stoppage (NGN-37), or suspends a TNC customer (TNC-41)',
    lead: {
      NGN: { when: 'before', anchor: 'start of the suspension / stoppage', amount: SUSPENSION_NOTICE_DAYS, unit: 'calendar-days', exceptEmergency: true },
      TNC: { when: 'on-trigger', note: 'TNC-41: suspension without prior notice; the notice tells the reason when the measure is taken' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['reason', 'period'],
    decided: `NGN-36/37 say 事前に with reason and period; we give at least ${SUSPENSION_NOTICE_DAYS} days (SUSPENSION_NOTICE_DAYS).`,
  },
  {
    kind: 'violation',
    title: '約款違反の是正のお願い（是正期限のご通知）',
    clauses: clausesOf('violation'),
    trigger: 'a violation is recorded (NGN-25 cure window), a demand with a period is made (NGN-40 (6), TNC-40 (1)–(3), TNC-18 cure after suspension)',
    lead: {
      NGN: { when: 'on-trigger', note: `NGN-25: cure within ${ngn.cureWindowDays.value} days after the violation; NGN-40 demand: ${ngn.demandCurePeriodDays.value} days` },
      TNC: { when: 'on-trigger', note: `TNC-40 demand period ${tnc.cureWindowDays.value} days; TNC-18 cure period ${tnc.demandCurePeriodDays.value} days` },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['reason', 'deadline'],
  },
  {
    kind: 'termination',
    title: 'ご利用契約の解除のご通知',
    clauses: clausesOf('termination'),
    trigger: 'the provider terminates the contract (cure period passed, NGN-42 anti-social forces, TNC-18 grounds)',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email', 'paper'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['reason', 'date'],
    decided: 'NGN-40/42 need no prior notice, but the termination is still told (and posted on paper for NGN) so that the acceleration of debts (NGN-40 期限の利益の喪失) is known to the contractor.',
  },
  {
    kind: 'outage',
    title: '故障発生のお知らせ',
    clauses: clausesOf('outage'),
    trigger: 'an outage is recognised (the NGN-33.1 / TNC-42.1 24-hour clock starts at recognition)',
    lead: { NGN: { when: 'on-trigger', note: 'as soon as possible' }, TNC: { when: 'on-trigger', note: 'TNC-35: できる限り速やかに' } },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'fault-contact-or-customer',
    requires: ['date'],
  },
  {
    kind: 'outage-24h',
    title: '故障の継続（24時間経過）のお知らせ',
    clauses: clausesOf('outage-24h'),
    trigger: 'an open outage reaches 24 hours from recognition (not for NGN-33.3 causes, nor under TNC for causes outside the provider)',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'fault-contact-or-customer',
    requires: ['date'],
    decided:
      'NGN-33.1 / TNC-42.1 only count the outage from 24 hours after recognition and prescribe no notice at that moment; telling the customer when the threshold is crossed lets them know the compensation clock has started (the amount follows at restoration).',
  },
  {
    kind: 'restoration',
    title: '故障回復のお知らせ',
    clauses: clausesOf('restoration'),
    trigger: 'the outage is restored',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'fault-contact-or-customer',
    requires: ['date', 'period'],
  },
  {
    kind: 'credit',
    title: '料金の減額（損害賠償・料金免除）のお知らせ',
    clauses: clausesOf('credit'),
    trigger: 'an outage of 24 hours or more yields a credit (NGN-33.2, TNC-26.2 fee exemption, TNC-42.1 damages)',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['amount', 'period'],
  },
  {
    kind: 'invoice',
    title: 'ご利用料金のご請求',
    clauses: clausesOf('invoice'),
    trigger: 'a month is closed and its invoice issued (NGN-19 monthly settlement), or the final invoice',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['amount', 'deadline'],
  },
  {
    kind: 'overdue-reminder',
    title: 'お支払期日経過のお知らせ（督促）',
    clauses: clausesOf('overdue-reminder'),
    trigger: 'the invoice is still open on the day after its due date',
    lead: {
      NGN: { when: 'after', anchor: 'invoice due date', amount: OVERDUE_REMINDER_DAYS_AFTER_DUE, unit: 'calendar-days' },
      TNC: { when: 'after', anchor: 'invoice due date', amount: OVERDUE_REMINDER_DAYS_AFTER_DUE, unit: 'calendar-days' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['amount', 'deadline'],
    decided: 'overdueReminderDay(): the day after the due date (see OVERDUE_REMINDER_DAYS_AFTER_DUE).',
  },
  {
    kind: 'abolition',
    title: 'サービス廃止のお知らせ',
    clauses: clausesOf('abolition'),
    trigger: 'the provider decides to abolish (or, TNC-24, suspend) the service: fan-out to every affected contract',
    lead: {
      NGN: { when: 'before', anchor: 'abolition date', amount: ngn.abolitionNotice.value.leadDays, unit: 'clear-days' },
      TNC: { when: 'before', anchor: 'abolition / suspension date', amount: tnc.abolitionNotice.value.leadDays, unit: 'clear-days' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
    decided: 'NGN-38 lead = TNC-24’s 60 days, counted as clear days (terms catalog abolitionNotice).',
  },
  {
    kind: 'terms-change',
    title: '約款変更のお知らせ',
    clauses: clausesOf('terms-change'),
    trigger: 'a new terms version is published: fan-out to every affected contract',
    lead: {
      NGN: { when: 'before', anchor: 'effective date', amount: ngn.termsChangeNoticeDays.value, unit: 'calendar-days' },
      TNC: { when: 'before', anchor: 'effective date (after it, if the change only benefits customers)', amount: tnc.termsChangeNoticeDays.value, unit: 'calendar-days' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['date', 'deadline'],
    decided: `30 days (terms catalog termsChangeNoticeDays); TNC-3 objections arrive by the effective date, that day included (termsChangeObjectionDeadline).`,
  },
  {
    kind: 'erasure-certificate-reminder',
    title: 'ソフトウェア消去証明書ご提出のお願い',
    clauses: clausesOf('erasure-certificate-reminder'),
    trigger: 'the contract has ended and no erasure certificate has arrived',
    lead: {
      NGN: {
        when: 'repeat',
        anchor: 'termination date',
        everyDays: ngn.erasureCertificate.value?.reminderIntervalDays ?? 14,
        max: ngn.erasureCertificate.value?.maxReminders ?? 6,
      },
    },
    channels: { NGN: ['email'] },
    recipient: 'customer',
    requires: ['date'],
    decided: 'every 14 days, at most 6 reminders, then ops (terms catalog erasureCertificate).',
  },
  {
    kind: 'data-deletion',
    title: '契約情報の削除のお知らせ',
    clauses: clausesOf('data-deletion'),
    trigger: 'the retention period after termination has passed and contract / personal data is deleted',
    lead: {
      NGN: { when: 'after', anchor: 'termination date', amount: ngn.retentionDaysAfterTermination.value, unit: 'calendar-days' },
      TNC: { when: 'after', anchor: 'termination date', amount: tnc.retentionDaysAfterTermination.value, unit: 'calendar-days' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
    decided: 'sent when the deletion is done; retention days from the terms catalog (NGN 90, TNC 180).',
  },
  {
    kind: 'carrier-notification',
    title: 'ドコモへの通知（他社料金設定コース）',
    clauses: clausesOf('carrier-notification'),
    trigger:
      'on the docomo-billed course: plan change (TNC-15), cancellation (TNC-17), termination by the provider (TNC-18.4), suspension (TNC-41), and each month the receivable assigned to docomo (TNC-30)',
    lead: { TNC: { when: 'on-trigger' } },
    channels: { TNC: ['carrier-webhook'] },
    recipient: 'carrier',
    requires: ['date'],
    docomoCourseOnly: true,
  },
  {
    kind: 'change-acceptance',
    title: 'ご利用契約の変更（料金プラン）承諾のお知らせ',
    clauses: clausesOf('change-acceptance'),
    trigger: 'ops accept a plan change (changePlan update)',
    lead: {
      NGN: { when: 'on-trigger', note: 'NGN-13.2: the change is formed when this notice is sent; the new price applies from that day' },
      TNC: { when: 'on-trigger', note: 'TNC-15 (decided as NGN-13.2): formed when this notice is sent' },
    },
    channels: { NGN: ['email'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
  },
  {
    kind: 'change-refusal',
    title: 'ご利用契約の変更請求について（承諾できない旨のご通知）',
    clauses: clausesOf('change-refusal'),
    trigger: 'ops refuse a change request on the application grounds (refusePlanChange update)',
    lead: { NGN: { when: 'on-trigger' }, TNC: { when: 'on-trigger' } },
    channels: { NGN: ['email', 'paper'], TNC: ['email'] },
    recipient: 'customer',
    requires: ['grounds', 'reason'],
    decided: 'NGN-13.3 applies NGN-12 to a change request, so the refusal is written (書面): e-mail at once and the same text on paper, as for a rejected application.',
  },
  {
    kind: 'carrier-course-end',
    title: '他社料金設定コースの解約とバリュープラン継続のお知らせ',
    clauses: clausesOf('carrier-course-end'),
    trigger: 'docomo notifies the cancellation of the docomo-billed course (endCarrierCourse update)',
    lead: { TNC: { when: 'on-trigger', note: 'TNC-19: the course ends, the value plan continues; the customer now pays the provider (TNC-27)' } },
    channels: { TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
    docomoCourseOnly: true,
    decided: 'TNC-19 prescribes no notice to the customer; we send one because the bills now come from the provider instead of docomo and a payment method must be registered (TNC-27).',
  },
  {
    kind: 'disclosure',
    title: '情報開示のご通知',
    clauses: clausesOf('disclosure'),
    trigger: 'ops record a disclosure of contract data demanded by a government body or court under a law',
    lead: { NGN: { when: 'on-trigger', note: 'before the disclosure; after it, as soon as possible, only when prior notice is impossible or extremely difficult (the reason is stated)' } },
    channels: { NGN: ['email'] },
    recipient: 'customer',
    requires: ['date', 'reason'],
  },
  {
    kind: 'contractor-change',
    title: '契約上の地位の承継についての決定',
    clauses: clausesOf('contractor-change'),
    trigger: 'ops approve or deny a transfer of the contractual position asked for on a request signed by both parties (NGN-15)',
    lead: { NGN: { when: 'on-trigger' } },
    channels: { NGN: ['email', 'paper'] },
    recipient: 'customer',
    requires: ['date', 'reason'],
    decided: 'NGN-15 makes the transfer depend on the provider’s approval; the decision is told in writing either way so the parties know whether it took effect (a denial with its reason).',
  },
  {
    kind: 'malware-alert',
    title: 'マルウェア感染のおそれに関する注意喚起',
    clauses: clausesOf('malware-alert'),
    trigger: 'ops, having matched a trusted third party’s IP address and timestamp to this contract, decide to alert the customer',
    lead: { TNC: { when: 'on-trigger' } },
    channels: { TNC: ['email'] },
    recipient: 'customer',
    requires: ['date'],
    decided: 'TNC-45 is optional (注意喚起を行うことがあります): nothing is sent automatically; ops send it when they judge the service at risk. Matching the IP address and timestamp to a contract is done outside yakkan (no address-assignment records here).',
  },
] satisfies CatalogueEntry[]);

export function catalogueEntry(kind: NoticeKind): CatalogueEntry {
  const e = NOTICE_CATALOGUE.find((x) => x.kind === kind);
  if (!e) throw new RangeError(`no catalogue entry for notice kind ${kind}`);
  return e;
}

/** The clause a notice of `kind` cites under `terms` (the first of the catalog's noticeClauses for it). */
export function noticeClause(kind: NoticeKind, terms: TermsId, version?: string): ClauseId {
  const c = noticeClauseOf(getTerms(terms, version), kind);
  if (!c) throw new RangeError(`${terms} has no ${kind} notice`);
  return c;
}

/** The clause a notice of `kind` cites under a catalog, or undefined when that 約款 has no such notice. */
export function noticeClauseOf(catalog: TermsCatalog, kind: NoticeKind): ClauseId | undefined {
  return catalog.noticeClauses[kind]?.[0];
}

// ---------------------------------------------------------------------------------------------
// Keys, recipients, lead-time arithmetic (pure)
// ---------------------------------------------------------------------------------------------

/**
 * Outbox idempotency key: contract:kind:clause[:discriminator]. The discriminator names the
 * occurrence (a period end, an invoice period, an outage id, a reminder number) so the same
 * notice is never recorded twice and two occurrences never collide.
 */
export function noticeKey(contractId: string, kind: NoticeKind, clauseId: string, discriminator?: string): string {
  return [contractId, kind, clauseId, ...(discriminator ? [discriminator] : [])].join(':');
}

export interface Contacts {
  customerEmail: string;
  /** NGN-52 registered fault contact (故障連絡先), when the contractor registered one. */
  faultContactEmail?: string;
}

/** NGN-52: outage notices go to the registered fault contact when there is one. */
export function recipientFor(kind: NoticeKind, contacts: Contacts): string {
  const rule = catalogueEntry(kind).recipient;
  if (rule === 'carrier') throw new RangeError(`${kind} goes to the carrier webhook, not to an e-mail address`);
  if (rule === 'fault-contact-or-customer' && contacts.faultContactEmail?.trim()) return contacts.faultContactEmail.trim();
  return contacts.customerEmail;
}

/** NGN-39: the day the renewal reminder goes out for a period ending `periodEnd`. */
export function renewalReminderDay(cal: BusinessCalendar, periodEnd: IsoDate, nonRenewalLeadMonths = 1): IsoDate {
  return cal.addBusinessDays(nonRenewalDeadline(periodEnd, nonRenewalLeadMonths), -RENEWAL_REMINDER_BUSINESS_DAYS);
}

/** NGN-21 / TNC-29: the day the overdue reminder goes out for an invoice due on `dueDate`. */
export function overdueReminderDay(dueDate: IsoDate): IsoDate {
  return addDays(dueDate, OVERDUE_REMINDER_DAYS_AFTER_DUE);
}

/**
 * NGN-36 / NGN-37: the latest day to deliver the prior notice of a measure starting at 00:00 JST on
 * `start`: the lead days are counted from the day after the notice (民法 第140条), so a start on
 * 05-10 needs the notice by 05-02 (05-03 … 05-09 are the 7 days).
 */
export function suspensionNoticeDay(start: IsoDate): IsoDate {
  return addDays(start, -(SUSPENSION_NOTICE_DAYS + 1));
}

/** NGN-36 / NGN-37: the earliest start (00:00 JST) of a measure whose prior notice is delivered on `noticeDay`, `leadDays` counted per 民法 第140条. */
export function earliestStartAfterNotice(noticeDay: IsoDate, leadDays: number): IsoDate {
  return addDays(noticeDay, leadDays + 1);
}

/**
 * NGN-38 / TNC-24: the latest notice day for an abolition on `abolitionDate` — `leadDays` clear
 * days lie between notice day and abolition day (inverse of rules/calendar earliestDateAfterNotice).
 */
export function abolitionNoticeDay(terms: TermsId, abolitionDate: IsoDate): IsoDate {
  return addDays(abolitionDate, -(getTerms(terms).abolitionNotice.value.leadDays + 1));
}

/** NGN-2 / TNC-3: the latest notice day for a terms change taking effect on `effectiveDate`. */
export function termsChangeNoticeDay(terms: TermsId, effectiveDate: IsoDate): IsoDate {
  return addDays(effectiveDate, -getTerms(terms).termsChangeNoticeDays.value);
}

/** TNC-3: the last day a written objection must arrive (see TERMS_CHANGE_OBJECTION_DAYS_BEFORE). */
export function termsChangeObjectionDeadline(effectiveDate: IsoDate): IsoDate {
  return addDays(effectiveDate, -TERMS_CHANGE_OBJECTION_DAYS_BEFORE);
}

/** NGN-43: the days the erasure-certificate reminders go out after termination on `terminatedOn`. */
export function erasureReminderDays(terminatedOn: IsoDate): IsoDate[] {
  const rule = getTerms('NGN').erasureCertificate.value;
  if (!rule) return [];
  return Array.from({ length: rule.maxReminders }, (_, i) => addDays(terminatedOn, rule.reminderIntervalDays * (i + 1)));
}

// ---------------------------------------------------------------------------------------------
// Carrier (docomo) events on the docomo-billed course
// ---------------------------------------------------------------------------------------------

export type CarrierEvent = 'plan-change' | 'cancellation' | 'termination-by-provider' | 'suspension';

/** TNC-15.2 plan change, TNC-17.2 cancellation, TNC-18.4 termination, TNC-41.3 suspension. */
export const CARRIER_EVENT_CLAUSE: Readonly<Record<CarrierEvent, ClauseId>> = Object.freeze({
  'plan-change': 'TNC-15',
  cancellation: 'TNC-17',
  // TNC-18.4 (the paragraph that tells docomo of a termination by the provider).
  'termination-by-provider': 'TNC-18.4',
  suspension: 'TNC-41',
});

/**
 * Whether docomo must be told of `event` for a contract under `terms` on a plan with
 * `docomoBilled` (rules/plans.ts; only `tnc-docomo` today). Follows the terms catalog docomoCourse.
 */
export function carrierMustBeNotified(terms: TermsId, docomoBilled: boolean, event: CarrierEvent): boolean {
  if (!docomoBilled) return false;
  const course = getTerms(terms).docomoCourse.value;
  return course.supported && course.notifyOn.includes(event);
}
