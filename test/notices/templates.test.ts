/**
 * Notice catalogue and Japanese templates (pure): every catalogue entry renders, with the clause id,
 * 和暦 + ISO dates, yen with separators, reason and period where the clause requires them, and
 * every piece of data escaped in the HTML rendering.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, test } from 'vitest';
import {
  BusinessCalendar,
  addDays,
  earliestDateAfterNotice,
  nonRenewalDeadline,
} from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import {
  NOTICE_CATALOGUE,
  RENEWAL_REMINDER_BUSINESS_DAYS,
  abolitionNoticeDay,
  carrierMustBeNotified,
  catalogueEntry,
  erasureReminderDays,
  noticeClause,
  noticeKey,
  overdueReminderDay,
  recipientFor,
  renewalReminderDay,
  suspensionNoticeDay,
  earliestStartAfterNotice,
  termsChangeNoticeDay,
  termsChangeObjectionDeadline,
  type NoticeKind,
} from '../../notices/catalogue.js';
import { dateJa, escapeHtml, instantJa, jaAnnualRate, jaYen, warekiDate } from '../../notices/format.js';
import { articleOf, textToHtml } from '../../notices/render.js';
import * as T from '../../notices/templates.js';

const party = { contractId: 'ctr-0001', customerName: '株式会社サンプル', termsTitle: 'プライベート IP サービス NGN-VPN 約款' };
const tncParty = { contractId: 'ctr-0002', customerName: '山田 太郎', termsTitle: 'TNC インターネット接続サービス基本約款（N）' };
/** Data with every HTML-special character, to check escaping. */
const evil = `<script>alert("x")</script> & 'quote'`;

/** The HTML must never contain a data string raw, and must contain it escaped. */
function expectEscaped(html: string, data: string) {
  expect(html).not.toContain(data);
  expect(html).toContain(escapeHtml(data));
}

describe('format: 和暦, ISO dates, yen', () => {
  test('和暦 dates: 令和8年4月27日, 令和元年 on the first day of the era, 平成31年 the day before', () => {
    expect(warekiDate('2026-04-27')).toBe('令和8年4月27日');
    expect(warekiDate('2019-05-01')).toBe('令和元年5月1日');
    expect(warekiDate('2019-04-30')).toBe('平成31年4月30日');
    expect(warekiDate('1989-01-08')).toBe('平成元年1月8日');
    expect(warekiDate('1989-01-07')).toBe('昭和64年1月7日');
    expect(dateJa('2026-04-27')).toBe('令和8年4月27日（2026-04-27）');
    expect(() => warekiDate('2026-4-27')).toThrow(RangeError);
  });

  test('instants are shown in JST: 2026-04-27T01:15Z is 令和8年4月27日 10時15分', () => {
    expect(instantJa('2026-04-27T01:15:00Z')).toBe('令和8年4月27日 10時15分（2026-04-27T10:15+09:00）');
    expect(instantJa('2026-04-26T15:00:00Z')).toBe('令和8年4月27日 0時00分（2026-04-27T00:00+09:00）');
  });

  test('yen with separators: 12,345円, 1,234,567円, -500円; rates 年14.6% / 年14.5%', () => {
    expect(jaYen('12345')).toBe('12,345円');
    expect(jaYen('1234567')).toBe('1,234,567円');
    expect(jaYen('999')).toBe('999円');
    expect(jaYen('-500')).toBe('-500円');
    expect(() => jaYen('12,345')).toThrow(RangeError);
    expect(jaAnnualRate('0.146')).toBe('年14.6%');
    expect(jaAnnualRate('0.145')).toBe('年14.5%');
    expect(jaAnnualRate('0.10')).toBe('年10%');
  });

  test('clause ids map to articles: NGN-36 第36条, TNC-42.1 第42条1項', () => {
    expect(articleOf('NGN-36')).toBe('第36条');
    expect(articleOf('TNC-42.1')).toBe('第42条1項');
  });
});

