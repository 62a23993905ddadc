/**
 * プライベート IP サービス NGN-VPN 約款 (NEC Networks & System Integration), in force 2020-02-01.
 * Source: shared/seeds/000_714f0646c96aa16f.txt. Clause ids: CLAUSES.md (NGN-xx).
 *
 * Versions are append-only: to change a parameter, add a new catalog object with a new version
 * to `NGN_VERSIONS`; never edit a published one (running workflows recorded its version).
 */
import { deepFreeze } from './freeze.js';
import type { TermsCatalog } from './types.js';

export const NGN_2020_02_01: TermsCatalog = deepFreeze({
  id: 'NGN',
  version: '2020-02-01',
  inForceFrom: '2020-02-01',
  title: 'プライベート IP サービス NGN-VPN 約款',
  provider: 'NEC ネッツエスアイ株式会社',
  source: '000_714f0646c96aa16f.txt',

  // --- Formation and changes -----------------------------------------------------------------
  applicant: { value: { kinds: ['corporate'], domesticCorporationOnly: true }, clause: 'NGN-10', note: '国内法人（法人に相当するものと当社が認めるものを含む）に限る' },
  applicationChannels: { value: ['form'], clause: 'NGN-10', note: '当社所定の契約申込書' },
  formation: { value: 'acceptance-notice-sent', clause: 'NGN-11', note: '承諾の通知を発信した時に成立; processed in order of receipt (ops may reorder)' },
  rejectionGrounds: {
    value: [
      { code: 1, ja: 'NGN-VPNの利用契約を締結していない', en: 'Applicant or user has no underlying NGN-VPN contract' },
      { code: 2, ja: '遵守すべき法令・ガイドライン（電気通信事業法等）を満たしていない', en: 'Does not meet applicable laws and guidelines (incl. Telecommunications Business Act)' },
      { code: 3, ja: '国内法人でない等、契約者の要件を満たしていない', en: 'Does not meet contractor requirements (e.g. not a domestic corporation)' },
      { code: 4, ja: '設備・環境により安定した提供が困難', en: 'Stable provision is difficult given the customer equipment or environment' },
      { code: 5, ja: '債務の支払いを怠るおそれがある', en: 'Risk of failing to pay contractual debts' },
      { code: 6, ja: '現在または過去の契約で債務不履行・不法行為があった', en: 'Default or tort under a current or past contract' },
      { code: 7, ja: '契約申込書に虚偽の事実を記載した', en: 'False statement in the application form' },
      { code: 8, ja: '違法・不当・信用毀損・重大な支障をきたす態様で利用するおそれ', en: 'Risk of unlawful, improper or seriously disruptive use, or use damaging the provider’s reputation' },
      { code: 9, ja: 'その他当社が不適切と認めたとき', en: 'Otherwise deemed inappropriate by the provider' },
    ],
    clause: 'NGN-12',
  },
  rejectionNotice: { value: 'written', clause: 'NGN-12', note: '第12条2項: 書面をもってその旨を通知' },
  changeRequest: { value: { sameGroundsAsApplication: true, effectiveFrom: 'acceptance' }, clause: 'NGN-13', note: 'formed when the acceptance notice is sent (第13条2項); price changes apply from the accepted date' },
  pauseResume: {
    value: { allowed: false, docomoCourseAllowed: false },
    clause: 'NGN-13',
    decided: true,
    reason: 'NGN has no pause/resume clause; a customer who wants less service files an NGN-13 change request (remove services) instead.',
  },
  contractorChanges: {
    value: { nameChange: 'NGN-14', nameChangeGrounds: null, paymentMethodChange: null, succession: 'NGN-15', successionNeedsApproval: true, transferRefusedBy: null },
    clause: 'NGN-14',
    note: '第14条 name/address change with evidence (証する書類); 第15条 transfer of the contractual position only with the provider’s approval, asked for on a form signed by both parties (連署した書面)',
  },

  // --- Term, renewal, cancellation -----------------------------------------------------------
  minimumTerm: { value: { months: 12, startRule: 'month-after-service-start' }, clause: 'NGN-17', note: '最低利用期間は1年間; サービス利用開始日の翌月から起算' },
  earlyTerminationFee: {
    value: { formula: 'remaining-whole-months-after-effective-month', taxClass: 'out-of-scope' },
    clause: 'NGN-18',
    decided: true,
    reason:
      '残契約期間分の利用料金: the month in which cancellation takes effect is billed as a normal whole month (plans are partialMonth "whole"), so the penalty counts the whole months after it up to the minimum-term end × monthly fee. A 違約金 compensates lost income and is not consideration for a service, so it is outside consumption tax (不課税) even though CLAUSES.md mentions "+ tax" in passing.',
  },
  renewal: { value: { periodMonths: 12, nonRenewalLeadMonths: 1, writtenNotice: true }, clause: 'NGN-39', note: 'auto-extended 12 months unless written notice ≥ 1 month before expiry; deadline = the last day ending on or before one month before the expiry instant (24:00 of the period end): 09-30 → 08-31' },
  cancellation: {
    value: { leadMonths: 1, leadBusinessDays: 5, writtenForm: true, onlyAfterMinimumTerm: true, unpaidDueImmediately: true },
    clause: 'NGN-41',
    note: '解約希望日の1ヶ月と5営業日前までに解約申込書で通知; 第41条2項 unpaid amounts due at once',
  },
  refundPolicy: {
    value: 'none',
    clause: 'NGN-19',
    decided: true,
    reason: 'NGN states no refund rule; fees are settled monthly (NGN-19) and plans bill whole months, so a cancellation does not refund or prorate the month in which it takes effect.',
  },
  feeAccrualStart: { value: 'billing-start', clause: 'NGN-3', note: '第3条 課金開始日: the date from which fees (other than initial/one-off fees) are counted' },
  feesAccrueWhileSuspended: { value: true, clause: 'NGN-16.2', note: 'restriction (第35条) and suspension (第36条) periods are billed as if the service were provided' },

  // --- Breaches, suspension, termination -----------------------------------------------------
  cureWindowDays: { value: 10, clause: 'NGN-25', note: '利用者が違反した日から10日間経過後も是正されない場合 (民法 第140条: the violation day is not counted)' },
  demandCurePeriodDays: {
    value: 14,
    clause: 'NGN-40',
    decided: true,
    reason:
      '第40条1項6号 "相当の期間を定めて催告": a reasonable period for a 催告 under 民法 第541条 is commonly one to two weeks; 14 days gives a corporate contractor two full business weeks and exceeds the 10-day NGN-25 cure window.',
  },
  forceMajeureTerminationDays: { value: 30, clause: 'NGN-40', note: '第40条1項10号: force majeure lasting more than 30 days' },
  terminationGrounds: {
    value: [
      { clause: 'NGN-40', item: 1, ja: '差押・仮差押・仮処分・租税滞納処分、会社更生・破産・民事再生・競売の申立て、整理・清算' },
      { clause: 'NGN-40', item: 2, ja: '手形・小切手の不渡り等の支払停止状態' },
      { clause: 'NGN-40', item: 3, ja: '資本の減少、営業の停止・変更又は解散の決議' },
      { clause: 'NGN-40', item: 4, ja: '財産状態の悪化又はそのおそれ' },
      { clause: 'NGN-40', item: 5, ja: '監督官庁による営業の廃止・免許又は登録の取消し' },
      { clause: 'NGN-40', item: 6, ja: '債務不履行・契約違反につき相当の期間を定めた催告後も期間内に履行・是正しない', requires: 'uncured-demand' },
      { clause: 'NGN-40', item: 7, ja: '契約申込書・契約変更申込書その他通知内容への虚偽記入' },
      { clause: 'NGN-40', item: 8, ja: '契約者の責に帰すべき事由により当社業務に支障を及ぼすおそれ' },
      { clause: 'NGN-40', item: 9, ja: '第37条により利用を停止された契約者が停止原因を解消しない', requires: 'stopped-uncured' },
      { clause: 'NGN-40', item: 10, ja: '第33条3項1号の不可抗力が30日間を超えて続き、継続的な提供が困難', requires: 'force-majeure-right' },
      { clause: 'NGN-42', item: 1, ja: '反社会的勢力である、又はあった' },
      { clause: 'NGN-42', item: 2, ja: '反社会的勢力を利用した' },
      { clause: 'NGN-42', item: 3, ja: '反社会的勢力の維持運営に協力・関与した' },
      { clause: 'NGN-42', item: 4, ja: '反社会的勢力と社会的に非難されるべき関係を有する' },
      { clause: 'NGN-42', item: 5, ja: '暴力的行為・詐術・脅迫的言辞、名誉・信用の毀損、業務妨害' },
    ],
    clause: 'NGN-40',
    note: '第40条1項 (1)–(10) without prior notice or demand — except (6), which needs the demand and its period; 第42条 (1)–(5) at once, without a demand',
  },
  accelerationOnTermination: { value: true, clause: 'NGN-40', note: '第40条2項 期限の利益の喪失 with 割増金 and 遅延損害金' },
  abolitionNotice: {
    value: { leadDays: 60, counting: 'clear-days' },
    clause: 'NGN-38',
    decided: true,
    reason:
      'NGN-38 only says 事前に. We use TNC-24’s 60 days: an NGN-VPN customer must re-home every site and cancel the underlying NGN contracts (which themselves need more than a month), so anything shorter than ~2 months is not a workable "prior" notice; one rule for both 約款 also keeps operations simple. Counting: 60 clear days between notice day and abolition day (see earliestDateAfterNotice).',
  },
  serviceSuspensionByNotice: { value: false, clause: 'NGN-38', note: '第38条 covers abolition only; temporary stops are NGN-36 suspensions with their own notice' },
  notices: {
    suspension: { value: 'prior-unless-emergency', clause: 'NGN-36', note: 'その旨並びに理由及び期間を事前に通知; 緊急やむを得ないときは除く' },
    stoppage: { value: 'prior-unless-emergency', clause: 'NGN-37', note: 'あらかじめその理由及び期間を通知; 緊急やむを得ないときは除く' },
    terminationByProvider: { value: 'none', clause: 'NGN-40', note: '事前の通知若しくは催告を要することなく (item (6) still needs the demand period)' },
    antiSocialTermination: { value: 'none', clause: 'NGN-42', note: '何らの催告をすることなく、ただちに解除' },
    abolition: { value: 'prior', clause: 'NGN-38' },
    termsChange: { value: 'prior', clause: 'NGN-2', note: '影響を受ける契約者に事前に通知' },
  },
  termsChangeNoticeDays: {
    value: 30,
    clause: 'NGN-2',
    decided: true,
    reason: 'NGN-2 says only 事前に. 民法 第548条の4 requires the change of a 定型約款 to be made known a reasonable time before it takes effect; 30 days covers one monthly billing cycle (NGN-19), so a price change is never billed before a full cycle of notice.',
  },
  termsChangeObjectionEndsContract: { value: false, clause: 'NGN-2', note: 'NGN has no objection clause (contrast TNC-3)' },
  breachMeasures: {
    value: [
      { code: 1, ja: '当該違反利用者への提供停止', en: 'Stop the service for the violating user', designatedPeriod: false, effect: 'record' },
      { code: 2, ja: '契約者への提供停止', en: 'Stop the service for the contractor', designatedPeriod: false, effect: 'suspend' },
      { code: 3, ja: '利用契約の全部又は一部の解除', en: 'Terminate the contract in whole or in part', designatedPeriod: false, effect: 'terminate' },
    ],
    clause: 'NGN-25',
    note: 'available once the 10-day cure window (NGN-25) has passed; NGN-27 breaches act immediately',
  },
  breachHandling: {
    value: {
      prohibitedActsArticle: 26,
      cases: [
        { clause: 'NGN-25', window: 'cure-window' },
        { clause: 'NGN-27', window: 'none', terminateUnder: 'NGN-40', terminateItem: 6, terminateGated: false },
      ],
    },
    clause: 'NGN-25',
    note: '第26条 lists the prohibited acts; NGN-25 4項 (1)–(3) act under NGN-25 itself once the 10 days passed; NGN-27 acts at once (stop under NGN-27), and terminates by NGN-40 (6)’s proviso (第27条の事由による場合は直ちに解約) without a demand',
  },
  suspensionNoticeLeadDays: {
    value: 7,
    clause: 'NGN-36',
    decided: true,
    reason:
      'NGN-36 2項 and NGN-37 2項 say only 事前に / あらかじめ (with reason and period). One week is the usual planned-maintenance notice of Japanese carriers and lets a corporate customer re-route traffic; counted per 民法 第140条 from the day the notice is delivered (that day not counted), so a notice delivered on 05-10 allows a start at 05-18 00:00 JST at the earliest. In an emergency (緊急やむを得ないとき) the notice may follow, with the reason stated.',
  },
  suspensionGrounds: {
    value: [
      { clause: 'NGN-36', rule: 'suspension' },
      { clause: 'NGN-37', rule: 'stoppage' },
    ],
    clause: 'NGN-36',
    note: '第36条 temporary suspension (maintenance etc.), 第37条 stoppage (non-payment, breach …)',
  },
  paymentMethodInvalidStoppage: { value: false, clause: 'NGN-37', note: 'NGN has no invalid-payment-method ground; unpaid charges are NGN-37 (1)' },

  // --- Outages, credits, liability -----------------------------------------------------------
  outageThresholdHours: { value: 24, clause: 'NGN-33.1', note: 'counted from the moment the provider recognised and confirmed the total outage' },
  creditFormula: { value: 'ngn-33-whole-days-div30-cap-month', clause: 'NGN-33.2' },
  creditDailyDivisor: {
    value: 30,
    clause: 'NGN-33.2',
    decided: true,
    reason: 'NGN-33.2 limits compensation to the multiple-of-24h part and to one month’s fee but gives no daily rate. 1/30 of the monthly fee is the rate TNC-42.1 and most Japanese carrier 約款 use; it makes 30 days = one month, exactly the cap.',
  },
  outageDaysCounting: {
    value: 'whole-24h-periods',
    clause: 'NGN-33.2',
    decided: true,
    reason: '"24時間の倍数である部分に限る": only complete 24-hour periods from recognition count; a remainder under 24 hours is not compensated.',
  },
  creditCap: { value: 'monthly-fee', clause: 'NGN-33.2', note: 'サービス利用料金の損害発生に係わる月額相当分を限度' },
  capWaivedForWilfulOrGrossNegligence: {
    value: true,
    clause: 'NGN-33.2',
    decided: true,
    reason:
      'NGN-33 has no express exception, but Japanese courts do not let a limitation clause protect a party acting wilfully or with gross negligence (信義則; cf. TNC-42.5 and NGN-33.3(5)). Such claims are assessed manually; ngnOutageCompensation computes only the capped contractual figure.',
  },
  excludedOutageCauses: {
    value: ['force-majeure', 'restriction-or-suspension', 'third-party-hacking', 'carrier-failure', 'carrier-repair-data-loss', 'other-not-attributable'],
    clause: 'NGN-33.3',
  },
  compensableOutageCauses: { value: ['provider-fault'], clause: 'NGN-33.3', note: 'every other cause is excluded by NGN-33.3' },
  carrierCausedAllocation: { value: 'excluded', clause: 'NGN-33.3', note: '第33条3項4号: carrier network failures are not compensated' },
  feeExemption: { value: null, clause: 'NGN-16.2', note: 'no fee exemption: fees accrue during restriction/suspension; outages are compensated under NGN-33' },

  // --- Money ---------------------------------------------------------------------------------
  feeSettlement: { value: 'monthly', clause: 'NGN-19', note: '月額料金は毎月精算; 第19条3項 metered options the month after use' },
  lateInterest: {
    value: { annualRate: '0.146', daysInYear: 365, dayCount: 'day-after-due-to-payment-inclusive' },
    clause: 'NGN-21',
    decided: true,
    reason:
      'NGN-21 states only 年率14.6%. Day count: from the day after the due date to the payment date inclusive (the TNC-29 wording and general Japanese practice); 365-day year even in leap years (年365日の日割計算, the convention 14.6% = 0.04%/day is built on); one 円未満切り捨て at the end.',
  },
  rounding: {
    value: 'floor-yen',
    clause: 'NGN-23',
    decided: true,
    reason: 'NGN states no rounding rule. 円未満切り捨て is the rule TNC-42.1 states and the common practice for fees, tax and interest; it never charges more than the exact figure.',
  },
  taxRate: { value: '0.10', clause: 'NGN-23', note: '消費税 7.8% + 地方消費税 2.2%' },
  taxRounding: {
    value: 'per-line-floor',
    clause: 'NGN-23',
    decided: true,
    reason: 'Tax is computed on each charge line and floored (円未満切り捨て), so every ledger entry carries its own exact tax and an idempotent retry of one line cannot change another line’s tax.',
  },
  evasionSurchargeMultiple: { value: 2, clause: 'NGN-20', note: '免れた金額の2倍; out of scope of consumption tax' },
  dispatchFeeTaxable: { value: true, clause: 'NGN-29', note: '派遣に要した費用の額に消費税相当額を加算した額' },
  meteredBilling: { value: 'month-after-use', clause: 'NGN-19', note: '第19条3項: 利用月翌月に精算' },
  paymentMethods: { value: ['bank-transfer'], clause: 'NGN-19', note: '当社が指定する方法; 振込手数料 borne by the contractor' },

  // --- Docomo course -------------------------------------------------------------------------
  docomoCourse: { value: { supported: false, notifyOn: [], damagesPerDocomoTerms: false }, clause: 'NGN-1', note: 'NGN has no carrier-billed course' },

  // --- Second reading (issue 13) ---------------------------------------------------------------
  changeFormation: {
    value: { formedWhen: 'acceptance-notice-sent', priceFrom: 'formation-date', refusalNotice: 'written' },
    clause: 'NGN-13.2',
    note: '第13条2項: 承諾の通知を発信したときに成立; 3項: 第12条 (grounds, 書面) applies to a change request',
  },
  acceleration: {
    value: { onCancellation: 'NGN-41', onTerminationGrounds: ['NGN-40'] },
    clause: 'NGN-40',
    note: '第41条2項: unpaid fees and late damages fall due at once on the contractor’s 解約; 第40条2項: 期限の利益の喪失 when the contractor falls under a 第40条1項 ground. Expiry (NGN-39), abolition (NGN-38), NGN-25 (3) and NGN-42 terminations accelerate nothing.',
  },
  paymentTerms: {
    value: { monthly: 'NGN-19', penalties: 'NGN-22', lateInterest: 'NGN-22', penaltyInvoiceApart: true },
    clause: 'NGN-22',
    decided: true,
    reason:
      '第19条2項 (期日・方法は当社指定, 振込手数料は契約者負担) applies to 違約金・割増金・遅延損害金 by 第22条. The 違約金 is therefore billed on its own invoice with the monthly due-date rule (月末), not folded into the final bill that 第41条2項 makes due at once: 第41条2項 names unpaid 利用料金等 and 遅延損害金等, the 違約金 arises only with the 解約 and has its own rule in 第22条.',
  },
  feeExemptionGrounds: { value: null, clause: 'NGN-16.2', note: 'no fee exemption: fees accrue during 第35条/第36条 measures (第16条2項); outages are compensated under NGN-33 only' },
  carrierBilling: { value: null, clause: 'NGN-19', note: 'NGN has no carrier-billed course; every invoice is the provider’s (第19条)' },
  partialCancellation: {
    value: { allowed: true, erasureForEndedPart: 'NGN-43.3' },
    clause: 'NGN-41.1',
    note: '第41条1項: 利用契約の全部又は一部を解約 with the same lead (1 month + 5 business days); 第43条3項: the post-termination duties apply to the part that ended',
  },

  // --- Data and after termination ------------------------------------------------------------
  retentionDaysAfterTermination: {
    value: 90,
    clause: 'NGN-43',
    decided: true,
    reason:
      'NGN-43.2 lets the provider delete contract data immediately after termination, but the final invoice (metered options are billed the month after use, NGN-19) and its payment come up to two months later; 90 days covers that, after which contract data is deleted. Records that tax law requires (帳簿書類, 7 years) are kept separately as law requires.',
  },
  erasureCertificate: {
    value: { required: true, reminderIntervalDays: 14, maxReminders: 6 },
    clause: 'NGN-43',
    decided: true,
    reason:
      'NGN-43.1 requires the certificate but sets no deadline. A reminder every 14 days (two business weeks for a corporate customer) for up to 6 reminders (~3 months) then hands the case to operations instead of nagging forever.',
  },
  confidentialWritingDays: { value: 14, clause: 'NGN-45', note: 'oral disclosures count only if put in writing within 14 days (optional tracker)' },
  survivingDuties: { value: true, clause: 'NGN-54', note: '第31–33条, 第43–48条, 第53–56条 survive the end of the contract' },
  carrierDisclosureConsent: { value: true, clause: 'NGN-48', note: '電気通信事業者から請求があったときの氏名・住所・通信履歴等の通知に同意' },

  // --- Notices -----------------------------------------------------------------------------------
  electronicNotices: { value: ['email', 'web', 'paper'], clause: 'NGN-49', note: '電子メール、ウェブサイトへの掲載又は書面' },
  /** The clauses each notice cites (first = its clause id); notices/catalogue.ts describes each kind. */
  noticeClauses: {
    'acceptance': ['NGN-11'],
    'rejection': ['NGN-12'],
    'renewal-reminder': ['NGN-39'],
    'non-renewal-receipt': ['NGN-39'],
    'cancellation-receipt': ['NGN-41'],
    'early-termination-fee': ['NGN-18'],
    'suspension': ['NGN-36', 'NGN-37'],
    'violation': ['NGN-25', 'NGN-40'],
    'termination': ['NGN-40', 'NGN-42'],
    'outage': ['NGN-52', 'NGN-33.1'],
    'outage-24h': ['NGN-33.1'],
    'restoration': ['NGN-52', 'NGN-33.1'],
    'credit': ['NGN-33.2'],
    'invoice': ['NGN-19'],
    'overdue-reminder': ['NGN-21'],
    'abolition': ['NGN-38'],
    'terms-change': ['NGN-2'],
    'erasure-certificate-reminder': ['NGN-43'],
    'data-deletion': ['NGN-43'],
    'disclosure': ['NGN-46'],
    'contractor-change': ['NGN-15'],
    'change-acceptance': ['NGN-13.2'],
    'change-refusal': ['NGN-13.2', 'NGN-12'],
  },
} satisfies TermsCatalog);
