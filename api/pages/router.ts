/**
 * The pages people use, served by the API process under /ui (server-rendered HTML, no client
 * framework):
 *
 *   /ui/sign-in, /ui/sign-out                    browser sign-in with an API key → session cookie
 *   /ui/ops                                      NGN-11 application queue (ops; auditors read only)
 *   /ui/ops/contracts                            contracts by terms, status and upcoming deadline
 *   /ui/ops/contracts/:id                        contract page: timeline, notices, ledger, invoices, commands
 *   /ui/ops/contracts/:id/commands/:command      every command of api/commands.ts as a form (ops)
 *   /ui/ops/announcements[/:id]                  announcements and their fan-out progress
 *   /ui/ops/replay[/:job]                        replay of every live contract, with progress
 *   /ui/contracts/:id/audit-report               the audit report (same as /audit/…/report?format=html)
 *   /ui/contracts/:id/notices/:nid.pdf           a notice as a written (書面) PDF, stored with its SHA-256
 *   /ui/me, /ui/me/contracts/:id                 the customer's own contracts (customer:<id>)
 *   /ui/terms/:terms                             the terms catalog, one anchor per clause id
 *
 * Mounted before the API's key authentication: pages authenticate by the session cookie, and
 * every POST carries the session's CSRF token. Commands go through the same command table, schemas
 * and update call as the JSON API, so a page can do exactly what the API does and nothing else.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import type { Db } from '../../db/client.js';
import { addDays, jstDateOf, jstMidnightMs, dayOfWeek, toEpochMs } from '../../rules/calendar.js';
import { listTermsIds, type TermsId } from '../../rules/terms/index.js';
import { noticePdf, PdfIntegrityError, NoFontError } from '../../activities/notice-pdf.js';
import { invoiceDetails, TAX_CLASS_LABEL } from '../../notices/invoice-details.js';
import { jaYen } from '../../notices/format.js';
import { contractReport, ContractNotFoundError } from '../../audit/load.js';
import { renderReportHtml } from '../../audit/report-html.js';
import { clientPayloadCodecs, replayOptions } from '../../audit/replay.js';
import { CONTRACT_TASK_QUEUE, type ContractView } from '../../workflows/contract-messages.js';
import { announcementWorkflowId, getProgress, type AnnouncementProgress } from '../../workflows/fanout-messages.js';
import { announcementBody, progressOf, startAnnouncement } from '../announcement-routes.js';
import type { KeyTable } from '../auth.js';
import { COMMANDS, sendCommand, type ContractCommand } from '../commands.js';
import { DEFAULT_CALL_LIMITS } from '../temporal-calls.js';
import { HttpError, toHttpError } from '../errors.js';
import { idempotencyKeyOf, requestHash } from '../idempotency.js';
import { contractPage, type Refusal } from './contract-page.js';
import { customerContractPage, customerHome } from './customer-page.js';
import { catalogFor, contractData, contractRowFor, viewOf } from './data.js';
import { COMMAND_TITLES, bodyFromForm, commandForm, commandSlug, fieldsOf, type FieldError } from './forms.js';
import { STATUS_JA, clause, date, html, instant, layout, type Html } from './html.js';
import { ReplayJobs } from './replay-jobs.js';
import {
  PRESESSION_COOKIE,
  SESSION_COOKIE,
  SessionStore,
  clearCookie,
  issueSignInToken,
  loadSession,
  principalForKey,
  readCookies,
  requireCsrf,
  requirePageRole,
  sameOrigin,
  sameToken,
  setSessionCookie,
} from './session.js';
import { termsPage } from './terms-page.js';

export interface PagesDeps {
  client: Client;
  db: Db;
  keys: KeyTable;
  taskQueue?: string;
  now?: () => Date;
  sessions?: SessionStore;
  /** Replay options for the replay page (default: the worker's bundle of the current code, built once). */
  replay?: () => Promise<ReplayWorkerOptions>;
}

type Form = Record<string, string | string[] | undefined>;

/** Japanese lead for each error code; the API's own message follows it. */
const CODE_JA: Record<string, string> = {
  invalid_request: '入力に誤りがあります',
  invalid_command: '入力内容を受け付けられません',
  late_notice: '期限を過ぎています',
  command_conflict: 'この契約ではこの操作はできません',
  notice_undeliverable: '通知を配信できなかったため実行されませんでした',
  notice_too_late: '予告期間が足りません',
  not_found: '見つかりません',
  already_exists: 'すでに存在します',
};

