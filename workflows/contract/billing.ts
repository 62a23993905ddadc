/**
 * Billing (NGN-19/20/21/23/29, TNC-26/27/29): the month close, invoices posted with their lines
 * through one idempotent activity, payments with late damages, metered usage, NGN-20 surcharges,
 * NGN-29 dispatch fees, and the overdue reminder. Lines come from pure rules; every clause id
 * comes from the terms catalog.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import type { Decimal } from 'decimal.js';
import { endOfMonth, firstOfNextMonth, isValidIsoDate, daysBetween, monthKey, startOfMonth } from '../../rules/calendar.js';
import { dueDateFor, invoiceTotals } from '../../rules/invoice.js';
import { consumptionTax, dispatchFee, evasionSurcharge, floorYen, lateDamages, prorateDaily, yen } from '../../rules/money.js';
import type {
  DispatchInput,
  InvoiceResult,
  IsoDate,
  LedgerLine,
  PaymentInput,
  PaymentResult,
  SurchargeInput,
  UsageInput,
} from '../../model/contract.js';
import { invoiceNotice, overdueReminder } from '../../notices/templates.js';
import { chargeDispatch, chargeSurcharge, recordPayment, reportUsage } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict, invalid } from '../refusals.js';
import { acts, type ContractContext, type ContractModule } from './context.js';
import { endOfDayMs, monthCloseMs, type Deadline } from './deadlines.js';
import { liftPaid, suspendForNonPayment } from './suspensions.js';

const RECENT_PAYMENT_KEYS = 100;

/** The ledger key of a line: contract identity + what the line is for; unique in the ledger. */
const key = (ctx: ContractContext, ...parts: string[]) => [ctx.input.contractId, ...parts].join(':');

/** Consumption tax line for a taxable line: NGN-23 / TNC-26, per line, 円未満切り捨て (catalog). */
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
 * Basic fee of calendar month `month`, through `until` when service ends inside it. A partial month
 * follows the plan: 'whole' bills the full fee, 'daily' prorates by days (prorateDaily floors).
 */
export function monthFeeLines(ctx: ContractContext, month: string, billingStart: IsoDate, until?: IsoDate): LedgerLine[] {
  const first = `${month}-01`;
  const from = billingStart > first ? billingStart : first;
  const monthEnd = endOfMonth(first);
  const last = until && until < monthEnd ? until : monthEnd;
  const daysInMonth = daysBetween(startOfMonth(first), monthEnd) + 1;
  const days = daysBetween(from, last) + 1;
  const daily = days < daysInMonth && ctx.plan.partialMonth === 'daily';
  const fee = daily ? prorateDaily(ctx.plan.monthlyFee, days, daysInMonth) : yen(ctx.plan.monthlyFee);
  const line: LedgerLine = {
    // Keys kept from the first ledger format (`contract:month:clause:fee`) so history stays valid.
    idempotencyKey: key(ctx, month, ctx.rules.feeClause, 'fee'),
    clauseId: ctx.rules.feeClause,
    kind: 'fee',
    taxClass: 'taxable',
    amount: fee.toFixed(),
    period: month,
    effectiveDate: last,
    description: daily ? `基本料金 ${month}（日割 ${days}/${daysInMonth}日）` : `基本料金 ${month}`,
  };
  const tax = taxLine(ctx, line);
  tax.idempotencyKey = key(ctx, month, ctx.rules.taxClause, 'consumption-tax');
  tax.description = `消費税相当額 ${month}（基本料金 ${fee.toFixed()}円 × ${ctx.rules.taxRate}）`;
  return [line, tax];
}

/** Metered usage not billed yet for months ≤ throughMonth (NGN-19 3項: billed the month after use). */
async function usageLines(ctx: ContractContext, throughMonth: string, effectiveDate: IsoDate): Promise<LedgerLine[]> {
  const usage = await acts.collectUnbilledUsage(ctx.input.contractId, throughMonth);
  const lines: LedgerLine[] = [];
  for (const u of usage) {
    const option = ctx.plan.meteredOptions.find((o) => o.id === u.optionId);
    if (!option) continue; // validated on entry; a plan never loses an option while a contract runs
    // NGN-19: unit price × quantity, 円未満切り捨て per usage line.
    const amount = floorYen(yen(option.unitPrice).times(yen(u.quantity)));
    const line: LedgerLine = {
      idempotencyKey: key(ctx, 'usage', String(u.usageId)),
      clauseId: ctx.rules.feeClause,
      kind: 'usage',
      taxClass: 'taxable',
      amount: amount.toFixed(),
      period: u.month,
      effectiveDate,
      description: `${option.name} ${u.month} 利用分 ${u.quantity} ${option.unit} × ${option.unitPrice}円`,
    };
    lines.push(line, taxLine(ctx, line));
  }
  return lines;
}

