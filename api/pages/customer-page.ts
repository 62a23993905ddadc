/**
 * The customer's pages (role customer:<id>): their contracts, the dates that matter to them
 * (minimum-term end NGN-17, non-renewal deadline NGN-39, the latest day a cancellation notice can
 * arrive for a date they choose NGN-41 — computed with the business calendar), invoices with their
 * qualified-invoice details, and the notices they were sent, each downloadable as a PDF.
 */
import { BusinessCalendar, isValidIsoDate, latestCancellationNoticeDay, type IsoDate } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { earlyTerminationFee } from '../../rules/money.js';
import { getPlan } from '../../rules/plans.js';
import { invoiceDetails, TAX_CLASS_LABEL } from '../../notices/invoice-details.js';
import type { ContractView } from '../../model/contract.js';
import { catalogFor, type ContractData } from './data.js';
import { contractFacts, invoiceNoticeOf, noticesTable, pdfHref, timelineTable } from './contract-page.js';
import { STATUS_JA, clause, date, html, yen, type Html } from './html.js';
import { deadlinesAhead } from './timeline.js';

/** What a cancellation on `desired` needs: the latest notice day (NGN-41) and, inside the minimum term, the NGN-18 fee. */
export interface CancellationAnswer {
  desired: IsoDate;
  clauseId: string;
  /** Undefined when the 約款 sets no lead (TNC-17: any time). */
  latestNoticeDay?: IsoDate;
  /** The notice is already too late (today is after the latest day). */
  tooLate: boolean;
  feeClauseId?: string;
  fee?: { months: number; amount: string };
  error?: string;
}

/** Calendar years the pages load holiday data for (the package covers a bounded range). */
function calendarFor(desired: IsoDate): BusinessCalendar {
  const y = Number(desired.slice(0, 4));
  return new BusinessCalendar(defaultCalendarData(y - 1, y));
}

export function cancellationAnswer(view: Pick<ContractView, 'terms' | 'termsVersion' | 'minimumTerm' | 'planId'>, desired: string, today: IsoDate): CancellationAnswer {
  const cat = catalogFor(view.terms, view.termsVersion);
  const clauseId = cat?.cancellation.clause ?? '';
  if (!isValidIsoDate(desired)) return { desired, clauseId, tooLate: false, error: '日付を YYYY-MM-DD で入力してください（a date YYYY-MM-DD）' };
  if (desired < today) return { desired, clauseId, tooLate: false, error: `${desired} は過去の日付です（in the past; today is ${today}）` };
  if (!cat) return { desired, clauseId, tooLate: false, error: 'terms catalog not found' };
  const { leadMonths, leadBusinessDays } = cat.cancellation.value;
  let latestNoticeDay: IsoDate | undefined;
  if (leadMonths > 0 || leadBusinessDays > 0) {
    try {
      latestNoticeDay = latestCancellationNoticeDay(calendarFor(desired), desired, leadMonths, leadBusinessDays);
    } catch (e) {
      return { desired, clauseId, tooLate: false, error: (e as Error).message };
    }
  }
  const answer: CancellationAnswer = { desired, clauseId, latestNoticeDay, tooLate: !!latestNoticeDay && today > latestNoticeDay };
  const plan = getPlan(view.planId);
  if (view.minimumTerm && desired <= view.minimumTerm.end && plan && cat.earlyTerminationFee.value.formula !== 'none') {
    const fee = earlyTerminationFee({ minimumTermEnd: view.minimumTerm.end, effectiveDate: desired, monthlyFee: plan.monthlyFee });
    if (fee.months > 0) {
      answer.fee = { months: fee.months, amount: fee.amount.toFixed() };
      answer.feeClauseId = cat.earlyTerminationFee.clause;
    }
  }
  return answer;
}

function cancellationBox(d: ContractData, today: IsoDate, desired: string | undefined): Html {
  const view = d.view;
  if (!view || view.status !== 'active') return html``;
  const answer = desired ? cancellationAnswer(view, desired, today) : undefined;
  const cat = catalogFor(view.terms, view.termsVersion);
  return html`<section class="calc"><h3>解約する場合の通知期限 <span class="en">Latest cancellation notice day for a date you choose</span></h3>
<form method="get" action="" class="filters"><label>解約希望日 desired date <input type="date" name="desired" value="${desired ?? ''}" required></label><button type="submit" class="primary">計算 <span class="en">Calculate</span></button></form>
${answer?.error ? html`<p class="alert" role="alert">${answer.error}</p>` : ''}
${answer && !answer.error ? html`<dl class="facts" id="cancellation-answer">
<dt>解約希望日</dt><dd>${date(answer.desired)}</dd>
<dt>解約のお申出の期限（必着）</dt><dd>${answer.latestNoticeDay ? html`<strong>${date(answer.latestNoticeDay)}</strong> ${clause(answer.clauseId)}${answer.tooLate ? html` <span class="field-error">期限を過ぎています（too late for this date）</span>` : ''}` : html`いつでもお申し出いただけます ${clause(answer.clauseId)}`}</dd>
${answer.fee ? html`<dt>違約金（不課税）</dt><dd>${yen(answer.fee.amount)}（残り ${answer.fee.months} か月分） ${clause(answer.feeClauseId)}</dd>` : ''}
</dl>` : html`<p class="none">${cat ? `${cat.cancellation.note ?? ''}` : ''}</p>`}
</section>`;
}