export function pagesRouter({ client, db, keys, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date(), sessions = new SessionStore(), replay }: PagesDeps): Router {
  const r = Router();
  r.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  r.use(loadSession(sessions));
  r.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('X-Frame-Options', 'DENY');
    res.set('Content-Security-Policy', "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'");
    next();
  });

  const page = (req: Request, res: Response, title: string, body: Html, extra: { status?: number; refresh?: number; flash?: string } = {}) =>
    res
      .status(extra.status ?? 200)
      .type('html')
      .send(layout({ title, principal: req.session?.principal, csrf: req.session?.csrf, refresh: extra.refresh, flash: extra.flash }, body));

  // ---- sign-in ---------------------------------------------------------------------------------

  const homeOf = (req: Request) => (req.session?.principal.role === 'customer' ? '/ui/me' : '/ui/ops');
  const safeNext = (n: unknown) => (typeof n === 'string' && /^\/ui(\/|$)/.test(n) && !n.startsWith('//') ? n : undefined);

  r.get('/', (req, res) => res.redirect(303, req.session ? homeOf(req) : '/ui/sign-in'));

  function signInPage(req: Request, res: Response, status = 200, error?: string) {
    const t = issueSignInToken(req, res);
    const next = safeNext(req.query.next ?? req.body?.next) ?? '';
    page(
      req,
      res,
      'サインイン',
      html`<h1>サインイン <span class="en">Sign in</span></h1>
<form method="post" action="/ui/sign-in" class="cmd" id="sign-in">
<input type="hidden" name="_csrf" value="${t}"><input type="hidden" name="next" value="${next}">
${error ? html`<div class="alert" role="alert">${error}</div>` : ''}
<label><span class="name">APIキー <span class="en">API key</span></span><input type="password" name="key" autocomplete="current-password" required size="48"></label>
<p class="hint">キーは URL に含めず、この画面でのみ入力してください。サインイン後はブラウザのセッション（8時間で失効）で操作します。</p>
<button type="submit" class="primary">サインイン <span class="en">Sign in</span></button></form>`,
      { status },
    );
  }

  r.get('/sign-in', (req, res) => signInPage(req, res));

  r.post('/sign-in', (req, res) => {
    const cookies = readCookies(req);
    if (!sameOrigin(req) || !sameToken(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, cookies[PRESESSION_COOKIE])) {
      return signInPage(req, res, 403, 'フォームの有効期限が切れました。もう一度入力してください（sign-in form expired or sent from another site）。');
    }
    const principal = principalForKey(keys, typeof req.body?.key === 'string' ? req.body.key.trim() : '');
    if (!principal) return signInPage(req, res, 401, 'キーが正しくありません（the key is not recognised）。');
    const old = req.session;
    if (old) sessions.delete(old.id); // a new session id at every sign-in (no fixation)
    const s = sessions.create(principal);
    clearCookie(req, res, PRESESSION_COOKIE);
    setSessionCookie(req, res, s);
    req.session = s;
    res.redirect(303, safeNext(req.body?.next) ?? homeOf(req));
  });

  // Every POST below carries the session's CSRF token.
  r.use(requireCsrf());

  r.post('/sign-out', (req, res) => {
    if (req.session) sessions.delete(req.session.id);
    clearCookie(req, res, SESSION_COOKIE);
    res.redirect(303, '/ui/sign-in');
  });

  const ops = requirePageRole('ops');
  const readAll = requirePageRole('ops', 'auditor');
  const anyRole = requirePageRole('ops', 'auditor', 'customer');
  const customer = requirePageRole('customer');
  const nowMs = () => now().getTime();

  // ---- ops console -------------------------------------------------------------------------------

  r.get('/ops', readAll, async (req, res) => {
    const rows = await db.contract.findMany({
      where: { status: 'applied' },
      orderBy: [{ queuePriority: 'desc' }, { appliedAt: 'asc' }, { id: 'asc' }],
      select: { id: true, terms: true, planId: true, customerId: true, customerName: true, appliedAt: true, queuePriority: true, escalatedAt: true },
    });
    const isOps = req.session!.principal.role === 'ops';
    const csrf = req.session!.csrf;
    const act = (id: string, slug: string, fields: Html, label: string) =>
      html`<form method="post" action="/ui/ops/contracts/${encodeURIComponent(id)}/commands/${slug}" class="inline"><input type="hidden" name="_csrf" value="${csrf}">${fields}<button type="submit" class="primary" data-action="${slug}">${label}</button></form>`;
    page(
      req,
      res,
      '申込キュー',
      html`<h1>申込キュー <span class="en">Application queue, in processing order (NGN-11)</span></h1>
<p>受付順に処理します。優先度（大きいほど先）で順番を変更できます。不承諾は契約ページで事由（各号）と理由を選んでください。 ${clause('NGN-11')} ${clause('NGN-12')}</p>
${rows.length === 0 ? html`<p class="none">審査待ちの申込みはありません（no open applications）</p>` : html`<table id="queue"><thead><tr><th>順</th><th>契約番号</th><th>お客さま</th><th>約款・プラン</th><th>受付日時</th><th>優先度</th>${isOps ? html`<th>操作</th>` : ''}</tr></thead><tbody>${rows.map(
  (a, i) => html`<tr data-contract="${a.id}"><td>${i + 1}</td><td><a href="/ui/ops/contracts/${encodeURIComponent(a.id)}">${a.id}</a>${a.escalatedAt ? html`<br><span class="badge failed">エスカレーション済</span>` : ''}</td><td>${a.customerName}（${a.customerId}）</td><td>${a.terms} / ${a.planId}</td><td>${instant(a.appliedAt)}</td><td>${a.queuePriority}</td>
${isOps ? html`<td>${act(a.id, 'accept', html``, '承諾 Accept')} ${act(a.id, 'priority', html`<input type="hidden" name="priority" value="${Math.min(1000, a.queuePriority + 1)}">`, '▲ 優先')} ${act(a.id, 'priority', html`<input type="hidden" name="priority" value="${Math.max(-1000, a.queuePriority - 1)}">`, '▼ 後回し')} <a href="/ui/ops/contracts/${encodeURIComponent(a.id)}#cmd-reject">不承諾…</a></td>` : ''}</tr>`,
)}</tbody></table>`}`,
      { flash: flashOf(req) },
    );
  });

  r.get('/ops/contracts', readAll, async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const terms = listTermsIds().includes(q.terms as TermsId) ? (q.terms as TermsId) : undefined;
    const status = q.status && STATUS_JA[q.status] ? q.status : undefined;
    const upcoming = UPCOMING[q.upcoming ?? ''] ? q.upcoming! : '';
    const today = jstDateOf(nowMs());
    // Monday … Sunday of this week (JST).
    const monday = addDays(today, -((dayOfWeek(today) + 6) % 7));
    const sunday = addDays(monday, 6);
    const weekAhead = jstMidnightMs(addDays(today, 8));
    let where: Record<string, unknown> = { terms, status };
    if (upcoming === 'non-renewal-week') where = { ...where, nonRenewalDeadline: { gte: monday, lte: sunday } };
    if (upcoming === 'deadline-7d') where = { ...where, nextDeadline: { lt: new Date(weekAhead).toISOString() } };
    const scan = upcoming === 'cure-closing' || upcoming === 'suspension-starting';
    if (scan) where = { ...where, status: 'active' };
    const rows = await db.contract.findMany({
      where,
      orderBy: upcoming === 'non-renewal-week' ? [{ nonRenewalDeadline: 'asc' }, { id: 'asc' }] : [{ nextDeadline: 'asc' }, { id: 'asc' }],
      take: scan ? SCAN_LIMIT : 200,
    });
    // Cure windows and suspensions live in the workflow: ask each active contract (bounded scan).
    const matches = new Map<string, string>();
    if (scan) {
      const nowT = nowMs();
      await mapLimit(rows, 8, async (row) => {
        const { view } = await viewOf(client, row.id);
        const hit = view ? upcomingHit(view, upcoming, nowT, weekAhead) : undefined;
        if (hit) matches.set(row.id, hit);
      });
    }
    const shown = scan ? rows.filter((row) => matches.has(row.id)) : rows;
    const sel = (name: string, value: string | undefined, options: [string, string][]) =>
      html`<label>${name}<br><select name="${name.split(' ').pop()}">${options.map(([v, l]) => html`<option value="${v}" ${value === v || (!value && v === '') ? 'selected' : ''}>${l}</option>`)}</select></label>`;
    page(
      req,
      res,
      '契約一覧',
      html`<h1>契約一覧 <span class="en">Contracts</span></h1>
<form method="get" class="filters" id="filters">
${sel('約款 terms', terms, [['', 'すべて all'], ...listTermsIds().map((t): [string, string] => [t, `${t} ${catalogFor(t)?.title ?? ''}`])])}
${sel('状態 status', status, [['', 'すべて all'], ...Object.entries(STATUS_JA)])}
${sel('期限 upcoming', upcoming, Object.entries(UPCOMING))}
<button type="submit" class="primary">絞り込み <span class="en">Filter</span></button></form>
${upcoming === 'non-renewal-week' ? html`<p>今週（${date(monday)} 〜 ${date(sunday)}）に更新しない旨の通知期限が来る契約 ${clause('NGN-39')}</p>` : ''}
${scan ? html`<p class="hint">契約中の ${rows.length} 件のワークフローを確認しました${rows.length >= SCAN_LIMIT ? `（上限 ${SCAN_LIMIT} 件）` : ''}（scanned ${rows.length} active contracts）。</p>` : ''}
<table id="contracts"><thead><tr><th>契約番号</th><th>お客さま</th><th>約款</th><th>プラン</th><th>状態</th><th>次の期限 next deadline</th><th>更新しない旨の通知期限</th>${scan ? html`<th>該当</th>` : ''}</tr></thead><tbody>${shown.map(
  (c) => html`<tr data-contract="${c.id}"><td><a href="/ui/ops/contracts/${encodeURIComponent(c.id)}">${c.id}</a></td><td>${c.customerName}（${c.customerId}）</td><td>${c.terms}</td><td>${c.planId}</td><td>${STATUS_JA[c.status] ?? c.status}</td><td>${instant(c.nextDeadline)}<br><span class="en">${c.nextDeadlineKind ?? ''}</span></td><td>${date(c.nonRenewalDeadline)}</td>${scan ? html`<td>${matches.get(c.id) ?? ''}</td>` : ''}</tr>`,
)}</tbody></table>${shown.length === 0 ? html`<p class="none">該当する契約はありません（none）</p>` : ''}`,
    );
  });

  async function renderContract(req: Request, res: Response, id: string, refusal?: Refusal, status = 200) {
    const row = await contractRowFor(db, req.session!.principal, id);
    const d = await contractData(client, db, row, false);
    page(req, res, `契約 ${id}`, contractPage(d, { principal: req.session!.principal, csrf: req.session!.csrf, nowMs: nowMs(), refusal }), { status, flash: flashOf(req) });
  }

  r.get('/ops/contracts/:id', readAll, async (req, res) => renderContract(req, res, String(req.params.id)));

  const bySlug = new Map<string, ContractCommand>(COMMANDS.map((c) => [commandSlug(c), c]));

  r.post('/ops/contracts/:id/commands/:command', ops, async (req, res) => {
    const id = String(req.params.id);
    const slug = String(req.params.command);
    const c = bySlug.get(slug);
    if (!c) throw new HttpError(404, 'not_found', `no command ${slug}`);
    await contractRowFor(db, req.session!.principal, id);
    const form = { ...(req.body as Form) };
    delete form._csrf;
    const fields = fieldsOf(c);
    const { body, params } = bodyFromForm(fields, form);
    try {
      const parsed = c.body.parse(body);
      const fromPath = Object.fromEntries(Object.entries(c.params).map(([param, field]) => [field, params[param] ?? '']));
      await sendCommand({ client, db, limits: DEFAULT_CALL_LIMITS, now }, c, id, { ...parsed, ...fromPath }, req);
    } catch (e) {
      const h = toHttpError(e);
      if (h.status >= 500) throw e;
      // A field of the update that came from the path is shown at its path parameter's field.
      const pathField = Object.entries(c.params).find(([, field]) => field === h.field)?.[0];
      const field = pathField ?? (h.field && fields.some((f) => f.name === h.field) ? h.field : h.field ?? '');
      const error: FieldError = { message: `${CODE_JA[h.code] ?? 'エラー'}: ${h.message}`, deadline: h.extra?.deadline };
      return renderContract(req, res, id, { slug, form, errors: { [field]: error } }, h.status);
    }
    const back = req.get('referer')?.includes('/ui/ops/contracts/') ? `/ui/ops/contracts/${encodeURIComponent(id)}` : slug === 'accept' || slug === 'priority' ? '/ui/ops' : `/ui/ops/contracts/${encodeURIComponent(id)}`;
    res.redirect(303, `${back}?done=${encodeURIComponent(slug)}&contract=${encodeURIComponent(id)}`);
  });

  // ---- announcements (fan-out with progress) ------------------------------------------------------

  const announcementCommand = { path: '/announcements', params: {}, body: announcementBody } as unknown as ContractCommand;
  const announcementFields = () => fieldsOf(announcementCommand, { terms: listTermsIds().map((t) => ({ value: t, label: `${t} ${catalogFor(t)?.title ?? ''}` })) });
  const announcementLabels: Record<string, string> = { abolition: 'サービス廃止 abolition (NGN-38 / TNC-24)', 'terms-change': '約款変更 terms change (NGN-2 / TNC-3)' };

  function announcementsPage(req: Request, res: Response, refusal?: { form: Form; errors: Record<string, FieldError> }, status = 200) {
    const fields = announcementFields().map((f) => (f.name === 'kind' ? { ...f, options: Object.entries(announcementLabels).map(([value, label]) => ({ value, label })) } : f));
    const isOps = req.session!.principal.role === 'ops';
    page(
      req,
      res,
      'お知らせ一斉送信',
      html`<h1>お知らせの一斉送信 <span class="en">Announcements to every active contract</span></h1>
<p>廃止は効力発生日の60日前まで ${clause('NGN-38')} ${clause('TNC-24')}、約款変更は ${clause('NGN-2')} ${clause('TNC-3')} の予告期間で送ります。送信後は進捗が表示されます。</p>
${isOps ? commandForm({ action: '/ui/ops/announcements', csrf: req.session!.csrf, slug: 'announcement', title: 'お知らせを作成 New announcement', fields, form: refusal?.form, errors: refusal?.errors, renderDeadline: date, open: true }) : html`<p class="none">監査権限は閲覧のみです。</p>`}
<form method="get" action="/ui/ops/announcements/go" class="filters"><label>お知らせ番号で進捗を見る <input name="id" required></label><button type="submit">表示</button></form>`,
      { status },
    );
  }

  r.get('/ops/announcements', readAll, (req, res) => announcementsPage(req, res));
  r.get('/ops/announcements/go', readAll, (req, res) => res.redirect(303, `/ui/ops/announcements/${encodeURIComponent(String(req.query.id ?? ''))}`));

  r.post('/ops/announcements', ops, async (req, res) => {
    const form = { ...(req.body as Form) };
    delete form._csrf;
    const { body } = bodyFromForm(announcementFields(), form);
    try {
      const parsed = announcementBody.parse(body);
      // The form sent twice on the same day is one announcement (the key derived from the request and the day).
      const hash = requestHash('POST /announcements', '', parsed);
      const started = await startAnnouncement({ client, taskQueue, now }, parsed, idempotencyKeyOf(req, hash, now()), hash);
      res.redirect(303, `/ui/ops/announcements/${encodeURIComponent(started.announcementId)}`);
    } catch (e) {
      const h = toHttpError(e);
      if (h.status >= 500) throw e;
      const deadline = h.extra?.earliest ?? h.extra?.deadline;
      announcementsPage(req, res, { form, errors: { [h.field ?? '']: { message: `${CODE_JA[h.code] ?? 'エラー'}: ${h.message}`, deadline } } }, h.status);
    }
  });

  r.get('/ops/announcements/:id', readAll, async (req, res) => {
    const id = String(req.params.id);
    const p = (await progressOf({ client, limits: DEFAULT_CALL_LIMITS }, announcementWorkflowId(id), `announcement ${id}`, (h) => h.query(getProgress))) as { status: string } & Partial<AnnouncementProgress>;
    const running = p.status === 'RUNNING' && !p.finished;
    const failed = Array.isArray(p.failed) ? p.failed : [];
    const total = p.total ?? 0;
    const done = p.done ?? 0;
    page(
      req,
      res,
      `お知らせ ${id}`,
      html`<h1>お知らせ ${id} <span class="en">Announcement progress</span></h1>
<dl class="facts" id="progress"><dt>種類</dt><dd>${announcementLabels[p.kind ?? ''] ?? p.kind ?? ''} ${p.terms ?? ''}</dd><dt>効力発生日</dt><dd>${date(p.effectiveDate)}</dd><dt>告知日</dt><dd>${date(p.announcedOn)}</dd>
<dt>状態</dt><dd data-status="${p.status}">${running ? '送信中 running' : p.status === 'COMPLETED' ? '完了 completed' : p.status}</dd>
<dt>進捗</dt><dd><progress max="${Math.max(total, 1)}" value="${done + failed.length}"></progress> <span id="counts">${done} / ${total} 件完了、失敗 ${failed.length} 件、残り ${p.pending ?? Math.max(0, total - done - failed.length)} 件</span></dd></dl>
${failed.length > 0 ? html`<h2>失敗した契約 <span class="en">Failed</span></h2><table class="failed"><tbody>${failed.map((f) => html`<tr data-contract="${f.contractId}"><td><a href="/ui/ops/contracts/${encodeURIComponent(f.contractId)}">${f.contractId}</a></td><td>${f.error}</td></tr>`)}</tbody></table>` : ''}
${running ? html`<p class="hint">2秒ごとに自動更新します（refreshes every 2 s）。</p>` : ''}`,
      { refresh: running ? 2 : undefined },
    );
  });

  // ---- replay of every live contract (progress) -------------------------------------------------

  let replayOpts: Promise<ReplayWorkerOptions> | undefined;
  const jobs = new ReplayJobs(client, () => {
    replayOpts ??= (replay ?? (() => replayOptions(undefined, clientPayloadCodecs(client))))().catch((e: unknown) => {
      replayOpts = undefined;
      throw e;
    });
    return replayOpts;
  }, now);

  r.get('/ops/replay', readAll, (req, res) => {
    const list = jobs.list();
    page(
      req,
      res,
      '履歴の再生',
      html`<h1>全契約の履歴を再生 <span class="en">Replay every live contract against the running code</span></h1>
<p>実行中のすべての契約ワークフローの履歴を、このプロセスのワークフローコードで再生し、決定性の違反がないか確かめます（<code>npm run audit -- replay --query …</code> と同じ確認）。</p>
<form method="post" action="/ui/ops/replay" class="cmd"><input type="hidden" name="_csrf" value="${req.session!.csrf}"><button type="submit" class="primary">再生を開始 <span class="en">Start replay</span></button></form>
${list.length ? html`<table><thead><tr><th>ジョブ</th><th>開始</th><th>状態</th><th>契約</th><th>再生した実行</th><th>失敗</th></tr></thead><tbody>${list.map((j) => html`<tr><td><a href="/ui/ops/replay/${j.id}">${j.id}</a></td><td>${instant(j.startedAt)}</td><td>${j.phase}</td><td>${j.contractsDone} / ${j.contracts ?? '?'}</td><td>${j.runsReplayed}</td><td>${j.runsFailed}</td></tr>`)}</tbody></table>` : ''}`,
    );
  });

  r.post('/ops/replay', readAll, (_req, res) => {
    const job = jobs.start();
    res.redirect(303, `/ui/ops/replay/${job.id}`);
  });

  r.get('/ops/replay/:job', readAll, (req, res) => {
    const j = jobs.get(String(req.params.job));
    if (!j) throw new HttpError(404, 'not_found', `再生ジョブ ${String(req.params.job)} はありません（no such replay job）`);
    const running = j.phase !== 'finished' && j.phase !== 'failed';
    const phaseJa: Record<ReplayJobPhase, string> = { listing: '契約を検索中 listing', preparing: 'ワークフローコードを準備中 bundling', replaying: '再生中 replaying', finished: '完了 finished', failed: '中断 failed' };
    page(
      req,
      res,
      `再生 ${j.id}`,
      html`<h1>再生ジョブ ${j.id} <span class="en">Replay progress</span></h1>
<dl class="facts" id="progress"><dt>条件</dt><dd><code>${j.query}</code></dd><dt>状態</dt><dd data-phase="${j.phase}">${phaseJa[j.phase]}</dd>
<dt>進捗</dt><dd><progress max="${Math.max(j.contracts ?? 1, 1)}" value="${j.contractsDone}"></progress> <span id="counts">${j.contractsDone} / ${j.contracts ?? '?'} 契約、実行 ${j.runsReplayed} 件を再生、失敗 ${j.runsFailed} 件</span></dd>
<dt>開始</dt><dd>${instant(j.startedAt)}</dd>${j.finishedAt ? html`<dt>終了</dt><dd>${instant(j.finishedAt)}</dd>` : ''}</dl>
${j.error ? html`<div class="alert" role="alert">${j.error}</div>` : ''}
${j.failures.length ? html`<h2>決定性の違反など <span class="en">Failures</span></h2><table><tbody>${j.failures.map((f) => html`<tr><td><a href="/ui/ops/contracts/${encodeURIComponent(f.contractId)}">${f.contractId}</a> run ${f.n ?? '?'}</td><td>${f.kind}</td><td>${f.summary}</td></tr>`)}</tbody></table>` : ''}
${running ? html`<p class="hint">2秒ごとに自動更新します（refreshes every 2 s）。</p>` : ''}`,
      { refresh: running ? 2 : undefined },
    );
  });

  // ---- audit report, written notices (PDF) -------------------------------------------------------

  r.get('/contracts/:id/audit-report', readAll, async (req, res) => {
    const id = String(req.params.id);
    const report = await contractReport(client, db, id, now()).catch((e: unknown) => {
      throw e instanceof ContractNotFoundError ? new HttpError(404, 'not_found', `contract ${id} does not exist`) : e;
    });
    res.type('html').send(renderReportHtml(report));
  });

  r.get('/contracts/:id/notices/:file', anyRole, async (req, res) => {
    const id = String(req.params.id);
    const file = String(req.params.file);
    const m = /^(\d{1,15})\.pdf$/.exec(file);
    const row = await contractRowFor(db, req.session!.principal, id);
    const notice = m ? await db.notice.findUnique({ where: { id: Number(m[1]) }, select: { id: true, contractId: true, status: true, kind: true, idempotencyKey: true } }) : null;
    const isCustomer = req.session!.principal.role === 'customer';
    if (!notice || notice.contractId !== row.id || (isCustomer && notice.status !== 'sent')) {
      throw new HttpError(404, 'not_found', `通知 ${file} はありません（notice ${file} of contract ${id} does not exist）`);
    }
    const cat = catalogFor(row.terms, row.termsVersion);
    const stored = await noticePdf(
      db,
      notice.id,
      async (n) => {
        const sections: { title: string; rows: [string, string][] }[] = [];
        if (n.kind === 'invoice') {
          const inv = await db.invoice.findFirst({
            where: { contractId: row.id, id: { in: invoiceIdsOfKey(n.idempotencyKey) } },
            include: { lines: { orderBy: { id: 'asc' } } },
          });
          if (inv) {
            sections.push({ title: '適格請求書の記載事項 Qualified invoice (JP-INVOICE)', rows: [['宛名 recipient', `${row.customerName} 様`], ...invoiceDetails(inv as unknown as Record<string, unknown>)] });
            sections.push({ title: '明細 Lines', rows: inv.lines.map((l): [string, string] => [`${l.description}（${l.clauseId}）`, `${TAX_CLASS_LABEL[l.taxClass] ?? l.taxClass}　${jaYen(l.amount)}`]) });
          }
        }
        return { issuer: [cat?.provider ?? '', cat?.title ?? row.terms], sections };
      },
      now,
    ).catch((e: unknown) => {
      if (e instanceof NoFontError) throw new HttpError(503, 'pdf_unavailable', e.message);
      if (e instanceof PdfIntegrityError) throw new HttpError(500, 'pdf_integrity', e.message);
      throw e;
    });
    res
      .status(200)
      .type('application/pdf')
      .set('Content-Disposition', `inline; filename="${row.id}-notice-${notice.id}.pdf"`)
      .set('X-Content-SHA256', stored.sha256)
      .set('ETag', `"sha256-${stored.sha256}"`)
      .send(stored.pdf);
  });

  // ---- customer ----------------------------------------------------------------------------------

  r.get('/me', customer, async (req, res) => {
    const customerId = req.session!.principal.customerId!;
    const rows = await db.contract.findMany({ where: { customerId }, orderBy: [{ appliedAt: 'asc' }, { id: 'asc' }] });
    page(req, res, 'ご契約', customerHome(rows, customerId));
  });

  r.get('/me/contracts/:id', customer, async (req, res) => {
    const row = await contractRowFor(db, req.session!.principal, String(req.params.id));
    const d = await contractData(client, db, row, true);
    const desired = typeof req.query.desired === 'string' ? req.query.desired : undefined;
    page(req, res, `ご契約 ${row.id}`, customerContractPage(d, { nowMs: nowMs(), today: jstDateOf(nowMs()), desired }));
  });

  // ---- terms ---------------------------------------------------------------------------------------

  r.get('/terms/:terms', anyRole, (req, res) => {
    const t = String(req.params.terms);
    if (!listTermsIds().includes(t as TermsId)) throw new HttpError(404, 'not_found', `約款 ${t} はありません（no terms ${t}）`);
    page(req, res, `約款 ${t}`, termsPage(t as TermsId, typeof req.query.version === 'string' ? req.query.version : undefined));
  });

  r.use((req, _res, next) => next(new HttpError(404, 'not_found', `ページがありません（no page ${req.method} ${req.originalUrl}）`)));
  r.use(pageErrorHandler(page));
  return r;
}

