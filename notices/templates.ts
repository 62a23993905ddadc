/**
 * Japanese notice texts (pure: no I/O, no clock), one per entry of the notice catalogue
 * (notices/catalogue.ts). Each notice cites the clause that requires it, shows dates in 和暦 with the
 * ISO date beside them, and yen with separators; every template renders plain text and HTML.
 *
 * Rendered once when the notice is recorded; the outbox keeps the rendered text, so a later
 * template change never rewrites a notice already sent.
 */
import { dateJa, instantJa, jaAnnualRate, jaYen, type IsoDate } from './format.js';
import { renderNotice, type NoticeDoc, type RenderedNotice } from './render.js';
import { CARRIER_EVENT_CLAUSE, type CarrierEvent } from './catalogue.js';

export type { RenderedNotice } from './render.js';
export { jaDate, jaYen, warekiDate, dateJa, instantJa, escapeHtml } from './format.js';

export interface Party {
  contractId: string;
  customerName: string;
  termsTitle: string;
}

const subject = (p: Party, title: string) => `【${p.termsTitle}】${title}（契約番号 ${p.contractId}）`;

/** What every template here returns: the text body and its HTML alternative. */
export type Rendered = RenderedNotice & { html: string };

function doc(p: Party, d: Omit<NoticeDoc, 'addressee' | 'termsTitle' | 'contractId'>): Rendered {
  return renderNotice({ ...d, addressee: p.customerName, termsTitle: p.termsTitle, contractId: p.contractId });
}

function required(value: string | undefined, what: string, clauseId: string): string {
  if (!value || !value.trim()) throw new RangeError(`${clauseId}: the notice must state ${what}`);
  return value.trim();
}

// ---------------------------------------------------------------------------------------------
// Formation (NGN-11 / NGN-12 / TNC-12)
// ---------------------------------------------------------------------------------------------

export function acceptanceNotice(p: Party & { serviceStart: IsoDate; clauseId: string }): Rendered {
  const formation =
    p.clauseId === 'NGN-11'
      ? '本通知の発信をもって利用契約が成立いたしました。'
      : '当社データベースへのご登録をもって利用契約が成立いたしました。';
  return doc(p, {
    kind: 'acceptance',
    clauseId: p.clauseId,
    subject: subject(p, 'ご利用申込み承諾のお知らせ'),
    paragraphs: [`${p.termsTitle}に基づくお申込みを承諾いたしました。${formation}`],
    facts: [['サービス開始日', dateJa(p.serviceStart)]],
    clauses: [p.clauseId],
  });
}

