/**
 * Japanese notice texts (pure: no I/O, no clock). Each notice cites the clause that requires it.
 * Rendered once when the notice is recorded; the outbox keeps the rendered text, so a later
 * template change never rewrites a notice already sent.
 */
import type { IsoDate } from '../workflows/contract-messages.js';

export interface RenderedNotice {
  kind: string;
  clauseId: string;
  subject: string;
  body: string;
}

/** 2026-04-27 -> 2026年4月27日 */
export function jaDate(date: IsoDate): string {
  const [y, m, d] = date.split('-');
  return `${Number(y)}年${Number(m)}月${Number(d)}日`;
}

/** 12345 -> 12,345円 (amount is an integer-yen decimal string) */
export function jaYen(amount: string): string {
  const negative = amount.startsWith('-');
  const digits = negative ? amount.slice(1) : amount;
  const [int, frac] = digits.split('.');
  const grouped = (int ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac ? '.' + frac : ''}円`;
}

interface Party {
  contractId: string;
  customerName: string;
  termsTitle: string;
}

export function acceptanceNotice(p: Party & { serviceStart: IsoDate; clauseId: string }): RenderedNotice {
  return {
    kind: 'acceptance',
    clauseId: p.clauseId,
    subject: `【${p.termsTitle}】ご利用申込み承諾のお知らせ（契約番号 ${p.contractId}）`,
    body: [
      `${p.customerName} 様`,
      '',
      `${p.termsTitle}に基づくお申込みを承諾いたしました。`,
      `契約番号: ${p.contractId}`,
      `サービス開始日: ${jaDate(p.serviceStart)}（${p.serviceStart}）`,
      '',
      `根拠条項: ${p.clauseId}`,
    ].join('\n'),
  };
}

export function rejectionNotice(
  p: Party & { grounds: { code: number; label: string }[]; reason: string; clauseId: string },
): RenderedNotice {
  return {
    kind: 'rejection',
    clauseId: p.clauseId,
    subject: `【${p.termsTitle}】ご利用申込みについて（書面によるご通知・契約番号 ${p.contractId}）`,
    body: [
      `${p.customerName} 様`,
      '',
      `誠に恐れ入りますが、${p.termsTitle}に基づくお申込みを承諾できないことを書面にてご通知いたします。`,
      '該当する事由:',
      ...p.grounds.map((g) => `  (${g.code}) ${g.label}`),
      `理由: ${p.reason}`,
      '',
      `根拠条項: ${p.clauseId}`,
    ].join('\n'),
  };
}

export function cancellationReceipt(
  p: Party & {
    receivedOn: IsoDate;
    endDate: IsoDate;
    clauseId: string;
    earlyTerminationFee?: { months: number; amount: string };
  },
): RenderedNotice {
  return {
    kind: 'cancellation-receipt',
    clauseId: p.clauseId,
    subject: `【${p.termsTitle}】解約のお申出を承りました（契約番号 ${p.contractId}）`,
    body: [
      `${p.customerName} 様`,
      '',
      `${jaDate(p.receivedOn)}に解約のお申出を受け付けました。`,
      `解約日: ${jaDate(p.endDate)}（${p.endDate}）24時をもって契約は終了します。`,
      ...(p.earlyTerminationFee
        ? [
            `最低利用期間内の解約のため、残契約期間 ${p.earlyTerminationFee.months} か月分の違約金 ${jaYen(p.earlyTerminationFee.amount)}（不課税）を請求いたします（NGN-18）。`,
          ]
        : []),
      '',
      `根拠条項: ${p.clauseId}`,
    ].join('\n'),
  };
}

export function nonRenewalReceipt(
  p: Party & { receivedOn: IsoDate; endDate: IsoDate; clauseId: string },
): RenderedNotice {
  return {
    kind: 'non-renewal-receipt',
    clauseId: p.clauseId,
    subject: `【${p.termsTitle}】契約を更新しない旨のご通知を承りました（契約番号 ${p.contractId}）`,
    body: [
      `${p.customerName} 様`,
      '',
      `${jaDate(p.receivedOn)}に契約を更新しない旨の書面によるご通知を受け付けました。`,
      `契約期間満了日 ${jaDate(p.endDate)}（${p.endDate}）をもって契約は終了します。`,
      '',
      `根拠条項: ${p.clauseId}`,
    ].join('\n'),
  };
}