type ReplayJobPhase = 'listing' | 'preparing' | 'replaying' | 'finished' | 'failed';

/** Upcoming-deadline filters of the contract list. */
const UPCOMING: Record<string, string> = {
  '': 'すべて all',
  'non-renewal-week': '今週が更新しない旨の通知期限 (NGN-39 this week)',
  'cure-closing': '7日以内に是正期間が終わる (cure windows closing)',
  'suspension-starting': '7日以内に利用停止が始まる (suspensions starting)',
  'deadline-7d': '7日以内に次の期限 (any deadline within 7 days)',
};
const SCAN_LIMIT = 500;

function upcomingHit(view: ContractView, upcoming: string, nowT: number, untilMs: number): string | undefined {
  if (upcoming === 'cure-closing') {
    const v = (view.violations ?? []).find((x) => x.status === 'open' && toEpochMs(x.measuresFrom) >= nowT && toEpochMs(x.measuresFrom) < untilMs);
    return v ? `${v.id} ${v.clauseId}: ${v.cureLastDay ?? ''} まで` : undefined;
  }
  if (upcoming === 'suspension-starting') {
    const s = (view.suspensions ?? []).find((x) => x.status === 'scheduled' && toEpochMs(x.startsAt) >= nowT && toEpochMs(x.startsAt) < untilMs);
    return s ? `${s.id} ${s.clauseId}: ${s.startsAt}` : undefined;
  }
  return undefined;
}

