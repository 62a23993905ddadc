/**
 * Shape of a versioned terms catalog (約款カタログ). One catalog per 約款 version; every parameter
 * is a `Param` carrying its clause id (CLAUSES.md) and, when the texts leave it open (**decide**),
 * `decided: true` with the reason for the reading we chose.
 *
 * Catalogs are plain JSON-able data (amounts and rates as decimal strings) so a workflow can record
 * the version it runs under and payloads never carry Decimal instances.
 */

export type TermsId = 'NGN' | 'TNC';

/** Clause id from CLAUSES.md, e.g. 'NGN-41', 'TNC-42.1'. */
export type ClauseId = `${TermsId}-${string}`;

/** A parameter the 約款 states. */
export interface StatedParam<T> {
  readonly value: T;
  readonly clause: ClauseId;
  readonly note?: string;
}

/** A parameter the 約款 leaves open: our reading, with the reason. */
export interface DecidedParam<T> {
  readonly value: T;
  readonly clause: ClauseId;
  readonly decided: true;
  readonly reason: string;
  readonly note?: string;
}

export type Param<T> = StatedParam<T> | DecidedParam<T>;

export function isDecided<T>(p: Param<T>): p is DecidedParam<T> {
  return (p as DecidedParam<T>).decided === true;
}

/** A ground for refusing an application (NGN-12 / TNC-12), codes (1)–(9). */
export interface RejectionGround {
  readonly code: number;
  readonly ja: string;
  readonly en: string;
}

export type CustomerKind = 'corporate' | 'consumer';

/** When notice must be given before a measure takes effect. */
export type NoticeRule =
  | 'prior' // always before
  | 'prior-unless-emergency' // before, except 緊急やむを得ないとき
  | 'none' // no prior notice or demand needed
  | 'prior-or-after-if-beneficial'; // TNC-3: before; after is allowed when the change only benefits customers

/** Outage cause codes (NGN-33.3 exclusions; TNC-42.1 天災地変 etc.). */
export type OutageCause =
  | 'provider-fault'
  | 'force-majeure'
  | 'restriction-or-suspension' // NGN 第35–38条 measures
  | 'third-party-hacking'
  | 'carrier-failure'
  | 'carrier-repair-data-loss'
  | 'other-not-attributable';

/** Every notice the 約款 call for (notices/catalogue.ts describes each: trigger, lead, channel, recipient). */
export type NoticeKind =
  | 'acceptance'
  | 'rejection'
  | 'renewal-reminder'
  | 'non-renewal-receipt'
  | 'cancellation-receipt'
  | 'early-termination-fee'
  | 'suspension'
  | 'violation'
  | 'termination'
  | 'outage'
  | 'outage-24h'
  | 'restoration'
  | 'credit'
  | 'invoice'
  | 'overdue-reminder'
  | 'abolition'
  | 'terms-change'
  | 'erasure-certificate-reminder'
  | 'data-deletion'
  | 'disclosure'
  | 'malware-alert'
  | 'contractor-change'
  | 'carrier-notification'
  /** NGN-13.2 / TNC-15: a plan change is accepted; NGN-13.2: the change is formed when this is sent. */
  | 'change-acceptance'
  /** NGN-13.2 (NGN-12 grounds, in writing) / TNC-15 (TNC-12 grounds): a change request is refused. */
  | 'change-refusal'
  /** TNC-19: docomo ended the docomo-billed course; the value plan continues, billed by the provider. */
  | 'carrier-course-end';

