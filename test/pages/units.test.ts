/**
 * The pages' pure parts without a browser (issue 17): the timeline's deadlines and events with
 * their clause and exact JST instant, the customer's NGN-41 latest notice day and NGN-18 fee, forms
 * generated from the command table and read back into the bodies the API takes, invoice details,
 * the terms page's clause anchors, sessions, and escaping. Figures are worked out from the clause
 * text in the comments beside them.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { parseApiKeys } from '../../api/auth.js';
import { COMMANDS } from '../../api/commands.js';
import { cancellationAnswer } from '../../api/pages/customer-page.js';
import { COMMAND_TITLES, FIELD_LABELS, bodyFromForm, commandSlug, fieldsOf } from '../../api/pages/forms.js';
import { clauseHref, html } from '../../api/pages/html.js';
import { SessionStore, principalForKey } from '../../api/pages/session.js';
import { catalogParams, termsPage } from '../../api/pages/terms-page.js';
import { deadlinesAhead, eventsBehind } from '../../api/pages/timeline.js';
import { invoiceDetails } from '../../notices/invoice-details.js';
import { getTerms } from '../../rules/terms/index.js';
import type { ContractView } from '../../model/contract.js';
import { PdfIntegrityError, noticePdf, sha256Hex } from '../../activities/notice-pdf.js';
import { useWorld } from '../helpers/world.js';

/** The key id the API logs for a key: the first 16 hex digits of its SHA-256 digest (never the key). */
const keyIdOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);

const world = useWorld('no-temporal');

/** An active NGN contract whose service started 2025-03-15 (NGN-17: minimum term 2025-04-01 … 2026-03-31). */
function ngnView(over: Partial<ContractView> = {}): ContractView {
  return {
    contractId: 'ctr-t',
    terms: 'NGN',
    termsVersion: '2020-02-01',
    planId: 'ngn-vpn-standard',
    customerId: 'C1',
    appliedAt: '2025-03-10T01:00:00.000Z',
    status: 'active',
    formedAt: '2025-03-14T02:00:00.000Z',
    serviceStart: '2025-03-15',
    billingStart: '2025-03-15',
    minimumTerm: { start: '2025-04-01', end: '2026-03-31' },
    period: { start: '2025-04-01', end: '2026-03-31', renewals: 0 },
    nonRenewalDeadline: '2026-02-28',
    openInvoices: [],
    pendingLines: [],
    recentPaymentKeys: [],
    seq: 0,
    run: 1,
    ...over,
  };
}

const jst = (s: string) => new Date(s).toISOString();

describe('timeline: deadlines ahead and events behind, each with its clause (pure)', () => {
  test('NGN-17 / NGN-39 / NGN-25 / NGN-36: deadlines ahead at their exact JST instant, earliest first', () => {
    const view = ngnView({
      violations: [
        // NGN-25: a violation on 2025-04-01 10:00 JST; 10 days not counting that day → last day 04-11, measures from 04-12 00:00 JST
        { id: 'v1', clauseId: 'NGN-25', act: 1, occurredAt: '2025-04-01T10:00:00+09:00', cureLastDay: '2025-04-11', measuresFrom: '2025-04-12T00:00:00+09:00', status: 'open' },
      ],
      suspensions: [{ id: 's1', clauseId: 'NGN-36', reason: '保守工事', startsAt: '2025-04-20T01:00:00+09:00', status: 'scheduled' }],
    });
    const now = Date.parse('2025-04-05T00:00:00+09:00');
    const items = deadlinesAhead(view, now).map((i) => [i.at, i.clauseId, i.label.split(' ')[0]]);
    expect(items).toEqual([
      [jst('2025-04-12T00:00:00+09:00'), 'NGN-25', '是正期間の終了・措置が可能に（違反'],
      [jst('2025-04-20T01:00:00+09:00'), 'NGN-36', '利用停止の開始（s1）'],
      // NGN-39: the notice must arrive by 2026-02-28, i.e. before 24:00 JST of that day (民法 第141条)
      [jst('2026-03-01T00:00:00+09:00'), 'NGN-39', '更新しない旨の書面の到達期限'],
      // NGN-17: the minimum term ends at the end of 2026-03-31; the NGN-39 period ends with it
      [jst('2026-04-01T00:00:00+09:00'), 'NGN-17', '最低利用期間の満了'],
      [jst('2026-04-01T00:00:00+09:00'), 'NGN-39', '契約期間の満了（通知がなければ自動更新）'],
    ]);
  });

  test('a deadline already past is not ahead; a closed contract has none but its timer', () => {
    const now = Date.parse('2026-03-01T00:00:00+09:00'); // exactly the NGN-39 instant: still shown (>= now)
    expect(deadlinesAhead(ngnView(), now).map((i) => i.clauseId)).toEqual(['NGN-39', 'NGN-17', 'NGN-39']);
    expect(deadlinesAhead(ngnView({ status: 'ended' }), now)).toEqual([]);
  });

  test('NGN-11 / NGN-12: events behind, most recent first, from the view', () => {
    const view = ngnView({ status: 'rejected', formedAt: undefined, rejection: { grounds: [5], reason: '与信', decidedAt: '2025-03-11T00:00:00.000Z' } });
    const ev = eventsBehind(view, Date.parse('2025-04-01T00:00:00Z')).map((e) => [e.at, e.clauseId, e.label]);
    expect(ev).toEqual([
      ['2025-03-11T00:00:00.000Z', 'NGN-12', '不承諾 rejected: 第5号'],
      ['2025-03-10T01:00:00.000Z', 'NGN-10', '申込みの受付 application received'],
    ]);
  });
});

