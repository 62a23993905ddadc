/**
 * The audit report as a pure function: database rows + Temporal history in, report out, with exact
 * yen and clause ids. Uses a real recorded history (test/histories/ngn-accepted-monthly-billing)
 * with the rows its activities wrote, then tampers with them to show each mismatch is flagged.
 */
import { describe, expect, test } from 'vitest';
import { loadHistorySources } from '../../audit/sources.js';
import { historyFacts } from '../../audit/history-facts.js';
import { buildAuditReport, type ContractEventRow, type InvoiceRow, type LedgerRow, type ReportInput } from '../../audit/report.js';
import { renderReportHtml } from '../../audit/report-html.js';
import { formatJst, formatYen } from '../../audit/format.js';
import { rowsFromHistory, type Rows } from './rows.js';

const [golden] = loadHistorySources(['test/histories/ngn-accepted-monthly-billing.json']);
if (!golden || golden.problems.length) throw new Error('test/histories/ngn-accepted-monthly-billing.json is missing (run scripts/regen-histories.ts)');
const facts = historyFacts(golden.runs);
/** The scenario's year: service started on Y-04-01 (scripts/regen-histories.ts). */
const start = (facts.updates.find((u) => u.name === 'acceptApplication')!.args[0] as { serviceStartDate: string }).serviceStartDate;
const Y = Number(start.slice(0, 4));
const id = golden.contractId;
const lastEventAt = golden.runs.at(-1)!.history.events.at(-1)!.eventTime!;

type SampleInput = ReportInput & Rows & { events: ContractEventRow[] };

function sample(tamper?: (i: SampleInput) => void): ReportInput {
  const rows = rowsFromHistory(golden!.runs);
  const input: SampleInput = { contractId: id, generatedAt: lastEventAt, events: [], runs: golden!.runs, ...rows };
  tamper?.(input);
  return input;
}

describe('formatYen and formatJst', () => {
  test('yen with separators, exact fractions, sign before the symbol; JST instants', () => {
    expect(formatYen('1234567')).toBe('¥1,234,567');
    expect(formatYen('55000')).toBe('¥55,000');
    expect(formatYen('-5000')).toBe('-¥5,000');
    expect(formatYen('0.05')).toBe('¥0.05');
    expect(formatYen('1000000.125')).toBe('¥1,000,000.125');
    expect(formatYen('0')).toBe('¥0');
    expect(() => formatYen('1e3')).toThrow(RangeError);
    expect(formatJst('2026-03-31T15:00:00.000Z')).toBe('2026-04-01 00:00:00 JST');
  });
});

