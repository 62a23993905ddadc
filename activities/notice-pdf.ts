/**
 * Written notices (書面) as print-ready PDF: A4, a Japanese font embedded (subset), the issuer block,
 * the issue date in 和暦 with the ISO date beside it, the clause the notice is given under, and the
 * same text the e-mail carried (the outbox row's stored subject and body, never re-rendered from a
 * template). Invoices get their qualified-invoice details (JP-INVOICE) as a table after the text.
 *
 * Side effects live here (reading the font file, writing the outbox row): the first download
 * renders the document and stores it with its SHA-256 in the notice's row; every later download
 * serves the stored bytes after checking them against that hash, so a notice is always the same
 * document. Nothing here runs in workflow code, and nothing the contract workflow records changes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Db } from '../db/client.js';
import { jstDateOf } from '../rules/calendar.js';
import { dateJa } from '../notices/format.js';
import { citeClause } from '../notices/render.js';
import { personalData } from './personal-data.js';

/**
 * Japanese TrueType fonts Debian installs (scripts/setup.sh installs fonts-ipaexfont-*). The first
 * one present is embedded; IPAex Mincho reads as a formal letter.
 */
export const JAPANESE_FONT_CANDIDATES: readonly string[] = [
  '/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf',
  '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf',
  '/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf',
  '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  '/usr/share/fonts/truetype/fonts-japanese-mincho.ttf',
  '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf',
];

export class NoFontError extends Error {
  constructor() {
    super(`no Japanese font found (looked for ${JAPANESE_FONT_CANDIDATES.join(', ')}); scripts/setup.sh installs fonts-ipaexfont-mincho`);
    this.name = 'NoFontError';
  }
}

export function findJapaneseFont(candidates: readonly string[] = JAPANESE_FONT_CANDIDATES): string {
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new NoFontError();
  return found;
}

/** The parts of an outbox row a written notice is made of. */
export interface NoticeDocumentSource {
  id: number;
  contractId: string;
  idempotencyKey: string;
  kind: string;
  clauseId: string;
  subject: string;
  body: string;
  /** When the notice was recorded: its issue date (発行日), the same however late it is delivered. */
  createdAt: Date;
}

export interface NoticeDocumentOptions {
  /** Issuer block: the provider's name first, then further lines (registration number, address …). */
  issuer: readonly string[];
  /** Extra titled tables after the text, e.g. an invoice's qualified-invoice details. */
  sections?: readonly { title: string; rows: readonly (readonly [string, string])[] }[];
  fontPath?: string;
}

const A4_MARGIN = 56; // 約 20 mm
const BODY_SIZE = 10.5;