/** A kind of violation case, how its window runs and under which clauses its measures act. */
export interface BreachCase {
  readonly clause: ClauseId;
  /**
   * 'cure-window': `cureWindowDays` after the violation (民法 第140条, NGN-25); 'designated-period':
   * the period the demand designates, default `cureWindowDays` (TNC-40 (1)–(3)); 'none': measures
   * at once (NGN-27).
   */
  readonly window: 'cure-window' | 'designated-period' | 'none';
  /** The clause a 'suspend' measure is recorded under; default the case's own clause (NGN-25 (2), NGN-27). */
  readonly suspendUnder?: ClauseId;
  /** The termination ground a 'terminate' measure uses: clause and item; default the case's own clause. */
  readonly terminateUnder?: ClauseId;
  readonly terminateItem?: number;
  /**
   * The terminate measure must meet its ground's precondition (TNC-40 (6) goes through TNC-18 1項);
   * false where the case itself is the basis (NGN-25 (3); NGN-27 by NGN-40 (6)'s proviso, 直ちに解約).
   */
  readonly terminateGated?: boolean;
}

/**
 * What the contract's own history must show before the provider may terminate on a ground:
 * - 'uncured-demand': a demand (催告) with a stated period was made and the period passed uncured (NGN-40 (6));
 * - 'stopped-uncured': the contractor is stopped (the catalog's stoppage clause) and the stoppage is still on (NGN-40 (9));
 * - 'force-majeure-right': a recorded force majeure has lasted more than its days (NGN-40 (10));
 * - 'suspended-uncured-or-default': suspended under the stoppage clause and the designated period
 *   (demandCurePeriodDays) passed uncured, or the contractor cannot or refuses to pay an overdue debt (TNC-18 1項);
 * - 'application-ground': one of `applicationGrounds` of the rejection grounds came to light (TNC-18 2項).
 */
export type TerminationPrecondition = 'uncured-demand' | 'stopped-uncured' | 'force-majeure-right' | 'suspended-uncured-or-default' | 'application-ground';

/** A ground for termination by the provider (clause and item), and what must have happened first. */
export interface TerminationGround {
  readonly clause: ClauseId;
  /** The item (号) — or, where a clause has paragraphs instead (TNC-18 1項/2項), the paragraph. */
  readonly item: number;
  readonly ja: string;
  readonly requires?: TerminationPrecondition;
  /** For 'application-ground': the rejection-ground codes that allow it (TNC-18 2項: TNC-12 (2), (5), (6)). */
  readonly applicationGrounds?: readonly number[];
}

/** What a breach measure does to the contract. */
export type BreachEffect = 'record' | 'suspend' | 'terminate';

export type CreditFormulaId =
  /** NGN-33.2: whole 24h multiples × monthly fee ÷ 30, floored, capped at one month. */
  | 'ngn-33-whole-days-div30-cap-month'
  /** TNC-42.1: monthly fee × 1/30 × days, floored; TNC-43 consumer cap; TNC-42.5 no cap. */
  | 'tnc-42-whole-days-div30';

export interface TermsCatalog {
  readonly id: TermsId;
  /** Version = the date the 約款 text takes effect ('YYYY-MM-DD'). */
  readonly version: string;
  readonly inForceFrom: string;
  readonly title: string;
  readonly provider: string;
  /** File under shared/seeds/ holding the original text. */
  readonly source: string;

  // --- Formation and changes -------------------------------------------------------------------
  readonly applicant: Param<{ readonly kinds: readonly CustomerKind[]; readonly domesticCorporationOnly: boolean }>;
  readonly applicationChannels: Param<readonly ('form' | 'online-signup' | 'other')[]>;
  /** Moment the contract is formed. */
  readonly formation: Param<'acceptance-notice-sent' | 'database-entry'>;
  readonly rejectionGrounds: Param<readonly RejectionGround[]>;
  readonly rejectionNotice: Param<'written' | 'any-channel'>;
  /** Plan/service changes: same refusal grounds as formation. */
  readonly changeRequest: Param<{ readonly sameGroundsAsApplication: boolean; readonly effectiveFrom: 'acceptance' | 'request' }>;
  readonly pauseResume: Param<{ readonly allowed: boolean; readonly docomoCourseAllowed: boolean }>;
  /** How changes of the contractor are made and recorded (NGN-14/15, TNC-10/13/14). */
  readonly contractorChanges: Param<{
    /** Name and address changes (with evidence). */
    readonly nameChange: ClauseId;
    /** A name change is allowed only on these grounds (TNC-14: marriage, adoption, TNC-13 succession); null = any, with evidence. */
    readonly nameChangeGrounds: readonly ('marriage' | 'adoption' | 'succession')[] | null;
    /** Change of the bank account or card used for payment; null where the 約款 has no such report. */
    readonly paymentMethodChange: ClauseId | null;
    /** Succession (inheritance, merger, split, or transfer of the position). */
    readonly succession: ClauseId;
    /** The provider approves or denies a succession asked for on a request signed by both parties (NGN-15). */
    readonly successionNeedsApproval: boolean;
    /** Any other assignment of the right to the service is refused under this clause (TNC-10); null where none is. */
    readonly transferRefusedBy: ClauseId | null;
  }>;