describe('NGN-19 NGN-23 NGN-21 NGN-11 report of a recorded NGN contract', () => {
  const r = buildAuditReport(sample());

  test('NGN-19 NGN-23: ledger lines with clause ids, tax classes and exact yen; three invoices of ¥55,000, ¥55,000 paid, ¥110,000 open', () => {
    expect(r.mismatches).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.contract).toMatchObject({ terms: 'NGN', termsVersion: '2020-02-01', planId: 'ngn-vpn-standard', serviceStart: `${Y}-04-01` });
    const months = [`${Y}-04`, `${Y}-05`, `${Y}-06`];
    expect(r.ledger.map((l) => [l.period, l.clauseId, l.kind, l.taxClass, l.amountText, l.invoiceId])).toEqual(
      months.flatMap((m) => [
        [m, 'NGN-19', 'fee', 'taxable', '¥50,000', `${id}:${m}`],
        [m, 'NGN-23', 'consumption-tax', 'consumption-tax', '¥5,000', `${id}:${m}`],
      ]),
    );
    expect(r.ledgerByClause).toEqual([
      { clauseId: 'NGN-19', taxClass: 'taxable', count: 3, total: '150000', totalText: '¥150,000' },
      { clauseId: 'NGN-23', taxClass: 'consumption-tax', count: 3, total: '15000', totalText: '¥15,000' },
    ]);
    expect(r.reconciliation.invoices.map((i) => [i.id, i.issuedOn, i.dueDate, i.lineCount, i.linesTotalText, i.totalText, i.paidText, i.openText, i.status])).toEqual([
      [`${id}:${Y}-04`, `${Y}-05-01`, `${Y}-05-31`, 2, '¥55,000', '¥55,000', '¥55,000', '¥0', 'paid'],
      [`${id}:${Y}-05`, `${Y}-06-01`, `${Y}-06-30`, 2, '¥55,000', '¥55,000', '¥0', '¥55,000', 'open'],
      [`${id}:${Y}-06`, `${Y}-07-01`, `${Y}-07-31`, 2, '¥55,000', '¥55,000', '¥0', '¥55,000', 'open'],
    ]);
    expect(r.reconciliation.unbilledLines).toEqual([]);
    expect(r.reconciliation.totals).toMatchObject({
      ledger: '165000',
      invoicedLines: '165000',
      unbilled: '0',
      invoiced: '165000',
      paid: '55000',
      open: '110000',
      byTaxClass: { taxable: '150000', 'consumption-tax': '15000' },
    });
    expect(r.reconciliation.totals.text).toMatchObject({ ledger: '¥165,000', paid: '¥55,000', open: '¥110,000' });
  });

  test('NGN-11 NGN-21: notices with delivery proof (sent time, message id, SMTP 250)', () => {
    const ok = '250 OK: message queued';
    expect(r.notices.map((n) => [n.kind, n.clauseId, n.proof, n.smtpResponse])).toEqual([
      ['acceptance', 'NGN-11', 'delivered', ok],
      ['invoice', 'NGN-19', 'delivered', ok], // April's, issued 05-01
      ['invoice', 'NGN-19', 'delivered', ok], // May's, 06-01
      ['invoice', 'NGN-19', 'delivered', ok], // June's, 07-01
      ['overdue-reminder', 'NGN-21', 'delivered', ok], // May's invoice unpaid after 06-30
      ['suspension', 'NGN-37', 'delivered', ok], // NGN-37 (1): prior notice of the stoppage for non-payment
    ]);
    expect(r.notices.every((n) => /^<.+>$/.test(n.messageId ?? '') && n.sentAt)).toBe(true);
    // The overdue reminder went out at the start of the day after the May invoice's due date.
    expect(r.notices[4]!.sentAtText).toMatch(new RegExp(`^${Y}-07-01 00:00:0\\d JST$`));
  });

  test('NGN-19 NGN-21 NGN-17: deadlines — month-close timers met, invoice due dates met / overdue / pending, minimum term pending', () => {
    const timers = r.deadlines.filter((d) => d.source === 'timer' && d.kind.startsWith('month-close'));
    expect(timers.map((d) => [d.kind, d.clauseIds, d.dueText, d.status])).toEqual([
      [`month-close:${Y}-04`, ['NGN-19'], `${Y}-05-01 00:00:00 JST`, 'met'],
      [`month-close:${Y}-05`, ['NGN-19'], `${Y}-06-01 00:00:00 JST`, 'met'],
      // May's invoice (due 06-30) becomes overdue at the instant June closes: one timer serves both.
      [`month-close:${Y}-06 + invoice-overdue:${id}:${Y}-05`, ['NGN-19', 'NGN-21'], `${Y}-07-01 00:00:00 JST`, 'met'],
    ]);
    // The workflow was terminated on 07-02; its next timer was the NGN-37 (1) stoppage at 00:00 on
    // 07-09 (notice 07-01, 7 days of notice 07-02 … 07-08, 民法 第140条).
    expect(r.deadlines.filter((d) => d.status === 'open-at-close').map((d) => [d.kind, d.dueText])).toEqual([['suspension', `${Y}-07-09 00:00:00 JST`]]);
    expect(r.deadlines.filter((d) => d.source === 'invoice').map((d) => [d.kind, d.due, d.status, d.clauseIds])).toEqual([
      [`invoice-due:${id}:${Y}-04`, `${Y}-05-31`, 'met', ['NGN-19']],
      [`invoice-due:${id}:${Y}-05`, `${Y}-06-30`, 'overdue', ['NGN-19', 'NGN-21']],
      [`invoice-due:${id}:${Y}-06`, `${Y}-07-31`, 'pending', ['NGN-19']],
    ]);
    expect(r.deadlines.find((d) => d.kind === 'minimum-term-end')).toMatchObject({ clauseIds: ['NGN-17'], due: `${Y + 1}-04-30`, status: 'pending' });
  });

  test('NGN-11 NGN-19: the timeline lists updates, timers and activities from history in time order, with clause ids', () => {
    const kinds = r.timeline.map((e) => e.kind);
    expect(kinds[0]).toBe('workflow-started');
    expect(kinds.at(-1)).toBe('workflow-terminated');
    const accept = r.timeline.find((e) => e.kind === 'update' && e.title.includes('acceptApplication'))!;
    expect(accept.clauseIds).toEqual(['NGN-11']);
    const pay = r.timeline.find((e) => e.kind === 'update' && e.title.includes('recordPayment'))!;
    expect(pay.clauseIds).toEqual(['NGN-19']);
    expect(pay.atText).toBe(`${Y}-05-20 10:00:00 JST`);
    expect(r.timeline.filter((e) => e.kind === 'timer-fired')).toHaveLength(3);
    expect(r.timeline.find((e) => e.kind === 'activity:issueInvoice')).toMatchObject({
      title: `invoice ${id}:${Y}-04 issued ${Y}-05-01, due ${Y}-05-31: ¥55,000 in 2 lines`,
      clauseIds: ['NGN-19', 'NGN-23'],
    });
    const times = r.timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(r.history.runs).toHaveLength(1);
    expect(r.history.runs[0]).toMatchObject({ status: 'Terminated', closeReason: 'golden history recorded' });
  });

  test('ContractEvent rows join the timeline with their clause ids', () => {
    const withEvents = buildAuditReport(
      sample((i) => {
        i.events = [{ id: 1, kind: 'address-changed', clauseId: 'NGN-14', at: `${Y}-05-15T01:00:00.000Z`, data: '{"evidence":"登記事項証明書"}' }];
      }),
    );
    const e = withEvents.timeline.find((t) => t.source === 'contract-event')!;
    expect(e).toMatchObject({ kind: 'event:address-changed', clauseIds: ['NGN-14'], atText: `${Y}-05-15 10:00:00 JST` });
    expect(e.title).toContain('登記事項証明書');
  });

  test('HTML: no red banner when reconciled; yen with separators and clause ids are shown', () => {
    const html = renderReportHtml(r);
    expect(html).not.toContain('class="banner bad"');
    expect(html).toContain('Reconciled');
    expect(html).toContain('¥55,000');
    expect(html).toContain('¥110,000');
    expect(html).toContain('<span class="clause">NGN-23</span>');
  });
});

