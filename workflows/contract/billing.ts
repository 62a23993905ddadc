/**
 * Billing (NGN-19/20/21/22/23/29, TNC-26/27/29/30, JP-INVOICE): the month close, invoices posted with
 * their lines through one idempotent activity, payments with late damages, metered usage, NGN-20
 * surcharges, NGN-29 dispatch fees, corrections, and the overdue reminder. Lines come from pure rules;
 * every clause id comes from the terms catalog.
 *
 * JP-INVOICE (patch jp-invoice-v1): every invoice is a 適格請求書 — the provider and its registration
 * number, the recipient, each line with its transaction date, the total per tax rate with 不課税
 * apart, and the consumption tax computed once per invoice per rate. A correction is a new invoice
 * (修正・返還) naming the one it corrects. TNC-30 (patch tnc-30-carrier-billing-v1): days of a
 * carrier-billed plan are assigned to docomo as a receivable through the carrier channel, not
 * invoiced to the customer.
 */
import { patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { Decimal } from 'decimal.js';
import { endOfMonth, firstOfNextMonth, isValidIsoDate, monthKey } from '../../rules/calendar.js';
import { JP_INVOICE, dueDateFor, invoiceTaxAtRate, invoiceTotals, type TaxRateTotal } from '../../rules/invoice.js';
import { addOnMonthFee, monthFeeSegments } from '../../rules/monthly-fees.js';
import { consumptionTax, dispatchFee, evasionSurcharge, floorYen, lateDamages, yen } from '../../rules/money.js';
import { getPlan } from '../../rules/plans.js';
import type {
  DispatchInput,
  InvoiceCorrectionInput,
  InvoiceResult,
  IsoDate,
  LedgerLine,
  OpenInvoice,
  PaymentInput,
  PaymentResult,
  SurchargeInput,
  UsageInput,
} from '../../model/contract.js';
import type { IssueInvoiceRequest } from '../../activities/types.js';
import { carrierReceivableAssignment, invoiceNotice, overdueReminder, qualifiedInvoiceNotice } from '../../notices/templates.js';
import { chargeDispatch, chargeSurcharge, correctInvoice, recordPayment, reportUsage } from '../contract-messages.js';
import { notify, notifyCarrier } from '../notify.js';
import { conflict, invalid } from '../refusals.js';
import { acts, local, type ContractContext, type ContractModule } from './context.js';
import { endOfDayMs, monthCloseMs, type Deadline } from './deadlines.js';
import { PATCHES } from './patches.js';
import { liftPaid, suspendForNonPayment } from './suspensions.js';

const RECENT_PAYMENT_KEYS = 100;

/** The invoice period of late damages (NGN-21 / TNC-29): no late damages are ever charged on it. */
const LATE_DAMAGES_PERIOD = 'late-damages';

/** The ledger key of a line: contract identity + what the line is for; unique in the ledger. */
const key = (ctx: ContractContext, ...parts: string[]) => [ctx.input.contractId, ...parts].join(':');

/** What is still owed on an open invoice: its total, less the 返還 corrections against it, less payments. */
export function openOf(inv: OpenInvoice): Decimal {
  return yen(inv.total).plus(yen(inv.adjusted ?? '0')).minus(yen(inv.paid));
}

/** Consumption tax line for a taxable line, per line (the rule before JP-INVOICE; kept for replay). */
function taxLine(ctx: ContractContext, of: LedgerLine): LedgerLine {
  const tax = consumptionTax(of.amount, ctx.rules.taxRate);
  return {
    idempotencyKey: `${of.idempotencyKey}:tax`,
    clauseId: ctx.rules.taxClause,
    kind: 'consumption-tax',
    taxClass: 'consumption-tax',
    amount: tax.toFixed(),
    period: of.period,
    effectiveDate: of.effectiveDate,
    description: `消費税相当額（${of.description}：${of.amount}円 × ${ctx.rules.taxRate}）`,
  };
}

/**
 * Before JP-INVOICE every taxable line carried its own tax line, floored (catalog taxRounding
 * 'per-line-floor'). Replays of histories recorded before jp-invoice-v1 rebuild those lines exactly:
 * the monthly fee's tax under its own key, every other taxable line's under `<key>:tax`.
 */
function withPerLineTax(ctx: ContractContext, lines: readonly LedgerLine[]): LedgerLine[] {
  return lines.flatMap((l) => {
    if (l.taxClass !== 'taxable') return [l];
    const tax = taxLine(ctx, l);
    if (l.kind === 'fee' && l.period && l.idempotencyKey === key(ctx, l.period, ctx.rules.feeClause, 'fee')) {
      tax.idempotencyKey = key(ctx, l.period, ctx.rules.taxClause, 'consumption-tax');
      tax.description = `消費税相当額 ${l.period}（基本料金 ${l.amount}円 × ${ctx.rules.taxRate}）`;
    }
    return [l, tax];
  });
}

/** Who is billed for days of a plan: the customer, or (TNC-30) the carrier the receivable is assigned to. */
export type BillTo = 'customer' | 'carrier';

export interface BilledLine {
  line: LedgerLine;
  billTo: BillTo;
}

/** TNC-30: days of a carrier-billed plan are assigned to the carrier where the catalog assigns its receivables. */
export function billToOf(ctx: ContractContext, planId: string): BillTo {
  return getPlan(planId)?.docomoBilled && ctx.catalog.carrierBilling.value?.receivablesAssigned ? 'carrier' : 'customer';
}

/**
 * Fee lines (no tax lines) of calendar month `month`, through `until` when service ends inside it:
 * one per plan segment (rules/monthly-fees.ts: NGN-13.2 / TNC-19 changes split a month; 'whole'
 * plans bill the month to the plan in force on its last billed day, 'daily' plans by day) and one
 * per add-on that ran in the month (NGN-41.1 parts). A month with one plan keeps the first ledger
 * format's key (`contract:month:clause:fee`) and description.
 */
export function monthFeeLines(ctx: ContractContext, month: string, billingStart: IsoDate, until?: IsoDate): BilledLine[] {
  const { state, input, rules } = ctx;
  const history = state.planHistory ?? [];
  const segs = monthFeeSegments({
    month,
    billingStart,
    until,
    history,
    currentPlanId: input.planId,
    basis: (id) => getPlan(id) ?? ctx.plan,
  });
  const out: BilledLine[] = segs.map((seg) => {
    const plan = getPlan(seg.planId) ?? ctx.plan;
    const daily = seg.basis === 'daily' && seg.days < seg.daysInMonth;
    const named = history.length > 0 ? ` ${plan.name}` : '';
    const line: LedgerLine = {
      idempotencyKey: segs.length === 1 ? key(ctx, month, rules.feeClause, 'fee') : key(ctx, month, rules.feeClause, 'fee', seg.planId, seg.from),
      clauseId: rules.feeClause,
      kind: 'fee',
      taxClass: 'taxable',
      amount: seg.amount.toFixed(),
      period: month,
      effectiveDate: seg.to,
      description: daily
        ? `基本料金 ${month}${named}（日割 ${seg.days}/${seg.daysInMonth}日${history.length > 0 ? `、${seg.from}〜${seg.to}` : ''}）`
        : `基本料金 ${month}${named}`,
    };
    return { line, billTo: billToOf(ctx, seg.planId) };
  });
  const partialMonth = ctx.plan.partialMonth;
  for (const part of state.parts ?? []) {
    const fee = addOnMonthFee({ month, billingStart, contractUntil: until, from: part.from, until: part.endedOn ?? part.cancellation?.desiredDate, basis: { monthlyFee: part.monthlyFee, partialMonth } });
    if (!fee) continue;
    out.push({
      line: {
        idempotencyKey: key(ctx, month, rules.feeClause, 'addon', part.id),
        clauseId: rules.feeClause,
        kind: 'fee',
        taxClass: 'taxable',
        amount: fee.amount.toFixed(),
        period: month,
        effectiveDate: fee.to,
        description: fee.basis === 'daily' ? `${part.name} ${month}（日割 ${fee.days}/${fee.daysInMonth}日）` : `${part.name} ${month}`,
      },
      billTo: 'customer',
    });
  }
  return out;
}

/** Metered usage not billed yet for months ≤ throughMonth (NGN-19 3項: billed the month after use). No tax lines. */
async function usageLines(ctx: ContractContext, throughMonth: string, effectiveDate: IsoDate): Promise<LedgerLine[]> {
  const tracked = ctx.state.unbilledUsageMonths;
  // usage-tracked-close-v1: no usage reported for a month ≤ throughMonth, so none to bill (the
  // database would return none): the activity is not called. Untracked (older) contracts always ask.
  if (tracked && !tracked.some((m) => m <= throughMonth)) return [];
  const usage = await acts.collectUnbilledUsage(ctx.input.contractId, throughMonth);
  // Everything up to throughMonth is billed by the lines below (or has no option on the plan). A
  // report that came in while the database was asked (applyUsage replaced the list) may not be in
  // `usage`: then the list is kept whole, and a later close asks again (billed records are skipped).
  if (tracked && ctx.state.unbilledUsageMonths === tracked) ctx.state.unbilledUsageMonths = tracked.filter((m) => m > throughMonth);
  const lines: LedgerLine[] = [];
  for (const u of usage) {
    const option = ctx.plan.meteredOptions.find((o) => o.id === u.optionId);
    if (!option) continue; // validated on entry; a plan never loses an option while a contract runs
    // NGN-19: unit price × quantity, 円未満切り捨て per usage line.
    const amount = floorYen(yen(option.unitPrice).times(yen(u.quantity)));
    lines.push({
      idempotencyKey: key(ctx, 'usage', String(u.usageId)),
      clauseId: ctx.rules.feeClause,
      kind: 'usage',
      taxClass: 'taxable',
      amount: amount.toFixed(),
      period: u.month,
      effectiveDate,
      description: `${option.name} ${u.month} 利用分 ${u.quantity} ${option.unit} × ${option.unitPrice}円`,
    });
  }
  return lines;
}

export interface InvoiceRequest {
  id: string;
  period: string;
  clauseId: string;
  /** The lines without consumption tax: the tax is computed on the invoice (JP-INVOICE). */
  lines: LedgerLine[];
  /** Due on the day of issue (期限の利益の喪失). */
  immediate?: boolean;
  /** The clause that made it due at once (NGN-41 2項 / NGN-40 2項), stated on the invoice. */
  acceleratedBy?: string;
  /** TNC-30: 'carrier' assigns the receivable to docomo instead of invoicing the customer. */
  billTo?: BillTo;
  /** JP-INVOICE: a correction names the invoice it corrects and why. */
  corrects?: { invoiceId: string; reason: string };
  /** The clause that puts transfer fees on the contractor (NGN-19 2項, NGN-22, TNC-29.2). */
  transferFeesClause?: string | null;
}

/**
 * Posts an invoice with its lines (one activity, idempotent by invoice id and line keys) and sends
 * it: as a 適格請求書 (JP-INVOICE) to the customer, or (TNC-30) as a receivable assigned to docomo.
 */
export async function issueInvoice(ctx: ContractContext, a: InvoiceRequest): Promise<InvoiceResult | undefined> {
  if (a.lines.length === 0) return undefined;
  if (!patched(PATCHES.jpInvoice)) return issueInvoiceBeforeJpInvoice(ctx, a);
  const { input, catalog, rules } = ctx;
  const issuedOn = ctx.today();
  const dueDate = dueDateFor(issuedOn, a.immediate);
  const invoiceId = key(ctx, a.id);
  const billTo = a.billTo ?? 'customer';
  // JP-INVOICE: one tax line per rate, computed once on the invoice's taxable lines.
  const rates: TaxRateTotal[] = a.lines.some((l) => l.taxClass === 'taxable') ? [invoiceTaxAtRate(a.lines, rules.taxRate)] : [];
  const lines: LedgerLine[] = a.lines.map((l) => ({ ...l }));
  for (const r of rates) {
    const pct = `${yen(r.rate).times(100).toFixed()}%`;
    lines.push({
      idempotencyKey: `${invoiceId}:${rules.taxClause}:consumption-tax:${r.rate}`,
      clauseId: rules.taxClause,
      kind: 'consumption-tax',
      taxClass: 'consumption-tax',
      amount: r.tax,
      period: a.period,
      effectiveDate: issuedOn,
      description: `消費税相当額（${pct}対象 ${r.base}円 × ${pct}、請求書ごとに1回計算・円未満切り捨て）`,
    });
  }
  // A customer invoice whose credits exceed its charges (e.g. a TNC-26.2 exemption for days already
  // billed) is not left negative: the excess is carried to the next invoice as a credit (不課税),
  // with a balancing line here, so nothing is lost and the ledger still sums. A final invoice has
  // no next one: its negative total is what the provider refunds.
  const carried = billTo === 'customer' && !a.corrects && a.period !== 'final' ? invoiceTotals(lines).total : '0';
  if (yen(carried).isNegative()) {
    const excess = yen(carried).negated().toFixed();
    lines.push({
      idempotencyKey: `${invoiceId}:carry-forward`,
      clauseId: a.clauseId,
      kind: 'credit',
      taxClass: 'out-of-scope',
      amount: excess,
      period: a.period,
      effectiveDate: issuedOn,
      description: `減額の繰越（${excess}円を次回ご請求で差し引きます）`,
    });
    ctx.state.pendingLines.push({
      idempotencyKey: `${invoiceId}:carried-over`,
      clauseId: a.clauseId,
      kind: 'credit',
      taxClass: 'out-of-scope',
      amount: yen(excess).negated().toFixed(),
      period: a.period,
      effectiveDate: issuedOn,
      description: `前回ご請求（${invoiceId}）からの減額の繰越（不課税）`,
    });
  }
  const totals = invoiceTotals(lines);
  const carrierClause = catalog.carrierBilling.clause;
  const carrierKey = billTo === 'carrier' ? `${input.contractId}:docomo:receivable-assignment:${carrierClause}:${a.id}` : undefined;
  const { workflowId, runId } = workflowInfo();
  const request: IssueInvoiceRequest = {
    contractId: input.contractId,
    terms: input.terms,
    workflowId,
    runId,
    invoice: {
      id: invoiceId,
      period: a.period,
      issuedOn,
      dueDate,
      clauseId: a.clauseId,
      ...totals,
      kind: billTo === 'carrier' ? 'carrier-assignment' : a.corrects ? 'correction' : 'invoice',
      billTo,
      issuerName: catalog.provider,
      recipientName: input.customer.name,
      taxBreakdown: JSON.stringify(rates),
      ...(a.corrects ? { correctsInvoiceId: a.corrects.invoiceId } : {}),
      ...(carrierKey ? { carrierMessageKey: carrierKey } : {}),
    },
    lines,
  };
  const issued = patched(PATCHES.localBookkeeping) ? (await local.issueInvoiceLocal(request)).result : await acts.issueInvoice(request);
  const issuer = { name: catalog.provider, registrationNumber: issued.registrationNumber ?? null };
  const shown = lines.map((l) => ({
    description: l.description,
    amount: l.amount,
    taxClass: l.taxClass,
    date: l.kind === 'consumption-tax' ? issuedOn : (l.period && /^\d{4}-\d{2}$/.test(l.period) ? l.period : l.effectiveDate),
  }));
  if (billTo === 'carrier') {
    // TNC-30 (第30条2項): the receivable goes to docomo with its statement; the customer is not told.
    const n = carrierReceivableAssignment({
      contractId: input.contractId,
      clauseId: carrierClause,
      statementId: invoiceId,
      period: a.period,
      issuedOn,
      issuer,
      lines: shown,
      rates,
      outOfScopeTotal: totals.outOfScopeTotal,
      total: totals.total,
    });
    await notifyCarrier({ contractId: input.contractId, idempotencyKey: carrierKey!, kind: n.kind, clauseId: n.clauseId, payload: { ...n.payload } });
    return { invoiceId, total: totals.total, dueDate };
  }
  if (yen(totals.total).gt(0)) {
    ctx.state.openInvoices.push({ id: invoiceId, period: a.period, issuedOn, dueDate, total: totals.total, paid: '0' });
  }
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${invoiceId}:invoice:${rules.feeClause}`,
    recipient: input.customer.email,
    ...qualifiedInvoiceNotice({
      ...ctx.party(),
      clauseId: a.clauseId,
      invoiceId,
      period: a.period,
      issuedOn,
      dueDate,
      issuer,
      lines: shown,
      rates,
      outOfScopeTotal: yen(totals.outOfScopeTotal).plus(yen(totals.creditTotal)).toFixed(),
      total: totals.total,
      accelerated: a.acceleratedBy,
      transferFeesClause: a.transferFeesClause ?? undefined,
      corrects: a.corrects,
    }),
  });
  return { invoiceId, total: totals.total, dueDate };
}

/** The invoice as issued before JP-INVOICE (per-line tax, plain notice): replays of older histories only. */
async function issueInvoiceBeforeJpInvoice(ctx: ContractContext, a: InvoiceRequest): Promise<InvoiceResult | undefined> {
  const issuedOn = ctx.today();
  const dueDate = dueDateFor(issuedOn, a.immediate);
  const lines = withPerLineTax(ctx, a.lines).map((l) => ({ ...l }));
  const totals = invoiceTotals(lines);
  const invoiceId = key(ctx, a.id);
  const { workflowId, runId } = workflowInfo();
  await acts.issueInvoice({
    contractId: ctx.input.contractId,
    workflowId,
    runId,
    invoice: { id: invoiceId, period: a.period, issuedOn, dueDate, clauseId: a.clauseId, ...totals },
    lines,
  });
  if (yen(totals.total).gt(0)) {
    ctx.state.openInvoices.push({ id: invoiceId, period: a.period, issuedOn, dueDate, total: totals.total, paid: '0' });
  }
  await notify({
    contractId: ctx.input.contractId,
    idempotencyKey: `${invoiceId}:invoice:${ctx.rules.feeClause}`,
    recipient: ctx.input.customer.email,
    ...invoiceNotice({
      ...ctx.party(),
      clauseId: ctx.rules.feeClause,
      period: a.period,
      issuedOn,
      dueDate,
      lines: lines.map((l) => ({ description: l.description, amount: l.amount, taxClass: l.kind === 'credit' ? 'credit' : l.taxClass })),
      total: totals.total,
    }),
  });
  return { invoiceId, total: totals.total, dueDate };
}

/** The next calendar month to close, while the contract is active and billing has started. */
export function nextMonthToClose(ctx: ContractContext): string | undefined {
  const { state } = ctx;
  if (state.status !== 'active' || !state.billingStart) return undefined;
  const month = state.billedThrough ? monthKey(firstOfNextMonth(`${state.billedThrough}-01`)) : monthKey(state.billingStart);
  // The month holding the last day of service is billed when the contract ends, not at its close.
  if (state.endDate && month >= monthKey(state.endDate)) return undefined;
  return month;
}

/**
 * Issues what a close or the final bill owes: the customer's invoice and, for days of a
 * carrier-billed plan (TNC-30), the receivable assigned to docomo. Pending lines (credits) go with
 * the plan in force at the end. Before tnc-30-carrier-billing-v1 every line went on the customer's
 * invoice (replays).
 */
async function issueBills(
  ctx: ContractContext,
  a: { id: string; period: string; clauseId: string; fees: BilledLine[]; more: LedgerLine[]; extra?: LedgerLine[]; immediate?: boolean; acceleratedBy?: string },
): Promise<void> {
  // Taken before issuing: an invoice may carry a credit over to the next one (issueInvoice).
  const pending = ctx.state.pendingLines;
  ctx.state.pendingLines = [];
  const assign = a.fees.some((f) => f.billTo === 'carrier') && patched(PATCHES.carrierBilling);
  const toCustomer = [...a.fees.filter((f) => !assign || f.billTo === 'customer').map((f) => f.line), ...a.more];
  const toCarrier = assign ? a.fees.filter((f) => f.billTo === 'carrier').map((f) => f.line) : [];
  (assign && billToOf(ctx, ctx.input.planId) === 'carrier' ? toCarrier : toCustomer).push(...pending);
  toCustomer.push(...(a.extra ?? []));
  await issueInvoice(ctx, {
    id: a.id,
    period: a.period,
    clauseId: a.clauseId,
    lines: toCustomer,
    immediate: a.immediate,
    acceleratedBy: a.acceleratedBy,
    transferFeesClause: ctx.catalog.paymentTerms.value.monthly,
  });
  if (toCarrier.length) {
    await issueInvoice(ctx, { id: `${a.id}:assignment`, period: a.period, clauseId: ctx.catalog.carrierBilling.clause, lines: toCarrier, billTo: 'carrier' });
  }
}

/** Closes month `month`: fees, usage of earlier months, pending lines (credits) → invoice (and the TNC-30 assignment). */
async function closeMonth(ctx: ContractContext, month: string): Promise<void> {
  const { billingStart } = ctx.state;
  if (!billingStart) return;
  const fees = monthFeeLines(ctx, month, billingStart);
  const usage = await usageLines(ctx, monthKey(startOfPrevMonth(month)), endOfMonth(`${month}-01`));
  await issueBills(ctx, { id: month, period: month, clauseId: ctx.rules.feeClause, fees, more: usage });
  ctx.state.billedThrough = month;
}

function startOfPrevMonth(month: string): IsoDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

/**
 * 期限の利益の喪失 (NGN-40 2項 on a termination under 第40条1項, NGN-41 2項 on the contractor's
 * cancellation): every open invoice falls due today. The workflow's due dates move at once; the
 * invoice rows get the new due date and keep the original (activity accelerateInvoices). Returns the
 * open amount.
 */
export async function accelerateOpenInvoices(ctx: ContractContext, clauseId: string): Promise<Decimal> {
  const today = ctx.today();
  const moved: string[] = [];
  let open = yen(0);
  for (const inv of ctx.state.openInvoices) {
    open = open.plus(openOf(inv));
    if (inv.dueDate > today) {
      inv.dueDate = today;
      moved.push(inv.id);
    }
  }
  if (moved.length) await acts.accelerateInvoices({ contractId: ctx.input.contractId, invoiceIds: moved, dueDate: today, clauseId });
  return open;
}

/**
 * The final invoice when the contract ends on `end`: remaining months' fees up to that day, all
 * unbilled usage, pending lines and any extra lines (e.g. the NGN-18 fee before NGN-22 put it on
 * its own invoice). `acceleratedBy` (NGN-41 2項 / NGN-40 2項): open invoices fall due at once and
 * the final invoice is due on its day of issue; otherwise it has the ordinary due date.
 */
export async function finalInvoice(ctx: ContractContext, end: IsoDate, extra: LedgerLine[], acceleratedBy?: string): Promise<void> {
  const { state, rules } = ctx;
  if (acceleratedBy) await accelerateOpenInvoices(ctx, acceleratedBy);
  const fees: BilledLine[] = [];
  const { billingStart } = state;
  if (billingStart) {
    let month = state.billedThrough ? monthKey(firstOfNextMonth(`${state.billedThrough}-01`)) : monthKey(billingStart);
    while (billingStart <= end && month <= monthKey(end)) {
      fees.push(...monthFeeLines(ctx, month, billingStart, end));
      state.billedThrough = month;
      month = monthKey(firstOfNextMonth(`${month}-01`));
    }
  }
  const usage = await usageLines(ctx, monthKey(end), end);
  await issueBills(ctx, { id: 'final', period: 'final', clauseId: rules.cancellation.clause, fees, more: usage, extra, immediate: !!acceleratedBy, acceleratedBy });
}

function validatePayment(ctx: ContractContext, p: PaymentInput): void {
  const inv = ctx.state.openInvoices.find((i) => i.id === p.invoiceId);
  if (!inv) invalid('invoiceId', `invoice ${p.invoiceId} is not open on contract ${ctx.input.contractId}`);
  const amount = decimalField('amount', p.amount);
  if (!amount.gt(0)) invalid('amount', 'must be more than 0');
  if (!amount.isInteger()) invalid('amount', 'must be whole yen');
  const open = openOf(inv);
  if (amount.gt(open)) invalid('amount', `${p.amount} is more than the open amount ${open.toFixed()} of ${inv.id}`);
  if (!ctx.rules.paymentMethods.includes(p.method)) {
    invalid('method', `${p.method} is not a payment method of ${ctx.input.terms} (${ctx.rules.paymentMethods.join(', ')})`);
  }
  if (!isValidIsoDate(p.paidOn)) invalid('paidOn', `not a date (YYYY-MM-DD): ${p.paidOn}`);
  if (p.paidOn > ctx.today()) invalid('paidOn', `${p.paidOn} is in the future (today is ${ctx.today()} JST)`);
  if (p.paidOn < inv.issuedOn) invalid('paidOn', `${p.paidOn} is before the invoice was issued (${inv.issuedOn})`);
  if (p.idempotencyKey && ctx.state.recentPaymentKeys.includes(p.idempotencyKey)) {
    conflict(`payment ${p.idempotencyKey} was already recorded`);
  }
}

/**
 * Records a payment against an open invoice. When it arrives after the due date, late damages
 * (NGN-21 14.6% / TNC-29 14.5%, 365-day year, from the day after the due date to the payment date,
 * 円未満切り捨て) on the amount paid are billed on their own invoice, outside consumption tax.
 * Never on an invoice of late damages itself (no interest on interest: NGN-21 / TNC-29 charge
 * damages on the debt, and 民法 第405条 allows adding interest to the principal only after a
 * year's default and a demand, which these 約款 do not provide for).
 */
async function applyPayment(ctx: ContractContext, p: PaymentInput): Promise<PaymentResult> {
  const { state, rules } = ctx;
  const inv = state.openInvoices.find((i) => i.id === p.invoiceId);
  if (!inv) return invalid('invoiceId', `invoice ${p.invoiceId} is not open on contract ${ctx.input.contractId}`);
  state.seq += 1;
  const paymentKey = p.idempotencyKey ?? key(ctx, 'payment', String(state.seq));
  state.recentPaymentKeys = [...state.recentPaymentKeys, paymentKey].slice(-RECENT_PAYMENT_KEYS);
  const { paymentId } = await acts.recordPayment({
    contractId: ctx.input.contractId,
    invoiceId: inv.id,
    idempotencyKey: paymentKey,
    amount: yen(p.amount).toFixed(),
    method: p.method,
    paidOn: p.paidOn,
    reference: p.reference,
  });
  inv.paid = yen(inv.paid).plus(yen(p.amount)).toFixed();
  const open = openOf(inv);
  if (open.lte(0)) state.openInvoices = state.openInvoices.filter((i) => i !== inv);
  const result: PaymentResult = { paymentId, invoiceId: inv.id, open: open.toFixed() };
  const paidLate = p.paidOn > inv.dueDate;
  if (paidLate && inv.period === LATE_DAMAGES_PERIOD && patched(PATCHES.paymentTerms)) return result;

  const late = lateDamages({
    principal: p.amount,
    annualRate: rules.lateInterest.annualRate,
    dueDate: inv.dueDate,
    paidDate: p.paidOn,
    daysInYear: rules.lateInterest.daysInYear,
  });
  if (late.amount.gt(0)) {
    const clause = rules.lateInterest.clause;
    const issued = await issueInvoice(ctx, {
      id: `late:${state.seq}`,
      period: LATE_DAMAGES_PERIOD,
      clauseId: clause,
      // NGN-22: 第19条2項 (due date, transfer fees borne by the contractor) applies to 遅延損害金; TNC-29.2 likewise.
      transferFeesClause: ctx.catalog.paymentTerms.value.lateInterest,
      lines: [
        {
          idempotencyKey: key(ctx, 'late', String(state.seq), clause),
          clauseId: clause,
          kind: 'interest',
          taxClass: 'out-of-scope',
          amount: late.amount.toFixed(),
          effectiveDate: p.paidOn,
          description:
            `遅延損害金（${inv.id} の ${p.amount}円 × 年${yen(rules.lateInterest.annualRate).times(100).toFixed()}% × ` +
            `${late.days}日 ÷ ${rules.lateInterest.daysInYear}日、支払期日 ${inv.dueDate} の翌日から ${p.paidOn} まで、不課税）`,
        },
      ],
    });
    if (issued) result.lateDamages = { days: late.days, amount: late.amount.toFixed(), invoiceId: issued.invoiceId, clauseId: clause };
  }
  return result;
}

function validateUsage(ctx: ContractContext, u: UsageInput): void {
  if (!ctx.plan.meteredOptions.some((o) => o.id === u.optionId)) {
    invalid('optionId', `plan ${ctx.plan.id} has no metered option ${u.optionId} (${ctx.plan.meteredOptions.map((o) => o.id).join(', ') || 'none'})`);
  }
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(u.month)) invalid('month', `not a month (YYYY-MM): ${u.month}`);
  if (u.month > monthKey(ctx.today())) invalid('month', `${u.month} has not started yet`);
  if (ctx.state.billingStart && u.month < monthKey(ctx.state.billingStart)) {
    invalid('month', `${u.month} is before billing started (${ctx.state.billingStart})`);
  }
  const q = decimalField('quantity', u.quantity);
  if (!q.gt(0)) invalid('quantity', 'must be more than 0');
}

async function applyUsage(ctx: ContractContext, u: UsageInput): Promise<{ usageId: number }> {
  ctx.state.seq += 1;
  // Listed before the record is written: a record whose activity's result was lost is still billed.
  // Always a new list, so a close asking the database meanwhile sees that a report came in.
  const tracked = ctx.state.unbilledUsageMonths;
  if (tracked) ctx.state.unbilledUsageMonths = [...new Set([...tracked, u.month])].sort();
  const { usageId } = await acts.recordUsage({
    contractId: ctx.input.contractId,
    idempotencyKey: u.idempotencyKey ?? key(ctx, 'usage-report', String(ctx.state.seq)),
    optionId: u.optionId,
    month: u.month,
    quantity: yen(u.quantity).toFixed(),
  });
  return { usageId };
}

function validateSurcharge(ctx: ContractContext, s: SurchargeInput): void {
  if (!ctx.rules.evasionSurcharge) conflict(`${ctx.input.terms} has no surcharge clause (${ctx.catalog.evasionSurchargeMultiple.clause})`);
  const a = decimalField('evadedAmount', s.evadedAmount);
  if (!a.gt(0) || !a.isInteger()) invalid('evadedAmount', 'must be whole yen more than 0');
  if (!s.description.trim()) invalid('description', 'say what was evaded');
}

/** NGN-20: 2 × the evaded amount, outside consumption tax, billed at once on its own invoice. */
async function applySurcharge(ctx: ContractContext, s: SurchargeInput): Promise<InvoiceResult> {
  const rule = ctx.rules.evasionSurcharge;
  if (!rule) return conflict(`${ctx.input.terms} has no surcharge clause`);
  ctx.state.seq += 1;
  const amount = evasionSurcharge(s.evadedAmount);
  const issued = await issueInvoice(ctx, {
    id: `surcharge:${ctx.state.seq}`,
    period: 'surcharge',
    clauseId: rule.clause,
    // NGN-22: the 第19条2項 payment terms apply to 割増金 (due date rule, transfer fees).
    transferFeesClause: ctx.catalog.paymentTerms.value.penalties,
    lines: [
      {
        idempotencyKey: key(ctx, 'surcharge', String(ctx.state.seq), rule.clause),
        clauseId: rule.clause,
        kind: 'surcharge',
        taxClass: 'out-of-scope',
        amount: amount.toFixed(),
        effectiveDate: ctx.today(),
        description: `割増金（免れた額 ${s.evadedAmount}円 × 2、不課税）: ${s.description}`,
      },
    ],
  });
  return issued as InvoiceResult; // one non-empty line: always issued
}

function validateDispatch(ctx: ContractContext, d: DispatchInput): void {
  if (!ctx.rules.dispatchFee) conflict(`${ctx.input.terms} has no dispatch-fee clause (${ctx.catalog.dispatchFeeTaxable.clause})`);
  const a = decimalField('cost', d.cost);
  if (!a.gt(0) || !a.isInteger()) invalid('cost', 'must be whole yen more than 0');
  if (!d.description.trim()) invalid('description', 'say what the dispatch found');
}

/** NGN-29: the dispatch cost plus consumption tax when the fault was in the customer's equipment. */
async function applyDispatch(ctx: ContractContext, d: DispatchInput): Promise<InvoiceResult> {
  const clauseId = ctx.catalog.dispatchFeeTaxable.clause;
  ctx.state.seq += 1;
  const fee = dispatchFee(d.cost, ctx.rules.taxRate);
  const line: LedgerLine = {
    idempotencyKey: key(ctx, 'dispatch', String(ctx.state.seq), clauseId),
    clauseId,
    kind: 'dispatch',
    taxClass: 'taxable',
    amount: fee.base.toFixed(),
    effectiveDate: ctx.today(),
    description: `故障切り分け派遣費用: ${d.description}`,
  };
  const issued = await issueInvoice(ctx, {
    id: `dispatch:${ctx.state.seq}`,
    period: 'dispatch',
    clauseId,
    lines: [line],
    transferFeesClause: ctx.catalog.paymentTerms.value.monthly,
  });
  return issued as InvoiceResult; // two non-empty lines: always issued
}

/** The total a correction would have: its lines and their tax, computed once at the contract's rate (JP-INVOICE). */
function correctionTotal(ctx: ContractContext, c: InvoiceCorrectionInput): Decimal {
  const lines = c.lines.map((l) => ({ taxClass: l.taxClass, amount: l.amount }));
  const tax = invoiceTaxAtRate(lines, ctx.rules.taxRate);
  return lines.reduce((s, l) => s.plus(yen(l.amount)), new Decimal(0)).plus(yen(tax.tax));
}

function validateCorrection(ctx: ContractContext, c: InvoiceCorrectionInput): void {
  const { state, input } = ctx;
  if (state.status !== 'active' && state.status !== 'ended') conflict(`contract ${input.contractId} is ${state.status}; it has no invoices`);
  const inv = state.openInvoices.find((i) => i.id === c.invoiceId);
  if (!inv) {
    invalid('invoiceId', `invoice ${c.invoiceId} is not open on contract ${input.contractId}: only an open invoice is corrected here (a paid one is refunded by ops outside yakkan)`);
  }
  if (!c.reason?.trim()) invalid('reason', 'a correction states its reason (訂正の理由)');
  if (!Array.isArray(c.lines) || c.lines.length === 0) invalid('lines', 'a correction has at least one line');
  c.lines.forEach((l, i) => {
    if (!l.description?.trim()) invalid(`lines.${i}.description`, 'say what is corrected');
    if (l.taxClass !== 'taxable' && l.taxClass !== 'out-of-scope') invalid(`lines.${i}.taxClass`, "must be 'taxable' or 'out-of-scope'");
    const a = decimalField(`lines.${i}.amount`, l.amount);
    if (!a.isInteger() || a.isZero()) invalid(`lines.${i}.amount`, 'must be whole yen other than 0 (negative = 返還, positive = 追加請求)');
  });
  const total = correctionTotal(ctx, c);
  if (total.isZero()) invalid('lines', 'the correction changes nothing (its total with tax is 0)');
  if (openOf(inv).plus(total).isNegative()) {
    invalid('lines', `the correction returns ${total.negated().toFixed()} yen but only ${openOf(inv).toFixed()} yen of ${inv.id} is still open`);
  }
}

/**
 * JP-INVOICE: a correction is a new invoice (修正・返還) naming the invoice it corrects; the original
 * invoice and its ledger lines are never changed. Its tax is computed once at the rate, like every
 * invoice. A return (negative total) lowers what is owed on the original; an addition is an invoice
 * of its own with the ordinary due date.
 */
async function applyCorrection(ctx: ContractContext, c: InvoiceCorrectionInput): Promise<InvoiceResult> {
  const { state } = ctx;
  state.seq += 1;
  const seq = state.seq;
  const inv = state.openInvoices.find((i) => i.id === c.invoiceId);
  const issued = await issueInvoice(ctx, {
    id: `correction:${seq}`,
    period: inv?.period ?? 'correction',
    clauseId: JP_INVOICE,
    corrects: { invoiceId: c.invoiceId, reason: c.reason.trim() },
    transferFeesClause: ctx.catalog.paymentTerms.value.monthly,
    lines: c.lines.map((l, i) => ({
      idempotencyKey: key(ctx, 'correction', String(seq), String(i + 1)),
      clauseId: JP_INVOICE,
      kind: 'correction',
      taxClass: l.taxClass,
      amount: yen(l.amount).toFixed(),
      period: inv?.period,
      effectiveDate: ctx.today(),
      description: `訂正（${c.invoiceId}）: ${l.description.trim()}${l.taxClass === 'out-of-scope' ? '（不課税）' : ''}`,
    })),
  });
  const result = issued as InvoiceResult; // at least one line: always issued
  if (inv && yen(result.total).isNegative()) {
    inv.adjusted = yen(inv.adjusted ?? '0').plus(yen(result.total)).toFixed();
    if (openOf(inv).lte(0)) state.openInvoices = state.openInvoices.filter((i) => i !== inv);
    liftPaid(ctx); // NGN-37(1) / TNC-41(1): nothing left to pay lifts the non-payment stoppage
  }
  return result;
}

function decimalField(field: string, value: string) {
  try {
    return yen(value);
  } catch {
    return invalid(field, `not a decimal amount: ${JSON.stringify(value)}`);
  }
}

/** The day after the due date an invoice is still open: the customer is reminded (NGN-21 / TNC-29 apply from then). */
async function invoiceOverdue(ctx: ContractContext, invoiceId: string): Promise<void> {
  const { state, rules, input } = ctx;
  const inv = state.openInvoices.find((i) => i.id === invoiceId);
  if (!inv) return;
  inv.overdueNotified = true;
  // NGN-22 / TNC-29.2: the reminder says who bears transfer fees, and (no interest on interest) that
  // an invoice of late damages bears none.
  const terms = ctx.catalog.paymentTerms.value;
  const transferFeesClause = inv.period === LATE_DAMAGES_PERIOD ? terms.lateInterest : inv.period === 'surcharge' || inv.period === 'penalty' ? terms.penalties : terms.monthly;
  const stated = (transferFeesClause || inv.period === LATE_DAMAGES_PERIOD) && patched(PATCHES.paymentTerms);
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${invoiceId}:overdue:${rules.lateInterest.clause}`,
    recipient: input.customer.email,
    ...overdueReminder({
      ...ctx.party(),
      invoiceId,
      dueDate: inv.dueDate,
      open: openOf(inv).toFixed(),
      annualRate: rules.lateInterest.annualRate,
      clauseId: rules.lateInterest.clause,
      ...(stated ? { interestAccrues: inv.period !== LATE_DAMAGES_PERIOD, transferFeesClause: transferFeesClause ?? undefined } : {}),
    }),
  });
  // NGN-37 (1) / TNC-41 (1): after the reminder, the stoppage for non-payment with its notice.
  if (state.status === 'active' && !state.endDate) await suspendForNonPayment(ctx, invoiceId, inv.dueDate);
}