/** Renders the notice as an A4 PDF (bytes). Deterministic metadata: the dates are the notice's own. */
export function renderNoticePdf(n: NoticeDocumentSource, o: NoticeDocumentOptions): Promise<Buffer> {
  const fontPath = o.fontPath ?? findJapaneseFont();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: A4_MARGIN, bottom: A4_MARGIN + 14, left: A4_MARGIN, right: A4_MARGIN },
    bufferPages: true,
    lang: 'ja-JP',
    displayTitle: true,
    info: {
      Title: n.subject,
      Author: o.issuer[0] ?? '',
      Subject: `${citeClause(n.clauseId)} ${n.kind}`,
      Keywords: `${n.contractId} ${n.idempotencyKey}`,
      Creator: 'yakkan',
      Producer: 'yakkan (pdfkit)',
      CreationDate: n.createdAt,
      ModDate: n.createdAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((ok, fail) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => ok(Buffer.concat(chunks)));
    doc.on('error', fail);
  });

  doc.registerFont('jp', fontPath);
  doc.font('jp');
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const issued = jstDateOf(n.createdAt.getTime());

  // Top right: issue date (和暦 with ISO) and the document number.
  doc.fontSize(BODY_SIZE).text(`発行日　${dateJa(issued)}`, left, doc.page.margins.top, { width, align: 'right' });
  doc.fontSize(8.5).text(`文書番号　${n.contractId}-${n.id}`, { width, align: 'right' });
  doc.moveDown(0.8);

  // Issuer block (right-aligned, as on a Japanese business letter).
  doc.fontSize(BODY_SIZE);
  for (const [i, line] of o.issuer.entries()) doc.fontSize(i === 0 ? 11.5 : 9).text(line, { width, align: 'right' });
  doc.moveDown(1.2);

  // Title, centred.
  doc.fontSize(14).text(n.subject, { width, align: 'center' });
  doc.moveDown(0.4);
  const y = doc.y;
  doc.moveTo(left, y).lineTo(left + width, y).lineWidth(0.6).stroke();
  doc.moveDown(0.8);

  // The text the e-mail carried, line for line.
  doc.fontSize(BODY_SIZE);
  for (const line of n.body.split('\n')) {
    if (line === '') doc.moveDown(0.7);
    else doc.text(line, left, doc.y, { width, lineGap: 2 });
  }

  for (const s of o.sections ?? []) {
    doc.moveDown(1);
    doc.fontSize(11.5).text(s.title, left, doc.y, { width });
    doc.moveDown(0.3);
    doc.fontSize(9.5);
    const labelW = Math.round(width * 0.38);
    for (const [label, value] of s.rows) {
      if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
      const top = doc.y;
      doc.text(label, left, top, { width: labelW - 8 });
      const afterLabel = doc.y;
      doc.text(value, left + labelW, top, { width: width - labelW });
      doc.y = Math.max(afterLabel, doc.y) + 3;
      doc.moveTo(left, doc.y - 1.5).lineTo(left + width, doc.y - 1.5).lineWidth(0.25).strokeColor('#999999').stroke().strokeColor('#000000');
    }
  }

  // Footer on every page: the clause, the contract and the page number.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const footY = doc.page.height - A4_MARGIN + 4;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the margin must not open a new page
    doc.fontSize(7.5);
    doc.text(`${citeClause(n.clauseId)}に基づく通知　契約番号 ${n.contractId}`, left, footY, { width: width - 40, align: 'left', lineBreak: false });
    doc.text(`${i - range.start + 1} / ${range.count}`, left, footY, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface StoredPdf {
  pdf: Buffer;
  sha256: string;
  renderedAt: Date;
  /** Rendered by this call (false: served from the outbox row). */
  rendered: boolean;
}

/** The stored PDF does not match the SHA-256 recorded with it: the row was altered. */
export class PdfIntegrityError extends Error {
  constructor(readonly noticeId: number, readonly expected: string, readonly actual: string) {
    super(`notice ${noticeId}: the stored PDF's SHA-256 is ${actual}, the outbox row records ${expected}`);
    this.name = 'PdfIntegrityError';
  }
}

/**
 * The notice's PDF from its outbox row, rendering and storing it (with its SHA-256) the first time.
 * Two concurrent first downloads store one document: the update only applies while none is stored,
 * and the loser serves the winner's bytes.
 */
export async function noticePdf(db: Db, noticeId: number, options: (n: NoticeDocumentSource) => Promise<NoticeDocumentOptions> | NoticeDocumentOptions, now: () => Date = () => new Date()): Promise<StoredPdf> {
  const row = await db.notice.findUniqueOrThrow({ where: { id: noticeId } });
  if (row.pdf && row.pdfSha256) return checked(noticeId, Buffer.from(row.pdf), row.pdfSha256, row.pdfRenderedAt ?? row.createdAt, false);
  // Issue 16: the row holds personal values sealed; the document shows them opened (or as deleted).
  const opened = await personalData(db).openDeep(row);
  const pdf = await renderNoticePdf(opened, await options(opened));
  const sha256 = sha256Hex(pdf);
  const renderedAt = now();
  const { count } = await db.notice.updateMany({ where: { id: noticeId, pdfSha256: null }, data: { pdf: new Uint8Array(pdf), pdfSha256: sha256, pdfRenderedAt: renderedAt } });
  if (count === 1) return { pdf, sha256, renderedAt, rendered: true };
  const stored = await db.notice.findUniqueOrThrow({ where: { id: noticeId }, select: { pdf: true, pdfSha256: true, pdfRenderedAt: true, createdAt: true } });
  return checked(noticeId, Buffer.from(stored.pdf!), stored.pdfSha256!, stored.pdfRenderedAt ?? stored.createdAt, false);
}

function checked(noticeId: number, pdf: Buffer, expected: string, renderedAt: Date, rendered: boolean): StoredPdf {
  const actual = sha256Hex(pdf);
  if (actual !== expected) throw new PdfIntegrityError(noticeId, expected, actual);
  return { pdf, sha256: expected, renderedAt, rendered };
}