export function rejectionNotice(
  p: Party & { grounds: { code: number; label: string }[]; reason: string; clauseId: string },
): Rendered {
  if (p.grounds.length === 0) throw new RangeError(`${p.clauseId}: a rejection names at least one ground`);
  return doc(p, {
    kind: 'rejection',
    clauseId: p.clauseId,
    subject: subject(p, 'ご利用申込みについて（書面によるご通知）'),
    paragraphs: [`誠に恐れ入りますが、${p.termsTitle}に基づくお申込みを承諾できないことを書面にてご通知いたします。`],
    list: { title: `該当する事由（${p.clauseId} 各号）`, items: p.grounds.map((g) => `(${g.code}) ${g.label}`) },
    facts: [['理由', required(p.reason, 'the reason', p.clauseId)]],
    clauses: [p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// Term, renewal, cancellation (NGN-39 / NGN-41 / NGN-18 / TNC-17)
// ---------------------------------------------------------------------------------------------

/** NGN-39: the period ends on `periodEnd` and renews to `renewedUntil` unless notice arrives by `deadline`. */
export function renewalReminder(p: Party & { periodEnd: IsoDate; deadline: IsoDate; renewedUntil: IsoDate; clauseId?: string }): Rendered {
  const clauseId = p.clauseId ?? 'NGN-39';
  return doc(p, {
    kind: 'renewal-reminder',
    clauseId,
    subject: subject(p, '契約期間満了および自動更新のご案内'),
    paragraphs: [
      `現在の契約期間は${dateJa(p.periodEnd)}に満了します。`,
      `契約を更新されない場合は、${dateJa(p.deadline)}までに書面にてご通知ください（期間満了日の1か月前までに到達したものに限ります）。`,
      `期限までにご通知がない場合、契約は12か月間自動的に延長され、${dateJa(p.renewedUntil)}までとなります。`,
    ],
    facts: [
      ['契約期間満了日', dateJa(p.periodEnd)],
      ['更新しない旨のご通知期限（書面必着）', dateJa(p.deadline)],
      ['自動更新後の満了日', dateJa(p.renewedUntil)],
    ],
    clauses: [clauseId],
  });
}

export function cancellationReceipt(
  p: Party & {
    receivedOn: IsoDate;
    endDate: IsoDate;
    clauseId: string;
    earlyTerminationFee?: { months: number; amount: string };
  },
): Rendered {
  const notes: string[] = [];
  if (p.earlyTerminationFee) {
    notes.push(
      `最低利用期間内の解約のため、残契約期間 ${p.earlyTerminationFee.months} か月分の違約金 ${jaYen(p.earlyTerminationFee.amount)}（不課税）を請求いたします（NGN-18）。`,
    );
  }
  if (p.clauseId === 'NGN-41') notes.push('未払いの料金等は解約により直ちに支払期日が到来します。');
  if (p.clauseId === 'TNC-17') notes.push('既にお支払いいただいた料金等は払い戻しいたしません。');
  return doc(p, {
    kind: 'cancellation-receipt',
    clauseId: p.clauseId,
    subject: subject(p, '解約のお申出を承りました'),
    paragraphs: [`${dateJa(p.receivedOn)}に解約のお申出を受け付けました。`, `${dateJa(p.endDate)} 24時をもって契約は終了します。`],
    facts: [
      ['お申出受付日', dateJa(p.receivedOn)],
      ['解約日', dateJa(p.endDate)],
      ...(p.earlyTerminationFee ? ([['違約金（不課税）', jaYen(p.earlyTerminationFee.amount)]] as [string, string][]) : []),
    ],
    notes,
    clauses: p.earlyTerminationFee ? [p.clauseId, 'NGN-18'] : [p.clauseId],
  });
}

/**
 * NGN-15: the provider's decision on a transfer of the contractual position asked for on a request
 * signed by both parties (written: the approval makes it effective; a denial states the reason).
 */
export function contractorChangeNotice(
  p: Party & { clauseId: string; decision: 'approved' | 'denied'; decidedOn: IsoDate; successor?: string; reason?: string },
): Rendered {
  const approved = p.decision === 'approved';
  const facts: [string, string][] = [['決定日', dateJa(p.decidedOn)]];
  if (p.successor) facts.push(['承継人', p.successor]);
  if (!approved) facts.push(['理由', required(p.reason, 'the reason for the denial', p.clauseId)]);
  return doc(p, {
    kind: 'contractor-change',
    clauseId: p.clauseId,
    subject: subject(p, approved ? '契約上の地位の承継の承認について' : '契約上の地位の承継について（承認できない旨のご通知）'),
    paragraphs: [
      approved
        ? `連署によるご請求のあった契約上の地位の承継を、${p.termsTitle} ${p.clauseId} に基づき承認いたしました。承認をもって承継の効力が生じます。`
        : `連署によるご請求のあった契約上の地位の承継は、${p.termsTitle} ${p.clauseId} に基づき承認いたしかねますので、書面にてご通知いたします。利用契約は現在の契約者のまま継続します。`,
    ],
    facts,
    clauses: [p.clauseId],
  });
}

export function nonRenewalReceipt(
  p: Party & { receivedOn: IsoDate; endDate: IsoDate; clauseId: string },
): Rendered {
  return doc(p, {
    kind: 'non-renewal-receipt',
    clauseId: p.clauseId,
    subject: subject(p, '契約を更新しない旨のご通知を承りました'),
    paragraphs: [
      `${dateJa(p.receivedOn)}に契約を更新しない旨の書面によるご通知を受け付けました。`,
      `契約期間満了日 ${dateJa(p.endDate)} をもって契約は終了します。`,
    ],
    facts: [
      ['ご通知受付日', dateJa(p.receivedOn)],
      ['契約終了日', dateJa(p.endDate)],
    ],
    clauses: [p.clauseId],
  });
}

/** NGN-18: penalty = fees for the remaining minimum term (out of scope of consumption tax). */
export function earlyTerminationFeeNotice(
  p: Party & { endDate: IsoDate; minimumTermEnd: IsoDate; months: number; monthlyFee: string; amount: string },
): Rendered {
  return doc(p, {
    kind: 'early-termination-fee',
    clauseId: 'NGN-18',
    subject: subject(p, '違約金（残契約期間分）のご請求'),
    paragraphs: [
      `最低利用期間（${dateJa(p.minimumTermEnd)}まで）内に契約が終了するため、残契約期間分の料金を違約金として請求いたします。`,
      '違約金は消費税の課税対象外（不課税）です。',
    ],
    facts: [
      ['契約終了日', dateJa(p.endDate)],
      ['最低利用期間の満了日', dateJa(p.minimumTermEnd)],
      ['残契約期間', `${p.months} か月`],
      ['月額料金', jaYen(p.monthlyFee)],
      ['違約金（不課税）', jaYen(p.amount)],
    ],
    clauses: ['NGN-18', 'NGN-17'],
  });
}

// ---------------------------------------------------------------------------------------------
// Suspension, violation, termination (NGN-36/37, TNC-41, NGN-25/40, TNC-40/18, NGN-42)
// ---------------------------------------------------------------------------------------------

/**
 * NGN-36 temporary suspension / NGN-37 stoppage: prior notice with reason and period (after the
 * fact only in an emergency). TNC-41: suspension without prior notice, told when taken.
 * `to` absent: the period runs until the cause is removed (stated as such).
 */
export function suspensionNotice(
  p: Party & {
    clauseId: string;
    reason: string;
    from: IsoDate | string;
    to?: IsoDate | string;
    emergency?: boolean;
    /** 緊急やむを得ない事由: why no prior notice was possible (NGN-36/37). */
    emergencyReason?: string;
    /** The stop had started before this notice (TNC-39: 事前または事後に通知). */
    after?: boolean;
    /** TNC-18 1項: the end of the designated period for removing the cause, and the clause that lets the provider terminate then. */
    cureBy?: string;
    cureClause?: string;
  },
): Rendered {
  const reason = required(p.reason, 'the reason (理由)', p.clauseId);
  if (p.to && Date.parse(p.to) < Date.parse(p.from)) throw new RangeError(`${p.clauseId}: the period ends (${p.to}) before it starts (${p.from})`);
  // A period may be whole days (IsoDate) or exact instants (maintenance windows within a day).
  const when = (x: string) => (x.length > 10 ? instantJa(x) : dateJa(x));
  const period = p.to ? `${when(p.from)}から${when(p.to)}まで` : `${when(p.from)}から停止の理由が解消されるまで`;
  const what = p.clauseId === 'NGN-36' || p.clauseId === 'TNC-39' ? 'サービスの提供を一時中止' : 'サービスの利用を停止';
  const paragraphs =
    p.clauseId === 'TNC-41'
      ? [`${p.termsTitle} ${p.clauseId} に基づき、事前の通知なく${what}いたしましたのでお知らせします。`]
      : p.emergency
        ? [`緊急やむを得ない事由により、事前にご通知できないまま${what}いたしました。理由および期間は以下のとおりです。`]
        : p.after
          ? [`${p.termsTitle} ${p.clauseId} に基づき、以下の理由および期間により${what}いたしましたので、事後にご通知いたします。`]
          : [`${p.termsTitle} ${p.clauseId} に基づき、以下の理由および期間により${what}いたしますので、事前にご通知いたします。`];
  const facts: [string, string][] = [
    ['理由', reason],
    ['期間', period],
  ];
  if (p.emergency && p.emergencyReason?.trim()) facts.push(['事前に通知できなかった事由', p.emergencyReason.trim()]);
  if (p.cureBy) facts.push(['停止事由の解消期限', when(p.cureBy)]);
  const notes: string[] = [];
  if (p.cureBy) {
    notes.push(`上記の期限までに停止の事由を解消または是正されない場合、${p.cureClause ?? p.clauseId} に基づき利用契約を解約することがあります。`);
  }
  if (p.clauseId === 'NGN-36') notes.push('提供中止期間中も料金は発生します（NGN-16.2）。');
  if (p.clauseId === 'TNC-41') notes.push('利用停止期間中も料金は発生します（TNC-26.3）。');
  return doc(p, {
    kind: 'suspension',
    clauseId: p.clauseId,
    subject: subject(p, p.clauseId === 'NGN-36' ? 'サービス提供の一時中止のご通知' : 'サービス利用停止のご通知'),
    paragraphs,
    facts,
    notes,
    clauses: [p.clauseId],
  });
}

const CURE_CONSEQUENCE: Record<string, string> = {
  'NGN-25': '期限までに是正されない場合、当該利用者または契約者へのサービスの提供停止、もしくは利用契約の全部または一部の解除を行うことがあります。',
  'NGN-40': '期限までに履行されない場合、利用契約を解除することがあります。解除の場合、一切の債務について期限の利益を失います。',
  'TNC-40': '期限までに対応いただけない場合、事前の通知なく利用を停止することがあります（TNC-41）。',
  'TNC-18': '期限までに停止の原因が解消されない場合、利用契約を解約することがあります。',
};

/** NGN-25 cure window / NGN-40 (6) demand / TNC-40 (1)–(3) demand / TNC-18 cure period: what, since when, cure by. */
export function violationNotice(
  p: Party & { clauseId: string; violation: string; occurredOn: IsoDate; cureBy?: IsoDate },
): Rendered {
  const violation = required(p.violation, 'the violation (違反の内容)', p.clauseId);
  if (!p.cureBy) {
    // NGN-27: breach of 第24条/第26条 — measures without a cure window.
    return doc(p, {
      kind: 'violation',
      clauseId: p.clauseId,
      subject: subject(p, '約款違反に対する措置のご通知'),
      paragraphs: [`${p.termsTitle}に違反する以下の事実を確認しました。${p.clauseId} に基づき、是正期間を設けず直ちに措置を講じることがあります。`],
      facts: [
        ['違反の内容', violation],
        ['確認日', dateJa(p.occurredOn)],
      ],
      notes: ['措置には情報の削除、サービスの停止、損害賠償の請求が含まれます。'],
      clauses: [p.clauseId],
    });
  }
  if (p.cureBy < p.occurredOn) throw new RangeError(`${p.clauseId}: cure deadline ${p.cureBy} is before ${p.occurredOn}`);
  return doc(p, {
    kind: 'violation',
    clauseId: p.clauseId,
    subject: subject(p, '約款違反の是正のお願い（是正期限のご通知）'),
    paragraphs: [`${p.termsTitle}に違反する以下の事実を確認しました。${dateJa(p.cureBy)}までに是正してください。`],
    facts: [
      ['違反の内容', violation],
      ['確認日', dateJa(p.occurredOn)],
      ['是正期限', `${dateJa(p.cureBy)} 24時`],
    ],
    notes: [CURE_CONSEQUENCE[p.clauseId] ?? ''],
    clauses: [p.clauseId],
  });
}

/** NGN-40 / NGN-42 / TNC-18: the provider terminates the contract; NGN-40 accelerates all debts. */
export function terminationNotice(
  p: Party & { clauseId: string; reason: string; effectiveDate: IsoDate; acceleratedAmount?: string },
): Rendered {
  const reason = required(p.reason, 'the reason (解除の理由)', p.clauseId);
  const notes: string[] = [];
  if (p.acceleratedAmount) {
    notes.push(`解除に伴い、未払いの債務 ${jaYen(p.acceleratedAmount)} について期限の利益を失い、直ちにお支払いいただく必要があります（NGN-40）。`);
  }
  return doc(p, {
    kind: 'termination',
    clauseId: p.clauseId,
    subject: subject(p, 'ご利用契約の解除のご通知'),
    paragraphs: [`${p.termsTitle} ${p.clauseId} に基づき、${dateJa(p.effectiveDate)}をもって利用契約を解除いたしました。`],
    facts: [
      ['解除日', dateJa(p.effectiveDate)],
      ['理由', reason],
      ...(p.acceleratedAmount ? ([['直ちにお支払いいただく金額', jaYen(p.acceleratedAmount)]] as [string, string][]) : []),
    ],
    notes,
    clauses: [p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// Outages and credits (TNC-35, NGN-52, NGN-33, TNC-26.2, TNC-42.1)
// ---------------------------------------------------------------------------------------------

/** TNC-35 / NGN-52: sent to the fault contact when registered (recipientFor). */
export function outageNotice(
  p: Party & { clauseId: string; recognisedAt: string; symptom: string; cause?: string },
): Rendered {
  return doc(p, {
    kind: 'outage',
    clauseId: p.clauseId,
    subject: subject(p, '故障発生のお知らせ'),
    paragraphs: ['ご利用のサービスで故障が発生しています。復旧に全力で取り組んでおり、回復しましたら改めてお知らせします。'],
    facts: [
      ['故障を認知した日時', instantJa(p.recognisedAt)],
      ['症状', required(p.symptom, 'the symptom', p.clauseId)],
      ['原因', p.cause?.trim() || '調査中'],
    ],
    clauses: [p.clauseId],
  });
}

/** Duration between two instants as 30時間15分. */
function hoursMinutes(fromIso: string, toIso: string): string {
  const minutes = Math.floor((Date.parse(toIso) - Date.parse(fromIso)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`restored (${toIso}) before recognised (${fromIso})`);
  return `${Math.floor(minutes / 60)}時間${minutes % 60}分`;
}

/**
 * NGN-33.1 / TNC-42.1 (TNC-26.2): the outage has lasted 24 hours from the provider's recognition,
 * so the unusable period now counts for compensation; the amount follows at restoration.
 */
export function outageThresholdNotice(
  p: Party & { clauseId: string; recognisedAt: string; thresholdAt: string },
): Rendered {
  return doc(p, {
    kind: 'outage-24h',
    clauseId: p.clauseId,
    subject: subject(p, '故障の継続（24時間経過）のお知らせ'),
    paragraphs: ['ご利用のサービスの故障は、当社が認知した時刻から24時間以上継続しています。復旧に全力で取り組んでおります。'],
    facts: [
      ['故障を認知した日時', instantJa(p.recognisedAt)],
      ['24時間経過', instantJa(p.thresholdAt)],
    ],
    notes: ['ご利用いただけなかった期間に応じた減額・損害賠償の額は、回復後にお知らせします。'],
    clauses: [p.clauseId],
  });
}

export function restorationNotice(
  p: Party & { clauseId: string; recognisedAt: string; restoredAt: string; cause?: string },
): Rendered {
  return doc(p, {
    kind: 'restoration',
    clauseId: p.clauseId,
    subject: subject(p, '故障回復のお知らせ'),
    paragraphs: ['ご利用のサービスの故障は回復いたしました。ご不便をおかけしたことをお詫び申し上げます。'],
    facts: [
      ['故障を認知した日時', instantJa(p.recognisedAt)],
      ['回復日時', instantJa(p.restoredAt)],
      ['期間', hoursMinutes(p.recognisedAt, p.restoredAt)],
      ['原因', p.cause?.trim() || '調査中'],
    ],
    notes: ['24時間以上ご利用いただけなかった場合の減額は、別途お知らせします（NGN-33 / TNC-26.2・TNC-42.1）。'],
    clauses: [p.clauseId],
  });
}

const CREDIT_BASIS: Record<string, string> = {
  'NGN-33.2': '24時間の倍数である部分について、月額料金の30分の1に日数を乗じた額（月額料金を限度）を損害賠償としてお支払いします。',
  'TNC-42.1': '基本料金の30分の1に利用不能の日数を乗じた額（円未満切り捨て）を損害賠償としてお支払いします。',
  'TNC-26.2': '利用できなかった期間の料金（およびその消費税相当額）を免除いたします。',
  'TNC-43': '基本料金の30分の1に利用不能の日数を乗じた額を、消費者契約のため1か月分の料金を限度としてお支払いします。',
};

export function creditNotice(
  p: Party & {
    clauseId: string;
    recognisedAt: string;
    restoredAt: string;
    days: number;
    amount: string;
    appliedTo: string;
    /**
     * TNC-26.2: the fee exemption month by month (days over that month's actual days) and the tax
     * removed with it; `instead` names the damages clause whose smaller amount is not paid.
     */
    exemption?: { months: { month: string; days: number; daysInMonth: number; amount: string }[]; tax: string; instead?: { clauseId: string; amount: string } };
  },
): Rendered {
  const facts: [string, string][] = [
    ['利用不能期間', `${instantJa(p.recognisedAt)}から${instantJa(p.restoredAt)}まで`],
    ['対象日数', `${p.days}日`],
  ];
  const notes: string[] = [];
  if (p.exemption) {
    for (const m of p.exemption.months) facts.push([`${m.month} 分の料金（${m.days}日 ÷ ${m.daysInMonth}日）`, jaYen(m.amount)]);
    facts.push(['免除する消費税相当額', jaYen(p.exemption.tax)], ['免除額（税込）', jaYen(p.amount)]);
    if (p.exemption.instead) {
      notes.push(`同じ期間の損害賠償（${p.exemption.instead.clauseId}: ${jaYen(p.exemption.instead.amount)}）とはいずれか多い方のみを適用するため、料金の免除を適用します。`);
    }
  } else facts.push(['減額金額', jaYen(p.amount)]);
  facts.push(['減額するご請求', `${p.appliedTo}分`]);
  return doc(p, {
    kind: 'credit',
    clauseId: p.clauseId,
    subject: subject(p, '故障に伴う料金の減額のお知らせ'),
    paragraphs: ['24時間以上サービスをご利用いただけなかったため、以下のとおり料金を減額いたします。', CREDIT_BASIS[p.clauseId] ?? ''],
    facts,
    notes,
    clauses: [p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// Money (NGN-19 / TNC-26 invoices, NGN-21 / TNC-29 overdue)
// ---------------------------------------------------------------------------------------------

export interface InvoiceLineView {
  description: string;
  amount: string;
  taxClass: 'taxable' | 'consumption-tax' | 'out-of-scope' | 'credit';
}

export function invoiceNotice(
  p: Party & {
    clauseId: string;
    period: string;
    issuedOn: IsoDate;
    dueDate: IsoDate;
    lines: InvoiceLineView[];
    total: string;
  },
): Rendered {
  const taxed = p.lines.filter((l) => l.taxClass !== 'out-of-scope');
  const outOfScope = p.lines.filter((l) => l.taxClass === 'out-of-scope');
  const items = [
    ...taxed.map((l) => `${l.description}: ${jaYen(l.amount)}`),
    ...outOfScope.map((l) => `${l.description}（不課税）: ${jaYen(l.amount)}`),
  ];
  return doc(p, {
    kind: 'invoice',
    clauseId: p.clauseId,
    subject: subject(p, `${p.period} ご利用料金のご請求`),
    paragraphs: [`${p.period}分のご利用料金を以下のとおりご請求いたします。${dateJa(p.dueDate)}までにお支払いください。`],
    facts: [
      ['請求対象月', p.period],
      ['発行日', dateJa(p.issuedOn)],
      ['お支払期日', dateJa(p.dueDate)],
      ['ご請求金額（税込）', jaYen(p.total)],
    ],
    list: { title: '明細', items },
    notes: outOfScope.length ? ['違約金・割増金・遅延損害金等は消費税の課税対象外（不課税）のため、課税対象の料金と分けて記載しています（NGN-23）。'] : [],
    clauses: [p.clauseId],
  });
}

/**
 * NGN-21 / TNC-29: an invoice is still open after its due date. Same parameters as the billing
 * workflow's interim template (workflows/billing-notices.ts), so it can switch to this one.
 */
export function overdueReminder(
  p: Party & {
    clauseId: string;
    invoiceId: string;
    dueDate: IsoDate;
    open: string;
    annualRate: string;
    /** false for an invoice of late damages itself: no damages accrue on damages (no interest on interest). */
    interestAccrues?: boolean;
    /** The clause that puts transfer fees on the contractor (NGN-22 / TNC-29.2), when the 約款 has one. */
    transferFeesClause?: string;
  },
): Rendered {
  const interest = p.interestAccrues !== false;
  const notes = ['既にお支払いいただいている場合は、行き違いをご容赦ください。'];
  if (p.transferFeesClause) notes.unshift(`お支払いに必要な振込手数料その他の費用はお客様のご負担となります（${p.transferFeesClause}）。`);
  return doc(p, {
    kind: 'overdue-reminder',
    clauseId: p.clauseId,
    subject: subject(p, `お支払期日経過のお知らせ（請求書 ${p.invoiceId}）`),
    paragraphs: [
      `請求書 ${p.invoiceId} のお支払期日（${dateJa(p.dueDate)}）を過ぎましたが、${jaYen(p.open)} が未払いです。`,
      interest
        ? `お支払期日の翌日からお支払いの日までの日数について、${jaAnnualRate(p.annualRate)}の割合（1年を365日とする日割計算）で遅延損害金を申し受けます。`
        : 'このご請求は遅延損害金（遅延利息）のご請求です。遅延損害金に対する遅延損害金は申し受けません。',
    ],
    facts: [
      ['請求書番号', p.invoiceId],
      ['お支払期日', dateJa(p.dueDate)],
      ['未払金額', jaYen(p.open)],
      ...(interest ? ([['遅延損害金の利率', jaAnnualRate(p.annualRate)]] as [string, string][]) : []),
    ],
    notes,
    clauses: p.transferFeesClause && p.transferFeesClause !== p.clauseId ? [p.clauseId, p.transferFeesClause] : [p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// Qualified invoices (JP-INVOICE 適格請求書), corrections (修正・返還)
// ---------------------------------------------------------------------------------------------

export interface QualifiedInvoiceLine {
  description: string;
  amount: string;
  taxClass: 'taxable' | 'consumption-tax' | 'out-of-scope';
  /** The transaction date or period of the line (取引年月日): 'YYYY-MM' or 'YYYY-MM-DD'. */
  date: string;
}

/** 'YYYY-MM' → 令和9年4月分, 'YYYY-MM-DD' → 和暦 date. */
function transactionDateJa(d: string): string {
  if (/^\d{4}-\d{2}$/.test(d)) return `${dateJa(`${d}-01`).replace(/1日（.*$/, '')}分（${d}）`;
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? dateJa(d) : d;
}

/** Rate '0.10' → '10%'. */
function ratePercent(rate: string): string {
  return jaAnnualRate(rate).replace(/^年/, '');
}

/** What an invoice is for, in Japanese: a month ("2027年4月分") or the kind of charge. */
export function invoicePeriodJa(period: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) return `${month[1]}年${Number(month[2])}月分`;
  const kinds: Record<string, string> = {
    final: '最終',
    penalty: '違約金',
    surcharge: '割増金',
    dispatch: '派遣費用',
    'late-damages': '遅延損害金',
  };
  return kinds[period] ?? period;
}

/**
 * JP-INVOICE: the invoice as a 適格請求書 (消費税法 第57条の4): issuer and registration number, the
 * recipient, the issue date, each line with its transaction date and whether it is taxed at 10% or
 * outside consumption tax (不課税), the total per tax rate with the tax computed once on it, the
 * 不課税 total apart, the total and the due date. A correction (修正・返還) is a new invoice that
 * names the one it corrects; the original is never changed.
 */
export function qualifiedInvoiceNotice(
  p: Party & {
    /** The fee clause (NGN-19 / TNC-26), or the clause of the charge (NGN-20, NGN-22, TNC-29 …). */
    clauseId: string;
    invoiceId: string;
    period: string;
    issuedOn: IsoDate;
    dueDate: IsoDate;
    issuer: { name: string; registrationNumber?: string | null };
    lines: QualifiedInvoiceLine[];
    rates: { rate: string; base: string; tax: string }[];
    outOfScopeTotal: string;
    total: string;
    /** Due at once (NGN-41 2項 / NGN-40 2項), with the clause. */
    accelerated?: string;
    /** The clause that puts transfer fees on the contractor (NGN-19 2項, NGN-22, TNC-29.2). */
    transferFeesClause?: string;
    corrects?: { invoiceId: string; reason: string };
  },
): Rendered {
  const marker = (l: QualifiedInvoiceLine) => (l.taxClass === 'out-of-scope' ? '［不課税］' : l.taxClass === 'taxable' ? '［10%対象］' : '');
  const items = p.lines.map((l) => `${transactionDateJa(l.date)} ${marker(l)}${l.description}: ${jaYen(l.amount)}`);
  const registration = p.issuer.registrationNumber ?? '未登録（適格請求書の要件を満たしません）';
  const facts: [string, string][] = [
    ['請求書番号', p.invoiceId],
    ['適格請求書発行事業者', p.issuer.name],
    ['登録番号', registration],
    ['宛名', `${p.customerName} 様`],
    ['発行日', dateJa(p.issuedOn)],
    ['お支払期日', dateJa(p.dueDate)],
  ];
  if (p.corrects) facts.push(['訂正の対象となる請求書', p.corrects.invoiceId], ['訂正の理由', required(p.corrects.reason, 'the reason for the correction', JP_INVOICE_ID)]);
  for (const r of p.rates) {
    facts.push([`${ratePercent(r.rate)}対象（税抜）`, jaYen(r.base)], [`消費税等（${ratePercent(r.rate)}）`, jaYen(r.tax)]);
  }
  facts.push(['不課税', jaYen(p.outOfScopeTotal)], [p.corrects ? '訂正額（税込）' : 'ご請求金額（税込）', jaYen(p.total)]);
  const notes = [
    `消費税等は、請求書ごとに税率の異なるごとに合計した額に税率を乗じて1回だけ計算し、円未満を切り捨てています（${JP_INVOICE_ID}）。`,
    '違約金・割増金・遅延損害金・損害賠償金等は消費税の課税対象外（不課税）のため、課税対象の料金と分けて記載しています。',
  ];
  if (p.accelerated) notes.push(`${p.accelerated} により、このご請求は直ちにお支払いいただく必要があります（期限の利益の喪失）。`);
  if (p.transferFeesClause) notes.push(`お支払いに必要な振込手数料その他の費用はお客様のご負担となります（${p.transferFeesClause}）。`);
  if (p.corrects) notes.push(`本書は請求書 ${p.corrects.invoiceId} を訂正する新たな請求書（修正・返還）です。元の請求書は変更していません。`);
  const title = p.corrects ? '適格請求書（訂正）' : `適格請求書 ${invoicePeriodJa(p.period)}のご請求`;
  return doc(p, {
    kind: 'invoice',
    clauseId: p.clauseId,
    subject: subject(p, title),
    paragraphs: [
      p.corrects
        ? `請求書 ${p.corrects.invoiceId} の内容を以下のとおり訂正いたします。`
        : `${invoicePeriodJa(p.period)}のご請求を以下のとおりお知らせします。${dateJa(p.dueDate)}までにお支払いください。`,
    ],
    facts,
    list: { title: '明細（取引年月日・内容・金額）', items },
    notes,
    clauses: [p.clauseId, JP_INVOICE_ID, ...(p.transferFeesClause && p.transferFeesClause !== p.clauseId ? [p.transferFeesClause] : [])],
  });
}

const JP_INVOICE_ID = 'JP-INVOICE';

// ---------------------------------------------------------------------------------------------
// Plan changes (NGN-13.2 / TNC-15), the end of the docomo course (TNC-19)
// ---------------------------------------------------------------------------------------------

/** NGN-13.2: the change is formed when this notice is sent; the new price applies from that day. */
export function changeAcceptanceNotice(
  p: Party & { clauseId: string; fromPlan: string; toPlan: string; effectiveDate: IsoDate; monthlyFee: string; daily: boolean },
): Rendered {
  return doc(p, {
    kind: 'change-acceptance',
    clauseId: p.clauseId,
    subject: subject(p, 'ご利用契約の変更（料金プラン）承諾のお知らせ'),
    paragraphs: [
      `料金プランの変更のお申込みを承諾いたしました。本通知の発信をもって変更が成立し、${dateJa(p.effectiveDate)}から変更後の料金を適用します。`,
    ],
    facts: [
      ['変更前のプラン', p.fromPlan],
      ['変更後のプラン', p.toPlan],
      ['変更後の月額料金（税抜）', jaYen(p.monthlyFee)],
      ['適用開始日', dateJa(p.effectiveDate)],
    ],
    notes: [
      p.daily
        ? '変更月の料金は、変更前と変更後のプランそれぞれのご利用日数に応じて日割りで計算します。'
        : '月単位で請求するプランのため、変更日を含む月から変更後の月額料金を適用します。',
    ],
    clauses: [p.clauseId],
  });
}

/** NGN-13.2 (NGN-12 grounds, 書面) / TNC-15 (TNC-12 grounds): a change request is refused. */
export function changeRefusalNotice(
  p: Party & { clauseId: string; groundsClause: string; requestedPlan: string; grounds: { code: number; label: string }[]; reason: string; written: boolean },
): Rendered {
  if (p.grounds.length === 0) throw new RangeError(`${p.clauseId}: a refusal names at least one ground`);
  return doc(p, {
    kind: 'change-refusal',
    clauseId: p.clauseId,
    subject: subject(p, p.written ? 'ご利用契約の変更請求について（書面によるご通知）' : 'ご利用契約の変更のお申出について'),
    paragraphs: [
      `誠に恐れ入りますが、料金プラン（${p.requestedPlan}）への変更のお申出を承諾できないことを${p.written ? '書面にて' : ''}ご通知いたします。ご利用契約は変更前の内容で継続します。`,
    ],
    list: { title: `該当する事由（${p.groundsClause} 各号）`, items: p.grounds.map((g) => `(${g.code}) ${g.label}`) },
    facts: [['理由', required(p.reason, 'the reason', p.clauseId)]],
    clauses: [p.clauseId, p.groundsClause],
  });
}

/** TNC-19: docomo ended the docomo-billed course; the value plan continues, billed by the provider. */
export function carrierCourseEndNotice(
  p: Party & { clauseId: string; courseEndsOn: IsoDate; basePlan: string; monthlyFee: string; paymentClause: string },
): Rendered {
  return doc(p, {
    kind: 'carrier-course-end',
    clauseId: p.clauseId,
    subject: subject(p, '他社料金設定コースの解約とバリュープラン継続のお知らせ'),
    paragraphs: [
      `株式会社NTTドコモより他社料金設定コースの解約の通知があったため、同コースは${dateJa(p.courseEndsOn)}をもって解約されました。`,
      `${p.basePlan}は継続し、翌日からの料金は当社からご請求します。お支払方法のご登録をお願いします（${p.paymentClause}）。`,
    ],
    facts: [
      ['他社料金設定コースの解約日', dateJa(p.courseEndsOn)],
      ['継続するプラン', p.basePlan],
      ['月額料金（税抜）', jaYen(p.monthlyFee)],
    ],
    clauses: [p.clauseId, p.paymentClause],
  });
}

// ---------------------------------------------------------------------------------------------
// Partial cancellation (NGN-41.1) and the erasure certificate for the ended part (NGN-43.3)
// ---------------------------------------------------------------------------------------------

export function partCancellationReceipt(
  p: Party & { clauseId: string; receivedOn: IsoDate; endDate: IsoDate; partName: string; monthlyFee: string; erasureClause?: string },
): Rendered {
  const notes = ['ご利用契約のその他の部分は継続します。'];
  if (p.erasureClause) notes.push(`解約された部分について、貸与機器・資料のご返却とソフトウェアの消去、消去証明書のご提出をお願いします（${p.erasureClause}）。`);
  return doc(p, {
    kind: 'cancellation-receipt',
    clauseId: p.clauseId,
    subject: subject(p, 'ご利用契約の一部解約のお申出を承りました'),
    paragraphs: [`${dateJa(p.receivedOn)}に「${p.partName}」の解約のお申出を受け付けました。${dateJa(p.endDate)} 24時をもって当該部分の提供を終了し、その翌日から料金が変わります。`],
    facts: [
      ['お申出受付日', dateJa(p.receivedOn)],
      ['解約する部分', p.partName],
      ['解約日', dateJa(p.endDate)],
      ['解約する部分の月額料金（税抜）', jaYen(p.monthlyFee)],
    ],
    notes,
    clauses: p.erasureClause ? [p.clauseId, p.erasureClause] : [p.clauseId],
  });
}

/** NGN-43.3: the part that ended: return equipment, erase software, submit the certificate. */
export function partErasureCertificateRequest(
  p: Party & { clauseId: string; partClause: string; partName: string; endedOn: IsoDate; requestNo: number; maxRequests: number },
): Rendered {
  return doc(p, {
    kind: 'erasure-certificate-reminder',
    clauseId: p.clauseId,
    subject: subject(p, `一部解約に伴う消去証明書ご提出のお願い（${p.requestNo}回目）`),
    paragraphs: [
      `ご利用契約のうち「${p.partName}」は${dateJa(p.endedOn)}に終了しました。当該部分について貸与した機器・資料のご返却、ソフトウェアの消去のうえ、消去証明書をご提出ください。`,
    ],
    facts: [
      ['終了した部分', p.partName],
      ['終了日', dateJa(p.endedOn)],
      ['ご案内', `${p.requestNo}回目（最大${p.maxRequests}回）`],
    ],
    clauses: [p.partClause, p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// Abolition and terms change (NGN-38 / TNC-24, NGN-2 / TNC-3)
// ---------------------------------------------------------------------------------------------

export function abolitionNotice(
  p: Party & { clauseId: string; serviceName: string; abolitionDate: IsoDate; measure?: 'abolition' | 'suspension'; until?: IsoDate },
): Rendered {
  const word = p.measure === 'suspension' ? '休止' : '廃止';
  const facts: [string, string][] = [
    ['対象サービス', p.serviceName],
    [`${word}日`, dateJa(p.abolitionDate)],
  ];
  // TNC-24 2項: for a 休止, the planned period is notified too.
  if (p.measure === 'suspension') facts.push(['休止予定期間', p.until ? `${dateJa(p.abolitionDate)}から${dateJa(p.until)}まで` : `${dateJa(p.abolitionDate)}から再開のご案内まで`]);
  return doc(p, {
    kind: 'abolition',
    clauseId: p.clauseId,
    subject: subject(p, `サービス${word}のお知らせ`),
    paragraphs: [
      p.measure === 'suspension'
        ? `誠に勝手ながら、${p.serviceName}の提供を${dateJa(p.abolitionDate)}から一時休止いたします。`
        : `誠に勝手ながら、${p.serviceName}の提供を${dateJa(p.abolitionDate)}をもって${word}いたします。`,
    ],
    facts,
    notes: [
      p.clauseId === 'TNC-24'
        ? `${word}日の60日前までにお知らせするものです（TNC-24）。`
        : '廃止日の60日前までにお知らせするものです（NGN-38）。',
    ],
    clauses: [p.clauseId],
  });
}

export function termsChangeNotice(
  p: Party & { clauseId: string; effectiveDate: IsoDate; summary: string[]; objectionDeadline?: IsoDate },
): Rendered {
  if (p.clauseId === 'TNC-3' && !p.objectionDeadline) throw new RangeError('TNC-3: the notice must state the objection deadline');
  if (p.summary.length === 0) throw new RangeError(`${p.clauseId}: the notice must summarise the change`);
  return doc(p, {
    kind: 'terms-change',
    clauseId: p.clauseId,
    subject: subject(p, '約款変更のお知らせ'),
    paragraphs: [`${p.termsTitle}を変更し、${dateJa(p.effectiveDate)}から変更後の約款を適用いたします。`],
    facts: [
      ['効力発生日', dateJa(p.effectiveDate)],
      ...(p.objectionDeadline ? ([['書面による異議の期限（必着）', dateJa(p.objectionDeadline)]] as [string, string][]) : []),
    ],
    list: { title: '主な変更点', items: p.summary },
    notes:
      p.clauseId === 'TNC-3'
        ? [`変更に異議がある場合は、${dateJa(p.objectionDeadline!)}までに書面でお申し出ください。その場合、利用契約は効力発生日をもって終了します。`]
        : [],
    clauses: [p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// After termination (NGN-43, TNC-37.5)
// ---------------------------------------------------------------------------------------------

export function erasureCertificateReminder(
  p: Party & { terminatedOn: IsoDate; reminderNo: number; maxReminders: number; clauseId?: string },
): Rendered {
  const clauseId = p.clauseId ?? 'NGN-43';
  return doc(p, {
    kind: 'erasure-certificate-reminder',
    clauseId,
    subject: subject(p, `ソフトウェア消去証明書ご提出のお願い（${p.reminderNo}回目）`),
    paragraphs: [
      `利用契約は${dateJa(p.terminatedOn)}に終了しました。貸与した機器・資料のご返却、ソフトウェアの消去のうえ、消去証明書をご提出ください。`,
    ],
    facts: [
      ['契約終了日', dateJa(p.terminatedOn)],
      ['ご案内', `${p.reminderNo}回目（最大${p.maxReminders}回）`],
    ],
    clauses: [clauseId],
  });
}

export function dataDeletionNotice(
  p: Party & { clauseId: string; terminatedOn: IsoDate; deletedOn: IsoDate; retentionDays: number },
): Rendered {
  return doc(p, {
    kind: 'data-deletion',
    clauseId: p.clauseId,
    subject: subject(p, p.clauseId === 'TNC-37.5' ? '個人情報の削除のお知らせ' : '契約情報の削除のお知らせ'),
    paragraphs: [
      `契約終了日（${dateJa(p.terminatedOn)}）から保存期間（${p.retentionDays}日）が経過したため、${dateJa(p.deletedOn)}に${p.clauseId === 'TNC-37.5' ? 'お客様の個人情報' : '契約情報'}を削除いたしました。`,
      '法令により保存が義務付けられている記録は、法令の定める期間保存いたします。',
    ],
    facts: [
      ['契約終了日', dateJa(p.terminatedOn)],
      ['削除日', dateJa(p.deletedOn)],
    ],
    clauses: [p.clauseId],
  });
}

// ---------------------------------------------------------------------------------------------
// Carrier (docomo) notification: a JSON payload, not a mail (TNC-15/17/18/41)
// ---------------------------------------------------------------------------------------------

export interface CarrierNotificationPayload {
  schema: 'yakkan.carrier-notification/v1';
  contractId: string;
  course: 'docomo-billed';
  event: CarrierEvent;
  clauseId: string;
  /** IsoDate (Asia/Tokyo) the event takes effect. */
  effectiveDate: IsoDate;
  planId: string;
  newPlanId?: string;
  reason?: string;
  /** Japanese summary for the carrier's operators. */
  summaryJa: string;
}

export function carrierNotification(p: {
  contractId: string;
  event: CarrierEvent;
  effectiveDate: IsoDate;
  planId: string;
  newPlanId?: string;
  reason?: string;
}): { kind: string; clauseId: string; payload: CarrierNotificationPayload } {
  const clauseId = CARRIER_EVENT_CLAUSE[p.event];
  const what: Record<CarrierEvent, string> = {
    'plan-change': `料金プラン変更（${p.planId} → ${p.newPlanId ?? '未指定'}）`,
    cancellation: '解約',
    'termination-by-provider': '当社による解約',
    suspension: '利用停止',
  };
  return {
    kind: `docomo:${p.event}`,
    clauseId,
    payload: {
      schema: 'yakkan.carrier-notification/v1',
      contractId: p.contractId,
      course: 'docomo-billed',
      event: p.event,
      clauseId,
      effectiveDate: p.effectiveDate,
      planId: p.planId,
      ...(p.newPlanId ? { newPlanId: p.newPlanId } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
      summaryJa: `他社料金設定コース 契約番号 ${p.contractId}: ${what[p.event]}（効力発生日 ${dateJa(p.effectiveDate)}、根拠 ${clauseId}）`,
    },
  };
}

export interface CarrierAssignmentPayload {
  schema: 'yakkan.carrier-receivable-assignment/v1';
  contractId: string;
  course: 'docomo-billed';
  clauseId: string;
  /** The assignment statement (an invoice row with billTo 'carrier') this message carries. */
  statementId: string;
  period: string;
  issuedOn: IsoDate;
  issuer: { name: string; registrationNumber: string | null };
  lines: QualifiedInvoiceLine[];
  rates: { rate: string; base: string; tax: string }[];
  outOfScopeTotal: string;
  total: string;
  summaryJa: string;
}

/**
 * TNC-30 (第30条2項): the provider's receivable for the month on the docomo-billed course, assigned
 * to docomo, which bills it with its own charges (TNC-26.4, TNC-27.3). The customer gets no invoice
 * and no notice of the assignment (第30条2項: 個別の通知 … を省略).
 */
export function carrierReceivableAssignment(p: Omit<CarrierAssignmentPayload, 'schema' | 'course' | 'summaryJa'>): { kind: string; clauseId: string; payload: CarrierAssignmentPayload } {
  return {
    kind: 'docomo:receivable-assignment',
    clauseId: p.clauseId,
    payload: {
      schema: 'yakkan.carrier-receivable-assignment/v1',
      course: 'docomo-billed',
      ...p,
      summaryJa: `他社料金設定コース 契約番号 ${p.contractId}: ${p.period === 'final' ? '最終' : p.period}分の債権 ${jaYen(p.total)}（税込）を譲渡します（根拠 ${p.clauseId}、明細 ${p.statementId}）`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Disclosure to authorities (NGN-46) and malware alert (TNC-45)
// ---------------------------------------------------------------------------------------------

/**
 * NGN-46: a government body or court demands contract data under a law. The contractor is told
 * before the disclosure so it can protect its secrets; only when that is impossible or extremely
 * difficult, as soon as possible after it, with the reason.
 */
export function disclosureNotice(
  p: Party & { authority: string; legalBasis: string; scope: string; disclosureAt: string; prior: boolean; whyNotPrior?: string },
): Rendered {
  const facts: [string, string][] = [
    ['請求・命令の主体', required(p.authority, 'who demanded the disclosure', 'NGN-46')],
    ['法令上の根拠', required(p.legalBasis, 'the legal basis', 'NGN-46')],
    ['開示する情報の範囲', required(p.scope, 'what is disclosed', 'NGN-46')],
    [p.prior ? '開示予定日時' : '開示日時', instantJa(p.disclosureAt)],
  ];
  if (!p.prior) facts.push(['事前にお知らせできなかった理由', required(p.whyNotPrior, 'why no prior notice was possible', 'NGN-46')]);
  return doc(p, {
    kind: 'disclosure',
    clauseId: 'NGN-46',
    subject: subject(p, p.prior ? '情報開示のご通知（事前）' : '情報開示のご通知'),
    paragraphs: p.prior
      ? ['当社は、法令の規定に基づき、下記のとおり契約者データ等の開示の請求（命令）を受けました。秘密情報を保護するための措置をおとりいただけるよう、開示に先立ってお知らせします。']
      : ['当社は、法令の規定に基づき、下記のとおり契約者データ等を開示いたしました。事前のご通知が不可能または著しく困難であったため、開示後にお知らせします。'],
    facts,
    clauses: ['NGN-46'],
  });
}

/** TNC-45 (optional): a trusted third party reported a device on this line as open to malware. */
export function malwareAlertNotice(p: Party & { ipAddress: string; observedAt: string; source: string; detail: string }): Rendered {
  return doc(p, {
    kind: 'malware-alert',
    clauseId: 'TNC-45',
    subject: subject(p, 'マルウェア感染のおそれに関する注意喚起'),
    paragraphs: [
      '信頼できる第三者からの情報提供により、お客さまの回線に接続された端末が、マルウェアに感染し得る脆弱性を有しているおそれがあることが分かりました。',
      '端末のソフトウェアの更新、不要なサービスの停止、セキュリティ対策ソフトによる検査など、早めのご対処をお願いします。',
    ],
    facts: [
      ['IPアドレス', required(p.ipAddress, 'the IP address', 'TNC-45')],
      ['観測日時', instantJa(p.observedAt)],
      ['情報提供元', required(p.source, 'the source', 'TNC-45')],
      ['内容', required(p.detail, 'what was observed', 'TNC-45')],
    ],
    clauses: ['TNC-45'],
  });
}
