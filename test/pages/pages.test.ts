/**
 * The pages as people use them (issue 17), in Debian's chromium driven by playwright-core against
 * the real API app, a real worker and the Temporal dev server: ops sign in, accept an application
 * from the NGN-11 queue, get a late NGN-41 cancellation refused with its deadline next to the field
 * (and nothing changes), bill an NGN-29 dispatch; the customer signs in and sees the notice and the
 * invoice; a written NGN-12 rejection is a PDF that is rendered to PNG and read back; another
 * customer's contract is unreachable; auditors read only; long work shows its progress.
 *
 * Screenshots and rendered PDFs go to data/test-output/pages/ (ignored by git).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { loadConfig } from '../../runtime/config.js';
import { BusinessCalendar, addDays, jstDateOf, latestCancellationNoticeDay } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { warekiDate } from '../../notices/format.js';
import { personalData } from '../../activities/personal-data.js';
import { corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';
import { listenLocal } from '../helpers/http.js';

const CHROMIUM = loadConfig().chromiumPath;
const OUT = resolve('data/test-output/pages');
const OPS = 'pages-ops-key-5d7e1a9c3b2f';
const AUDITOR = 'pages-auditor-key-8e2c4b6a1d';
const CUST_A = uniqueId('custA');
const CUST_B = uniqueId('custB');
const KEY_A = 'pages-customer-a-key-4f9e2d1c';
const KEY_B = 'pages-customer-b-key-7a3b5c9d';

const world = useWorld('dev-server');
let base: string;
let browser: Browser;
const taskQueue = uniqueId('tq-pages');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
  for (const tool of ['pdftoppm', 'pdftotext', 'pdfinfo']) {
    try {
      execFileSync('which', [tool]);
    } catch {
      throw new Error(`${tool} is missing: scripts/setup.sh installs poppler-utils`);
    }
  }
  mkdirSync(OUT, { recursive: true });
  await world.runWorker(taskQueue);
  const keys = parseApiKeys(`${OPS}=ops,${AUDITOR}=auditor,${KEY_A}=customer:${CUST_A},${KEY_B}=customer:${CUST_B}`);
  const app = buildApp({ client: world.env.client, db: world.db, keys, taskQueue });
  const api = await listenLocal(app);
  world.defer('close the API server', () => api.close());
  base = api.base;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  world.defer('close the browser', () => browser.close());
});

/**
 * Every write of this file is a new request, so each carries an Idempotency-Key of its own: without
 * one the API derives the key from the body and the day (issue 15), and a second application of the
 * same customer would be answered with the first contract.
 */