  // --- Term, renewal, cancellation -------------------------------------------------------------
  readonly minimumTerm: Param<{ readonly months: number; readonly startRule: 'month-after-service-start' | 'none' }>;
  readonly earlyTerminationFee: Param<{
    readonly formula: 'remaining-whole-months-after-effective-month' | 'none';
    readonly taxClass: 'out-of-scope';
  }>;
  /** null = no fixed contract period (open-ended). */
  readonly renewal: Param<{ readonly periodMonths: number; readonly nonRenewalLeadMonths: number; readonly writtenNotice: boolean } | null>;
  readonly cancellation: Param<{
    readonly leadMonths: number;
    readonly leadBusinessDays: number;
    readonly writtenForm: boolean;
    readonly onlyAfterMinimumTerm: boolean;
    readonly unpaidDueImmediately: boolean;
  }>;
  readonly refundPolicy: Param<'none'>;
  /** When fees start to accrue. */
  readonly feeAccrualStart: Param<'formation' | 'billing-start'>;
  readonly feesAccrueWhileSuspended: Param<boolean>;

  // --- Breaches, suspension, termination ---------------------------------------------------------
  /** Cure window (days, 民法 第140条 counting) before measures may be taken. */
  readonly cureWindowDays: Param<number>;
  /** Default period given in a demand to cure (相当の期間 / 当社の指定する期間). */
  readonly demandCurePeriodDays: Param<number>;
  readonly forceMajeureTerminationDays: Param<number | null>;
  /**
   * Grounds on which the provider may terminate (clause, optionally the item), with the state a
   * ground requires first; a ground without an item covers every item of its clause.
   */
  readonly terminationGrounds: Param<readonly TerminationGround[]>;
  readonly accelerationOnTermination: Param<boolean>;
  readonly abolitionNotice: Param<{ readonly leadDays: number; readonly counting: 'clear-days' }>;
  /** The provider may suspend the whole service (休止) with the same notice as an abolition (TNC-24); false where the 約款 has only abolition. */
  readonly serviceSuspensionByNotice: Param<boolean>;
  /** Notice rules per measure. */
  readonly notices: {
    readonly suspension: Param<NoticeRule>;
    readonly stoppage: Param<NoticeRule>;
    readonly terminationByProvider: Param<NoticeRule>;
    readonly antiSocialTermination: Param<NoticeRule | null>;
    readonly abolition: Param<NoticeRule>;
    readonly termsChange: Param<NoticeRule>;
  };
  readonly termsChangeNoticeDays: Param<number>;
  /** TNC-3: an objecting customer's contract ends on the effective date. */
  readonly termsChangeObjectionEndsContract: Param<boolean>;
  /** TNC-40 escalation ladder / NGN-25 measures (codes of the article's items). */
  readonly breachMeasures: Param<
    readonly { readonly code: number; readonly ja: string; readonly en: string; readonly designatedPeriod: boolean; readonly effect: BreachEffect }[]
  >;
  /**
   * How violations are handled: the article listing the prohibited acts, the cases (clause and
   * window), and the clauses a measure's suspension or termination is recorded under.
   */
  readonly breachHandling: Param<{
    readonly prohibitedActsArticle: number;
    readonly cases: readonly BreachCase[];
  }>;
  /**
   * Days of prior notice before a suspension or stoppage that needs one (`notices.suspension` /
   * `notices.stoppage` 'prior…'), counted per 民法 第140条 from the day the notice was delivered.
   */
  readonly suspensionNoticeLeadDays: Param<number>;
  /** Grounds ops may suspend under, each with the notice rule (`notices.suspension` / `notices.stoppage`) it follows. */
  readonly suspensionGrounds: Param<readonly { readonly clause: ClauseId; readonly rule: 'suspension' | 'stoppage' }[]>;
  /** An invalid card or account stops the service (TNC-41 (2)); false where the 約款 has no such ground. */
  readonly paymentMethodInvalidStoppage: Param<boolean>;