describe('customer dates: NGN-41 latest notice day and NGN-18 fee for a chosen date', () => {
  test('NGN-41: desired 2026-06-08 → 2026-05-08 → 5 business days back, skipping 5/6 振替休日, 5/3–5/5 and 4/29 昭和の日 → 2026-04-27 (CLAUSES.md example)', () => {
    // 5/7 (Thu) 1, 5/1 (Fri) 2, 4/30 (Thu) 3, 4/28 (Tue) 4, 4/27 (Mon) 5
    const a = cancellationAnswer(ngnView(), '2026-06-08', '2026-04-01');
    expect(a).toEqual({ desired: '2026-06-08', clauseId: 'NGN-41', latestNoticeDay: '2026-04-27', tooLate: false });
    expect(cancellationAnswer(ngnView(), '2026-06-08', '2026-04-28').tooLate).toBe(true);
  });

  test('NGN-18: inside the minimum term the fee is the whole months after the effective month × 50,000円', () => {
    // minimum term ends 2026-06-30; cancellation effective 2026-02-28 → Mar, Apr, May, Jun = 4 months × 50,000 = 200,000円 (不課税)
    // NGN-41: 2026-02-28 − 1 month = 2026-01-28 (Wed); 5 business days back: 1/27, 1/26, 1/23, 1/22, 1/21 → 2026-01-21
    const a = cancellationAnswer(ngnView({ minimumTerm: { start: '2025-07-01', end: '2026-06-30' } }), '2026-02-28', '2026-01-05');
    expect(a).toEqual({ desired: '2026-02-28', clauseId: 'NGN-41', latestNoticeDay: '2026-01-21', tooLate: false, fee: { months: 4, amount: '200000' }, feeClauseId: 'NGN-18' });
  });

  test('TNC-17: no lead — any day; a bad or past date is a clear error', () => {
    const tnc = ngnView({ terms: 'TNC', termsVersion: '2022-07-01', planId: 'tnc-home-1g', minimumTerm: undefined });
    expect(cancellationAnswer(tnc, '2026-06-08', '2026-04-01')).toEqual({ desired: '2026-06-08', clauseId: 'TNC-17', latestNoticeDay: undefined, tooLate: false });
    expect(cancellationAnswer(tnc, '2026-02-30', '2026-01-01').error).toMatch(/YYYY-MM-DD/);
    expect(cancellationAnswer(tnc, '2025-12-31', '2026-01-01').error).toMatch(/過去/);
  });
});

