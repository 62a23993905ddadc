/**
 * The audit report as one self-contained HTML page (no scripts, no external assets) an auditor can
 * save or print. Mismatches come first, in a red banner. Pure: report object in, string out.
 */
import type { AuditReport, Deadline } from './report.js';
import { formatJst } from './format.js';

const esc = (v: unknown): string =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const clauses = (ids: readonly string[]) => ids.map((c) => `<span class="clause">${esc(c)}</span>`).join(' ');

function table(head: string[], rows: string[][], cls = ''): string {
  if (rows.length === 0) return '<p class="empty">none</p>';
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.join('')}</tr>`)
    .join('')}</tbody></table>`;
}
const td = (v: unknown, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;
const tdHtml = (html: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;

const STATUS_CLASS: Partial<Record<Deadline['status'], string>> = { late: 'bad', overdue: 'bad', pending: 'pending', met: 'good' };

export function renderReportHtml(r: AuditReport): string {
  const c = r.contract;
  const banner =
    r.mismatches.length > 0
      ? `<div class="banner bad" role="alert"><strong>${r.mismatches.length} mismatch${r.mismatches.length === 1 ? '' : 'es'} found</strong><ul>${r.mismatches
          .map((m) => `<li><code>${esc(m.code)}</code> ${m.clauseId ? clauses([m.clauseId]) : ''} ${esc(m.message)}</li>`)
          .join('')}</ul></div>`
      : `<div class="banner good">Reconciled: ledger, invoices, payments, notices and history agree.</div>`;
  const t = r.reconciliation.totals;
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>Audit report ${esc(r.contractId)}</title>
<style>
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:2rem;color:#222;font-size:14px}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.banner{padding:1rem;border-radius:4px;margin:1rem 0}.banner.bad{background:#c62828;color:#fff}.banner.bad code{color:#fff}
.banner.good{background:#e8f5e9;color:#1b5e20;border:1px solid #a5d6a7}
.clause{display:inline-block;background:#e3f2fd;color:#0d47a1;border-radius:3px;padding:0 .3rem;font-size:.85em;margin-right:.2rem}
.bad{color:#c62828;font-weight:bold}.good{color:#2e7d32}.pending{color:#ef6c00}.empty{color:#888}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:bold}
</style></head><body>
${banner}
<h1>Audit report — ${esc(r.contractId)}</h1>
<p>Generated ${esc(formatJst(r.generatedAt))}. History: ${r.history.runs.length} run(s)${r.history.complete ? '' : ` — ${esc(r.history.note ?? 'incomplete')}`}.</p>
<dl>
<dt>約款</dt><dd>${esc(c.terms)} ${esc(c.termsVersion)}</dd>
<dt>Plan</dt><dd>${esc(c.planId)}</dd>
<dt>Customer</dt><dd>${esc(c.customerName)} (${esc(c.customerId)})</dd>
<dt>Status</dt><dd>${esc(c.status)}</dd>
<dt>Applied</dt><dd>${esc(formatJst(c.appliedAt))}</dd>
<dt>Formed</dt><dd>${esc(formatJst(c.formedAt))}</dd>
<dt>Service start</dt><dd>${esc(c.serviceStart)}</dd>
<dt>Billing start</dt><dd>${esc(c.billingStart)}</dd>
<dt>Ended</dt><dd>${esc(formatJst(c.endedAt))}</dd>
</dl>

<h2>Reconciliation</h2>
${table(
  ['ledger total', 'on invoices', 'not invoiced', 'invoiced', 'paid', 'open'],
  [[td(t.text.ledger, 'num'), td(t.text.invoicedLines, 'num'), td(t.text.unbilled, 'num'), td(t.text.invoiced, 'num'), td(t.text.paid, 'num'), td(t.text.open, 'num')]],
)}
${table(
  ['invoice', 'period', 'issued', 'due', 'clause', 'lines', 'Σ lines', 'total', 'paid', 'open', 'status'],
  r.reconciliation.invoices.map((i) => [
    td(i.id),
    td(i.period),
    td(i.issuedOn),
    td(i.acceleration ? `${i.dueDate} (was ${i.acceleration.from}, ${i.acceleration.clauseId})` : i.dueDate),
    tdHtml(clauses([i.clauseId])),
    td(i.lineCount, 'num'),
    td(i.linesTotalText, i.ok ? 'num' : 'num bad'),
    td(i.totalText, i.ok ? 'num' : 'num bad'),
    td(i.paidText, 'num'),
    td(i.openText, 'num'),
    td(i.status, i.ok ? '' : 'bad'),
  ]),
)}
<h3>Ledger lines on no invoice</h3>
${table(
  ['#', 'date', 'clause', 'kind', 'tax class', 'amount', 'description'],
  r.reconciliation.unbilledLines.map((l) => [td(l.id), td(l.effectiveDate), tdHtml(clauses([l.clauseId])), td(l.kind), td(l.taxClassLabel), td(l.amountText, 'num'), td(l.description)]),
)}

<h2>Deadlines</h2>
${table(
  ['due', 'deadline', 'clauses', 'status', 'met / fired', 'note'],
  r.deadlines.map((d) => [td(d.dueText), td(d.kind), tdHtml(clauses(d.clauseIds)), td(d.status, STATUS_CLASS[d.status] ?? ''), td(d.metAt ? (d.metAt.length > 10 ? formatJst(d.metAt) : d.metAt) : ''), td(d.note ?? '')]),
)}

<h2>Notices and delivery proof</h2>
${table(
  ['#', 'kind', 'clause', 'to', 'subject', 'sent', 'message id', 'SMTP response', 'proof'],
  r.notices.map((n) => [
    td(n.id),
    td(n.kind),
    tdHtml(clauses([n.clauseId])),
    td(n.recipient),
    td(n.subject),
    td(n.sentAtText ?? ''),
    td(n.messageId ?? ''),
    td(n.smtpResponse ?? ''),
    td(n.proof, n.proof === 'delivered' ? 'good' : n.proof === 'pending' ? 'pending' : 'bad'),
  ]),
)}

<h2>Ledger</h2>
${table(
  ['#', 'date', 'period', 'clause', 'kind', 'tax class', 'amount', 'invoice', 'description'],
  r.ledger.map((l) => [td(l.id), td(l.effectiveDate), td(l.period ?? ''), tdHtml(clauses([l.clauseId])), td(l.kind), td(l.taxClassLabel), td(l.amountText, 'num'), td(l.invoiceId ?? '—'), td(l.description)]),
)}
<h3>By clause and tax class</h3>
${table(
  ['clause', 'tax class', 'lines', 'total'],
  r.ledgerByClause.map((b) => [tdHtml(clauses([b.clauseId])), td(b.taxClass), td(b.count, 'num'), td(b.totalText, 'num')]),
)}

<h2>Disclosures (NGN-46, NGN-48)</h2>
${table(
  ['clause', 'id', 'to', 'what', 'requested', 'disclosed', 'notice'],
  r.disclosures.map((d) => [tdHtml(clauses([d.clauseId])), td(d.id), td(d.to), td(d.what), td(formatJst(d.requestedAt)), td(formatJst(d.disclosedAt)), td(d.notice ?? '—')]),
)}

<h2>Timeline</h2>
${table(
  ['time', 'run', 'source', 'what', 'clauses'],
  r.timeline.map((e) => [td(e.atText), td(e.run ?? ''), td(e.source), td(e.title), tdHtml(clauses(e.clauseIds))]),
)}

<h2>Workflow runs</h2>
${table(
  ['run', 'run id', 'started', 'closed', 'status', 'events'],
  r.history.runs.map((x) => [td(x.n), td(x.runId), td(formatJst(x.startedAt)), td(formatJst(x.closedAt)), td(`${x.status}${x.closeReason ? `: ${x.closeReason}` : ''}`), td(x.eventCount, 'num')]),
)}
</body></html>
`;
}
