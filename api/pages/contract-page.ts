/**
 * The ops console's contract page: facts, a timeline (deadlines ahead with their clause and exact
 * JST instant, events behind from the workflow's view), notices with their delivery proof and
 * written-notice PDF, ledger lines by clause with their tax class, invoices and payments, the audit
 * report link, and — for ops — every command of the command table as a form (auditors read only).
 */
import { Decimal } from 'decimal.js';
import { getPlan } from '../../rules/plans.js';
import type { Principal } from '../auth.js';
import { COMMANDS, type ContractCommand } from '../commands.js';
import { catalogFor, choicesFor, type ContractData } from './data.js';
import { COMMAND_TITLES, commandForm, commandSlug, fieldsOf, type FieldError } from './forms.js';
import { DELIVERY_JA, Html, STATUS_JA, TAX_CLASS_JA, clause, date, html, instant, yen } from './html.js';
import { deadlinesAhead, eventsBehind, type TimelineItem } from './timeline.js';

export interface Refusal {
  slug: string;
  form: Record<string, string | string[] | undefined>;
  errors: Record<string, FieldError>;
}

export function timelineTable(items: readonly TimelineItem[], empty: string): Html {
  if (items.length === 0) return html`<p class="none">${empty}</p>`;
  return html`<table><thead><tr><th>日時 (JST)</th><th>内容</th><th>条項</th></tr></thead><tbody>${items.map(
    (i) => html`<tr><td>${instant(i.at)}</td><td>${i.label}${i.detail ? html`<br><span class="en">${i.detail}</span>` : ''}</td><td>${clause(i.clauseId)}</td></tr>`,
  )}</tbody></table>`;
}

/** The page of the written notice (PDF) of `noticeId`. */
export const pdfHref = (contractId: string, noticeId: number) => `/ui/contracts/${encodeURIComponent(contractId)}/notices/${noticeId}.pdf`;

export function noticesTable(d: ContractData, proof: boolean): Html {
  if (d.notices.length === 0) return html`<p class="none">通知はまだありません（no notices yet）</p>`;
  return html`<table class="notices"><thead><tr><th>番号</th><th>件名 subject</th><th>条項</th>${proof ? html`<th>配信 delivery</th><th>配信の証跡 proof</th>` : html`<th>送信日時 sent</th>`}<th>書面 PDF</th></tr></thead><tbody>${d.notices.map(
    (n) => html`<tr data-notice="${n.id}" data-kind="${n.kind}"><td>${n.id}</td><td>${n.subject}<br><span class="en">${n.kind}</span></td><td>${clause(n.clauseId)}</td>
${proof ? html`<td><span class="badge ${n.status}">${DELIVERY_JA[n.status] ?? n.status}</span><br>試行 ${n.attempts} 回${n.escalatedAt ? html`<br>エスカレーション ${instant(n.escalatedAt)}` : ''}</td>
<td>${n.sentAt ? html`送信 ${instant(n.sentAt)}<br>宛先 ${n.recipient}<br>Message-ID <code>${n.messageId ?? ''}</code><br>SMTP <code>${n.smtpResponse ?? ''}</code>` : n.lastError ? html`<span class="field-error">${n.lastError}</span>` : html`<span class="none">—</span>`}</td>` : html`<td>${instant(n.sentAt)}</td>`}
<td><a href="${pdfHref(d.row.id, n.id)}" download>PDF</a>${n.pdfSha256 ? html`<br><code class="sha" title="SHA-256">${n.pdfSha256}</code>` : ''}</td></tr>`,
  )}</tbody></table>`;
}

/** The invoice notice that carried `invoiceId` (its outbox key starts with the invoice id). */
export function invoiceNoticeOf(d: Pick<ContractData, 'notices'>, invoiceId: string) {
  return d.notices.find((n) => n.kind === 'invoice' && n.idempotencyKey.startsWith(`${invoiceId}:invoice:`));
}

