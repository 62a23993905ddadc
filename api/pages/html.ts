/**
 * Server-rendered HTML for the pages (no client framework): an escaping template tag, the page
 * layout, and the Japanese-first formatting every page uses — dates in 和暦 with the ISO date
 * beside them, instants in JST, yen with separators, clause ids linking to their parameters in the
 * terms catalog (rules/terms, shown by /ui/terms/:terms).
 */
import { isValidIsoDate, toEpochMs } from '../../rules/calendar.js';
import { listTermsIds, type TermsId } from '../../rules/terms/index.js';
import { dateJa, escapeHtml, instantJa, jaYen } from '../../notices/format.js';
import { citeClause } from '../../notices/render.js';
import type { Principal } from '../auth.js';

/** Markup that is already safe; anything else interpolated into `html` is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false) return '';
  if (p instanceof Html) return p.value;
  if (Array.isArray(p)) return (p as readonly Part[]).map(render).join('');
  return escapeHtml(String(p));
}

/** Template tag: interpolated values are escaped unless they are Html (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

export const raw = (s: string) => new Html(s);

// ---- formatting -------------------------------------------------------------------------------

/** 令和8年4月27日（2026-04-27）; '—' when absent. */
export function date(d: string | null | undefined): Html {
  if (!d) return html`<span class="none">—</span>`;
  if (!isValidIsoDate(d)) return html`${d}`;
  return html`<time datetime="${d}">${dateJa(d)}</time>`;
}

/** An instant in JST: 令和8年4月27日 10時15分（2026-04-27T10:15+09:00）. */
export function instant(v: string | Date | null | undefined): Html {
  if (!v) return html`<span class="none">—</span>`;
  const iso = typeof v === 'string' ? v : v.toISOString();
  let text: string;
  try {
    toEpochMs(iso);
    text = instantJa(iso);
  } catch {
    return html`${iso}`;
  }
  return html`<time datetime="${iso}">${text}</time>`;
}

/** 12,345円 (the amount is an exact decimal string; nothing is rounded). */
export function yen(amount: string | null | undefined): Html {
  if (amount === null || amount === undefined || amount === '') return html`<span class="none">—</span>`;
  try {
    return html`<span class="yen">${jaYen(amount)}</span>`;
  } catch {
    return html`${amount}`;
  }
}

const TERMS_IDS = new Set<string>(listTermsIds());

/** The terms id a clause id belongs to ('NGN-41' → 'NGN'), if it is one of ours. */
export function termsOfClause(clauseId: string): TermsId | undefined {
  const prefix = clauseId.split('-')[0] ?? '';
  return TERMS_IDS.has(prefix) ? (prefix as TermsId) : undefined;
}

/** Where a clause's parameters are shown: /ui/terms/NGN#NGN-41. */
export function clauseHref(clauseId: string): string | undefined {
  const terms = termsOfClause(clauseId);
  return terms ? `/ui/terms/${terms}#${encodeURIComponent(clauseId)}` : undefined;
}

/** 'NGN-41' → a link "NGN-41（第41条）" to the clause in its terms catalog. */
export function clause(clauseId: string | null | undefined): Html {
  if (!clauseId) return html`<span class="none">—</span>`;
  const href = clauseHref(clauseId);
  return href ? html`<a class="clause" href="${href}">${citeClause(clauseId)}</a>` : html`<span class="clause">${clauseId}</span>`;
}

export const STATUS_JA: Record<string, string> = {
  applied: '申込受付（審査中） applied',
  rejected: '不承諾 rejected',
  active: '契約中 active',
  ended: '終了 ended',
};

export const TAX_CLASS_JA: Record<string, string> = {
  taxable: '課税（10%） taxable',
  'consumption-tax': '消費税 consumption tax',
  'out-of-scope': '不課税 out of scope',
};

export const DELIVERY_JA: Record<string, string> = {
  pending: '送信待ち pending',
  sent: '送信済み sent',
  failed: '送信失敗 failed',
};

// ---- layout -------------------------------------------------------------------------------------