/** Dates that matter to the customer (a subset of the timeline, in their words). */
function customerDates(d: ContractData, nowMs: number): Html {
  const v = d.view;
  if (!v) return html`<p class="none">—</p>`;
  const cat = catalogFor(v.terms, v.termsVersion);
  return html`<dl class="facts" id="dates">
${v.minimumTerm ? html`<dt>最低利用期間の満了日</dt><dd>${date(v.minimumTerm.end)} ${clause(cat?.minimumTerm.clause)}</dd>` : ''}
${v.period && !v.endDate ? html`<dt>契約期間の満了日</dt><dd>${date(v.period.end)}（ご通知がなければ12か月自動更新） ${clause(cat?.renewal.clause)}</dd>` : ''}
${v.nonRenewalDeadline ? html`<dt>更新しない場合の書面の期限（必着）</dt><dd>${date(v.nonRenewalDeadline)} ${clause(cat?.renewal.clause)}</dd>` : ''}
${v.endDate ? html`<dt>契約終了日</dt><dd>${date(v.endDate)}</dd>` : ''}
${(v.openInvoices ?? []).map((i) => html`<dt>お支払期日（${i.id}）</dt><dd>${date(i.dueDate)} ${yen(i.total)}</dd>`)}
</dl>
<h3>今後の予定 <span class="en">Coming up</span></h3>${timelineTable(deadlinesAhead(v, nowMs).filter((i) => !i.label.startsWith('次のタイマー')), '予定はありません')}`;
}

function invoiceSections(d: ContractData): Html {
  if (d.invoices.length === 0) return html`<p class="none">請求書はまだありません（no invoices yet）</p>`;
  return html`${d.invoices.map((inv) => {
    const notice = invoiceNoticeOf(d, inv.id);
    return html`<section class="invoice" data-invoice="${inv.id}"><h3>請求書 ${inv.id} <span class="en">${inv.period}</span>${notice ? html` <a href="${pdfHref(d.row.id, notice.id)}" download>PDF</a>` : ''}</h3>
<div class="grid2"><dl class="facts">${invoiceDetails(inv as unknown as Record<string, unknown>).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<table><thead><tr><th>明細 item</th><th>税区分</th><th class="num">金額</th></tr></thead><tbody>${inv.lines.map(
      (l) => html`<tr><td>${l.description} ${clause(l.clauseId)}</td><td>${TAX_CLASS_LABEL[l.taxClass] ?? l.taxClass}</td><td class="num">${yen(l.amount)}</td></tr>`,
    )}</tbody></table></div></section>`;
  })}`;
}

export function customerContractPage(d: ContractData, o: { nowMs: number; today: IsoDate; desired?: string }): Html {
  return html`<h1>ご契約 ${d.row.id}</h1>
${d.viewProblem ? html`<div class="alert" role="alert">現在の状態を読み込めませんでした。しばらくしてからお試しください。</div>` : ''}
${contractFacts(d)}
<h2>大切な日付 <span class="en">Dates that matter</span></h2>${customerDates(d, o.nowMs)}
${cancellationBox(d, o.today, o.desired)}
<h2>ご請求 <span class="en">Invoices (qualified-invoice details)</span></h2>${invoiceSections(d)}
<h2>お知らせ <span class="en">Notices you received</span></h2>${noticesTable(d, false)}`;
}

export function customerHome(rows: readonly { id: string; terms: string; planId: string; status: string; nonRenewalDeadline: string | null; serviceStart: string | null }[], customerId: string): Html {
  return html`<h1>ご契約の一覧 <span class="en">Your contracts (${customerId})</span></h1>
${rows.length === 0 ? html`<p class="none">ご契約はありません。</p>` : html`<table><thead><tr><th>契約番号</th><th>約款</th><th>プラン</th><th>状態</th><th>サービス開始日</th><th>更新しない場合の期限</th></tr></thead><tbody>${rows.map(
  (r) => html`<tr><td><a href="/ui/me/contracts/${encodeURIComponent(r.id)}">${r.id}</a></td><td>${catalogFor(r.terms)?.title ?? r.terms}</td><td>${getPlan(r.planId)?.name ?? r.planId}</td><td>${STATUS_JA[r.status] ?? r.status}</td><td>${date(r.serviceStart)}</td><td>${date(r.nonRenewalDeadline)}</td></tr>`,
)}</tbody></table>`}`;
}