describe('NGN-18 NGN-41 NGN-17 report of a recorded cancellation inside the minimum term', () => {
  test('NGN-18 NGN-22: the 違約金 of ¥500,000 is out of scope on its own invoice, due at month end, while the final invoice of ¥55,000 is due on issue (NGN-41); NGN-41 notice deadline met; the minimum term ended early', () => {
    const [g] = loadHistorySources(['test/histories/ngn-18-cancellation-inside-minimum-term.json']);
    const rows = rowsFromHistory(g!.runs);
    const gy = Number((historyFacts(g!.runs).updates[0]!.args[0] as { serviceStartDate: string }).serviceStartDate.slice(0, 4));
    const r = buildAuditReport({ contractId: g!.contractId, generatedAt: g!.runs.at(-1)!.history.events.at(-1)!.eventTime!, events: [], runs: g!.runs, ...rows });
    expect(r.mismatches).toEqual([]);
    expect(r.contract.status).toBe('ended');
    expect(r.ledger.filter((l) => l.kind === 'penalty').map((l) => [l.clauseId, l.taxClass, l.taxClassLabel, l.amountText, l.invoiceId])).toEqual([
      ['NGN-18', 'out-of-scope', '不課税 (out of scope)', '¥500,000', `${g!.contractId}:penalty`],
    ]);
    expect(r.reconciliation.invoices.map((i) => [i.period, i.clauseId, i.totalText, i.dueDate])).toEqual([
      [`${gy}-06`, 'NGN-19', '¥55,000', `${gy}-07-31`],
      [`${gy}-07`, 'NGN-19', '¥55,000', `${gy}-08-31`],
      ['final', 'NGN-41', '¥55,000', `${gy}-09-01`], // NGN-41 2項: unpaid amounts fall due at once
      ['penalty', 'NGN-18', '¥500,000', `${gy}-09-30`], // NGN-22: 第19条2項 due-date rule (月末)
    ]);
    expect(r.reconciliation.totals.byTaxClass).toEqual({ taxable: '150000', 'consumption-tax': '15000', 'out-of-scope': '500000' });
    const byKind = Object.fromEntries(r.deadlines.filter((d) => d.source === 'contract').map((d) => [d.kind, [d.due, d.status, d.clauseIds]]));
    expect(byKind['cancellation-notice']![1]).toBe('met');
    expect(byKind['contract-end']).toEqual([`${gy}-08-31`, 'ended', ['NGN-41', 'NGN-18']]);
    expect(byKind['minimum-term-end']).toEqual([`${gy + 1}-06-30`, 'ended', ['NGN-17', 'NGN-18']]);
    const cancel = r.timeline.find((e) => e.kind === 'update' && e.title.includes('requestCancellation'))!;
    expect(cancel.clauseIds).toEqual(['NGN-41', 'NGN-18']);
  });
});