export const billing: ContractModule = {
  name: 'billing',
  register(ctx) {
    const { state, input } = ctx;
    setHandler(
      recordPayment,
      async (p) => {
        const result = await applyPayment(ctx, p);
        liftPaid(ctx); // NGN-37(1) / TNC-41(1): paid in full lifts the non-payment stoppage
        return result;
      },
      {
        validator: (p) => {
          if (state.status === 'applied' || state.status === 'rejected') conflict(`contract ${input.contractId} is ${state.status}; it has no invoices`);
          validatePayment(ctx, p);
        },
      },
    );
    setHandler(reportUsage, (u) => applyUsage(ctx, u), {
      validator: (u) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}; usage is recorded on active contracts`);
        validateUsage(ctx, u);
      },
    });
    setHandler(chargeSurcharge, (x) => applySurcharge(ctx, x), {
      validator: (x) => {
        if (state.status !== 'active' && state.status !== 'ended') conflict(`contract ${input.contractId} is ${state.status}`);
        validateSurcharge(ctx, x);
      },
    });
    setHandler(correctInvoice, (x) => applyCorrection(ctx, x), { validator: (x) => validateCorrection(ctx, x) });
    setHandler(chargeDispatch, (x) => applyDispatch(ctx, x), {
      validator: (x) => {
        if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
        validateDispatch(ctx, x);
      },
    });
  },
  deadlines(ctx) {
    const out: Deadline[] = [];
    const month = nextMonthToClose(ctx);
    if (month) out.push({ atMs: monthCloseMs(month), kind: 'month-close', month });
    for (const inv of ctx.state.openInvoices) {
      if (!inv.overdueNotified) out.push({ atMs: endOfDayMs(inv.dueDate), kind: 'invoice-overdue', invoiceId: inv.id });
    }
    return out;
  },
  due: {
    'month-close': (ctx, d) => closeMonth(ctx, d.month),
    'invoice-overdue': (ctx, d) => invoiceOverdue(ctx, d.invoiceId),
  },
};
