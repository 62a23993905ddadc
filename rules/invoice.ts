/**
 * Invoices and reconciliation, pure. Totals are exact sums of ledger lines by tax class, so an
 * invoice shows taxed lines apart from those outside consumption tax (不課税, CLAUSES.md
 * conventions): penalties NGN-18, surcharges NGN-20, late damages NGN-21/TNC-29, damages.
 *
 * JP-INVOICE (消費税法 第57条の4, 施行令 第70条の10; 適格請求書等保存方式 from 2023-10-01): an invoice to
 * a customer names the issuer and its registration number (T + 13 digits), the recipient, the
 * transaction dates, what was supplied, the totals per tax rate with 不課税 apart, and the
 * consumption tax per rate computed ONCE per invoice (one rounding step per rate, not per line).
 * That national rule is the same under every 約款, so it lives here and not in a terms catalog.
 */
import { Decimal } from 'decimal.js';
import { addDays, endOfMonth, type IsoDate } from './calendar.js';
import { floorYen, yen, type TaxClass } from './money.js';

/** The clause id of the national invoice rule (CLAUSES.md "National rule that applies to every invoice"). */
export const JP_INVOICE = 'JP-INVOICE';

/** JP-INVOICE: a registration number (登録番号) is 'T' followed by 13 digits. */
export const REGISTRATION_NUMBER_RE = /^T\d{13}$/;

export function isRegistrationNumber(s: unknown): s is string {
  return typeof s === 'string' && REGISTRATION_NUMBER_RE.test(s);
}

/** JP-INVOICE: one tax rate's totals on one invoice. */
export interface TaxRateTotal {
  /** The rate as a decimal string, e.g. '0.10'. */
  rate: string;
  /** Sum of the taxable lines at this rate (a 返還 / exemption line counts negative). */
  base: string;
  /** Consumption tax on `base`, computed once: 円未満切り捨て toward zero. */
  tax: string;
}

/**
 * JP-INVOICE: the consumption tax of an invoice at one rate, computed ONCE on the sum of its taxable
 * lines and rounded once (円未満切り捨て, toward zero, the catalogs' rounding). Per-line flooring
 * (the pre-JP-INVOICE way) can give less: lines of 617 and 6,005 floor to 61 + 600 = 661, the
 * invoice's 6,622 gives 662. A negative base (a correction returning money) gives a negative tax.
 */
export function invoiceTaxAtRate(lines: readonly { taxClass: TaxClass; amount: string }[], rate: string): TaxRateTotal {
  const base = lines.filter((l) => l.taxClass === 'taxable').reduce((s, l) => s.plus(yen(l.amount)), new Decimal(0));
  return { rate, base: base.toFixed(), tax: floorYen(base.times(yen(rate))).toFixed() };
}

export interface LineAmount {
  kind: string;
  taxClass: TaxClass;
  amount: string;
}

export interface InvoiceTotals {
  taxableTotal: string;
  taxTotal: string;
  outOfScopeTotal: string;
  creditTotal: string;
  total: string;
}

/**
 * Sums lines by class; credits (negative lines of kind 'credit', outside consumption tax) are shown
 * apart and netted. A TNC-26.2 fee exemption (kind 'exemption') is a negative *taxable* line: it
 * lowers the taxable total, so the invoice's tax goes down with it.
 */
export function invoiceTotals(lines: readonly LineAmount[]): InvoiceTotals {
  let taxable = new Decimal(0);
  let tax = new Decimal(0);
  let outOfScope = new Decimal(0);
  let credit = new Decimal(0);
  for (const l of lines) {
    const a = yen(l.amount);
    if (l.kind === 'credit') credit = credit.plus(a);
    else if (l.taxClass === 'taxable') taxable = taxable.plus(a);
    else if (l.taxClass === 'consumption-tax') tax = tax.plus(a);
    else outOfScope = outOfScope.plus(a);
  }
  const total = taxable.plus(tax).plus(outOfScope).plus(credit);
  return {
    taxableTotal: taxable.toFixed(),
    taxTotal: tax.toFixed(),
    outOfScopeTotal: outOfScope.toFixed(),
    creditTotal: credit.toFixed(),
    total: total.toFixed(),
  };
}