describe('NGN-40 2項: an accelerated invoice', () => {
  test('NGN-40: the report shows the brought-forward due date, the original one and the clause; it is not a mismatch', () => {
    const r = buildAuditReport(
      sample((i) => {
        const may = i.invoices[1] as InvoiceRow;
        Object.assign(may, { dueDate: `${Y}-06-10`, acceleratedFrom: `${Y}-06-30`, accelerationClauseId: 'NGN-40' });
      }),
    );
    expect(r.mismatches).toEqual([]);
    expect(r.reconciliation.invoices[1]).toMatchObject({ id: `${id}:${Y}-05`, dueDate: `${Y}-06-10`, acceleration: { from: `${Y}-06-30`, clauseId: 'NGN-40' } });
    expect(r.reconciliation.invoices[0]!.acceleration).toBeUndefined();
    const due = r.deadlines.find((d) => d.kind === `invoice-due:${id}:${Y}-05`)!;
    expect([due.due, due.status, due.clauseIds]).toEqual([`${Y}-06-10`, 'overdue', ['NGN-19', 'NGN-40', 'NGN-21']]);
    expect(due.note).toBe(`¥55,000 due; paid ¥0; open ¥55,000; due date brought forward from ${Y}-06-30 (NGN-40, 期限の利益の喪失)`);
    expect(renderReportHtml(r)).toContain(`${Y}-06-10 (was ${Y}-06-30, NGN-40)`);
  });
});

