/**
 * The qualified-invoice details (JP-INVOICE: 適格請求書の記載事項) of an invoice row, as label/value
 * pairs shared by the customer page and the invoice PDF (pure). It shows what the row carries today
 * (issue date, period, totals by tax class, due date) and, generically, any further field a later
 * schema adds (issuer registration number, totals and tax per rate …): known fields get a Japanese
 * label from `INVOICE_FIELD_LABELS`, unknown scalar fields are shown under their own name, so a
 * new column appears without a change here.
 */
import { dateJa, jaYen } from './format.js';

type Row = Record<string, unknown>;

/** Fields not shown as details (identity and bookkeeping, or shown elsewhere). */
const HIDDEN = new Set(['contractId', 'workflowId', 'runId', 'createdAt', 'lines', 'payments', 'contract']);

/** Label and how to show the value, by field name, in the order shown. */
export const INVOICE_FIELD_LABELS: readonly (readonly [field: string, label: string, kind: 'text' | 'date' | 'yen'])[] = [
  ['id', '請求書番号 invoice no.', 'text'],
  ['issuerName', '適格請求書発行事業者 issuer', 'text'],
  ['issuerRegistrationNumber', '登録番号 registration no.', 'text'],
  ['registrationNumber', '登録番号 registration no.', 'text'],
  ['recipientName', '宛名 recipient', 'text'],
  ['issuedOn', '発行日 issued', 'date'],
  ['period', '対象期間 period', 'text'],
  ['taxableTotal', '10%対象（税抜） taxable at 10%', 'yen'],
  ['taxTotal', '消費税額（10%） consumption tax', 'yen'],
  ['taxableTotal10', '10%対象（税抜） taxable at 10%', 'yen'],
  ['tax10', '消費税額（10%） consumption tax at 10%', 'yen'],
  ['taxableTotal8', '8%対象（税抜） taxable at 8%', 'yen'],
  ['tax8', '消費税額（8%） consumption tax at 8%', 'yen'],
  ['outOfScopeTotal', '不課税 out of scope', 'yen'],
  ['creditTotal', '減額 credits', 'yen'],
  ['total', 'ご請求金額（税込） total', 'yen'],
  ['dueDate', 'お支払期日 due', 'date'],
  ['acceleratedFrom', '期限の利益喪失前の期日 originally due', 'date'],
  ['accelerationClauseId', '期限の利益喪失の根拠 acceleration clause', 'text'],
  ['clauseId', '根拠条項 clause', 'text'],
];

function show(kind: 'text' | 'date' | 'yen', v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : String(v);
  if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(s)) return dateJa(s);
  if (kind === 'yen' && /^-?\d+(\.\d+)?$/.test(s)) return jaYen(s);
  return s;
}

/** The row's details, known fields first (in the order above), then any other scalar field by name. */
export function invoiceDetails(row: Row): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  const shownLabels = new Set<string>();
  for (const [field, label, kind] of INVOICE_FIELD_LABELS) {
    seen.add(field);
    const v = row[field];
    if (v === null || v === undefined || v === '') continue;
    if (shownLabels.has(label)) continue; // two spellings of one item (e.g. registrationNumber)
    shownLabels.add(label);
    out.push([label, show(kind, v)]);
  }
  for (const [field, v] of Object.entries(row)) {
    if (seen.has(field) || HIDDEN.has(field) || v === null || v === undefined || v === '') continue;
    if (typeof v === 'object' && !(v instanceof Date)) continue;
    out.push([field, show('text', v)]);
  }
  return out;
}

export const TAX_CLASS_LABEL: Readonly<Record<string, string>> = {
  taxable: '課税（10%）',
  'consumption-tax': '消費税',
  'out-of-scope': '不課税',
};