describe('forms generated from the command table', () => {
  test('every command has a unique slug, a Japanese title and a labelled field for each property and path parameter', () => {
    const slugs = COMMANDS.map(commandSlug);
    expect(new Set(slugs).size).toBe(COMMANDS.length);
    expect(slugs.filter((s) => !COMMAND_TITLES[s])).toEqual([]);
    for (const c of COMMANDS) {
      const names = fieldsOf(c).map((f) => f.name);
      expect(names.filter((n) => !FIELD_LABELS[n])).toEqual([]);
      expect(names.slice(0, Object.keys(c.params).length)).toEqual(Object.keys(c.params));
    }
  });

  test('NGN-12: ground checkboxes come back as integers and the schema accepts the body', () => {
    const reject = COMMANDS.find((c) => commandSlug(c) === 'reject')!;
    const fields = fieldsOf(reject, { grounds: [{ value: '3', label: '(3)' }, { value: '5', label: '(5)' }] });
    expect(fields.find((f) => f.name === 'grounds')).toMatchObject({ control: 'checkboxes', list: true, numeric: true });
    const { body } = bodyFromForm(fields, { grounds: ['3', '5'], reason: '与信審査の結果' });
    expect(reject.body.parse(body)).toEqual({ grounds: [3, 5], reason: '与信審査の結果' });
    // nothing ticked: the schema names the field
    expect(() => reject.body.parse(bodyFromForm(fields, { reason: 'x' }).body)).toThrow(/grounds/);
  });

  test('NGN-36: a datetime-local value is a JST instant, a ticked box is true, an empty optional field is left out', () => {
    const susp = COMMANDS.find((c) => commandSlug(c) === 'suspensions')!;
    const { body } = bodyFromForm(fieldsOf(susp), { clauseId: 'NGN-36', reason: '保守工事', startsAt: '2027-04-01T10:00', endsAt: '', emergency: 'on' });
    expect(susp.body.parse(body)).toEqual({ clauseId: 'NGN-36', reason: '保守工事', startsAt: '2027-04-01T10:00:00+09:00', emergency: true });
  });

  test('path parameters travel apart from the body (violations/:vid/measures)', () => {
    const m = COMMANDS.find((c) => commandSlug(c) === 'violations-measures')!;
    const { body, params } = bodyFromForm(fieldsOf(m), { vid: 'v-1', measure: '2' });
    expect({ body: m.body.parse(body), params }).toEqual({ body: { measure: 2 }, params: { vid: 'v-1' } });
    // a number typed as text goes on unconverted so the schema reports it
    expect(() => m.body.parse(bodyFromForm(fieldsOf(m), { vid: 'v-1', measure: 'two' }).body)).toThrow(/number/);
  });
});