/**
 * Payment due date of an invoice issued on `issuedOn`: the last day of the month of issue
 * (NGN-19 leaves the due date to the contract; decide: 月末払い, the monthly invoice issued on the
 * 1st is due at the end of that month). `immediate` (NGN-41 / NGN-40 2項: 直ちに支払期日が到来)
 * makes it due on the day of issue.
 */
export function dueDateFor(issuedOn: IsoDate, immediate = false): IsoDate {
  return immediate ? issuedOn : endOfMonth(issuedOn);
}

/** The day after the due date, from which late damages run (NGN-21 / TNC-29). */
export function lateFrom(dueDate: IsoDate): IsoDate {
  return addDays(dueDate, 1);
}

/** A ledger line as the duplicate check reads it (the description, kind and clause say what was charged). */
export interface ChargeLine {
  invoiceId?: string | null;
  amount: string;
  idempotencyKey: string;
  kind?: string;
  clauseId?: string;
  description?: string;
  effectiveDate?: string;
}

/** Line kinds charged at a client's request (one request, one charge): NGN-20 surcharges, NGN-29 dispatches, metered usage. */
export const REQUESTED_CHARGE_KINDS: readonly string[] = ['surcharge', 'dispatch', 'usage'];

export interface DuplicateCharge {
  kind: string;
  clauseId: string;
  amount: string;
  effectiveDate: string;
  description: string;
  /** The ledger lines charging the same thing, each on its own invoice. */
  idempotencyKeys: string[];
  invoiceIds: string[];
}

/**
 * Charges that look posted twice for one client request: two or more lines of a requested kind
 * with the same clause, amount, description and day (each a line of its own, usually on an invoice
 * of its own). (A retried request under its
 * Idempotency-Key never posts twice; this finds what a client's blind retry posted before keys, or
 * a request re-sent under a new key.) Pure; the order of the input does not matter.
 */