export function invoicesTable(d: ContractData): Html {
  if (d.invoices.length === 0) return html`<p class="none">請求書はまだありません（no invoices yet）</p>`;
  return html`<table class="invoices"><thead><tr><th>請求書</th><th>発行日</th><th>お支払期日</th><th class="num">10%対象</th><th class="num">消費税</th><th class="num">不課税</th><th class="num">減額</th><th class="num">合計</th><th class="num">入金済</th><th>書面</th></tr></thead><tbody>${d.invoices.map((inv) => {
    const paid = inv.payments.reduce((s, p) => s.plus(p.amount), new Decimal(0)).toFixed();
    const notice = invoiceNoticeOf(d, inv.id);
    return html`<tr data-invoice="${inv.id}"><td>${inv.id}<br><span class="en">${inv.period}</span> ${clause(inv.clauseId)}</td><td>${date(inv.issuedOn)}</td><td>${date(inv.dueDate)}${inv.acceleratedFrom ? html`<br><span class="en">期限の利益喪失 ${clause(inv.accelerationClauseId)}（元の期日 ${inv.acceleratedFrom}）</span>` : ''}</td>
<td class="num">${yen(inv.taxableTotal)}</td><td class="num">${yen(inv.taxTotal)}</td><td class="num">${yen(inv.outOfScopeTotal)}</td><td class="num">${yen(inv.creditTotal)}</td><td class="num"><strong>${yen(inv.total)}</strong></td><td class="num">${yen(paid)}</td>
<td>${notice ? html`<a href="${pdfHref(d.row.id, notice.id)}" download>請求書 PDF</a>` : html`<span class="none">—</span>`}</td></tr>`;
  })}</tbody></table>`;
}

