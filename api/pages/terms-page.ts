/**
 * The terms catalog (rules/terms) as a page: every parameter grouped by the clause it comes from,
 * one anchor per clause id (/ui/terms/NGN#NGN-41), with its value, note and — for the readings the
 * 約款 leave open (**decide**) — the reason. Clause links on every other page point here.
 */
import { getTerms, isDecided, type Param, type TermsId } from '../../rules/terms/index.js';
import { citeClause } from '../../notices/render.js';
import { html, type Html } from './html.js';

interface Entry {
  path: string;
  param: Param<unknown>;
}

function isParam(x: unknown): x is Param<unknown> {
  return !!x && typeof x === 'object' && 'value' in x && 'clause' in x && typeof (x as { clause: unknown }).clause === 'string';
}

/** Every parameter of the catalog with its path ('notices.suspension'), in catalog order. */
export function catalogParams(terms: TermsId, version?: string): Entry[] {
  const cat = getTerms(terms, version) as unknown as Record<string, unknown>;
  const out: Entry[] = [];
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (isParam(v)) out.push({ path: prefix + k, param: v });
      else if (v && typeof v === 'object' && !Array.isArray(v) && k !== 'noticeClauses') walk(v as Record<string, unknown>, `${prefix}${k}.`);
    }
  };
  walk(cat, '');
  return out;
}

function valueText(v: unknown): string {
  if (v === null) return 'なし (none)';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, null, 1);
}

const clauseOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export function termsPage(terms: TermsId, version?: string): Html {
  const cat = getTerms(terms, version);
  const byClause = new Map<string, Entry[]>();
  for (const e of catalogParams(terms, version)) byClause.set(e.param.clause, [...(byClause.get(e.param.clause) ?? []), e]);
  // Clauses cited by notices but carrying no parameter get an anchor too.
  const noticeClauses = new Map<string, string[]>();
  for (const [kind, ids] of Object.entries(cat.noticeClauses)) for (const id of ids ?? []) noticeClauses.set(id, [...(noticeClauses.get(id) ?? []), kind]);
  const clauses = [...new Set([...byClause.keys(), ...noticeClauses.keys()])].sort(clauseOrder);
  return html`<h1>${cat.title} <span class="en">${cat.id} ${cat.version}（${cat.inForceFrom} 施行）</span></h1>
<p>${cat.provider}。条項ごとのパラメータ（約款カタログ rules/terms/${cat.id.toLowerCase()}.ts）。<strong>decide</strong> は約款の文言が決めていない点について採った読み方とその理由です。</p>
<nav class="toc">${clauses.map((c) => html`<a href="#${c}">${c}</a> `)}</nav>
${clauses.map(
  (c) => html`<section id="${c}" class="clause-section"><h2>${citeClause(c)}</h2>
${noticeClauses.has(c) ? html`<p>通知 notices: ${noticeClauses.get(c)!.join(', ')}</p>` : ''}
${(byClause.get(c) ?? []).length > 0 ? html`<table><thead><tr><th>パラメータ</th><th>値 value</th><th>注記 note / 理由 reason</th></tr></thead><tbody>${(byClause.get(c) ?? []).map(
    (e) => html`<tr><td><code>${e.path}</code>${isDecided(e.param) ? html` <span class="badge">decide</span>` : ''}</td><td><pre class="notice">${valueText(e.param.value)}</pre></td><td>${e.param.note ?? ''}${isDecided(e.param) ? html`<br><strong>理由:</strong> ${e.param.reason}` : ''}</td></tr>`,
  )}</tbody></table>` : ''}</section>`,
)}`;
}