export function duplicateCharges(lines: readonly ChargeLine[]): DuplicateCharge[] {
  const groups = new Map<string, ChargeLine[]>();
  for (const l of lines) {
    if (!l.kind || !REQUESTED_CHARGE_KINDS.includes(l.kind)) continue;
    const key = JSON.stringify([l.kind, l.clauseId ?? '', l.amount, l.description ?? '', l.effectiveDate ?? '']);
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const out: DuplicateCharge[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const invoiceIds = [...new Set(g.map((l) => l.invoiceId ?? '(none)'))].sort();
    const first = g[0]!;
    out.push({
      kind: first.kind!,
      clauseId: first.clauseId ?? '',
      amount: first.amount,
      effectiveDate: first.effectiveDate ?? '',
      description: first.description ?? '',
      idempotencyKeys: g.map((l) => l.idempotencyKey).sort(),
      invoiceIds,
    });
  }
  return out.sort((a, b) => (a.idempotencyKeys[0]! < b.idempotencyKeys[0]! ? -1 : 1));
}

export interface ReconcileInput {
  lines: readonly ChargeLine[];
  /** billTo 'carrier' (TNC-30): a receivable assigned to docomo, which bills the customer itself. */
  invoices: readonly { id: string; total: string; billTo?: string | null }[];
  payments: readonly { invoiceId: string; amount: string }[];
}

export interface Reconciliation {
  ledgerTotal: string;
  invoicedTotal: string;
  /** TNC-30: the part of the ledger assigned to docomo (not owed to the provider by the customer). */
  assignedTotal: string;
  paidTotal: string;
  /** What the customer owes the provider: ledger − assigned to docomo − payments. */
  balance: string;
  perInvoice: { invoiceId: string; total: string; linesTotal: string; paid: string; open: string }[];
  /** Charges that look posted twice for one client request (also listed in `mismatches`). */
  duplicates: DuplicateCharge[];
  mismatches: string[];
  ok: boolean;
}

/** Recomputes the balance from the ledger and from the invoices; they must agree to the yen. */
export function reconcile({ lines, invoices, payments }: ReconcileInput): Reconciliation {
  const mismatches: string[] = [];
  const sum = (xs: readonly { amount: string }[]) => xs.reduce((s, x) => s.plus(yen(x.amount)), new Decimal(0));
  const ledgerTotal = sum(lines);
  const invoicedTotal = invoices.reduce((s, i) => s.plus(yen(i.total)), new Decimal(0));
  const assignedTotal = invoices.filter((i) => i.billTo === 'carrier').reduce((s, i) => s.plus(yen(i.total)), new Decimal(0));
  const paidTotal = sum(payments);
  const ids = new Set(invoices.map((i) => i.id));
  for (const l of lines) {
    if (!l.invoiceId) mismatches.push(`ledger line ${l.idempotencyKey} is on no invoice`);
    else if (!ids.has(l.invoiceId)) mismatches.push(`ledger line ${l.idempotencyKey} names missing invoice ${l.invoiceId}`);
  }
  const perInvoice = invoices.map((inv) => {
    const linesTotal = sum(lines.filter((l) => l.invoiceId === inv.id));
    const paid = sum(payments.filter((p) => p.invoiceId === inv.id));
    if (!linesTotal.eq(yen(inv.total))) {
      mismatches.push(`invoice ${inv.id}: total ${inv.total} but its lines sum to ${linesTotal.toFixed()}`);
    }
    // TNC-30: a receivable assigned to docomo is settled by the assignment, not by the customer here.
    const open = inv.billTo === 'carrier' ? new Decimal(0) : yen(inv.total).minus(paid);
    // A 返還 correction has a negative total and takes no payment: its negative open lowers what is owed.
    if (paid.gt(0) && paid.gt(yen(inv.total))) mismatches.push(`invoice ${inv.id}: paid ${paid.toFixed()} exceeds its total ${inv.total}`);
    return { invoiceId: inv.id, total: inv.total, linesTotal: linesTotal.toFixed(), paid: paid.toFixed(), open: open.toFixed() };
  });
  const carrierIds = new Set(invoices.filter((i) => i.billTo === 'carrier').map((i) => i.id));
  for (const p of payments) {
    if (!ids.has(p.invoiceId)) mismatches.push(`payment of ${p.amount} names missing invoice ${p.invoiceId}`);
    else if (carrierIds.has(p.invoiceId)) mismatches.push(`payment of ${p.amount} names ${p.invoiceId}, a receivable assigned to docomo (TNC-30): the customer pays docomo`);
  }
  if (!ledgerTotal.eq(invoicedTotal)) {
    mismatches.push(`ledger total ${ledgerTotal.toFixed()} ≠ invoiced total ${invoicedTotal.toFixed()}`);
  }
  const duplicates = duplicateCharges(lines);
  for (const d of duplicates) {
    mismatches.push(
      `${d.clauseId} ${d.kind} of ${d.amount} on ${d.effectiveDate} (${JSON.stringify(d.description)}) is charged ${d.idempotencyKeys.length} times ` +
        `(${d.idempotencyKeys.join(', ')} on ${d.invoiceIds.join(', ')}): two charges from one client request?`,
    );
  }
  return {
    ledgerTotal: ledgerTotal.toFixed(),
    invoicedTotal: invoicedTotal.toFixed(),
    assignedTotal: assignedTotal.toFixed(),
    paidTotal: paidTotal.toFixed(),
    balance: ledgerTotal.minus(assignedTotal).minus(paidTotal).toFixed(),
    perInvoice,
    duplicates,
    mismatches,
    ok: mismatches.length === 0,
  };
}