  // --- Outages, credits, liability --------------------------------------------------------------
  readonly outageThresholdHours: Param<number>;
  readonly creditFormula: Param<CreditFormulaId>;
  readonly creditDailyDivisor: Param<number>;
  readonly outageDaysCounting: Param<'whole-24h-periods'>;
  readonly creditCap: Param<'monthly-fee' | 'consumer-monthly-fee' | 'none'>;
  readonly capWaivedForWilfulOrGrossNegligence: Param<boolean>;
  readonly excludedOutageCauses: Param<readonly OutageCause[]>;
  /** Causes for which an individual outage credit is computed at restoration (the rest: none, or a carrier batch). */
  readonly compensableOutageCauses: Param<readonly OutageCause[]>;
  readonly carrierCausedAllocation: Param<'pro-rata-largest-remainder' | 'excluded'>;
  /** TNC-26.2 fee exemption; null = none in this 約款. */
  readonly feeExemption: Param<{ readonly thresholdHours: number; readonly basis: 'daily-by-days-in-month'; readonly daysCounting: 'whole-24h-periods' } | null>;

  // --- Money -------------------------------------------------------------------------------------
  /** Monthly settlement: the clause the monthly fee, metered usage and the monthly invoice cite. */
  readonly feeSettlement: Param<'monthly'>;
  readonly lateInterest: Param<{ readonly annualRate: string; readonly daysInYear: number; readonly dayCount: 'day-after-due-to-payment-inclusive' }>;
  readonly rounding: Param<'floor-yen'>;
  readonly taxRate: Param<string>;
  readonly taxRounding: Param<'per-line-floor'>;
  readonly evasionSurchargeMultiple: Param<number | null>;
  readonly dispatchFeeTaxable: Param<boolean | null>;
  readonly meteredBilling: Param<'month-after-use' | 'per-billing-schedule'>;
  readonly paymentMethods: Param<readonly ('bank-transfer' | 'bank-debit' | 'credit-card' | 'other')[]>;

  // --- Docomo-billed course (TNC 他社料金設定コース) ------------------------------------------------
  readonly docomoCourse: Param<{
    readonly supported: boolean;
    /** Events docomo must be notified of. */
    readonly notifyOn: readonly ('plan-change' | 'cancellation' | 'termination-by-provider' | 'suspension')[];
    readonly damagesPerDocomoTerms: boolean;
  }>;

  // --- Second reading (issue 13): rules the first reading missed or read too widely ---------------
  // Added to the published versions without changing the text they read: running contracts reach
  // them through patched() branches of the workflow (docs/VERSIONING.md), never by a new version.