/** One rendering per catalogue kind, with the facts each must show. */
const samples: Record<Exclude<NoticeKind, 'carrier-notification'>, () => { r: T.Rendered; must: string[]; data: string }> = {
  acceptance: () => ({
    r: T.acceptanceNotice({ ...party, customerName: evil, serviceStart: '2026-04-27', clauseId: 'NGN-11' }),
    must: ['NGN-11', '第11条', '令和8年4月27日', '2026-04-27', '本通知の発信をもって利用契約が成立'],
    data: evil,
  }),
  rejection: () => ({
    r: T.rejectionNotice({ ...party, grounds: [{ code: 3, label: '国内法人でない' }], reason: evil, clauseId: 'NGN-12' }),
    must: ['NGN-12', '書面にて', '(3) 国内法人でない', `理由: ${evil}`],
    data: evil,
  }),
  'renewal-reminder': () => ({
    r: T.renewalReminder({ ...party, customerName: evil, periodEnd: '2027-03-31', deadline: '2027-02-28', renewedUntil: '2028-03-31' }),
    must: ['NGN-39', '令和9年3月31日（2027-03-31）', '令和9年2月28日（2027-02-28）', '令和10年3月31日', '書面'],
    data: evil,
  }),
  'non-renewal-receipt': () => ({
    r: T.nonRenewalReceipt({ ...party, customerName: evil, receivedOn: '2027-01-15', endDate: '2027-03-31', clauseId: 'NGN-39' }),
    must: ['NGN-39', '令和9年1月15日', '令和9年3月31日（2027-03-31）'],
    data: evil,
  }),
  'cancellation-receipt': () => ({
    r: T.cancellationReceipt({
      ...party,
      customerName: evil,
      receivedOn: '2026-04-27',
      endDate: '2026-06-08',
      clauseId: 'NGN-41',
      earlyTerminationFee: { months: 4, amount: '200000' },
    }),
    must: ['NGN-41', 'NGN-18', '令和8年6月8日（2026-06-08）', '200,000円', '不課税', '4 か月'],
    data: evil,
  }),
  'early-termination-fee': () => ({
    r: T.earlyTerminationFeeNotice({ ...party, customerName: evil, endDate: '2026-11-30', minimumTermEnd: '2027-03-31', months: 4, monthlyFee: '50000', amount: '200000' }),
    must: ['NGN-18', '第18条', '200,000円', '50,000円', '令和9年3月31日', '不課税'],
    data: evil,
  }),
  suspension: () => ({
    r: T.suspensionNotice({ ...party, clauseId: 'NGN-36', reason: evil, from: '2026-05-10', to: '2026-05-11' }),
    must: ['NGN-36', '第36条', `理由: ${evil}`, '期間: 令和8年5月10日（2026-05-10）から令和8年5月11日（2026-05-11）まで', '事前にご通知', 'NGN-16.2'],
    data: evil,
  }),
  violation: () => ({
    r: T.violationNotice({ ...party, clauseId: 'NGN-25', violation: evil, occurredOn: '2026-04-01', cureBy: '2026-04-11' }),
    must: ['NGN-25', '是正期限: 令和8年4月11日（2026-04-11） 24時', '令和8年4月1日', evil],
    data: evil,
  }),
  termination: () => ({
    r: T.terminationNotice({ ...party, clauseId: 'NGN-40', reason: evil, effectiveDate: '2026-07-01', acceleratedAmount: '1234567' }),
    must: ['NGN-40', '令和8年7月1日', '1,234,567円', '期限の利益', evil],
    data: evil,
  }),
  outage: () => ({
    r: T.outageNotice({ ...party, clauseId: 'NGN-52', recognisedAt: '2026-04-27T01:15:00Z', symptom: evil }),
    must: ['NGN-52', '令和8年4月27日 10時15分', evil],
    data: evil,
  }),
  'outage-24h': () => ({
    r: T.outageThresholdNotice({ ...tncParty, customerName: evil, clauseId: 'TNC-42.1', recognisedAt: '2026-04-27T01:15:00Z', thresholdAt: '2026-04-28T01:15:00Z' }),
    must: ['TNC-42.1', '第42条', '令和8年4月27日 10時15分', '24時間経過: 令和8年4月28日 10時15分'],
    data: evil,
  }),
  restoration: () => ({
    r: T.restorationNotice({ ...tncParty, clauseId: 'TNC-35', recognisedAt: '2026-04-27T01:15:00Z', restoredAt: '2026-04-28T07:30:00Z', cause: evil }),
    must: ['TNC-35', '第35条', '令和8年4月28日 16時30分', '期間: 30時間15分', evil],
    data: evil,
  }),
  credit: () => ({
    r: T.creditNotice({ ...tncParty, clauseId: 'TNC-42.1', recognisedAt: '2026-04-27T01:15:00Z', restoredAt: '2026-04-29T03:00:00Z', days: 2, amount: '12345', appliedTo: evil }),
    must: ['TNC-42.1', '第42条1項', '12,345円', '2日', '円未満切り捨て', '令和8年4月29日 12時00分'],
    data: evil,
  }),
  invoice: () => ({
    r: T.invoiceNotice({
      ...party,
      clauseId: 'NGN-19',
      period: '2026-04',
      issuedOn: '2026-05-01',
      dueDate: '2026-05-31',
      lines: [
        { description: evil, amount: '50000', taxClass: 'taxable' },
        { description: '消費税相当額', amount: '5000', taxClass: 'consumption-tax' },
        { description: '違約金', amount: '200000', taxClass: 'out-of-scope' },
      ],
      total: '255000',
    }),
    must: ['NGN-19', '255,000円', '50,000円', '違約金（不課税）: 200,000円', '令和8年5月31日（2026-05-31）'],
    data: evil,
  }),
  'overdue-reminder': () => ({
    r: T.overdueReminder({ ...tncParty, customerName: evil, clauseId: 'TNC-29', invoiceId: 'ctr-0002:2026-04', dueDate: '2026-05-27', open: '5500', annualRate: '0.145' }),
    must: ['TNC-29', '5,500円', '年14.5%', '令和8年5月27日（2026-05-27）', '翌日から'],
    data: evil,
  }),
  abolition: () => ({
    r: T.abolitionNotice({ ...tncParty, clauseId: 'TNC-24', serviceName: evil, abolitionDate: '2026-10-01' }),
    must: ['TNC-24', '令和8年10月1日（2026-10-01）', '60日前', evil],
    data: evil,
  }),
  'terms-change': () => ({
    r: T.termsChangeNotice({ ...tncParty, clauseId: 'TNC-3', effectiveDate: '2026-07-01', summary: [evil], objectionDeadline: '2026-06-30' }),
    must: ['TNC-3', '第3条', '令和8年7月1日（2026-07-01）', '令和8年6月30日（2026-06-30）', '異議', '効力発生日をもって終了'],
    data: evil,
  }),
  'erasure-certificate-reminder': () => ({
    r: T.erasureCertificateReminder({ ...party, customerName: evil, terminatedOn: '2026-03-31', reminderNo: 2, maxReminders: 6 }),
    must: ['NGN-43', '消去証明書', '令和8年3月31日', '2回目'],
    data: evil,
  }),
  'data-deletion': () => ({
    r: T.dataDeletionNotice({ ...tncParty, customerName: evil, clauseId: 'TNC-37.5', terminatedOn: '2026-03-31', deletedOn: '2026-09-27', retentionDays: 180 }),
    must: ['TNC-37.5', '第37条5項', '令和8年9月27日', '180日', '個人情報'],
    data: evil,
  }),
  disclosure: () => ({
    r: T.disclosureNotice({ ...party, authority: '東京地方裁判所', legalBasis: '民事訴訟法第223条（文書提出命令）', scope: evil, disclosureAt: '2026-06-10T01:00:00Z', prior: true }),
    must: ['NGN-46', '第46条', '開示に先立って', '東京地方裁判所', '開示予定日時: 令和8年6月10日 10時00分', evil],
    data: evil,
  }),
  'malware-alert': () => ({
    r: T.malwareAlertNotice({ ...tncParty, ipAddress: '203.0.113.45', observedAt: '2026-06-10T01:00:00Z', source: evil, detail: 'Mirai 亜種の探索通信' }),
    must: ['TNC-45', '第45条', '203.0.113.45', '令和8年6月10日 10時00分', evil],
    data: evil,
  }),
  'contractor-change': () => ({
    r: T.contractorChangeNotice({ ...party, clauseId: 'NGN-15', decision: 'denied', decidedOn: '2026-05-12', successor: '承継株式会社', reason: evil }),
    must: ['NGN-15', '第15条', '令和8年5月12日', '承認いたしかねます', '承継株式会社', evil],
    data: evil,
  }),
  'change-acceptance': () => ({
    r: T.changeAcceptanceNotice({ ...party, customerName: evil, clauseId: 'NGN-13.2', fromPlan: 'スタンダード', toPlan: '多拠点', effectiveDate: '2026-04-15', monthlyFee: '90000', daily: false }),
    must: ['NGN-13.2', '第13条2項', '本通知の発信をもって変更が成立', '令和8年4月15日（2026-04-15）', '90,000円', '変更日を含む月から'],
    data: evil,
  }),
  'change-refusal': () => ({
    r: T.changeRefusalNotice({ ...party, clauseId: 'NGN-13.2', groundsClause: 'NGN-12', requestedPlan: '多拠点', grounds: [{ code: 5, label: '債務の支払いを怠るおそれがある' }], reason: evil, written: true }),
    must: ['NGN-13.2', 'NGN-12（第12条）', '書面にて', '(5) 債務の支払いを怠るおそれがある', `理由: ${evil}`, '変更前の内容で継続'],
    data: evil,
  }),
  'carrier-course-end': () => ({
    r: T.carrierCourseEndNotice({ ...tncParty, customerName: evil, clauseId: 'TNC-19', courseEndsOn: '2026-06-15', basePlan: 'TNC フレッツ・光対応バリュープラン', monthlyFee: '4800', paymentClause: 'TNC-27' }),
    must: ['TNC-19', '第19条', '令和8年6月15日（2026-06-15）', 'バリュープラン', '4,800円', 'TNC-27'],
    data: evil,
  }),
};