async function mapLimit<T>(items: readonly T[], limit: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The invoice ids an invoice notice's outbox key can name ('<invoiceId>:invoice:<clause>'). */
function invoiceIdsOfKey(key: string): string[] {
  const i = key.lastIndexOf(':invoice:');
  return i > 0 ? [key.slice(0, i)] : [];
}

function flashOf(req: Request): string | undefined {
  const done = typeof req.query.done === 'string' ? req.query.done : undefined;
  if (!done) return undefined;
  const contract = typeof req.query.contract === 'string' ? req.query.contract : '';
  return `${COMMAND_TITLES[done] ?? done} を実行しました（done）${contract ? `: ${contract}` : ''}`;
}

/** Errors as a page (not JSON): the status, what was wrong, and a way back. */
function pageErrorHandler(page: (req: Request, res: Response, title: string, body: Html, extra?: { status?: number }) => void) {
  return (e: unknown, req: Request, res: Response, _next: NextFunction) => {
    const h = toHttpError(e);
    if (h.status >= 500) console.error(`${req.method} ${req.originalUrl} failed`, e);
    if (h.status === 401 && req.method === 'GET') return res.redirect(303, `/ui/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    page(req, res, `エラー ${h.status}`, html`<h1>エラー ${h.status} <span class="en">${h.code}</span></h1><div class="alert" role="alert">${h.message}</div><p><a href="/ui">戻る back</a></p>`, { status: h.status });
  };
}