function paymentsTable(d: ContractData): Html {
  const payments = d.invoices.flatMap((i) => i.payments);
  if (payments.length === 0) return html`<p class="none">入金はまだありません（no payments yet）</p>`;
  return html`<table><thead><tr><th>番号</th><th>請求書</th><th>入金日</th><th class="num">金額</th><th>方法</th><th>参照</th></tr></thead><tbody>${payments.map(
    (p) => html`<tr><td>${p.id}</td><td>${p.invoiceId}</td><td>${date(p.paidOn)}</td><td class="num">${yen(p.amount)}</td><td>${p.method}</td><td>${p.reference ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

/** Ledger lines grouped by clause, each with its tax class, and the clause's subtotal. */
function ledgerByClause(d: ContractData): Html {
  if (d.ledger.length === 0) return html`<p class="none">元帳の記帳はまだありません（no ledger lines yet）</p>`;
  const byClause = new Map<string, typeof d.ledger>();
  for (const e of d.ledger) byClause.set(e.clauseId, [...(byClause.get(e.clauseId) ?? []), e]);
  const clauses = [...byClause.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return html`${clauses.map((c) => {
    const lines = byClause.get(c)!;
    const subtotal = lines.reduce((s, e) => s.plus(e.amount), new Decimal(0)).toFixed();
    return html`<h3>${clause(c)} <span class="en">${lines.length} 行 lines, 小計 ${yen(subtotal)}</span></h3>
<table class="ledger" data-clause="${c}"><thead><tr><th>計上日</th><th>期間</th><th>種類</th><th>税区分 tax class</th><th class="num">金額</th><th>摘要</th><th>請求書</th></tr></thead><tbody>${lines.map(
      (e) => html`<tr><td>${date(e.effectiveDate)}</td><td>${e.period ?? ''}</td><td>${e.kind}</td><td>${TAX_CLASS_JA[e.taxClass] ?? e.taxClass}</td><td class="num">${yen(e.amount)}</td><td>${e.description}</td><td>${e.invoiceId ?? ''}</td></tr>`,
    )}</tbody></table>`;
  })}`;
}

export function contractFacts(d: ContractData): Html {
  const { row, view } = d;
  const cat = catalogFor(row.terms, view?.termsVersion ?? row.termsVersion);
  const plan = getPlan(row.planId);
  return html`<dl class="facts">
<dt>約款 terms</dt><dd>${cat?.title ?? row.terms}（${row.terms} ${view?.termsVersion ?? row.termsVersion}）</dd>
<dt>プラン plan</dt><dd>${plan?.name ?? row.planId}（月額 ${yen(plan?.monthlyFee)}、税抜）</dd>
<dt>お客さま customer</dt><dd>${row.customerName}（${row.customerId}）</dd>
<dt>状態 status</dt><dd>${STATUS_JA[view?.status ?? row.status] ?? row.status}</dd>
<dt>申込日時 applied</dt><dd>${instant(row.appliedAt)}</dd>
<dt>成立日時 formed</dt><dd>${instant(row.formedAt)} ${clause(cat?.formation.clause)}</dd>
<dt>サービス開始日</dt><dd>${date(view?.serviceStart ?? row.serviceStart)}</dd>
<dt>課金開始日</dt><dd>${date(view?.billingStart ?? row.billingStart)}</dd>
${view?.minimumTerm ? html`<dt>最低利用期間 minimum term</dt><dd>${date(view.minimumTerm.start)} 〜 ${date(view.minimumTerm.end)} ${clause(cat?.minimumTerm.clause)}</dd>` : ''}
${view?.period ? html`<dt>契約期間 period</dt><dd>${date(view.period.start)} 〜 ${date(view.period.end)}（更新 ${view.period.renewals} 回） ${clause(cat?.renewal.clause)}</dd>` : ''}
${view?.nonRenewalDeadline ? html`<dt>更新しない旨の通知期限</dt><dd>${date(view.nonRenewalDeadline)} ${clause(cat?.renewal.clause)}</dd>` : ''}
${view?.endDate ? html`<dt>契約終了日 end</dt><dd>${date(view.endDate)}（${view.endReason ?? ''}）</dd>` : ''}
</dl>`;
}

export interface ContractPageOptions {
  principal: Principal;
  csrf: string;
  nowMs: number;
  refusal?: Refusal;
}

/** Every command of the table as a form on this contract (ops only). */
function commandForms(d: ContractData, o: ContractPageOptions): Html {
  if (o.principal.role !== 'ops') return html`<p class="none">監査権限は閲覧のみです（auditors read only）。</p>`;
  const choices = choicesFor(d);
  const status = d.view?.status ?? d.row.status;
  const openByStatus = (c: ContractCommand) => status === 'applied' && ['accept', 'reject'].includes(commandSlug(c));
  return html`${COMMANDS.filter((c) => c.role === 'ops').map((c) => {
    const slug = commandSlug(c);
    const refused = o.refusal?.slug === slug ? o.refusal : undefined;
    return commandForm({
      action: `/ui/ops/contracts/${encodeURIComponent(d.row.id)}/commands/${slug}`,
      csrf: o.csrf,
      slug,
      title: `${COMMAND_TITLES[slug] ?? slug}（${c.path.replace('/contracts/:id', '')}）`,
      fields: fieldsOf(c, choices),
      form: refused?.form,
      errors: refused?.errors,
      renderDeadline: date,
      open: openByStatus(c),
    });
  })}`;
}

export function contractPage(d: ContractData, o: ContractPageOptions): Html {
  const { row, view } = d;
  const id = encodeURIComponent(row.id);
  return html`<h1>契約 ${row.id} <span class="en">${row.customerName}</span></h1>
${d.viewProblem ? html`<div class="alert" role="alert">ワークフローの状態を読めませんでした（workflow view unavailable）: ${d.viewProblem}</div>` : ''}
${o.refusal ? html`<div class="alert" role="alert" id="refusal">操作は受け付けられず、契約は変更されていません（the command was refused; nothing changed）。<a href="#cmd-${o.refusal.slug}">フォームへ移動 go to the form</a></div>` : ''}
<p><a href="/ui/contracts/${id}/audit-report">監査レポート audit report</a>（<code>/audit/contracts/${row.id}/report?format=html</code> と同じ内容）</p>
${contractFacts(d)}
<h2>タイムライン <span class="en">Timeline</span></h2>
<div class="grid2"><section><h3>今後の期限 <span class="en">Deadlines ahead</span></h3>${timelineTable(view ? deadlinesAhead(view, o.nowMs) : [], '今後の期限はありません')}</section>
<section><h3>これまでの経過 <span class="en">Events behind</span></h3>${timelineTable(view ? eventsBehind(view, o.nowMs) : [], '記録はまだありません')}</section></div>
<h2>通知 <span class="en">Notices with delivery proof</span></h2>${noticesTable(d, true)}
<h2>請求書 <span class="en">Invoices</span></h2>${invoicesTable(d)}
<h2>入金 <span class="en">Payments</span></h2>${paymentsTable(d)}
<h2>元帳（条項別） <span class="en">Ledger by clause</span></h2>${ledgerByClause(d)}
<h2 id="commands">操作 <span class="en">Commands</span></h2>${commandForms(d, o)}`;
}
