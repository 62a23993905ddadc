/**
 * Texts of the notices the contract workflow sends for billing, breaches, suspensions, outages and
 * announcements (pure). Each cites its clause and, where the 約款 require it, the reason and the
 * period. The rendered text is stored in the outbox as sent.
 */
import { jaDate, jaYen, type RenderedNotice } from '../notices/templates.js';
import { yen } from '../rules/money.js';

export function overdueReminder(p: {
  contractId: string;
  customerName: string;
  termsTitle: string;
  invoiceId: string;
  dueDate: string;
  open: string;
  annualRate: string;
  clauseId: string;
}): RenderedNotice {
  return {
    kind: 'overdue-reminder',
    clauseId: p.clauseId,
    subject: `【${p.termsTitle}】お支払期日経過のお知らせ（請求書 ${p.invoiceId}）`,
    body: [
      `${p.customerName} 様`,
      '',
      `請求書 ${p.invoiceId} のお支払期日 ${jaDate(p.dueDate)}（${p.dueDate}）を過ぎましたが、${jaYen(p.open)} が未払いです。`,
      `支払期日の翌日からお支払日までの日数について、年 ${yen(p.annualRate).times(100).toFixed()}%（1年を365日とする日割計算）の遅延損害金を申し受けます。`,
      '',
      `根拠条項: ${p.clauseId}`,
    ].join('\n'),
  };
}

interface To {
  contractId: string;
  customerName: string;
  termsTitle: string;
}

function text(to: To, kind: string, clauseId: string, subject: string, lines: string[]): RenderedNotice {
  return {
    kind,
    clauseId,
    subject: `【${to.termsTitle}】${subject}（契約番号 ${to.contractId}）`,
    body: [`${to.customerName} 様`, '', ...lines, '', `根拠条項: ${clauseId}`].join('\n'),
  };
}

/** ISO instant → "2027年4月12日 00:00（JST）" */
export function jaInstant(iso: string): string {
  const ms = Date.parse(iso) + 9 * 3600_000;
  const d = new Date(ms).toISOString();
  return `${jaDate(d.slice(0, 10))} ${d.slice(11, 16)}（JST）`;
}

export function violationNotice(to: To, v: { clauseId: string; act: number; occurredAt: string; cureLastDay?: string; measuresFrom: string; description: string }): RenderedNotice {
  return text(to, 'violation', v.clauseId, '禁止行為の是正のお願い', [
    `${jaInstant(v.occurredAt)}に、禁止行為（第${v.clauseId.startsWith('NGN') ? 26 : 33}条第${v.act}号）に該当する事実を確認しました。`,
    `内容: ${v.description}`,
    v.cureLastDay
      ? `${jaDate(v.cureLastDay)}（${v.cureLastDay}）までに是正されない場合、${jaInstant(v.measuresFrom)}以降、約款に定める措置（利用停止・契約解除等）を講じることがあります。`
      : `是正期間を設けず、直ちに約款に定める措置を講じることがあります。`,
  ]);
}

export function suspensionNotice(to: To, s: { clauseId: string; reason: string; startsAt: string; endsAt?: string; emergency?: boolean }): RenderedNotice {
  return text(to, 'suspension', s.clauseId, s.emergency ? 'サービスの緊急停止のお知らせ' : 'サービス停止のお知らせ（事前通知）', [
    `理由: ${s.reason}`,
    `期間: ${jaInstant(s.startsAt)} から ${s.endsAt ? jaInstant(s.endsAt) : '停止理由が解消するまで'}`,
    '停止期間中も料金は発生します（NGN-16.2 / TNC-26.3）。',
  ]);
}

export function outageNotice(to: To, o: { clauseId: string; startedAt: string; recognisedAt: string; description: string }): RenderedNotice {
  return text(to, 'outage', o.clauseId, '障害発生のお知らせ', [
    `${jaInstant(o.startedAt)}頃から、サービスをご利用いただけない状態が発生しています。`,
    `当社認知時刻: ${jaInstant(o.recognisedAt)}`,
    `内容: ${o.description}`,
  ]);
}

export function creditNotice(to: To, c: { clauseId: string; amount: string; days: number; restoredAt: string }): RenderedNotice {
  return text(to, 'credit-granted', c.clauseId, '障害に伴う減額・損害賠償のお知らせ', [
    `${jaInstant(c.restoredAt)}に復旧しました。`,
    `利用できなかった ${c.days} 日分として ${jaYen(c.amount)} を次回請求から差し引きます（不課税）。`,
  ]);
}

export function announcementNotice(to: To, a: { clauseId: string; kind: 'abolition' | 'terms-change'; effectiveDate: string; summary: string; objectionUntil?: string }): RenderedNotice {
  return a.kind === 'abolition'
    ? text(to, 'abolition', a.clauseId, 'サービス廃止のお知らせ', [
        `${jaDate(a.effectiveDate)}（${a.effectiveDate}）をもって本サービスを廃止いたします。`,
        `内容: ${a.summary}`,
      ])
    : text(to, 'terms-change', a.clauseId, '約款変更のお知らせ', [
        `${jaDate(a.effectiveDate)}（${a.effectiveDate}）から約款を変更いたします。`,
        `内容: ${a.summary}`,
        ...(a.objectionUntil
          ? [`変更に同意いただけない場合は、${jaDate(a.objectionUntil)}までに書面でお申し出ください。お申出があった契約は変更の効力発生日をもって終了します（TNC-3）。`]
          : []),
      ]);
}

export function terminationNotice(to: To, t: { clauseId: string; reason: string; endDate: string; accelerated: boolean }): RenderedNotice {
  return text(to, 'termination', t.clauseId, '契約解除のお知らせ', [
    `理由: ${t.reason}`,
    `解除日: ${jaDate(t.endDate)}（${t.endDate}）`,
    ...(t.accelerated ? ['未払いの料金その他の債務はすべて直ちに支払期日が到来します（NGN-40 2項）。'] : []),
  ]);
}