/** Posts an invoice with its lines (one activity, idempotent by invoice id and line keys). */
export async function issueInvoice(
  ctx: ContractContext,
  a: { id: string; period: string; clauseId: string; lines: LedgerLine[]; immediate?: boolean },
): Promise<InvoiceResult | undefined> {
  if (a.lines.length === 0) return undefined;
  const issuedOn = ctx.today();
  const dueDate = dueDateFor(issuedOn, a.immediate);
  const totals = invoiceTotals(a.lines);
  const invoiceId = key(ctx, a.id);
  const lines = a.lines.map((l) => ({ ...l }));
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
  // NGN-19 / TNC-26: the invoice reaches the customer with taxed and 不課税 lines shown apart.
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

/** Closes month `month`: fee + tax, usage of earlier months, pending lines (credits) → invoice. */
async function closeMonth(ctx: ContractContext, month: string): Promise<void> {
  const { billingStart } = ctx.state;
  if (!billingStart) return;
  const lines = monthFeeLines(ctx, month, billingStart);
  lines.push(...(await usageLines(ctx, monthKey(startOfPrevMonth(month)), endOfMonth(`${month}-01`))));
  lines.push(...ctx.state.pendingLines);
  await issueInvoice(ctx, { id: month, period: month, clauseId: ctx.rules.feeClause, lines });
  ctx.state.pendingLines = [];
  ctx.state.billedThrough = month;
}

function startOfPrevMonth(month: string): IsoDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

/**
 * 期限の利益の喪失 (NGN-40 2項 on termination by the provider, NGN-41 on the end of the contract):
 * every open invoice falls due today. The workflow's due dates move at once; the invoice rows get
 * the new due date and keep the original (activity accelerateInvoices). Returns the open amount.
 */
export async function accelerateOpenInvoices(ctx: ContractContext, clauseId: string): Promise<Decimal> {
  const today = ctx.today();
  const moved: string[] = [];
  let open = yen(0);
  for (const inv of ctx.state.openInvoices) {
    open = open.plus(yen(inv.total).minus(yen(inv.paid)));
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
 * unbilled usage, pending lines and any extra lines (e.g. the NGN-18 fee). NGN-41: unpaid amounts
 * fall due at once, so the final invoice is due on its day of issue.
 */
export async function finalInvoice(ctx: ContractContext, end: IsoDate, extra: LedgerLine[]): Promise<void> {
  const { state, rules } = ctx;
  if (rules.unpaidDueOnEnd) await accelerateOpenInvoices(ctx, rules.cancellation.clause);
  const lines: LedgerLine[] = [];
  const { billingStart } = state;
  if (billingStart) {
    let month = state.billedThrough ? monthKey(firstOfNextMonth(`${state.billedThrough}-01`)) : monthKey(billingStart);
    while (billingStart <= end && month <= monthKey(end)) {
      lines.push(...monthFeeLines(ctx, month, billingStart, end));
      state.billedThrough = month;
      month = monthKey(firstOfNextMonth(`${month}-01`));
    }
  }
  lines.push(...(await usageLines(ctx, monthKey(end), end)));
  lines.push(...state.pendingLines, ...extra);
  await issueInvoice(ctx, { id: 'final', period: 'final', clauseId: rules.cancellation.clause, lines, immediate: rules.unpaidDueOnEnd });
  state.pendingLines = [];
}

function validatePayment(ctx: ContractContext, p: PaymentInput): void {
  const inv = ctx.state.openInvoices.find((i) => i.id === p.invoiceId);
  if (!inv) invalid('invoiceId', `invoice ${p.invoiceId} is not open on contract ${ctx.input.contractId}`);
  const amount = decimalField('amount', p.amount);
  if (!amount.gt(0)) invalid('amount', 'must be more than 0');
  if (!amount.isInteger()) invalid('amount', 'must be whole yen');
  const open = yen(inv.total).minus(yen(inv.paid));
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
  const open = yen(inv.total).minus(yen(inv.paid));
  if (open.lte(0)) state.openInvoices = state.openInvoices.filter((i) => i !== inv);
  const result: PaymentResult = { paymentId, invoiceId: inv.id, open: open.toFixed() };

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
      period: 'late-damages',
      clauseId: clause,
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
  const issued = await issueInvoice(ctx, { id: `dispatch:${ctx.state.seq}`, period: 'dispatch', clauseId, lines: [line, taxLine(ctx, line)] });
  return issued as InvoiceResult; // two non-empty lines: always issued
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
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${invoiceId}:overdue:${rules.lateInterest.clause}`,
    recipient: input.customer.email,
    ...overdueReminder({
      ...ctx.party(),
      invoiceId,
      dueDate: inv.dueDate,
      open: yen(inv.total).minus(yen(inv.paid)).toFixed(),
      annualRate: rules.lateInterest.annualRate,
      clauseId: rules.lateInterest.clause,
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