describe('mismatches are flagged', () => {
  test('NGN-19: an invoice whose total differs from its lines is flagged in JSON and in a red banner at the top of the HTML', () => {
    const r = buildAuditReport(
      sample((i) => {
        const inv = i.invoices[1] as InvoiceRow;
        inv.total = '55001';
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.mismatches.map((m) => [m.code, m.invoiceId, m.expected, m.actual])).toEqual([
      ['invoice-total-vs-lines', `${id}:${Y}-05`, '55000', '55001'],
      ['invoice-differs-from-history', `${id}:${Y}-05`, '55000', '55001'],
    ]);
    expect(r.mismatches[0]!.message).toBe(`invoice ${id}:${Y}-05: total ¥55,001 but its 2 ledger lines sum to ¥55,000 (difference ¥1)`);
    const inv = r.reconciliation.invoices[1]!;
    expect([inv.ok, inv.totalText, inv.linesTotalText, inv.openText]).toEqual([false, '¥55,001', '¥55,000', '¥55,001']);
    const html = renderReportHtml(r);
    const banner = html.indexOf('class="banner bad"');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(html.indexOf('<h1>'));
    expect(html).toContain('2 mismatches found');
    expect(html).toContain('total ¥55,001 but its 2 ledger lines sum to ¥55,000');
  });

  test('NGN-23: a line moved off its invoice is listed as not invoiced, and both the invoice and the class breakdown disagree', () => {
    const r = buildAuditReport(
      sample((i) => {
        (i.ledger[3] as LedgerRow).invoiceId = null; // May's consumption tax
      }),
    );
    expect(r.reconciliation.unbilledLines.map((l) => [l.clauseId, l.amountText])).toEqual([['NGN-23', '¥5,000']]);
    expect(r.reconciliation.totals).toMatchObject({ ledger: '165000', invoicedLines: '160000', unbilled: '5000', invoiced: '165000' });
    expect(r.mismatches.map((m) => m.code)).toEqual(['invoice-total-vs-lines', 'invoice-breakdown', 'ledger-differs-from-history']);
    expect(r.mismatches[1]!.message).toBe(`invoice ${id}:${Y}-05: taxTotal is ¥5,000 but its lines give ¥0`);
  });

  test('a ledger row, payment or notice the history does not explain, an overpayment and a missing delivery proof are each flagged', () => {
    const r = buildAuditReport(
      sample((i) => {
        i.ledger.push({ id: 99, idempotencyKey: `${id}:manual`, clauseId: 'NGN-20', kind: 'surcharge', taxClass: 'out-of-scope', amount: '1000', effectiveDate: `${Y}-06-15`, description: '手入力', invoiceId: null });
        i.payments.push({ id: 9, invoiceId: `${id}:${Y}-04`, idempotencyKey: 'bank-import-1', amount: '1', method: 'bank-transfer', paidOn: `${Y}-06-01` });
        i.payments.push({ id: 10, invoiceId: 'nope', idempotencyKey: 'bank-import-2', amount: '100', method: 'bank-transfer', paidOn: `${Y}-06-01` });
        i.notices[1]!.smtpResponse = null;
        i.notices.push({ ...i.notices[0]!, id: 77, idempotencyKey: 'x', status: 'failed', sentAt: null, lastError: '421 mail sink is down', escalatedAt: `${Y}-06-02T00:00:00.000Z` });
      }),
    );
    expect(r.mismatches.map((m) => m.code).sort()).toEqual(
      ['invoice-overpaid', 'ledger-not-in-history', 'notice-proof-missing', 'notice-undelivered', 'payment-not-in-history', 'payment-not-in-history', 'payment-unknown-invoice'].sort(),
    );
    expect(r.mismatches.find((m) => m.code === 'invoice-overpaid')!.message).toBe(`invoice ${id}:${Y}-04: payments ¥55,001 exceed its total ¥55,000 by ¥1`);
    expect(r.notices.map((n) => n.proof)).toEqual(['delivered', 'missing', 'delivered', 'delivered', 'delivered', 'delivered', 'failed']);
    expect(r.reconciliation.unbilledLines.map((l) => [l.clauseId, l.amountText])).toEqual([['NGN-20', '¥1,000']]);
  });

  test('decimal.js sums: 0.1 + 0.2 of usage is exactly ¥0.3; a malformed amount is a mismatch, not NaN', () => {
    const base = { effectiveDate: '2030-01-31', description: 'usage', invoiceId: 'i1', period: '2030-01' };
    const r = buildAuditReport({
      contractId: 'c1',
      generatedAt: '2030-02-01T00:00:00.000Z',
      ledger: [
        { id: 1, idempotencyKey: 'a', clauseId: 'NGN-19', kind: 'usage', taxClass: 'taxable', amount: '0.1', ...base },
        { id: 2, idempotencyKey: 'b', clauseId: 'NGN-19', kind: 'usage', taxClass: 'taxable', amount: '0.2', ...base },
        { id: 3, idempotencyKey: 'c', clauseId: 'NGN-19', kind: 'usage', taxClass: 'taxable', amount: '1e2', ...base, invoiceId: null },
      ],
      invoices: [{ id: 'i1', period: '2030-01', issuedOn: '2030-02-01', dueDate: '2030-02-28', taxableTotal: '0.3', taxTotal: '0', outOfScopeTotal: '0', creditTotal: '0', total: '0.3', clauseId: 'NGN-19' }],
      payments: [],
      notices: [],
      events: [],
      runs: [],
    });
    expect(r.reconciliation.invoices[0]).toMatchObject({ linesTotal: '0.3', total: '0.3', totalText: '¥0.3', ok: true });
    expect(r.mismatches.map((m) => m.code)).toEqual(['bad-amount']);
    expect(r.history).toMatchObject({ complete: false, note: 'no Temporal history available' });
  });

  test('HTML escapes what it shows', () => {
    const r = buildAuditReport(
      sample((i) => {
        i.ledger[0]!.description = '<script>alert(1)</script>';
      }),
    );
    const html = renderReportHtml(r);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