describe('invoice details, terms anchors, sessions, escaping', () => {
  test('JP-INVOICE: known fields in Japanese, a field the row gains later shown too, bookkeeping hidden', () => {
    const rows = invoiceDetails({
      id: 'ctr-1:2026-04', contractId: 'ctr-1', period: '2026-04', issuedOn: '2026-05-01', dueDate: '2026-05-31',
      taxableTotal: '50000', taxTotal: '5000', outOfScopeTotal: '0', creditTotal: '0', total: '55000', clauseId: 'NGN-19',
      workflowId: 'w', runId: 'r', createdAt: new Date(0), issuerRegistrationNumber: 'T1234567890123', futureColumn: 'x',
    });
    expect(rows).toEqual([
      ['請求書番号 invoice no.', 'ctr-1:2026-04'],
      ['登録番号 registration no.', 'T1234567890123'],
      ['発行日 issued', '令和8年5月1日（2026-05-01）'],
      ['対象期間 period', '2026-04'],
      ['10%対象（税抜） taxable at 10%', '50,000円'],
      ['消費税額（10%） consumption tax', '5,000円'],
      ['不課税 out of scope', '0円'],
      ['減額 credits', '0円'],
      ['ご請求金額（税込） total', '55,000円'],
      ['お支払期日 due', '令和8年5月31日（2026-05-31）'],
      ['根拠条項 clause', 'NGN-19'],
      ['futureColumn', 'x'],
    ]);
  });

  test('every clause a catalog parameter cites has an anchor on its terms page, and clause links point there', () => {
    for (const t of ['NGN', 'TNC'] as const) {
      const page = termsPage(t).value;
      const clauses = new Set(catalogParams(t).map((e) => e.param.clause));
      expect(clauses.size).toBeGreaterThan(20);
      for (const c of clauses) expect(page).toContain(`id="${c}"`);
    }
    expect(clauseHref('NGN-41')).toBe('/ui/terms/NGN#NGN-41');
    expect(clauseHref('TNC-42.1')).toBe('/ui/terms/TNC#TNC-42.1');
    expect(clauseHref('JP-INVOICE')).toBeUndefined();
    expect(getTerms('NGN').cancellation.clause).toBe('NGN-41');
  });

  test('sessions expire at their absolute lifetime, the oldest goes when full, and sign-in checks keys as the API does', () => {
    let t = 1_000_000;
    const store = new SessionStore({ ttlMs: 60_000, maxSessions: 2, now: () => t });
    const a = store.create({ role: 'ops' });
    const b = store.create({ role: 'auditor' });
    expect(a.csrf).not.toBe(b.csrf);
    const c = store.create({ role: 'customer', customerId: 'C1' });
    expect([store.get(a.id), store.get(b.id)?.principal, store.get(c.id)?.principal]).toEqual([undefined, { role: 'auditor' }, { role: 'customer', customerId: 'C1' }]);
    t += 60_000;
    expect(store.get(b.id)).toBeUndefined();
    const keys = parseApiKeys('ops-key-0123456789abcdef=ops,cust-key-0123456789abcd=customer:C9');
    expect(principalForKey(keys, 'ops-key-0123456789abcdef')).toEqual({ role: 'ops', keyId: keyIdOf('ops-key-0123456789abcdef') });
    expect(principalForKey(keys, 'cust-key-0123456789abcd')).toEqual({ role: 'customer', customerId: 'C9', keyId: keyIdOf('cust-key-0123456789abcd') });
    expect(principalForKey(keys, 'ops-key-0123456789abcdeX')).toBeUndefined();
    expect(principalForKey(keys, 'ops-key-0123456789abcdef extra')).toBeUndefined();
  });

  test('interpolated text is escaped; markup built with html is not escaped twice', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(html`<div>${html`<b>${'&'}</b>`}</div>`.value).toBe('<div><b>&amp;</b></div>');
  });
});

describe('written notice PDF in the outbox row (activities/notice-pdf.ts)', () => {
  test('NGN-12: rendered once, stored with its SHA-256; two concurrent first downloads store one document; a changed stored PDF is refused', async () => {
    const db = world.db;
    await db.contract.create({
      data: { id: 'ctr-pdf', terms: 'NGN', termsVersion: '2020-02-01', planId: 'ngn-vpn-standard', customerId: 'C1', customerName: '株式会社テスト商事', customerEmail: 'c1@example.co.jp', customerKind: 'corporate', channel: 'form', status: 'rejected', appliedAt: new Date('2026-04-01T00:00:00Z') },
    });
    const n = await db.notice.create({
      data: { contractId: 'ctr-pdf', idempotencyKey: 'ctr-pdf:rejection:NGN-12', kind: 'rejection', clauseId: 'NGN-12', channel: 'email', recipient: 'c1@example.co.jp', subject: 'ご利用申込みについて（書面によるご通知）', body: '株式会社テスト商事 様\n\n承諾できないことを書面にてご通知いたします。', status: 'sent', createdAt: new Date('2026-04-27T01:15:00Z') },
    });
    const options = () => ({ issuer: ['NEC ネッツエスアイ株式会社'] });
    const [a, b] = await Promise.all([noticePdf(db, n.id, options), noticePdf(db, n.id, options)]);
    expect(a.sha256).toBe(b.sha256);
    expect(a.pdf.equals(b.pdf)).toBe(true);
    expect([a.rendered, b.rendered].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const again = await noticePdf(db, n.id, () => { throw new Error('must not render again'); });
    expect({ rendered: again.rendered, sha256: again.sha256 }).toEqual({ rendered: false, sha256: sha256Hex(a.pdf) });
    expect(a.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const tampered = Buffer.from(a.pdf);
    tampered[tampered.length - 10] = tampered[tampered.length - 10]! ^ 1;
    await db.notice.update({ where: { id: n.id }, data: { pdf: new Uint8Array(tampered) } });
    await expect(noticePdf(db, n.id, options)).rejects.toBeInstanceOf(PdfIntegrityError);
  });
});