export interface LayoutOptions {
  title: string;
  principal?: Principal;
  csrf?: string;
  /** Seconds until the page reloads itself (progress of long work). */
  refresh?: number;
  flash?: string;
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: "IPAexGothic", "IPAGothic", "Noto Sans CJK JP", sans-serif; margin: 0; color: #1b1b1b; background: #f6f7f9; line-height: 1.55; }
header.top { background: #123b5d; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: bold; font-size: 1.1rem; }
header.top nav { display: flex; gap: 1rem; flex-wrap: wrap; }
header.top .who { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
header.top button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 4px; padding: .15rem .6rem; cursor: pointer; }
main { padding: 1rem 1.2rem 3rem; max-width: 1200px; }
h1 { font-size: 1.45rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid #123b5d; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.en { color: #5b6470; font-size: .85em; font-weight: normal; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #d5d9e0; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num, th.num { text-align: right; white-space: nowrap; }
.none { color: #8a929c; }
a.clause { white-space: nowrap; }
.flash { background: #e6f4ea; border: 1px solid #2e7d32; padding: .5rem .8rem; border-radius: 4px; margin-bottom: 1rem; }
.alert { background: #fdecea; border: 1px solid #c62828; color: #7f1d1d; padding: .5rem .8rem; border-radius: 4px; margin: .5rem 0; }
.field-error { color: #b71c1c; font-size: .9rem; display: block; margin-top: .2rem; }
.field-error .deadline { font-weight: bold; }
form.cmd { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; padding: .6rem .8rem; margin: .4rem 0; }
form.cmd label { display: block; margin: .35rem 0; }
form.cmd label > span.name { display: inline-block; min-width: 15rem; }
form.cmd .hint { color: #5b6470; font-size: .82rem; margin-left: .4rem; }
details.cmd { margin: .3rem 0; }
details.cmd > summary { cursor: pointer; padding: .2rem 0; }
button.primary, input[type=submit] { background: #123b5d; color: #fff; border: 0; border-radius: 4px; padding: .3rem .9rem; cursor: pointer; }
.inline { display: inline; }
.filters { background: #fff; border: 1px solid #d5d9e0; padding: .6rem .8rem; border-radius: 6px; display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: #e3e8ef; font-size: .85em; }
.badge.sent { background: #e6f4ea; } .badge.failed { background: #fdecea; } .badge.pending { background: #fff4e5; }
progress { width: 24rem; height: 1.1rem; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; padding: .6rem .8rem; border: 1px solid #d5d9e0; border-radius: 6px; }
dl.facts dt { color: #38424d; } dl.facts dd { margin: 0; }
pre.notice { white-space: pre-wrap; background: #fff; border: 1px solid #d5d9e0; padding: .6rem; font-family: inherit; }
code.sha { font-size: .78rem; word-break: break-all; }
`;

/** A whole page; `body` is the page's own content. */
export function layout(o: LayoutOptions, body: Html): string {
  const p = o.principal;
  const nav =
    p?.role === 'customer'
      ? html`<a href="/ui/me">ご契約 <span class="en">My contracts</span></a>`
      : p
        ? html`<a href="/ui/ops">申込キュー <span class="en">Queue</span></a>
            <a href="/ui/ops/contracts">契約一覧 <span class="en">Contracts</span></a>
            <a href="/ui/ops/announcements">お知らせ一斉送信 <span class="en">Announcements</span></a>
            <a href="/ui/ops/replay">履歴の再生 <span class="en">Replay</span></a>`
        : '';
  const who = p
    ? html`<span class="who"><span>${p.role === 'customer' ? `お客さま ${p.customerId}` : p.role === 'ops' ? '運用 ops' : '監査 auditor'}</span>
        <form method="post" action="/ui/sign-out" class="inline"><input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><button type="submit">サインアウト <span class="en">Sign out</span></button></form></span>`
    : '';
  const page = html`<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${o.refresh ? html`<meta http-equiv="refresh" content="${o.refresh}">` : ''}
<title>${o.title} — yakkan</title><style>${raw(STYLE)}</style></head>
<body><header class="top"><a class="brand" href="/ui">yakkan 契約管理</a><nav>${nav}${listTermsIds().map((t) => html`<a href="/ui/terms/${t}">約款 ${t}</a>`)}</nav>${who}</header>
<main>${o.flash ? html`<div class="flash" role="status">${o.flash}</div>` : ''}${body}</main></body></html>`;
  return page.value;
}