  /**
   * NGN-13.2 (TNC-15 decided alike): a plan change is formed when its acceptance notice is sent and
   * its price applies from that date (rules/monthly-fees.ts); a refusal on the application's grounds
   * is notified (`refusalNotice`: NGN-12 書面, TNC-12 any channel).
   */
  readonly changeFormation: Param<{ readonly formedWhen: 'acceptance-notice-sent'; readonly priceFrom: 'formation-date'; readonly refusalNotice: 'written' | 'any-channel' }>;
  /**
   * 期限の利益の喪失 only where the text gives it: on the contractor's own cancellation
   * (`onCancellation`, NGN-41 2項) and on a termination under one of `onTerminationGrounds`
   * (NGN-40 2項: the 第40条1項 grounds). Other ends keep each invoice's own due date.
   */
  readonly acceleration: Param<{ readonly onCancellation: ClauseId | null; readonly onTerminationGrounds: readonly ClauseId[] }>;
  /**
   * Payment terms stated on invoices: the clause that puts transfer fees (振込手数料) on the
   * contractor for monthly invoices (NGN-19 2項), for 違約金・割増金・遅延損害金 (NGN-22) and for late
   * interest (NGN-22 / TNC-29.2); null where the 約款 says nothing. `penaltyInvoiceApart`: the
   * NGN-18 違約金 is billed on its own invoice under the 第19条2項 due-date rule (NGN-22).
   */
  readonly paymentTerms: Param<{
    readonly monthly: ClauseId | null;
    readonly penalties: ClauseId | null;
    readonly lateInterest: ClauseId | null;
    readonly penaltyInvoiceApart: boolean;
  }>;
  /**
   * TNC-26.2: what exempts the fee (and its tax) for unusable days — outages of these causes, and
   * stops under these clauses and items (TNC-39 (1)(2)) — and how it meets TNC-42.1 damages for the
   * same days (`withDamages`: one of them, the larger). null = no fee exemption in this 約款.
   */
  readonly feeExemptionGrounds: Param<{
    readonly outageCauses: readonly OutageCause[];
    readonly stops: readonly { readonly clause: ClauseId; readonly items: readonly number[] }[];
    readonly withDamages: 'larger-only';
  } | null>;
  /**
   * TNC-30 (TNC-26.4, TNC-27.3): on the carrier-billed course the month's charges are assigned to the
   * carrier as a receivable (no invoice, no TNC-29 interest, no TNC-41 (1) stoppage here);
   * `courseEnd`: the clause under which the carrier ends the course and the base plan continues
   * (TNC-19); `terminationNotice`: the clause under which the carrier is told of a termination
   * (TNC-18.4). null = no carrier-billed course.
   */
  readonly carrierBilling: Param<{ readonly receivablesAssigned: boolean; readonly courseEnd: ClauseId; readonly terminationNotice: ClauseId } | null>;
  /**
   * NGN-41.1: the contractor may cancel a part (a site, an option) with the cancellation's lead
   * time; the contract continues. `erasureForEndedPart`: the clause under which the post-termination
   * duties (erasure certificate) apply to the part that ended (NGN-43.3), null for none. `allowed:
   * false` where the 約款 knows no partial cancellation.
   */
  readonly partialCancellation: Param<{ readonly allowed: boolean; readonly erasureForEndedPart: ClauseId | null }>;

  // --- Data and after termination ---------------------------------------------------------------
  readonly retentionDaysAfterTermination: Param<number>;
  readonly erasureCertificate: Param<{ readonly required: boolean; readonly reminderIntervalDays: number; readonly maxReminders: number } | null>;
  readonly confidentialWritingDays: Param<number | null>;
  /**
   * Duties that survive the contract (NGN-54: 第43–48条 among them): the contract keeps taking their
   * records (disclosures, the erasure certificate) after it ended and after its personal data was
   * deleted; false where the 約款 names none.
   */
  readonly survivingDuties: Param<boolean>;
  /** NGN-48: the contractor consents to its name, address and 通信履歴 being given to another carrier that asks; each such disclosure is recorded. */
  readonly carrierDisclosureConsent: Param<boolean>;

  // --- Notices ------------------------------------------------------------------------------------
  /** NGN-49 / TNC-5: notices may be given electronically (e-mail, web) or on paper; every notice cites this clause. */
  readonly electronicNotices: Param<readonly ('email' | 'web' | 'paper')[]>;
  /**
   * The clause(s) each notice of this 約款 cites, first = the notice's own clause id; a kind that is
   * absent does not exist under this 約款 (e.g. no NGN-46 disclosure notice under TNC).
   */
  readonly noticeClauses: Readonly<Partial<Record<NoticeKind, readonly ClauseId[]>>>;
}