describe('templates: each catalogue entry renders text and HTML with its required elements', () => {
  it('every catalogue kind except the carrier payload has a mail template sample here', () => {
    expect(NOTICE_CATALOGUE.map((e) => e.kind).filter((k) => k !== 'carrier-notification').sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(Object.entries(samples))('%s: clause, 和暦 dates, yen, reason/period; HTML escapes the data', (kind, make) => {
    const { r, must, data } = make();
    expect(r.kind).toBe(kind);
    // The notice's clause is one the catalogue lists for this kind.
    const entry = catalogueEntry(kind as NoticeKind);
    expect([...(entry.clauses.NGN ?? []), ...(entry.clauses.TNC ?? [])]).toContain(r.clauseId);
    for (const m of must) expect(r.body).toContain(m);
    expect(r.body).toContain(`根拠条項: ${r.clauseId}`);
    expect(r.subject).toMatch(/^【.+】.+（契約番号 ctr-000\d）$/);
    // NGN-49 / TNC-5: the electronic-notice clause is cited in the footer.
    expect(r.body).toContain(r.clauseId.startsWith('NGN') ? 'NGN-49' : 'TNC-5');
    // HTML: the same facts, with data escaped.
    expect(r.html).toMatch(/^<!DOCTYPE html>/);
    expect(r.html).toContain(r.clauseId);
    expectEscaped(r.html, data);
    expect(r.html).not.toMatch(/<script>/);
  });

  test('NGN-46: a notice after the disclosure must say why it could not come first; a missing authority is refused', () => {
    const after = T.disclosureNotice({ ...party, authority: '警視庁', legalBasis: '刑事訴訟法第218条（差押許可状）', scope: '契約者名・住所', disclosureAt: '2026-06-10T01:00:00Z', prior: false, whyNotPrior: '令状により通知が禁じられていたため' });
    expect(after.body).toContain('開示後にお知らせします');
    expect(after.body).toContain('事前にお知らせできなかった理由: 令状により通知が禁じられていたため');
    expect(() => T.disclosureNotice({ ...party, authority: '警視庁', legalBasis: '刑事訴訟法第218条', scope: '契約者名', disclosureAt: '2026-06-10T01:00:00Z', prior: false })).toThrow(/NGN-46: the notice must state why no prior notice was possible/);
    expect(() => T.disclosureNotice({ ...party, authority: ' ', legalBasis: 'x', scope: 'y', disclosureAt: '2026-06-10T01:00:00Z', prior: true })).toThrow(/NGN-46: the notice must state who demanded/);
  });

  test('NGN-36 / NGN-37: a suspension notice without a reason is refused; an open period says until the cause is removed', () => {
    expect(() => T.suspensionNotice({ ...party, clauseId: 'NGN-37', reason: '  ', from: '2026-05-10' })).toThrow(/NGN-37: the notice must state the reason/);
    const r = T.suspensionNotice({ ...party, clauseId: 'NGN-37', reason: '料金の未払い', from: '2026-05-10' });
    expect(r.body).toContain('理由: 料金の未払い');
    expect(r.body).toContain('期間: 令和8年5月10日（2026-05-10）から停止の理由が解消されるまで');
    expect(() => T.suspensionNotice({ ...party, clauseId: 'NGN-36', reason: '保守', from: '2026-05-10', to: '2026-05-09' })).toThrow(RangeError);
  });

  test('NGN-36 emergency: the notice follows the measure and says so; TNC-41 suspends without prior notice (fees accrue, TNC-26.3)', () => {
    const e = T.suspensionNotice({ ...party, clauseId: 'NGN-36', reason: '設備障害', from: '2026-05-10', to: '2026-05-10', emergency: true });
    expect(e.body).toContain('緊急やむを得ない事由');
    const t = T.suspensionNotice({ ...tncParty, clauseId: 'TNC-41', reason: '支払期日を経過しても料金が支払われないため', from: '2026-06-01' });
    expect(t.body).toContain('事前の通知なく');
    expect(t.body).toContain('TNC-26.3');
  });

  test('TNC-17 cancellation receipt says nothing paid is refunded; TNC-3 needs an objection deadline', () => {
    const r = T.cancellationReceipt({ ...tncParty, receivedOn: '2026-04-27', endDate: '2026-04-30', clauseId: 'TNC-17' });
    expect(r.body).toContain('払い戻しいたしません');
    expect(r.body).toContain('TNC-17（第17条）');
    expect(() => T.termsChangeNotice({ ...tncParty, clauseId: 'TNC-3', effectiveDate: '2026-07-01', summary: ['料金改定'] })).toThrow(/objection deadline/);
  });

  test('TNC-15 / TNC-17 / TNC-18 / TNC-41: the docomo payload names the event, clause and 和暦 date', () => {
    const n = T.carrierNotification({ contractId: 'ctr-0003', event: 'cancellation', effectiveDate: '2026-04-30', planId: 'tnc-docomo' });
    expect(n).toMatchObject({ kind: 'docomo:cancellation', clauseId: 'TNC-17' });
    expect(n.payload).toMatchObject({ event: 'cancellation', clauseId: 'TNC-17', course: 'docomo-billed', effectiveDate: '2026-04-30' });
    expect(n.payload.summaryJa).toContain('令和8年4月30日');
    expect(T.carrierNotification({ contractId: 'c', event: 'plan-change', effectiveDate: '2026-05-01', planId: 'tnc-docomo', newPlanId: 'x' }).clauseId).toBe('TNC-15');
    // TNC-18.4: the paragraph of 第18条 that tells docomo of a termination by the provider.
    expect(T.carrierNotification({ contractId: 'c', event: 'termination-by-provider', effectiveDate: '2026-05-01', planId: 'tnc-docomo' }).clauseId).toBe('TNC-18.4');
    expect(T.carrierNotification({ contractId: 'c', event: 'suspension', effectiveDate: '2026-05-01', planId: 'tnc-docomo' }).clauseId).toBe('TNC-41');
  });

  test('textToHtml (for a stored text) escapes it and keeps the lines', () => {
    const html = textToHtml('件名 <b>', `一行目\n${evil}`);
    expectEscaped(html, evil);
    expect(html).toContain('件名 &lt;b&gt;');
  });
});

describe('catalogue: clauses, lead times, recipients', () => {
  test('every entry has a clause, a lead time and a channel for each 約款 it applies to', () => {
    for (const e of NOTICE_CATALOGUE) {
      const terms = Object.keys(e.clauses) as ('NGN' | 'TNC')[];
      expect(terms.length, e.kind).toBeGreaterThan(0);
      for (const t of terms) {
        expect(e.clauses[t]!.length, `${e.kind} ${t}`).toBeGreaterThan(0);
        for (const c of e.clauses[t]!) expect(c.startsWith(`${t}-`), `${e.kind} ${c}`).toBe(true);
        expect(e.lead[t], `${e.kind} ${t} lead`).toBeDefined();
        expect(e.channels[t]?.length, `${e.kind} ${t} channel`).toBeGreaterThan(0);
      }
    }
    expect(noticeClause('acceptance', 'NGN')).toBe('NGN-11');
    expect(noticeClause('acceptance', 'TNC')).toBe('TNC-12');
    expect(() => noticeClause('renewal-reminder', 'TNC')).toThrow(/TNC has no renewal-reminder/);
    // NGN-12: the rejection is written (書面): e-mail plus paper.
    expect(catalogueEntry('rejection').channels.NGN).toEqual(['email', 'paper']);
  });

  test(`NGN-39: the renewal reminder goes ${RENEWAL_REMINDER_BUSINESS_DAYS} business days before the non-renewal deadline (period 2027-03-31 → deadline 2027-02-28 → 2027-02-12)`, () => {
    const cal = new BusinessCalendar(defaultCalendarData(2026, 2028));
    expect(nonRenewalDeadline('2027-03-31', 1)).toBe('2027-02-28');
    // Back from Sun 02-28: 26, 25, 24 (23 天皇誕生日), 22, 19, 18, 17, 16, 15, 12.
    expect(renewalReminderDay(cal, '2027-03-31')).toBe('2027-02-12');
  });

  test('NGN-38 / TNC-24: the abolition notice leaves 60 clear days; NGN-2 / TNC-3: 30 days, objection by the effective date itself', () => {
    const n = abolitionNoticeDay('TNC', '2026-10-01');
    expect(n).toBe('2026-08-01');
    expect(earliestDateAfterNotice(n, 60)).toBe('2026-10-01');
    expect(abolitionNoticeDay('NGN', '2026-10-01')).toBe('2026-08-01');
    expect(termsChangeNoticeDay('TNC', '2026-07-01')).toBe('2026-06-01');
    // TNC-3 4項: 効力発生日までの間に到達 — the effective date itself is in time.
    expect(termsChangeObjectionDeadline('2026-07-01')).toBe('2026-07-01');
  });

  test('NGN-36: prior notice 7 days before, the notice day not counted; NGN-21 / TNC-29: reminder the day after the due date; NGN-43: 6 reminders every 14 days', () => {
    // A stop at 00:00 on 05-10 needs 7 whole days before it after the notice day (民法 第140条):
    // 05-03 … 05-09, so the notice must be delivered by 05-02; a notice on 05-02 allows 05-10.
    expect(suspensionNoticeDay('2026-05-10')).toBe('2026-05-02');
    expect(earliestStartAfterNotice('2026-05-02', 7)).toBe('2026-05-10');
    expect(overdueReminderDay('2026-05-31')).toBe('2026-06-01');
    const days = erasureReminderDays('2026-03-31');
    expect(days).toEqual([14, 28, 42, 56, 70, 84].map((d) => addDays('2026-03-31', d)));
  });

  test('NGN-52: outage notices go to the registered fault contact when there is one, else to the customer', () => {
    expect(recipientFor('outage', { customerEmail: 'it@example.co.jp', faultContactEmail: 'noc@example.co.jp' })).toBe('noc@example.co.jp');
    expect(recipientFor('restoration', { customerEmail: 'it@example.co.jp', faultContactEmail: ' ' })).toBe('it@example.co.jp');
    expect(recipientFor('invoice', { customerEmail: 'it@example.co.jp', faultContactEmail: 'noc@example.co.jp' })).toBe('it@example.co.jp');
    expect(() => recipientFor('carrier-notification', { customerEmail: 'x@example.jp' })).toThrow();
  });

  test('TNC-15 / TNC-17 / TNC-18 / TNC-41: docomo is notified only on the docomo-billed course', () => {
    for (const ev of ['plan-change', 'cancellation', 'termination-by-provider', 'suspension'] as const) {
      expect(carrierMustBeNotified('TNC', true, ev)).toBe(true);
      expect(carrierMustBeNotified('TNC', false, ev)).toBe(false);
      expect(carrierMustBeNotified('NGN', true, ev)).toBe(false);
    }
  });

  test('outbox keys: contract:kind:clause[:occurrence]', () => {
    expect(noticeKey('ctr-1', 'renewal-reminder', 'NGN-39', '2027-03-31')).toBe('ctr-1:renewal-reminder:NGN-39:2027-03-31');
    expect(noticeKey('ctr-1', 'acceptance', 'NGN-11')).toBe('ctr-1:acceptance:NGN-11');
  });
});

describe('purity: notices/ and workflows/notify.ts are safe for workflow code', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const FORBIDDEN: [string, RegExp][] = [
    ['clock read', /Date\.now\s*\(|new Date\(\s*\)/],
    ['randomness', /Math\.random|randomUUID/],
    ['node built-in / I/O import', /from ['"](node:|fs|path|http|https|net|crypto|child_process|os)['"/]/],
    ['process access', /\bprocess\./],
  ];
  const files = readdirSync(join(root, 'notices')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'notices', f));
  it.each([...files, join(root, 'workflows/notify.ts')].map((f) => [f.slice(root.length), f]))('%s has no clock, randomness or I/O', (_n, f) => {
    const src = readFileSync(f, 'utf8');
    for (const [what, re] of FORBIDDEN) expect(re.test(src), `${what} in ${f}`).toBe(false);
  });
  const importsOf = (file: string) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)].map((m) => [m[1] ?? '', m[2]]);

  it('workflows/notify.ts imports activities as types only', () => {
    for (const [typeOnly, from] of importsOf('workflows/notify.ts')) {
      if (from!.includes('/activities/')) expect(typeOnly, from).toBe('type ');
      else
        expect(['@temporalio/workflow', '../notices/catalogue.js', '../notices/templates.js', '../rules/terms/index.js', './contract/patches.js', './local-gate.js']).toContain(from);
    }
    // The local-activity gate it delivers through is workflow code of the same kind.
    expect(importsOf('workflows/local-gate.ts').map(([, from]) => from)).toEqual(['@temporalio/workflow', './contract/patches.js']);
  });
});