async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, key = OPS): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(method === 'GET' ? {} : { 'idempotency-key': `pages-${randomUUID()}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

async function apply(customerId: string): Promise<string> {
  const r = await api<{ contractId: string }>('POST', '/contracts', { terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporateCustomer(customerId) });
  expect(r.status).toBe(201);
  // The row is the workflow's first write (saveContract): the pages read it, so wait until it is there.
  await expect.poll(() => world.db.contract.count({ where: { id: r.json.contractId } }), { timeout: 30_000 }).toBe(1);
  return r.json.contractId;
}

/** Signs in through the form (the key is typed, never in a URL) and returns the page. */
async function signIn(key: string, urls: string[] = []): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(`${base}/ui`);
  await page.waitForURL(/\/ui\/sign-in/);
  await page.fill('input[name=key]', key);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/ui/sign-in')), page.click('#sign-in button[type=submit]')]);
  return { context, page };
}

const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: resolve(OUT, `${name}.png`), fullPage });

/** Text of a PDF (pdftotext) and facts of its first page (pdfinfo); the first page rendered to PNG. */
function readPdf(pdf: Buffer, name: string): { text: string; info: string; png: string } {
  const file = resolve(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, resolve(OUT, name)]);
  return { text, info, png: resolve(OUT, `${name}.png`) };
}

describe('ops console, customer page and written notices in chromium (issue 17)', () => {
  test('NGN-11 accept from the queue, NGN-41 late cancellation refused with its deadline (nothing changes), NGN-29 dispatch billed; the customer sees the notice and the invoice', async () => {
    const contractId = await apply(CUST_A);
    const urls: string[] = [];
    const signInPage = await browser.newPage();
    await signInPage.goto(`${base}/ui/sign-in`);
    await shot(signInPage, '01-sign-in');
    await signInPage.close();

    const { context, page } = await signIn(OPS, urls);
    // The queue, in processing order, with the application on it.
    expect(new URL(page.url()).pathname).toBe('/ui/ops');
    const row = page.locator(`#queue tr[data-contract="${contractId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    await shot(page, '02-ops-queue');
    await Promise.all([page.waitForURL(/done=accept/), row.locator('button[data-action=accept]').click()]);
    expect(await page.locator('.flash').innerText()).toContain('申込みの承諾');
    expect((await api<{ status: string }>('GET', `/contracts/${contractId}`)).json.status).toBe('active');

    // NGN-41: a cancellation a week from today is far too late: it needed 1 month and 5 business
    // days of notice (desired − 1 calendar month, then 5 business days back), a day already past.
    await page.goto(`${base}/ui/ops/contracts/${contractId}`);
    const today = jstDateOf(Date.now());
    const desired = addDays(today, 7);
    const y = Number(desired.slice(0, 4));
    // The rule itself is checked against the clause's worked example (2026-06-08 → 2026-04-27) in test/rules.
    const latest = latestCancellationNoticeDay(new BusinessCalendar(defaultCalendarData(y - 1, y)), desired, 1, 5);
    expect(latest < today).toBe(true);
    const noticesBefore = await world.db.notice.count({ where: { contractId } });
    await page.locator('#cmd-cancel > summary').click();
    await page.fill('#f-cancel-desiredDate', desired);
    const [refusal] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/commands/cancel')), page.locator('form[data-command=cancel] button[type=submit]').click()]);
    expect(refusal.status()).toBe(422);
    await page.waitForLoadState();
    const fieldError = page.locator('form[data-command=cancel] .field-error[data-field=desiredDate]');
    await expect.poll(() => fieldError.isVisible()).toBe(true);
    const errorText = await fieldError.innerText();
    expect(errorText).toContain('NGN-41');
    expect(errorText).toContain('期限を過ぎています');
    // the missed deadline in 和暦 with the ISO date beside it
    expect(errorText).toContain(`${warekiDate(latest)}（${latest}）`);
    // the value typed is kept, and the banner says nothing changed
    expect(await page.inputValue('#f-cancel-desiredDate')).toBe(desired);
    expect(await page.locator('#refusal').innerText()).toContain('変更されていません');
    await shot(page, '03-ops-late-cancellation-refused');
    const after = await api<{ cancellation?: unknown; endDate?: string; status: string }>('GET', `/contracts/${contractId}`);
    expect({ status: after.json.status, cancellation: after.json.cancellation, endDate: after.json.endDate }).toEqual({ status: 'active', cancellation: undefined, endDate: undefined });
    expect(await world.db.notice.count({ where: { contractId } })).toBe(noticesBefore);

    // NGN-29: a dispatch of 5,000円 (税抜) is billed with NGN-23 consumption tax 10%: 500円, total 5,500円.
    await page.locator('#cmd-dispatches > summary').click();
    await page.fill('#f-dispatches-cost', '5000');
    await page.fill('#f-dispatches-description', '契約者側設備の故障切り分け');
    await Promise.all([page.waitForURL(/done=dispatches/), page.locator('form[data-command=dispatches] button[type=submit]').click()]);
    const invoiceRow = page.locator('table.invoices tbody tr').first();
    await expect.poll(() => invoiceRow.innerText()).toContain('5,500円');
    expect(await page.locator('table.ledger[data-clause="NGN-29"]').innerText()).toContain('課税（10%）');
    // timeline: the minimum term's end is ahead (NGN-17), the formation behind (NGN-11)
    expect(await page.locator('text=最低利用期間の満了').count()).toBeGreaterThan(0);
    expect(await page.locator('a.clause[href="/ui/terms/NGN#NGN-11"]').count()).toBeGreaterThan(0);
    await shot(page, '04-ops-contract-page');

    // Sign out: the session is gone on the server; the old page sends the browser to sign in.
    await Promise.all([page.waitForURL(/sign-in/), page.locator('header form button[type=submit]').click()]);
    await page.goto(`${base}/ui/ops`);
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
    expect(urls.filter((u) => u.includes(OPS))).toEqual([]); // the key never travelled in a URL
    await context.close();

    // The customer: own contracts, the acceptance notice and the invoice with its details.
    const cust = await signIn(KEY_A);
    expect(new URL(cust.page.url()).pathname).toBe('/ui/me');
    await cust.page.click(`a[href="/ui/me/contracts/${contractId}"]`);
    const body = await cust.page.locator('main').innerText();
    expect(body).toContain('ご利用申込み承諾のお知らせ');
    expect(body).toContain('5,500円');
    expect(body).toContain('500円');
    const invoice = cust.page.locator('section.invoice').first();
    expect(await invoice.innerText()).toContain('消費税額');
    await shot(cust.page, '05-customer-contract');

    // The latest cancellation notice day for a date the customer chooses (figures: test/pages/units.test.ts).
    await cust.page.fill('input[name=desired]', addDays(today, 90));
    await Promise.all([cust.page.waitForURL(/desired=/), cust.page.click('section.calc button[type=submit]')]);
    expect(await cust.page.locator('#cancellation-answer').innerText()).toContain('解約のお申出の期限');
    await shot(cust.page, '06-customer-cancellation-day');

    // The invoice as a PDF from the customer's page: stored with its SHA-256, Japanese text inside.
    const href = await invoice.locator('a[href$=".pdf"]').getAttribute('href');
    const res = await cust.context.request.get(`${base}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdf = Buffer.from(await res.body());
    const sha = createHash('sha256').update(pdf).digest('hex');
    expect(res.headers()['x-content-sha256']).toBe(sha);
    const noticeId = Number(/notices\/(\d+)\.pdf$/.exec(href!)![1]);
    expect((await world.db.notice.findUniqueOrThrow({ where: { id: noticeId } })).pdfSha256).toBe(sha);
    const { text, png } = readPdf(pdf, '07-invoice');
    // JP-INVOICE: the NGN-29 dispatch is billed as a qualified invoice (適格請求書) of its own, with the
    // provider's registration number (the test worlds' NGN number) and 5,000 + 10% tax 500 = 5,500 yen.
    expect(text).toContain('派遣費用のご請求');
    expect(text).toContain('T1010001000001');
    expect(text).toContain('5,500円');
    expect(text).toContain('適格請求書の記載事項');
    expect(statSync(png).size).toBeGreaterThan(5_000);
    await cust.context.close();
  });

  test('NGN-12: a rejection from the contract page is a written notice — A4 PDF, Japanese font embedded, 和暦 date, clause, issuer, the e-mail text — rendered to PNG and read back; stored once', async () => {
    const contractId = await apply(CUST_A);
    const { context, page } = await signIn(OPS);
    await page.goto(`${base}/ui/ops/contracts/${contractId}`);
    // the reject form is open for an application; ground (5) 債務の支払いを怠るおそれ and a reason
    await page.check('form[data-command=reject] input[name=grounds][value="5"]');
    await page.fill('#f-reject-reason', '与信審査の結果、お申込みを承諾できません');
    await Promise.all([page.waitForURL(/done=reject/), page.locator('form[data-command=reject] button[type=submit]').click()]);
    expect((await api<{ status: string }>('GET', `/contracts/${contractId}`)).json.status).toBe('rejected');
    const notice = await world.db.notice.findFirstOrThrow({ where: { contractId, kind: 'rejection' } });
    const link = page.locator(`tr[data-notice="${notice.id}"] a[href$=".pdf"]`);
    const href = (await link.getAttribute('href'))!;
    const first = await context.request.get(`${base}${href}`);
    expect(first.status()).toBe(200);
    const pdf = Buffer.from(await first.body());
    const { text, info, png } = readPdf(pdf, '08-rejection-ngn-12');
    expect(info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    const fonts = execFileSync('pdffonts', [resolve(OUT, '08-rejection-ngn-12.pdf')], { encoding: 'utf8' });
    expect(fonts).toMatch(/IPAex\w+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/); // embedded, subset, with ToUnicode
    const flat = text.replace(/\s+/g, ''); // pdftotext breaks long lines where the PDF wraps them
    expect(flat).toContain('承諾できないことを書面にてご通知いたします');
    expect(flat).toContain('(5)債務の支払いを怠るおそれがある');
    expect(flat).toContain('与信審査の結果、お申込みを承諾できません');
    expect(flat).toContain('根拠条項:NGN-12（第12条）');
    expect(text).toContain('NEC ネッツエスアイ株式会社'); // issuer block (the 約款's provider)
    const issued = jstDateOf(notice.createdAt.getTime());
    expect(text).toContain(`${warekiDate(issued)}（${issued}）`); // 発行日 in 和暦 with the ISO date
    // the same content as the e-mail: every line of the stored body, its sealed personal values
    // opened (issue 16: the outbox row keeps them sealed), is in the PDF
    const body = await personalData(world.db).openText(notice.body);
    expect(body).toContain('株式会社テスト商事'); // the customer's name, opened
    for (const line of body.split('\n').filter((l) => l.trim() !== '')) {
      expect(text.replace(/\s+/g, '')).toContain(line.replace(/\s+/g, ''));
    }
    expect(statSync(png).size).toBeGreaterThan(5_000);
    // stored once: a second download is the same bytes, and the outbox row holds their SHA-256
    const second = Buffer.from(await (await context.request.get(`${base}${href}`)).body());
    expect(second.equals(pdf)).toBe(true);
    const row = await world.db.notice.findUniqueOrThrow({ where: { id: notice.id } });
    expect(row.pdfSha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(Buffer.from(row.pdf!).equals(pdf)).toBe(true);
    await page.reload();
    expect(await page.locator(`tr[data-notice="${notice.id}"] code.sha`).innerText()).toBe(row.pdfSha256);
    await context.close();
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  test("customer isolation: another customer's contract, notices and PDFs are unreachable, and ops pages are refused", async () => {
    const mine = await apply(CUST_A);
    const theirs = await apply(CUST_B);
    expect((await api('POST', `/contracts/${theirs}/accept`, {})).status).toBe(200);
    const theirNotice = await world.db.notice.findFirstOrThrow({ where: { contractId: theirs } });
    const { context, page } = await signIn(KEY_A);
    const list = await page.locator('main').innerText();
    expect(list).toContain(mine);
    expect(list).not.toContain(theirs);
    await shot(page, '09-customer-home');
    const get = async (path: string) => (await context.request.get(`${base}${path}`, { maxRedirects: 0 })).status();
    expect(await get(`/ui/me/contracts/${theirs}`)).toBe(404);
    expect(await get(`/ui/me/contracts/no-such-contract`)).toBe(404);
    expect(await get(`/ui/contracts/${theirs}/notices/${theirNotice.id}.pdf`)).toBe(404);
    expect(await get(`/ui/contracts/${mine}/notices/${theirNotice.id}.pdf`)).toBe(404);
    expect(await get('/ui/ops')).toBe(403);
    expect(await get(`/ui/ops/contracts/${theirs}`)).toBe(403);
    expect(await get(`/ui/contracts/${theirs}/audit-report`)).toBe(403);
    // a command from a customer session is refused even with its CSRF token
    await page.goto(`${base}/ui/me/contracts/${mine}`);
    const csrf = await page.locator('header input[name=_csrf]').inputValue();
    const post = await context.request.post(`${base}/ui/ops/contracts/${theirs}/commands/cancel`, { form: { _csrf: csrf, desiredDate: '2030-01-31' }, maxRedirects: 0 });
    expect(post.status()).toBe(403);
    // clause ids link to their parameters in the terms catalog
    await page.click('a.clause[href="/ui/terms/NGN#NGN-11"] >> nth=0');
    await page.waitForURL(/\/ui\/terms\/NGN#NGN-11$/);
    expect(await page.locator('section[id="NGN-11"]').innerText()).toContain('acceptance-notice-sent');
    await shot(page, '13-terms-ngn', false); // the viewport at the clause's anchor
    // the session cookie is no API credential
    expect((await context.request.get(`${base}/contracts/${mine}`)).status()).toBe(401);
    await context.close();
  });

  test('sign-in: HttpOnly SameSite=Strict session cookie with expiry; CSRF on every form; sign-out ends the session', async () => {
    const contractId = await apply(CUST_A);
    const form = await fetch(`${base}/ui/sign-in`);
    const pre = form.headers.getSetCookie().find((c) => c.startsWith('yakkan_signin='))!;
    expect(pre).toMatch(/HttpOnly/);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const cookiePre = pre.split(';')[0]!;
    const post = (body: Record<string, string>, cookie: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/ui/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers }, body: new URLSearchParams(body) });
    expect((await post({ _csrf: 'forged', key: OPS }, cookiePre)).status).toBe(403);
    expect((await post({ _csrf: token, key: OPS }, '')).status).toBe(403); // no pre-session cookie: cross-site
    expect((await post({ _csrf: token, key: OPS }, cookiePre, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ _csrf: token, key: 'not-a-key-of-ours-123' }, cookiePre)).status).toBe(401);
    const ok = await post({ _csrf: token, key: OPS }, cookiePre);
    expect(ok.status).toBe(303);
    const sessionCookie = ok.headers.getSetCookie().find((c) => c.startsWith('yakkan_session='))!;
    // 8 hours = 28,800 s, an absolute expiry
    expect(sessionCookie).toMatch(/; Path=\/ui; HttpOnly; SameSite=Strict; Max-Age=28800; Expires=\w{3}, \d{2} \w{3} \d{4}/);
    const cookie = sessionCookie.split(';')[0]!;
    const pageRes = await fetch(`${base}/ui/ops/contracts/${contractId}`, { headers: { cookie } });
    expect(pageRes.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await pageRes.text())![1]!;
    const command = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${base}/ui/ops/contracts/${contractId}/commands/accept`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers }, body: new URLSearchParams(body) });
    expect((await command({})).status).toBe(403); // no token
    expect((await command({ _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await command({ _csrf: csrf }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api<{ status: string }>('GET', `/contracts/${contractId}`)).json.status).toBe('applied'); // nothing happened
    expect((await command({ _csrf: csrf })).status).toBe(303);
    expect((await api<{ status: string }>('GET', `/contracts/${contractId}`)).json.status).toBe('active');
    const out = await fetch(`${base}/ui/sign-out`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf }) });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((c) => c.startsWith('yakkan_session='))).toMatch(/Max-Age=0/);
    const stale = await fetch(`${base}/ui/ops`, { headers: { cookie }, redirect: 'manual' });
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location')).toMatch(/^\/ui\/sign-in/);
    // API clients are untouched: Bearer still works, and a key in the URL is no credential
    expect((await api('GET', `/contracts/${contractId}`)).status).toBe(200);
    expect((await fetch(`${base}/contracts/${contractId}?key=${OPS}`)).status).toBe(401);
  });

  test('auditors read the console but every command is refused', async () => {
    const contractId = await apply(CUST_A);
    const { context, page } = await signIn(AUDITOR);
    await page.goto(`${base}/ui/ops/contracts/${contractId}`);
    expect(await page.locator('form.cmd[data-command]').count()).toBe(0);
    expect(await page.locator('#commands + p').innerText()).toContain('閲覧のみ');
    const csrf = await page.locator('header input[name=_csrf]').inputValue();
    const post = await context.request.post(`${base}/ui/ops/contracts/${contractId}/commands/accept`, { form: { _csrf: csrf }, maxRedirects: 0 });
    expect(post.status()).toBe(403);
    expect((await api<{ status: string }>('GET', `/contracts/${contractId}`)).json.status).toBe('applied');
    await page.goto(`${base}/ui/contracts/${contractId}/audit-report`);
    expect(await page.locator('body').innerText()).toContain(contractId);
    await context.close();
  });

  test('contracts by upcoming deadline: NGN-39 non-renewal deadline this week, NGN-25 cure windows closing within 7 days', async () => {
    const withViolation = await apply(CUST_A);
    const plain = await apply(CUST_A);
    for (const id of [withViolation, plain]) expect((await api('POST', `/contracts/${id}/accept`, {})).status).toBe(200);
    // NGN-25: a violation 5 days ago; 10 days not counting that day → the window's last day is 5 days
    // from today, measures from 00:00 JST of the 6th day: inside the 7 days ahead.
    const occurredAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const v = await api<{ id: string }>('POST', `/contracts/${withViolation}/violations`, { clauseId: 'NGN-25', act: 1, occurredAt, description: '禁止行為（第26条1号）' });
    expect(v.status).toBe(201);
    // A contract row whose NGN-39 deadline is today (the projection only: this filter reads the database).
    const today = jstDateOf(Date.now());
    const dueThisWeek = uniqueId('ctr-nr');
    await world.db.contract.create({
      data: { id: dueThisWeek, terms: 'NGN', termsVersion: '2020-02-01', planId: 'ngn-vpn-standard', customerId: CUST_B, customerName: '株式会社期限', customerEmail: 'b@example.co.jp', customerKind: 'corporate', channel: 'form', status: 'active', appliedAt: new Date(), nonRenewalDeadline: today },
    });
    const { context, page } = await signIn(AUDITOR);
    const ids = async () => page.locator('#contracts tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { contract: string } }).dataset.contract));
    await page.goto(`${base}/ui/ops/contracts?upcoming=non-renewal-week`);
    expect(await ids()).toEqual([dueThisWeek]);
    await page.goto(`${base}/ui/ops/contracts`);
    await page.selectOption('select[name=upcoming]', 'cure-closing');
    await Promise.all([page.waitForURL(/upcoming=cure-closing/), page.click('#filters button[type=submit]')]);
    expect(await ids()).toEqual([withViolation]);
    expect(await page.locator(`#contracts tr[data-contract="${withViolation}"]`).innerText()).toContain(`${v.json.id} NGN-25`);
    await shot(page, '12-ops-contracts-cure-closing');
    await page.goto(`${base}/ui/ops/contracts?terms=TNC`);
    expect(await ids()).toEqual([]);
    await context.close();
  });

  test('long work shows progress: an NGN-2 terms-change announcement (too early a date refused with the earliest day) and a replay of every live contract', async () => {
    const a = await apply(CUST_A);
    expect((await api('POST', `/contracts/${a}/accept`, {})).status).toBe(200);
    const { context, page } = await signIn(OPS);
    await page.goto(`${base}/ui/ops/announcements`);
    const today = jstDateOf(Date.now());
    await page.selectOption('#f-announcement-kind', 'terms-change');
    await page.selectOption('#f-announcement-terms', 'NGN');
    await page.fill('#f-announcement-effectiveDate', addDays(today, 1));
    await page.fill('#f-announcement-summary', '料金表の記載を改めます');
    await Promise.all([page.waitForLoadState(), page.locator('form[data-command=announcement] button[type=submit]').click()]);
    const err = page.locator('.field-error[data-field=effectiveDate]');
    await expect.poll(() => err.isVisible()).toBe(true);
    expect(await err.innerText()).toContain('期限 deadline');
    await page.fill('#f-announcement-effectiveDate', addDays(today, 120));
    await Promise.all([page.waitForURL(/\/ui\/ops\/announcements\/ann-/), page.locator('form[data-command=announcement] button[type=submit]').click()]);
    await expect.poll(async () => {
      await page.reload();
      return page.locator('#progress [data-status]').getAttribute('data-status');
    }, { timeout: 60_000, interval: 1000 }).toBe('COMPLETED');
    // Every active NGN contract in this file's database is counted; those whose workflows earlier
    // tests terminated are listed as failed, each with its error; this test's contract got it.
    const counts = await page.locator('#counts').innerText();
    const [, done, total, failed] = /^(\d+) \/ (\d+) 件完了、失敗 (\d+) 件/.exec(counts)!.map(Number);
    expect(done! + failed!).toBe(total);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(await page.locator('table.failed tr').count()).toBe(failed);
    expect(await page.locator(`table.failed tr[data-contract="${a}"]`).count()).toBe(0);
    const view = await api<{ announcements?: { kind: string }[] }>('GET', `/contracts/${a}`);
    expect(view.json.announcements?.map((x) => x.kind)).toEqual(['terms-change']);
    await shot(page, '10-announcement-progress');

    await page.goto(`${base}/ui/ops/replay`);
    await Promise.all([page.waitForURL(/\/ui\/ops\/replay\/replay-/), page.locator('form[action="/ui/ops/replay"] button').click()]);
    await expect.poll(async () => {
      await page.reload();
      return page.locator('#progress [data-phase]').getAttribute('data-phase');
    }, { timeout: 90_000, interval: 1000 }).toBe('finished');
    const replayCounts = await page.locator('#counts').innerText();
    expect(replayCounts).toMatch(/^(\d+) \/ \1 契約、実行 \d+ 件を再生、失敗 0 件/);
    expect(Number(/^(\d+)/.exec(replayCounts)![1])).toBeGreaterThanOrEqual(1);
    await shot(page, '11-replay-progress');
    await context.close();
  });
});
