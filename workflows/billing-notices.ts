/**
 * Texts of billing notices sent by the workflow (pure). Kept here until the notice catalogue
 * (notices/) carries a billing template; the rendered text is stored in the outbox as sent.
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
