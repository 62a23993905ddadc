/**
 * TNC インターネット接続サービス基本約款（N） (TOKAI Communications), in force 2022-07-01.
 * Source: shared/seeds/004_f4c5660d9ac380d3.txt. Clause ids: CLAUSES.md (TNC-xx).
 *
 * Versions are append-only: add a new catalog object to `TNC_VERSIONS` for a new 約款 version;
 * never edit a published one.
 */
import { deepFreeze } from './freeze.js';
import type { TermsCatalog } from './types.js';

export const TNC_2022_07_01: TermsCatalog = deepFreeze({
  id: 'TNC',
  version: '2022-07-01',
  inForceFrom: '2022-07-01',
  title: 'TNC インターネット接続サービス基本約款（N）',
  provider: '株式会社 TOKAI コミュニケーションズ',
  source: '004_f4c5660d9ac380d3.txt',

  // --- Formation and changes -----------------------------------------------------------------
  applicant: { value: { kinds: ['consumer', 'corporate'], domesticCorporationOnly: false }, clause: 'TNC-11', note: 'consumers and corporations; minors need consent (TNC-12 (5))' },
  applicationChannels: { value: ['form', 'online-signup', 'other'], clause: 'TNC-11' },
  formation: { value: 'database-entry', clause: 'TNC-12', note: '当社データベースに申込者に関する情報を入力した時点で成立' },
  rejectionGrounds: {
    value: [
      { code: 1, ja: '申し込みの際に虚偽の届け出をした', en: 'False declaration in the application' },
      { code: 2, ja: '滞納処分・支払停止・破産手続等、支払いを怠るおそれ', en: 'Insolvency proceedings or other risk of non-payment' },
      { code: 3, ja: '第41条1項1号（料金未払い）に該当', en: 'Currently in arrears (TNC-41 (1))' },
      { code: 4, ja: '決済用の預貯金口座・クレジットカードが利用できない', en: 'Designated bank account or credit card not accepted' },
      { code: 5, ja: '未成年者等で法定代理人等の同意がない', en: 'Minor or person under guardianship without the required consent' },
      { code: 6, ja: '過去に当社から解約された、または一時停止中', en: 'Previously terminated by the provider, or currently suspended' },
      { code: 7, ja: '提供・保守に業務上または技術上の著しい困難', en: 'Serious operational or technical difficulty in providing or maintaining the service' },
      { code: 8, ja: '利用契約上の義務を怠るおそれ', en: 'Risk of failing contractual obligations' },
      { code: 9, ja: 'その他当社が適当でないと判断', en: 'Otherwise judged unsuitable by the provider' },
    ],
    clause: 'TNC-12',
  },
  rejectionNotice: { value: 'any-channel', clause: 'TNC-12', note: 'その旨を通知; channel per TNC-5 (electronic or paper)' },
  changeRequest: {
    value: { sameGroundsAsApplication: true, effectiveFrom: 'acceptance' },
    clause: 'TNC-15',
    decided: true,
    reason: 'TNC-15 lets the provider refuse a plan change on TNC-12 grounds but does not say when it takes effect; it takes effect when accepted, mirroring formation on acceptance (TNC-12). docomo is notified on the docomo-billed course.',
  },
  pauseResume: { value: { allowed: true, docomoCourseAllowed: false }, clause: 'TNC-16', note: '他社料金設定コースの場合、一時休止ができない' },
  contractorChanges: {
    value: {
      nameChange: 'TNC-14',
      nameChangeGrounds: ['marriage', 'adoption', 'succession'],
      paymentMethodChange: 'TNC-14',
      succession: 'TNC-13',
      successionNeedsApproval: false,
      transferRefusedBy: 'TNC-10',
    },
    clause: 'TNC-14',
    note: '第14条 name/address/payment account or card changes reported (a name change only for 婚姻・養子縁組 or 第13条 succession); 第13条 succession by inheritance, merger or split with documents; 第10条 no other assignment',
  },

  // --- Term, renewal, cancellation -----------------------------------------------------------
  minimumTerm: {
    value: { months: 0, startRule: 'none' },
    clause: 'TNC-17',
    decided: true,
    reason: 'TNC has no minimum-term clause: TNC-17 lets the customer cancel at any time by the provider’s method. months = 0 disables minimum-term timers and penalties.',
  },
  earlyTerminationFee: {
    value: { formula: 'none', taxClass: 'out-of-scope' },
    clause: 'TNC-17',
    decided: true,
    reason: 'No penalty clause exists in TNC; with no minimum term there is nothing to charge. (taxClass kept for uniformity.)',
  },
  renewal: {
    value: null,
    clause: 'TNC-17',
    decided: true,
    reason: 'TNC contracts are open-ended (from formation, TNC-26, until cancellation, TNC-17/18): no period, so no renewal or non-renewal deadline.',
  },
  cancellation: {
    value: { leadMonths: 0, leadBusinessDays: 0, writtenForm: false, onlyAfterMinimumTerm: false, unpaidDueImmediately: false },
    clause: 'TNC-17',
    decided: true,
    reason:
      'TNC-17: 当社所定の方法 with no lead time and no written form; the desired date is accepted as given. The text has no acceleration clause, so outstanding amounts are billed and collected on the normal schedule (TNC-28).',
  },
  refundPolicy: { value: 'none', clause: 'TNC-17', note: '既に支払われた料金は一切払い戻し等しない' },
  feeAccrualStart: { value: 'formation', clause: 'TNC-26', note: '利用契約が成立した日から起算して解約日まで' },
  feesAccrueWhileSuspended: { value: true, clause: 'TNC-26.3', note: 'fees owed during a TNC-41 suspension' },

  // --- Breaches, suspension, termination -----------------------------------------------------
  cureWindowDays: {
    value: 14,
    clause: 'TNC-40',
    decided: true,
    reason:
      'TNC-40 (1)–(3) demands carry 当社の指定する期間 with no default (ignoring one leads to TNC-41 (3) suspension). 14 days, counted under 民法 第140条, gives a consumer two weekends to stop the act, negotiate with the third party or delete content; ops may designate a different period per demand.',
  },
  demandCurePeriodDays: {
    value: 30,
    clause: 'TNC-18',
    decided: true,
    reason:
      'TNC-18.1: a suspended customer who does not cure within 当社の指定する期間 may be terminated. Most suspensions are for non-payment (TNC-41 (1)); 30 days lets one monthly billing/debit cycle (TNC-28) pass before termination.',
  },
  forceMajeureTerminationDays: {
    value: null,
    clause: 'TNC-24',
    decided: true,
    reason: 'TNC has no force-majeure termination right; ending the service because of a lasting disaster goes through 休止/廃止 with 60 days’ notice (TNC-24). TNC-42.1 already excludes liability for 天災地変.',
  },
  terminationGrounds: {
    value: [
      {
        clause: 'TNC-18',
        item: 1,
        ja: '第41条により利用を停止された契約者が指定期間内に停止事由を解消・是正しない、又は債務を履行できない・履行を拒絶する',
        requires: 'suspended-uncured-or-default',
      },
      { clause: 'TNC-18', item: 2, ja: '契約締結後に第12条第2号・第5号・第6号に該当することが判明', requires: 'application-ground', applicationGrounds: [2, 5, 6] },
    ],
    clause: 'TNC-18',
    note: '1項 and 2項 are the grounds (item = paragraph); 3項: no prior demand needed; 4項: docomo is told on its course',
  },
  accelerationOnTermination: {
    value: false,
    clause: 'TNC-18',
    decided: true,
    reason: 'TNC has no 期限の利益の喪失 clause; after termination remaining fees up to the termination date (TNC-26) are billed on the normal schedule.',
  },
  abolitionNotice: {
    value: { leadDays: 60, counting: 'clear-days' },
    clause: 'TNC-24',
    decided: true,
    reason: '60 days is stated (休止または廃止される日の60日前までに通知). Decided: the notice day and the abolition day are both excluded, so 60 clear days lie between them (earliest abolition = notice + 61).',
  },
  serviceSuspensionByNotice: { value: true, clause: 'TNC-24', note: '休止または廃止: the same 60 days, with the 休止予定期間 stated' },
  notices: {
    suspension: { value: 'none', clause: 'TNC-41', note: '事前に通知することなく利用を停止 (docomo notified on that course, TNC-41.3); maintenance stops under 第39条 are notified before or after' },
    stoppage: { value: 'none', clause: 'TNC-41' },
    terminationByProvider: { value: 'none', clause: 'TNC-18', note: '事前に何らの催告を要せず (TNC-18.3); immediate for TNC-12 (2),(5),(6)' },
    antiSocialTermination: { value: null, clause: 'TNC-18', note: 'TNC has no anti-social-forces clause; such cases go through TNC-18' },
    abolition: { value: 'prior', clause: 'TNC-24' },
    termsChange: { value: 'prior-or-after-if-beneficial', clause: 'TNC-3', note: '効力発生日の相当期間前まで; 会員の利益に適合するときは効力発生日後速やかに' },
  },
  termsChangeNoticeDays: {
    value: 30,
    clause: 'TNC-3',
    decided: true,
    reason:
      'TNC-3 requires notice 相当期間前 (a reasonable period, cf. 民法 第548条の4). 30 days gives customers one billing cycle to read the change and to send a written objection, which ends the contract on the effective date.',
  },
  termsChangeObjectionEndsContract: { value: true, clause: 'TNC-3', note: '書面による異議が効力発生日までに到達 → 効力発生日をもって終了' },
  breachMeasures: {
    value: [
      { code: 1, ja: '禁止行為をやめるよう要求', en: 'Demand that the prohibited act stop', designatedPeriod: true, effect: 'record' },
      { code: 2, ja: '第三者との協議を要求', en: 'Demand negotiation with the complaining third party', designatedPeriod: true, effect: 'record' },
      { code: 3, ja: '表示した情報の削除を要求', en: 'Demand deletion of the posted information', designatedPeriod: true, effect: 'record' },
      { code: 4, ja: '事前通知なく情報を削除・閲覧不能化', en: 'Delete or block the information without notice', designatedPeriod: false, effect: 'record' },
      { code: 5, ja: '利用を停止', en: 'Suspend the service', designatedPeriod: false, effect: 'suspend' },
      { code: 6, ja: '利用契約を解約', en: 'Terminate the contract (TNC-18)', designatedPeriod: false, effect: 'terminate' },
    ],
    clause: 'TNC-40',
  },
  breachHandling: {
    value: {
      prohibitedActsArticle: 33,
      cases: [{ clause: 'TNC-40', window: 'designated-period', suspendUnder: 'TNC-41', terminateUnder: 'TNC-18', terminateItem: 1, terminateGated: true }],
    },
    clause: 'TNC-40',
    note: '第33条 lists the prohibited acts; TNC-40 (1)–(3) demands carry a designated period (cureWindowDays by default); (5) stops as TNC-41 (3) (an ignored demand); (6) terminates only through TNC-18 1項 (suspended and not cured within the designated period)',
  },
  suspensionNoticeLeadDays: { value: 0, clause: 'TNC-41', note: 'TNC-41 stops without prior notice; TNC-39 stops are notified before or after (事前または事後)' },
  suspensionGrounds: {
    value: [
      { clause: 'TNC-39', rule: 'suspension' },
      { clause: 'TNC-41', rule: 'stoppage' },
    ],
    clause: 'TNC-41',
    note: '第39条 stops for maintenance and faults; 第41条 suspension of the customer',
  },
  paymentMethodInvalidStoppage: { value: true, clause: 'TNC-41', note: '第41条 (2): the card or account registered for payment is invalid' },

  // --- Outages, credits, liability -----------------------------------------------------------
  outageThresholdHours: { value: 24, clause: 'TNC-42.1', note: '当社が利用不能を知った時刻から起算して24時間以上' },
  creditFormula: { value: 'tnc-42-whole-days-div30', clause: 'TNC-42.1', note: '1料金月の基本料金 × 1/30 × 利用不能の日数 (円未満切り捨て)' },
  creditDailyDivisor: { value: 30, clause: 'TNC-42.1' },
  outageDaysCounting: {
    value: 'whole-24h-periods',
    clause: 'TNC-42.1',
    decided: true,
    reason: '"利用不能の日数" is counted in complete 24-hour periods from the moment the provider knew of the outage, consistent with the 24-hour threshold (47h → 1 day, 48h → 2 days) and independent of where midnight falls.',
  },
  creditCap: { value: 'consumer-monthly-fee', clause: 'TNC-43', note: '消費者契約: 1ヶ月分の利用料を超えない; corporate contracts are limited only by the TNC-42.1 formula' },
  capWaivedForWilfulOrGrossNegligence: { value: true, clause: 'TNC-42.5', note: 'also TNC-43.2 (故意又は重大な過失がある場合を除き)' },
  excludedOutageCauses: { value: ['force-majeure', 'other-not-attributable'], clause: 'TNC-42.1', note: '天災地変等当社の責に帰さない事由' },
  compensableOutageCauses: {
    value: ['provider-fault'],
    clause: 'TNC-42.1',
    note: 'damages for the provider’s own fault; carrier-caused outages are settled in a batch (TNC-42.2), other causes earn none',
  },
  carrierCausedAllocation: { value: 'pro-rata-largest-remainder', clause: 'TNC-42.2', note: 'total ≤ what the carrier pays; split pro rata to the TNC-42.1 amounts (第42条4項)' },
  feeExemption: {
    value: { thresholdHours: 24, basis: 'daily-by-days-in-month', daysCounting: 'whole-24h-periods' },
    clause: 'TNC-26.2',
    decided: true,
    reason:
      'TNC-26.2 waives the fee "for the period it could not be used" once unusable ≥ 24h (provider fault, flat-rate plans) but gives no formula. The period is counted in whole 24-hour periods (as TNC-42.1) and priced by daily proration over the actual days of that billing month (the same basis as partial-month billing, TNC-26.1), floored, never more than the month’s fee; the tax on it is removed with it.',
  },

  // --- Money ---------------------------------------------------------------------------------
  feeSettlement: { value: 'monthly', clause: 'TNC-26', note: '利用料金等は成立日から解約日まで; billed monthly' },
  lateInterest: {
    value: { annualRate: '0.145', daysInYear: 365, dayCount: 'day-after-due-to-payment-inclusive' },
    clause: 'TNC-29',
    decided: true,
    reason: 'Rate and day count are stated (年14.5%, 支払期日の翌日から支払日までの日数). Decided: 365-day year even in leap years and one 円未満切り捨て at the end.',
  },
  rounding: {
    value: 'floor-yen',
    clause: 'TNC-42.1',
    decided: true,
    reason: '円未満切り捨て is stated for TNC-42.1 damages; we apply the same rule to every computed amount (tax, proration, interest) so the customer is never charged more than the exact figure.',
  },
  taxRate: { value: '0.10', clause: 'TNC-26', note: '利用料金等およびこれにかかる消費税相当額 (10%, as NGN-23)' },
  taxRounding: {
    value: 'per-line-floor',
    clause: 'TNC-26',
    decided: true,
    reason: 'Tax is computed on each charge line and floored (円未満切り捨て), as for NGN, so a fee exemption (TNC-26.2) removes exactly the tax of the fee part it removes.',
  },
  evasionSurchargeMultiple: {
    value: null,
    clause: 'TNC-40',
    decided: true,
    reason: 'TNC has no 割増金 clause; evasion is a prohibited act handled by TNC-40/41 and ordinary damages.',
  },
  dispatchFeeTaxable: {
    value: null,
    clause: 'TNC-41',
    decided: true,
    reason: 'TNC has no dispatch-fee clause; equipment faults are handled by inspection and disconnection (第44条) and TNC-41 (5) suspension, without a fee.',
  },
  meteredBilling: { value: 'per-billing-schedule', clause: 'TNC-27', note: '第28条: billed on the day set on the payment-method page' },
  paymentMethods: { value: ['bank-debit', 'credit-card', 'other'], clause: 'TNC-27', note: 'an invalid card/account leads to TNC-41 (2) suspension' },

  // --- Docomo course -------------------------------------------------------------------------
  docomoCourse: {
    value: { supported: true, notifyOn: ['plan-change', 'cancellation', 'termination-by-provider', 'suspension'], damagesPerDocomoTerms: true },
    clause: 'TNC-15',
    note: '他社料金設定コース: docomo notified on TNC-15.2 plan change, TNC-17.2 cancellation, TNC-18.4 termination, TNC-41.3 suspension; no pause (TNC-16.2); damages per docomo’s terms (第42条3項); fees per docomo’s terms (第26条4項)',
  },

  // --- Second reading (issue 13) ---------------------------------------------------------------
  changeFormation: {
    value: { formedWhen: 'acceptance-notice-sent', priceFrom: 'formation-date', refusalNotice: 'any-channel' },
    clause: 'TNC-15',
    decided: true,
    reason:
      'TNC-15 lets the provider refuse a change on the TNC-12 grounds but does not say when an accepted change is formed. We read it as NGN-13.2 does: formed when the acceptance notice is sent (TNC-5 electronic notice), which gives the customer a dated record of the day the new price starts; the refusal is notified as a TNC-12 refusal is (その旨を通知).',
  },
  acceleration: {
    value: { onCancellation: null, onTerminationGrounds: [] },
    clause: 'TNC-18',
    note: 'TNC has no 期限の利益の喪失 clause: after a cancellation (TNC-17) or a termination (TNC-18) every invoice keeps its own due date (TNC-28)',
  },
  paymentTerms: {
    value: { monthly: null, penalties: null, lateInterest: 'TNC-29.2', penaltyInvoiceApart: false },
    clause: 'TNC-29.2',
    note: '第29条2項: the transfer fees for paying late amounts are the contractor’s; TNC-28 says nothing about fees for ordinary payment (debit or card)',
  },
  feeExemptionGrounds: {
    value: { outageCauses: ['provider-fault'], stops: [{ clause: 'TNC-39', items: [1, 2] }], withDamages: 'larger-only' },
    clause: 'TNC-26.2',
    decided: true,
    reason:
      'The text (第26条2項 ただし書) exempts the fee and its tax only when the service was unusable 当社の責に帰すべき事由により for 24h from recognition. Provider faults qualify, and so do 第39条 stops for the provider’s own maintenance or works (1) and faults of its own equipment (2); a carrier’s stop (39 (3)) and carrier-caused outages are not the provider’s own fault (第42条2項 settles them by what the carrier pays), nor is a TNC-38 restriction (39 (4)) or force majeure. TNC-26.2 and TNC-42.1 both measure the loss of the fee for the unusable days, so the customer gets one of them, the larger (the exemption with its tax, or the damages).',
  },
  carrierBilling: {
    value: { receivablesAssigned: true, courseEnd: 'TNC-19', terminationNotice: 'TNC-18.4' },
    clause: 'TNC-30',
    note: '第30条2項: receivables of the value plan are assigned to docomo without notice to the customer; 第26条4項 / 第27条3項: fees and payment per docomo’s terms; 第19条: docomo’s cancellation ends the course and the value plan continues; 第18条4項: docomo is told of a termination',
  },
  partialCancellation: {
    value: { allowed: false, erasureForEndedPart: null },
    clause: 'TNC-17',
    decided: true,
    reason: 'TNC-17 cancels the 利用契約 as a whole; options and plan changes go through TNC-15. There is no erasure-certificate duty under TNC.',
  },

  // --- Data and after termination ------------------------------------------------------------
  retentionDaysAfterTermination: {
    value: 180,
    clause: 'TNC-37.5',
    decided: true,
    reason:
      'TNC-37.5: personal information is deleted after 当社が定める保存期間. 180 days covers the final bill (fees up to the termination date, TNC-26), one or two debit/card collection cycles with TNC-29 interest, and card charge-back windows (typically ≤ 120 days), while not keeping personal data longer than needed (個人情報保護法 第22条). Data that law requires to be kept is retained as the clause allows.',
  },
  erasureCertificate: { value: null, clause: 'TNC-37.5', note: 'TNC imposes no erasure-certificate duty on the customer (that is NGN-43)' },
  confidentialWritingDays: { value: null, clause: 'TNC-37', note: 'no oral-disclosure rule in TNC' },
  survivingDuties: { value: false, clause: 'TNC-37', note: 'TNC names no surviving clauses; personal data is deleted after the retention period (TNC-37.5)' },
  carrierDisclosureConsent: { value: false, clause: 'TNC-36', note: 'no consent to disclosure to other carriers; 通信の秘密 (第36条) applies' },

  // --- Notices -----------------------------------------------------------------------------------
  electronicNotices: { value: ['email', 'web', 'paper'], clause: 'TNC-5', note: '電子メール、ウェブサイトへの掲載その他当社が適当と判断する方法' },
  /** The clauses each notice cites (first = its clause id); notices/catalogue.ts describes each kind. */
  noticeClauses: {
    'acceptance': ['TNC-12'],
    'rejection': ['TNC-12'],
    'cancellation-receipt': ['TNC-17'],
    'suspension': ['TNC-41'],
    'violation': ['TNC-40', 'TNC-18'],
    'termination': ['TNC-18'],
    'outage': ['TNC-35'],
    'outage-24h': ['TNC-42.1', 'TNC-26.2'],
    'restoration': ['TNC-35'],
    'credit': ['TNC-42.1', 'TNC-26.2'],
    'invoice': ['TNC-26'],
    'overdue-reminder': ['TNC-29'],
    'abolition': ['TNC-24'],
    'terms-change': ['TNC-3'],
    'data-deletion': ['TNC-37.5'],
    'carrier-notification': ['TNC-15', 'TNC-17', 'TNC-18.4', 'TNC-41', 'TNC-30'],
    'change-acceptance': ['TNC-15'],
    'change-refusal': ['TNC-15', 'TNC-12'],
    'carrier-course-end': ['TNC-19'],
    'malware-alert': ['TNC-45'],
  },
} satisfies TermsCatalog);
