/**
 * One notice document, two renderings: plain text and HTML (pure). Templates build a
 * `NoticeDoc` from contract data; `renderNotice` turns it into the subject, the text body and the
 * HTML alternative. Every piece of data is escaped in the HTML rendering, labels included.
 */
import { getTerms, listTermsIds, type TermsId } from '../rules/terms/index.js';
import { escapeHtml } from './format.js';

export interface RenderedNotice {
  kind: string;
  clauseId: string;
  subject: string;
  /** Plain-text body: what the outbox stores and what the proof refers to. */
  body: string;
  /**
   * HTML alternative of the same content (all data escaped). Every template here renders it; a
   * hand-built text without it is sent with HTML derived from the text (textToHtml).
   */
  html?: string;
}

export interface NoticeDoc {
  kind: string;
  clauseId: string;
  subject: string;
  /** Addressee, e.g. '株式会社サンプル' (rendered '… 様'). */
  addressee: string;
  /** Opening paragraphs. */
  paragraphs: string[];
  /** Label → value lines (values already formatted: 和暦 dates, yen). */
  facts?: [string, string][];
  /** A titled list (e.g. rejection grounds, invoice lines). */
  list?: { title: string; items: string[] };
  /** Paragraphs after the facts. */
  notes?: string[];
  /** Clauses cited (the first is the notice's own clause). */
  clauses: string[];
  /** Name of the 約款 the contract runs under. */
  termsTitle: string;
  contractId: string;
}

/** 'NGN-36' -> 第36条; 'TNC-42.1' -> 第42条1項; 'NGN-16.2' -> 第16条2項. */
export function articleOf(clauseId: string): string {
  const m = /^[A-Z]+-(\d+)(?:\.(\d+))?$/.exec(clauseId);
  if (!m) return '';
  return `第${m[1]}条${m[2] ? `${m[2]}項` : ''}`;
}

/** 'NGN-36' -> 'NGN-36（第36条）'. */
export function citeClause(clauseId: string): string {
  const a = articleOf(clauseId);
  return a ? `${clauseId}（${a}）` : clauseId;
}

/** NGN-49 / TNC-5: the clause of the notice's own 約款 (its clause id's prefix) that allows electronic notices. */
function electronicNoticeClause(clauseId: string): string {
  const terms = clauseId.split('-')[0] ?? '';
  return listTermsIds().includes(terms as TermsId) ? getTerms(terms as TermsId).electronicNotices.clause : '';
}

export function renderNotice(doc: NoticeDoc): RenderedNotice & { html: string } {
  return { kind: doc.kind, clauseId: doc.clauseId, subject: doc.subject, body: renderText(doc), html: renderHtml(doc) };
}

function footer(doc: NoticeDoc): string {
  return `本通知は${doc.termsTitle} ${citeClause(electronicNoticeClause(doc.clauseId))}に基づき電子メールでお送りしています。`;
}

export function renderText(doc: NoticeDoc): string {
  const lines: string[] = [`${doc.addressee} 様`, '', ...doc.paragraphs];
  if (doc.facts?.length) {
    lines.push('');
    for (const [label, value] of doc.facts) lines.push(`■ ${label}: ${value}`);
  }
  if (doc.list) {
    lines.push('', `${doc.list.title}:`, ...doc.list.items.map((i) => `  ${i}`));
  }
  if (doc.notes?.length) lines.push('', ...doc.notes);
  lines.push('', `根拠条項: ${doc.clauses.map(citeClause).join('、')}`, `契約番号: ${doc.contractId}`, '', footer(doc));
  return lines.join('\n');
}

export function renderHtml(doc: NoticeDoc): string {
  const e = escapeHtml;
  const p = (s: string) => `<p>${e(s)}</p>`;
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="ja"><head><meta charset="utf-8">',
    `<title>${e(doc.subject)}</title></head><body>`,
    p(`${doc.addressee} 様`),
    ...doc.paragraphs.map(p),
  ];
  if (doc.facts?.length) {
    parts.push('<table>');
    for (const [label, value] of doc.facts) parts.push(`<tr><th align="left">${e(label)}</th><td>${e(value)}</td></tr>`);
    parts.push('</table>');
  }
  if (doc.list) {
    parts.push(p(`${doc.list.title}:`), '<ul>', ...doc.list.items.map((i) => `<li>${e(i)}</li>`), '</ul>');
  }
  if (doc.notes?.length) parts.push(...doc.notes.map(p));
  parts.push(
    p(`根拠条項: ${doc.clauses.map(citeClause).join('、')}`),
    p(`契約番号: ${doc.contractId}`),
    `<p><small>${e(footer(doc))}</small></p>`,
    '</body></html>',
  );
  return parts.join('\n');
}

/**
 * HTML for a stored plain-text body (used when only the stored text is authoritative, e.g. a
 * notice re-requested after a template change): each line escaped, line breaks kept.
 */
export function textToHtml(subject: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="ja"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head><body>`,
    `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(body)}</pre>`,
    '</body></html>',
  ].join('\n');
}
