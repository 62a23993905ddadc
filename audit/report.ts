/**
 * The audit report of one contract, built by a pure function from database rows and the
 * contract's Temporal history (all runs). No I/O, no clock: `generatedAt` comes in with the input.
 *
 * It answers what an auditor asks of a contract under a 約款:
 *  - timeline: updates accepted, timers, activities (from history) and ContractEvent rows;
 *  - deadlines: every durable timer the workflow set (labelled with the deadline it served) and the
 *    clause deadlines in the workflow's own state (NGN-17, NGN-39, NGN-41) and invoice due dates;
 *  - notices with their delivery proof (NGN-49 / TNC-5: sentAt, message id, SMTP response);
 *  - ledger lines with clause id and tax class (NGN-23: taxed lines apart from 不課税);
 *  - reconciliation: Σ lines per invoice = invoice total, invoice total − payments = open, lines on
 *    no invoice; and the ledger/invoices/payments against what the history says was posted.
 * Every inconsistency becomes an entry of `mismatches`. Amounts are decimal strings summed with
 * decimal.js; `…Text` fields show them as yen with separators.
 */
import { Decimal } from 'decimal.js';
import type { InvoiceDraft } from '../activities/types.js';
import { duplicateCharges, invoiceTotals, type InvoiceTotals } from '../rules/invoice.js';
import { parseIdempotentUpdateId } from '../model/contract.js';
import { termsRules, type ContractRules } from '../rules/contract-rules.js';
import type { TermsId } from '../rules/terms/index.js';
import { formatJst, formatYen, isDecimalString, jstDate } from './format.js';
import { historyFacts, type ActivityFact, type HistoryFacts, type RunFacts, type RunHistory, type TimerFact } from './history-facts.js';

// ---------------------------------------------------------------------------------------------
// Input rows (the Prisma rows, or plain objects of the same shape)
// ---------------------------------------------------------------------------------------------

type When = Date | string | null | undefined;

export interface ContractRow {
  id: string;
  terms: string;
  termsVersion: string;
  planId: string;
  customerId: string;
  customerName: string;
  customerKind?: string;
  status: string;
  appliedAt?: When;
  formedAt?: When;
  serviceStart?: string | null;
  billingStart?: string | null;
  endedAt?: When;
  nextDeadline?: string | null;
  nextDeadlineKind?: string | null;
}

export interface LedgerRow {
  id: number;
  idempotencyKey: string;
  clauseId: string;
  kind: string;
  taxClass: string;
  amount: string;
  period?: string | null;
  effectiveDate: string;
  description: string;
  invoiceId?: string | null;
  runId?: string;
  postedAt?: When;
}

/** An invoice row as the billing activity wrote it (activities/types InvoiceDraft) plus its run. */
export interface InvoiceRow extends Omit<InvoiceDraft, 'kind' | 'billTo' | 'issuerName' | 'recipientName' | 'taxBreakdown' | 'correctsInvoiceId' | 'carrierMessageKey'> {
  runId?: string;
  /** NGN-40 2項 / NGN-41 (期限の利益の喪失): the due date before acceleration, and the clause. */
  acceleratedFrom?: string | null;
  accelerationClauseId?: string | null;
  /** JP-INVOICE / TNC-30 columns (rows written before them have the defaults). */
  kind?: string | null;
  billTo?: string | null;
  issuerName?: string | null;
  registrationNumber?: string | null;
  recipientName?: string | null;
  taxBreakdown?: string | null;
  correctsInvoiceId?: string | null;
  carrierMessageKey?: string | null;
}

export interface PaymentRow {
  id: number;
  invoiceId: string;
  idempotencyKey: string;
  amount: string;
  method: string;
  paidOn: string;
  reference?: string | null;
}

export interface NoticeRow {
  id: number;
  idempotencyKey: string;
  kind: string;
  clauseId: string;
  channel: string;
  recipient: string;
  subject: string;
  status: string;
  attempts: number;
  createdAt?: When;
  sentAt?: When;
  messageId?: string | null;
  smtpResponse?: string | null;
  lastError?: string | null;
  escalatedAt?: When;
}

/** A message to the carrier (CarrierMessage row): TNC-30 assignments are reconciled against it. */
export interface CarrierMessageRow {
  idempotencyKey: string;
  kind: string;
  clauseId: string;
  payload: string;
  status: string;
  sentAt?: When;
  responseStatus?: number | null;
}

export interface ContractEventRow {
  id: number;
  kind: string;
  clauseId?: string | null;
  at: string;
  data: string;
  runId?: string;
}

export interface ReportInput {
  contractId: string;
  /** ISO instant the report is made; deadlines after it are pending. */
  generatedAt: string;
  contract?: ContractRow | null;
  ledger: readonly LedgerRow[];
  invoices: readonly InvoiceRow[];
  payments: readonly PaymentRow[];
  notices: readonly NoticeRow[];
  events: readonly ContractEventRow[];
  /** Carrier messages (TNC-30 receivable assignments carry the proof of each assignment); none when absent. */
  carrierMessages?: readonly CarrierMessageRow[];
  /** Every run of the workflow, in chain order; empty when Temporal no longer holds the history. */
  runs: readonly RunHistory[];
  /** Why there is no (complete) history, when that is the case. */
  historyNote?: string;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export interface Mismatch {
  code:
    | 'invoice-total-vs-lines'
    | 'invoice-breakdown'
    | 'invoice-overpaid'
    | 'line-unknown-invoice'
    | 'payment-unknown-invoice'
    | 'bad-amount'
    | 'ledger-missing-from-db'
    | 'ledger-not-in-history'
    | 'ledger-differs-from-history'
    | 'invoice-missing-from-db'
    | 'invoice-differs-from-history'
    | 'payment-missing-from-db'
    | 'payment-differs-from-history'
    | 'payment-not-in-history'
    | 'notice-undelivered'
    | 'notice-proof-missing'
    | 'notice-differs-from-history'
    | 'notice-missing-from-db'
    | 'contract-missing-from-db'
    | 'history-chain-broken'
    | 'assignment-proof-missing'
    | 'assignment-differs-from-proof'
    | 'duplicate-charge'
    | 'duplicate-request';
  message: string;
  clauseId?: string;
  invoiceId?: string;
  ledgerKey?: string;
  expected?: string;
  actual?: string;
}

export interface TimelineEntry {
  at: string;
  atText: string;
  run?: number;
  source: 'history' | 'contract-event';
  kind: string;
  title: string;
  clauseIds: string[];
  eventId?: number;
  status?: string;
}

export interface Deadline {
  source: 'timer' | 'contract' | 'invoice';
  kind: string;
  clauseIds: string[];
  /** ISO instant (timers) or JST date (clause deadlines, due dates). */
  due: string;
  dueText: string;
  setAt?: string;
  status: 'met' | 'late' | 'pending' | 'superseded' | 'open-at-close' | 'overdue' | 'renewed' | 'ended';
  metAt?: string;
  note?: string;
  run?: number;
}

export interface NoticeView {
  id: number;
  kind: string;
  clauseId: string;
  channel: string;
  recipient: string;
  subject: string;
  status: string;
  attempts: number;
  createdAt?: string;
  sentAt?: string;
  sentAtText?: string;
  messageId?: string;
  smtpResponse?: string;
  proof: 'delivered' | 'pending' | 'failed' | 'missing';
  lastError?: string;
  escalatedAt?: string;
}

export interface LedgerView {
  id: number;
  effectiveDate: string;
  period?: string;
  clauseId: string;
  kind: string;
  taxClass: string;
  taxClassLabel: string;
  amount: string;
  amountText: string;
  description: string;
  invoiceId?: string;
  idempotencyKey: string;
}

export interface InvoiceReconciliation {
  id: string;
  period: string;
  issuedOn: string;
  dueDate: string;
  /** Set when the due date was brought forward (NGN-40 2項 / NGN-41). */
  acceleration?: { from: string; clauseId: string };
  clauseId: string;
  lineCount: number;
  linesTotal: string;
  total: string;
  paid: string;
  open: string;
  linesTotalText: string;
  totalText: string;
  paidText: string;
  openText: string;
  status: 'paid' | 'open' | 'overpaid' | 'credit' | 'assigned';
  ok: boolean;
  payments: { id: number; amount: string; amountText: string; paidOn: string; method: string }[];
  /** 'carrier' (TNC-30): assigned to docomo, settled by the assignment; `assignment` is its proof. */
  billTo?: string;
  assignment?: { messageKey: string; sentAt?: string; responseStatus?: number };
  /** JP-INVOICE: the invoice a correction (修正・返還) corrects. */
  corrects?: string;
}

export interface Totals {
  ledger: string;
  invoicedLines: string;
  unbilled: string;
  invoiced: string;
  /** TNC-30: assigned to docomo (not owed to the provider by the customer). */
  assigned: string;
  paid: string;
  open: string;
  byTaxClass: Record<string, string>;
  text: Record<string, string>;
}

export interface AuditReport {
  contractId: string;
  generatedAt: string;
  contract: {
    terms?: string;
    termsVersion?: string;
    planId?: string;
    customerId?: string;
    customerName?: string;
    status?: string;
    appliedAt?: string;
    formedAt?: string;
    serviceStart?: string;
    billingStart?: string;
    endedAt?: string;
  };
  history: { runs: RunFacts[]; complete: boolean; note?: string; uninterpretedEvents: Record<string, number> };
  timeline: TimelineEntry[];
  deadlines: Deadline[];
  notices: NoticeView[];
  ledger: LedgerView[];
  ledgerByClause: { clauseId: string; taxClass: string; count: number; total: string; totalText: string }[];
  reconciliation: { invoices: InvoiceReconciliation[]; unbilledLines: LedgerView[]; totals: Totals };
  /**
   * Disclosures of the contractor's data, from the history (they survive the contract, NGN-54):
   * NGN-46 to authorities (with the notice, or why none could be sent) and NGN-48 to other carriers
   * (who asked, what kinds of data, when).
   */
  disclosures: DisclosureView[];
  mismatches: Mismatch[];
  ok: boolean;
}

export interface DisclosureView {
  clauseId: string;
  id: string;
  /** The authority (NGN-46) or the carrier (NGN-48) that asked. */
  to: string;
  /** What was disclosed: the scope (NGN-46) or the kinds of data (NGN-48); never the data. */
  what: string;
  requestedAt?: string;
  disclosedAt: string;
  recordedAt: string;
  /** NGN-46: when the contractor was told, or why no notice could be sent. */
  notice?: string;
  run: number;
}

// ---------------------------------------------------------------------------------------------

const TAX_CLASS_LABEL: Record<string, string> = {
  taxable: '課税 (taxable)',
  'consumption-tax': '消費税 (consumption tax, NGN-23)',
  'out-of-scope': '不課税 (out of scope)',
};

const CLAUSE_RE = /\b(?:NGN|TNC)-\d+(?:\.\d+)?\b/g;

const iso = (w: When): string | undefined => (w == null ? undefined : typeof w === 'string' ? w : w.toISOString());
const zero = () => new Decimal(0);

/** Builds the report. Pure: the same input gives the same report. */
export function buildAuditReport(input: ReportInput): AuditReport {
  const mismatches: Mismatch[] = [];
  const facts = historyFacts(input.runs);
  const contractInput = facts.input ?? {};
  const terms = (input.contract?.terms ?? (contractInput.terms as string | undefined)) as TermsId | undefined;
  const termsVersion = input.contract?.termsVersion ?? (contractInput.termsVersion as string | undefined);
  const rules = rulesOf(terms, termsVersion);

  const amount = (raw: string, what: string, extra: Partial<Mismatch> = {}): Decimal => {
    if (isDecimalString(raw)) return new Decimal(raw.trim());
    mismatches.push({ code: 'bad-amount', message: `${what}: amount ${JSON.stringify(raw)} is not a decimal string`, ...extra });
    return zero();
  };

  // --- history chain ---------------------------------------------------------------------------
  for (let i = 0; i + 1 < facts.runs.length; i++) {
    const a = facts.runs[i]!;
    const b = facts.runs[i + 1]!;
    if (a.continuedToRunId !== b.runId || b.continuedFromRunId !== a.runId) {
      mismatches.push({
        code: 'history-chain-broken',
        message: `run ${a.n} (${a.runId}) does not continue into run ${b.n} (${b.runId})`,
        expected: a.continuedToRunId,
        actual: b.runId,
      });
    }
  }

  // --- ledger ----------------------------------------------------------------------------------
  const ledger: LedgerView[] = [...input.ledger]
    .sort((a, b) => a.id - b.id)
    .map((l) => {
      const d = amount(l.amount, `ledger line ${l.idempotencyKey}`, { ledgerKey: l.idempotencyKey, clauseId: l.clauseId });
      return {
        id: l.id,
        effectiveDate: l.effectiveDate,
        period: l.period ?? undefined,
        clauseId: l.clauseId,
        kind: l.kind,
        taxClass: l.taxClass,
        taxClassLabel: TAX_CLASS_LABEL[l.taxClass] ?? l.taxClass,
        amount: d.toFixed(),
        amountText: formatYen(d),
        description: l.description,
        invoiceId: l.invoiceId ?? undefined,
        idempotencyKey: l.idempotencyKey,
      };
    });

  const byClause = new Map<string, { clauseId: string; taxClass: string; count: number; total: Decimal }>();
  for (const l of ledger) {
    const k = `${l.clauseId}\u0000${l.taxClass}`;
    const e = byClause.get(k) ?? { clauseId: l.clauseId, taxClass: l.taxClass, count: 0, total: zero() };
    e.count += 1;
    e.total = e.total.plus(l.amount);
    byClause.set(k, e);
  }
  const ledgerByClause = [...byClause.values()]
    .sort((a, b) => a.clauseId.localeCompare(b.clauseId, 'en', { numeric: true }) || a.taxClass.localeCompare(b.taxClass))
    .map((e) => ({ clauseId: e.clauseId, taxClass: e.taxClass, count: e.count, total: e.total.toFixed(), totalText: formatYen(e.total) }));

  // --- reconciliation: ledger vs invoices vs payments -----------------------------------------
  const invoiceIds = new Set(input.invoices.map((i) => i.id));
  for (const l of ledger) {
    if (l.invoiceId && !invoiceIds.has(l.invoiceId)) {
      mismatches.push({
        code: 'line-unknown-invoice',
        message: `ledger line ${l.idempotencyKey} (${l.clauseId}, ${l.amountText}) names invoice ${l.invoiceId}, which does not exist on this contract`,
        ledgerKey: l.idempotencyKey,
        invoiceId: l.invoiceId,
        clauseId: l.clauseId,
      });
    }
  }
  for (const p of input.payments) {
    if (!invoiceIds.has(p.invoiceId)) {
      mismatches.push({
        code: 'payment-unknown-invoice',
        message: `payment ${p.idempotencyKey} of ${safeYen(p.amount)} names invoice ${p.invoiceId}, which does not exist on this contract`,
        invoiceId: p.invoiceId,
      });
    }
  }

  const invoiceRecs: InvoiceReconciliation[] = [...input.invoices]
    .sort((a, b) => a.issuedOn.localeCompare(b.issuedOn) || a.id.localeCompare(b.id))
    .map((inv) => {
      const lines = ledger.filter((l) => l.invoiceId === inv.id);
      const linesTotal = lines.reduce((s, l) => s.plus(l.amount), zero());
      const total = amount(inv.total, `invoice ${inv.id} total`, { invoiceId: inv.id });
      const pays = input.payments.filter((p) => p.invoiceId === inv.id);
      const paid = pays.reduce((s, p) => s.plus(amount(p.amount, `payment ${p.idempotencyKey}`, { invoiceId: inv.id })), zero());
      // TNC-30: a receivable assigned to docomo is settled by the assignment (its proof is checked below).
      const assigned = inv.billTo === 'carrier';
      const open = assigned ? zero() : total.minus(paid);
      let ok = true;
      let assignment: InvoiceReconciliation['assignment'];
      if (assigned) {
        const msg = inv.carrierMessageKey ? input.carrierMessages?.find((m) => m.idempotencyKey === inv.carrierMessageKey) : undefined;
        let payloadTotal: string | undefined;
        try {
          payloadTotal = msg ? String((JSON.parse(msg.payload) as { total?: unknown }).total) : undefined;
        } catch {
          payloadTotal = undefined;
        }
        if (!msg || msg.status !== 'sent' || !msg.sentAt) {
          ok = false;
          mismatches.push({
            code: 'assignment-proof-missing',
            message: `invoice ${inv.id}: assigned to docomo (TNC-30) but ${msg ? `its carrier message ${msg.idempotencyKey} is ${msg.status}` : `no carrier message ${inv.carrierMessageKey ?? '(none named)'} exists`}: no proof the receivable reached docomo`,
            invoiceId: inv.id,
            clauseId: inv.clauseId,
          });
        } else if (payloadTotal !== inv.total) {
          ok = false;
          mismatches.push({
            code: 'assignment-differs-from-proof',
            message: `invoice ${inv.id}: assigned ${safeYen(inv.total)} but carrier message ${msg.idempotencyKey} carried ${payloadTotal === undefined ? 'no total' : safeYen(payloadTotal)}`,
            invoiceId: inv.id,
            clauseId: inv.clauseId,
            expected: inv.total,
            actual: payloadTotal,
          });
        }
        if (msg) assignment = { messageKey: msg.idempotencyKey, sentAt: msg.sentAt ? new Date(msg.sentAt as string | number | Date).toISOString() : undefined, responseStatus: msg.responseStatus ?? undefined };
      }
      if (!linesTotal.eq(total)) {
        ok = false;
        mismatches.push({
          code: 'invoice-total-vs-lines',
          message: `invoice ${inv.id}: total ${formatYen(total)} but its ${lines.length} ledger lines sum to ${formatYen(linesTotal)} (difference ${formatYen(total.minus(linesTotal))})`,
          invoiceId: inv.id,
          clauseId: inv.clauseId,
          expected: linesTotal.toFixed(),
          actual: total.toFixed(),
        });
      }
      // The breakdown by class (taxed lines apart from 不課税, NGN-23) must be the lines' own.
      const recomputed = invoiceTotals(lines.map((l) => ({ kind: l.kind, taxClass: l.taxClass as never, amount: l.amount })));
      for (const field of ['taxableTotal', 'taxTotal', 'outOfScopeTotal', 'creditTotal'] as const satisfies readonly (keyof InvoiceTotals)[]) {
        const stated = isDecimalString(inv[field]) ? new Decimal(inv[field]) : undefined;
        if (!stated || !stated.eq(recomputed[field])) {
          ok = false;
          mismatches.push({
            code: 'invoice-breakdown',
            message: `invoice ${inv.id}: ${field} is ${stated ? formatYen(stated) : JSON.stringify(inv[field])} but its lines give ${formatYen(recomputed[field])}`,
            invoiceId: inv.id,
            clauseId: inv.clauseId,
            expected: recomputed[field],
            actual: inv[field],
          });
        }
      }
      // A 返還 correction has a negative total and takes no payment; only money paid over the total is overpaid.
      if (paid.gt(0) && paid.gt(total)) {
        ok = false;
        mismatches.push({
          code: 'invoice-overpaid',
          message: `invoice ${inv.id}: payments ${formatYen(paid)} exceed its total ${formatYen(total)} by ${formatYen(open.neg())}`,
          invoiceId: inv.id,
          expected: total.toFixed(),
          actual: paid.toFixed(),
        });
      }
      return {
        id: inv.id,
        period: inv.period,
        issuedOn: inv.issuedOn,
        dueDate: inv.dueDate,
        ...(inv.acceleratedFrom ? { acceleration: { from: inv.acceleratedFrom, clauseId: inv.accelerationClauseId ?? '' } } : {}),
        clauseId: inv.clauseId,
        lineCount: lines.length,
        linesTotal: linesTotal.toFixed(),
        total: total.toFixed(),
        paid: paid.toFixed(),
        open: open.toFixed(),
        linesTotalText: formatYen(linesTotal),
        totalText: formatYen(total),
        paidText: formatYen(paid),
        openText: formatYen(open),
        status: assigned ? 'assigned' : paid.gt(0) && paid.gt(total) ? 'overpaid' : total.isNegative() ? 'credit' : open.isZero() ? 'paid' : 'open',
        ok,
        payments: pays.map((p) => ({ id: p.id, amount: p.amount, amountText: safeYen(p.amount), paidOn: p.paidOn, method: p.method })),
        ...(assigned ? { billTo: 'carrier', ...(assignment ? { assignment } : {}) } : {}),
        ...(inv.correctsInvoiceId ? { corrects: inv.correctsInvoiceId } : {}),
      };
    });

  const unbilledLines = ledger.filter((l) => !l.invoiceId);
  const sum = (xs: readonly { amount: string }[]) => xs.reduce((s, x) => s.plus(isDecimalString(x.amount) ? x.amount : 0), zero());
  const byTaxClass: Record<string, string> = {};
  for (const l of ledger) byTaxClass[l.taxClass] = new Decimal(byTaxClass[l.taxClass] ?? 0).plus(l.amount).toFixed();
  const totalsRaw = {
    ledger: sum(ledger),
    invoicedLines: sum(ledger.filter((l) => l.invoiceId)),
    unbilled: sum(unbilledLines),
    invoiced: invoiceRecs.reduce((s, i) => s.plus(i.total), zero()),
    assigned: invoiceRecs.filter((i) => i.status === 'assigned').reduce((s, i) => s.plus(i.total), zero()),
    paid: sum(input.payments),
    open: invoiceRecs.reduce((s, i) => s.plus(i.open), zero()),
  };
  const totals: Totals = {
    ...(Object.fromEntries(Object.entries(totalsRaw).map(([k, v]) => [k, v.toFixed()])) as Omit<Totals, 'byTaxClass' | 'text'>),
    byTaxClass,
    text: Object.fromEntries(Object.entries(totalsRaw).map(([k, v]) => [k, formatYen(v)])),
  };

  // --- notices ---------------------------------------------------------------------------------
  const notices: NoticeView[] = [...input.notices]
    .sort((a, b) => a.id - b.id)
    .map((n) => {
      const sentAt = iso(n.sentAt);
      const delivered = n.status === 'sent' && !!sentAt && !!n.messageId && !!n.smtpResponse;
      const proof: NoticeView['proof'] =
        n.status === 'failed' || n.escalatedAt ? 'failed' : n.status === 'sent' ? (delivered ? 'delivered' : 'missing') : 'pending';
      if (proof === 'failed') {
        mismatches.push({
          code: 'notice-undelivered',
          message: `notice ${n.kind} (${n.clauseId}) to ${n.recipient} was not delivered${n.lastError ? `: ${n.lastError}` : ''}${n.escalatedAt ? `; escalated ${formatJst(iso(n.escalatedAt))}` : ''}`,
          clauseId: n.clauseId,
        });
      } else if (proof === 'missing') {
        mismatches.push({
          code: 'notice-proof-missing',
          message: `notice ${n.kind} (${n.clauseId}) is marked sent but lacks ${[!sentAt && 'sentAt', !n.messageId && 'messageId', !n.smtpResponse && 'SMTP response'].filter(Boolean).join(', ')}`,
          clauseId: n.clauseId,
        });
      }
      return {
        id: n.id,
        kind: n.kind,
        clauseId: n.clauseId,
        channel: n.channel,
        recipient: n.recipient,
        subject: n.subject,
        status: n.status,
        attempts: n.attempts,
        createdAt: iso(n.createdAt),
        sentAt,
        sentAtText: sentAt ? formatJst(sentAt) : undefined,
        messageId: n.messageId ?? undefined,
        smtpResponse: n.smtpResponse ?? undefined,
        proof,
        lastError: n.lastError ?? undefined,
        escalatedAt: iso(n.escalatedAt),
      };
    });

  // --- two charges from one client request -------------------------------------------------------
  for (const d of duplicateCharges(input.ledger)) {
    mismatches.push({
      code: 'duplicate-charge',
      message:
        `${d.clauseId} ${d.kind} of ${safeYen(d.amount)} on ${d.effectiveDate} (${JSON.stringify(d.description)}) is charged ${d.idempotencyKeys.length} times ` +
        `(invoices ${d.invoiceIds.join(', ')}): two charges from one client request?`,
      clauseId: d.clauseId,
      invoiceId: d.invoiceIds[0],
      ledgerKey: d.idempotencyKeys[1],
    });
  }
  for (const dup of repeatedRequests(facts)) mismatches.push(dup);

  // --- database against history ---------------------------------------------------------------
  if (input.runs.length > 0) crossCheck(facts, input, mismatches);

  // --- timeline and deadlines -------------------------------------------------------------------
  const timeline = buildTimeline(facts, input.events, rules, terms);
  const deadlines = buildDeadlines(facts, rules, input, invoiceRecs);

  const c = input.contract;
  const saved = savedProjection(facts);
  return {
    contractId: input.contractId,
    generatedAt: input.generatedAt,
    contract: {
      terms,
      termsVersion,
      planId: c?.planId ?? (contractInput.planId as string | undefined),
      customerId: c?.customerId ?? (contractInput.customer as { id?: string } | undefined)?.id,
      customerName: c?.customerName ?? (contractInput.customer as { name?: string } | undefined)?.name,
      status: c?.status ?? saved?.status ?? (facts.states.at(-1)?.state.status as string | undefined),
      appliedAt: iso(c?.appliedAt) ?? (contractInput.appliedAt as string | undefined),
      formedAt: iso(c?.formedAt) ?? saved?.formedAt,
      serviceStart: c?.serviceStart ?? saved?.serviceStart,
      billingStart: c?.billingStart ?? saved?.billingStart,
      endedAt: iso(c?.endedAt) ?? saved?.endedAt,
    },
    history: {
      runs: facts.runs,
      complete: input.runs.length > 0 && !input.historyNote && !facts.runs[0]?.continuedFromRunId,
      note: input.historyNote ?? (input.runs.length === 0 ? 'no Temporal history available' : undefined),
      uninterpretedEvents: facts.other,
    },
    timeline,
    deadlines,
    notices,
    ledger,
    ledgerByClause,
    reconciliation: { invoices: invoiceRecs, unbilledLines, totals },
    disclosures: disclosuresOf(facts),
    mismatches,
    ok: mismatches.length === 0,
  };
}

/** NGN-46 / NGN-48 records from the completed updates that made them (the update result is the record). */
function disclosuresOf(facts: HistoryFacts): DisclosureView[] {
  const out: DisclosureView[] = [];
  for (const u of facts.updates) {
    if (u.outcome !== 'completed' || !u.result || typeof u.result !== 'object') continue;
    const r = u.result as Record<string, unknown>;
    const s = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
    if (u.name === 'recordDisclosure') {
      out.push({
        clauseId: 'NGN-46',
        id: s('id') ?? '',
        to: s('authority') ?? '',
        what: `${s('scope') ?? ''}（${s('legalBasis') ?? ''}）`,
        disclosedAt: s('disclosureAt') ?? '',
        recordedAt: u.completedAt ?? u.at,
        notice: s('noticeSentAt') ? `sent ${s('noticeSentAt')}${r.prior ? ' (before the disclosure)' : ` (after it: ${s('whyNotPrior') ?? ''})`}` : (s('noticeImpossible') ?? 'not delivered'),
        run: u.run,
      });
    } else if (u.name === 'recordCarrierDisclosure') {
      out.push({
        clauseId: s('clauseId') ?? 'NGN-48',
        id: s('id') ?? '',
        to: s('carrier') ?? '',
        what: Array.isArray(r.items) ? (r.items as string[]).join(', ') : '',
        requestedAt: s('requestedAt'),
        disclosedAt: s('disclosedAt') ?? '',
        recordedAt: u.completedAt ?? u.at,
        run: u.run,
      });
    }
  }
  return out;
}

function safeYen(s: string): string {
  return isDecimalString(s) ? formatYen(s) : JSON.stringify(s);
}

function rulesOf(terms: string | undefined, version: string | undefined): ContractRules | undefined {
  if (terms !== 'NGN' && terms !== 'TNC') return undefined;
  try {
    return termsRules(terms, version);
  } catch {
    return termsRules(terms);
  }
}

// ---------------------------------------------------------------------------------------------
// History vs database: what the workflow asked activities to write, against what is stored.
// ---------------------------------------------------------------------------------------------

interface PostedLine {
  idempotencyKey: string;
  clauseId: string;
  amount: string;
  taxClass: string;
  invoiceId?: string;
  completed: boolean;
}

/** Commands that charge at a client's request: one request must carry out one of them once. */
const CHARGE_UPDATES = new Set(['chargeSurcharge', 'chargeDispatch', 'reportUsage']);

/**
 * Charge commands the history shows carried out more than once for one client request: the same
 * Idempotency-Key (update ids `idem:<hash>:<key>`, e.g. in two runs), or — for commands sent without
 * a key before keys existed — the same command with the same arguments on the same day.
 */
function repeatedRequests(facts: HistoryFacts): Mismatch[] {
  const groups = new Map<string, typeof facts.updates>();
  for (const u of facts.updates) {
    if (!CHARGE_UPDATES.has(u.name) || u.outcome !== 'completed') continue;
    const key = u.updateId ? parseIdempotentUpdateId(u.updateId)?.key : undefined;
    const id = key ? `key ${key}` : `${u.name} ${JSON.stringify(u.args)} on ${jstDate(u.at)}`;
    groups.set(id, [...(groups.get(id) ?? []), u]);
  }
  const out: Mismatch[] = [];
  for (const [id, us] of groups) {
    if (us.length < 2) continue;
    const invoices = us.map((u) => (u.result as { invoiceId?: string } | undefined)?.invoiceId).filter(Boolean);
    out.push({
      code: 'duplicate-request',
      message:
        `${us[0]!.name} was carried out ${us.length} times for one client request (${id.length > 200 ? `${id.slice(0, 200)}…` : id}; ` +
        `update ids ${us.map((u) => u.updateId ?? '?').join(', ')}${invoices.length ? `; invoices ${invoices.join(', ')}` : ''})`,
      invoiceId: invoices[1] as string | undefined,
    });
  }
  return out;
}

function crossCheck(facts: HistoryFacts, input: ReportInput, mismatches: Mismatch[]) {
  const posted = new Map<string, PostedLine>();
  const invoices = new Map<string, { total: string; completed: boolean }>();
  const payments = new Map<string, { amount: string; invoiceId: string; completed: boolean }>();
  const notices: { noticeId: number; messageId?: string; sentAt?: string; kind?: string; clauseId?: string }[] = [];
  let saved = false;
  for (const a of facts.activities) {
    const arg = (a.input[0] ?? {}) as Record<string, unknown>;
    const completed = a.status === 'completed';
    if (a.status === 'failed' || a.status === 'timed-out' || a.status === 'cancelled') continue;
    if (a.type === 'postLedgerLines' || a.type === 'issueInvoice') {
      const invoice = arg.invoice as { id?: string; total?: string } | undefined;
      if (invoice?.id) invoices.set(invoice.id, { total: String(invoice.total), completed });
      for (const l of (arg.lines as Record<string, unknown>[] | undefined) ?? []) {
        const key = String(l.idempotencyKey);
        posted.set(key, {
          idempotencyKey: key,
          clauseId: String(l.clauseId),
          amount: String(l.amount),
          taxClass: String(l.taxClass),
          invoiceId: invoice?.id,
          completed,
        });
      }
    } else if (a.type === 'recordPayment' && arg.idempotencyKey) {
      payments.set(String(arg.idempotencyKey), { amount: String(arg.amount), invoiceId: String(arg.invoiceId), completed });
    } else if (a.type === 'sendNotice' && completed) {
      const r = (a.result ?? {}) as { noticeId?: number; messageId?: string; sentAt?: string; delivered?: boolean };
      if (typeof r.noticeId === 'number' && r.delivered !== false) {
        notices.push({ noticeId: r.noticeId, messageId: r.messageId, sentAt: r.sentAt, kind: arg.kind as string, clauseId: arg.clauseId as string });
      }
    } else if (a.type === 'saveContract' && completed) {
      saved = true;
    }
  }

  const rows = new Map(input.ledger.map((l) => [l.idempotencyKey, l]));
  for (const p of posted.values()) {
    const row = rows.get(p.idempotencyKey);
    if (!row) {
      if (p.completed) {
        mismatches.push({
          code: 'ledger-missing-from-db',
          message: `history posted ledger line ${p.idempotencyKey} (${p.clauseId}, ${safeYen(p.amount)}) but the ledger has no such row`,
          ledgerKey: p.idempotencyKey,
          clauseId: p.clauseId,
          expected: p.amount,
        });
      }
      continue;
    }
    const diffs: string[] = [];
    if (!sameAmount(row.amount, p.amount)) diffs.push(`amount ${safeYen(row.amount)} ≠ ${safeYen(p.amount)}`);
    if (row.clauseId !== p.clauseId) diffs.push(`clause ${row.clauseId} ≠ ${p.clauseId}`);
    if (row.taxClass !== p.taxClass) diffs.push(`tax class ${row.taxClass} ≠ ${p.taxClass}`);
    if (p.invoiceId && (row.invoiceId ?? undefined) !== p.invoiceId) diffs.push(`invoice ${row.invoiceId ?? 'none'} ≠ ${p.invoiceId}`);
    if (diffs.length) {
      mismatches.push({
        code: 'ledger-differs-from-history',
        message: `ledger line ${p.idempotencyKey} differs from what the workflow posted: ${diffs.join('; ')}`,
        ledgerKey: p.idempotencyKey,
        clauseId: p.clauseId,
        expected: p.amount,
        actual: row.amount,
      });
    }
  }
  // Rows the history does not explain (only meaningful when the history is complete).
  if (!facts.runs[0]?.continuedFromRunId && !input.historyNote) {
    for (const row of input.ledger) {
      if (!posted.has(row.idempotencyKey)) {
        mismatches.push({
          code: 'ledger-not-in-history',
          message: `ledger line ${row.idempotencyKey} (${row.clauseId}, ${safeYen(row.amount)}) was not posted by any activity in the contract's history`,
          ledgerKey: row.idempotencyKey,
          clauseId: row.clauseId,
          actual: row.amount,
        });
      }
    }
  }

  const invRows = new Map(input.invoices.map((i) => [i.id, i]));
  for (const [id, h] of invoices) {
    const row = invRows.get(id);
    if (!row) {
      if (h.completed) mismatches.push({ code: 'invoice-missing-from-db', message: `history issued invoice ${id} (${safeYen(h.total)}) but there is no such invoice row`, invoiceId: id, expected: h.total });
    } else if (!sameAmount(row.total, h.total)) {
      mismatches.push({
        code: 'invoice-differs-from-history',
        message: `invoice ${id}: stored total ${safeYen(row.total)} but the workflow issued ${safeYen(h.total)}`,
        invoiceId: id,
        expected: h.total,
        actual: row.total,
      });
    }
  }

  const payRows = new Map(input.payments.map((p) => [p.idempotencyKey, p]));
  for (const [key, h] of payments) {
    const row = payRows.get(key);
    if (!row) {
      if (h.completed) mismatches.push({ code: 'payment-missing-from-db', message: `history recorded payment ${key} (${safeYen(h.amount)}) but there is no such payment row`, invoiceId: h.invoiceId, expected: h.amount });
    } else if (!sameAmount(row.amount, h.amount) || row.invoiceId !== h.invoiceId) {
      mismatches.push({
        code: 'payment-differs-from-history',
        message: `payment ${key}: stored ${safeYen(row.amount)} on ${row.invoiceId} but the workflow recorded ${safeYen(h.amount)} on ${h.invoiceId}`,
        invoiceId: h.invoiceId,
        expected: h.amount,
        actual: row.amount,
      });
    }
  }

  if (!facts.runs[0]?.continuedFromRunId && !input.historyNote) {
    for (const row of input.payments) {
      if (!payments.has(row.idempotencyKey)) {
        mismatches.push({
          code: 'payment-not-in-history',
          message: `payment ${row.idempotencyKey} (${safeYen(row.amount)} on ${row.invoiceId}) was not recorded through the contract workflow, so its open invoices do not know it`,
          invoiceId: row.invoiceId,
          actual: row.amount,
        });
      }
    }
  }

  if (saved && !input.contract) {
    mismatches.push({ code: 'contract-missing-from-db', message: `the workflow saved contract ${input.contractId} but the database has no contract row` });
  }
  const noticeRows = new Map(input.notices.map((n) => [n.id, n]));
  for (const n of notices) {
    const row = noticeRows.get(n.noticeId);
    if (!row) {
      mismatches.push({
        code: 'notice-missing-from-db',
        message: `history delivered notice ${n.kind ?? ''} (${n.clauseId ?? ''}) as outbox row ${n.noticeId}, ${n.messageId ?? ''}, but the outbox has no such row`,
        clauseId: n.clauseId,
        expected: n.messageId,
      });
      continue;
    }
    if (row && n.messageId && row.messageId && row.messageId !== n.messageId) {
      mismatches.push({
        code: 'notice-differs-from-history',
        message: `notice ${row.kind} (${row.clauseId}): stored message id ${row.messageId} but the delivery in history returned ${n.messageId}`,
        clauseId: row.clauseId,
        expected: n.messageId,
        actual: row.messageId,
      });
    }
  }
}

function sameAmount(a: string, b: string): boolean {
  return isDecimalString(a) && isDecimalString(b) ? new Decimal(a).eq(b) : a === b;
}

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

/** Clause ids that appear as `clauseId` values anywhere inside a payload (depth-limited). */
function clauseIdsIn(v: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 4 || v == null) return out;
  if (Array.isArray(v)) {
    for (const x of v) clauseIdsIn(x, out, depth + 1);
  } else if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'clauseId' && typeof x === 'string') out.add(x);
      else if (typeof x === 'object') clauseIdsIn(x, out, depth + 1);
    }
  }
  return out;
}

function updateClauses(name: string, args: unknown[], result: unknown, rules: ContractRules | undefined, terms: string | undefined): string[] {
  const s = new Set<string>();
  if (rules) {
    switch (name) {
      case 'acceptApplication':
        s.add(rules.formationClause);
        break;
      case 'rejectApplication':
        s.add(rules.rejectionClause);
        break;
      case 'requestCancellation': {
        s.add(rules.cancellation.clause);
        const c = (result as { cancellation?: { insideMinimumTerm?: boolean } } | undefined)?.cancellation;
        if (c?.insideMinimumTerm && rules.earlyTerminationFee) s.add('NGN-18');
        break;
      }
      case 'giveNonRenewalNotice':
        if (rules.renewal) s.add(rules.renewal.clause);
        break;
      case 'recordPayment':
        s.add(terms === 'TNC' ? 'TNC-27' : 'NGN-19');
        if ((result as { lateDamages?: { clauseId?: string } } | undefined)?.lateDamages?.clauseId) {
          s.add(String((result as { lateDamages: { clauseId: string } }).lateDamages.clauseId));
        }
        break;
      case 'reportUsage':
        s.add(rules.feeClause);
        break;
      case 'chargeSurcharge':
        s.add('NGN-20');
        break;
      case 'chargeDispatch':
        s.add('NGN-29');
        break;
    }
  }
  for (const c of clauseIdsIn(args)) s.add(c);
  return [...s];
}

function activityTitle(a: ActivityFact): string {
  const arg = (a.input[0] ?? {}) as Record<string, any>;
  const res = (a.result ?? {}) as Record<string, any>;
  switch (a.type) {
    case 'saveContract':
      return `contract row saved: status ${arg.status}${arg.nextDeadlineKind ? `, next deadline ${arg.nextDeadlineKind} at ${formatJst(arg.nextDeadline)}` : ''}`;
    case 'sendNotice':
      return `notice ${arg.kind} to ${arg.recipient}: 「${arg.subject}」${res.sentAt ? ` — sent ${formatJst(res.sentAt)}, ${res.messageId ?? ''} (${res.response ?? ''})` : ''}`;
    case 'issueInvoice': {
      const inv = arg.invoice ?? {};
      return `invoice ${inv.id} issued ${inv.issuedOn}, due ${inv.dueDate}: ${safeYen(String(inv.total))} in ${(arg.lines ?? []).length} lines`;
    }
    case 'postLedgerLines': {
      const lines = (arg.lines ?? []) as { amount: string }[];
      return `${lines.length} ledger lines posted: ${formatYen(lines.reduce((s, l) => s.plus(isDecimalString(l.amount) ? l.amount : 0), zero()))}`;
    }
    case 'recordPayment':
      return `payment ${safeYen(String(arg.amount))} on ${arg.invoiceId} (${arg.method}, paid ${arg.paidOn})`;
    case 'collectUnbilledUsage':
      return `unbilled usage through ${a.input[1]}: ${Array.isArray(a.result) ? a.result.length : '?'} record(s)`;
    case 'loadCalendar':
      return `business calendar ${a.input[0]}–${a.input[1]} loaded`;
    case 'recordFormation':
      return `formation recorded in the database${res.formedAt ? ` at ${formatJst(res.formedAt)}` : ''}`;
    default:
      return `activity ${a.type}`;
  }
}

function activityClauses(a: ActivityFact): string[] {
  return [...clauseIdsIn(a.input[0])];
}

function shortArgs(args: unknown[]): string {
  const s = args.map((x) => JSON.stringify(x)).join(', ');
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

function buildTimeline(
  facts: HistoryFacts,
  events: readonly ContractEventRow[],
  rules: ContractRules | undefined,
  terms: string | undefined,
): TimelineEntry[] {
  const out: (TimelineEntry & { order: number })[] = [];
  const push = (e: Omit<TimelineEntry, 'atText'>, order: number) => out.push({ ...e, atText: formatJst(e.at), order });
  const order = (run: number | undefined, eventId: number | undefined) => (run ?? 0) * 1e7 + (eventId ?? 0);

  for (const l of facts.lifecycle) {
    const titles: Record<string, string> = {
      started: l.run === 1 ? `workflow ${String(l.detail.workflowType)} started (run 1)` : `run ${l.run} started (continued as new)`,
      'continued-as-new': `continued as new into run ${l.run + 1}`,
      completed: 'workflow completed',
      failed: `workflow failed: ${String(l.detail.failure ?? '')}`,
      terminated: `workflow terminated: ${String(l.detail.reason ?? '')}`,
      'timed-out': 'workflow timed out',
      canceled: 'workflow cancelled',
      signaled: `signal ${String(l.detail.signal)}`,
    };
    push({ at: l.at, run: l.run, source: 'history', kind: `workflow-${l.kind}`, title: titles[l.kind] ?? l.kind, clauseIds: [], eventId: l.eventId }, order(l.run, l.eventId));
  }
  for (const u of facts.updates) {
    const outcome = u.outcome === 'completed' ? 'completed' : u.outcome === 'failed' ? `failed: ${u.failure ?? ''}` : 'in progress';
    push(
      {
        at: u.at,
        run: u.run,
        source: 'history',
        kind: 'update',
        title: `update ${u.name}(${shortArgs(u.args)}) accepted → ${outcome}`,
        clauseIds: updateClauses(u.name, u.args, u.result, rules, terms),
        eventId: u.eventId,
        status: u.outcome,
      },
      order(u.run, u.eventId),
    );
  }
  for (const t of facts.timers) {
    push(
      {
        at: t.setAt,
        run: t.run,
        source: 'history',
        kind: 'timer-set',
        title: `timer ${t.timerId} set for ${formatJst(t.dueAt)}`,
        clauseIds: [],
        eventId: t.eventId,
        status: t.status,
      },
      order(t.run, t.eventId),
    );
    if (t.firedAt) {
      push({ at: t.firedAt, run: t.run, source: 'history', kind: 'timer-fired', title: `timer ${t.timerId} fired (due ${formatJst(t.dueAt)})`, clauseIds: [], eventId: t.eventId }, order(t.run, t.eventId) + 0.5);
    }
    if (t.cancelledAt) {
      push({ at: t.cancelledAt, run: t.run, source: 'history', kind: 'timer-cancelled', title: `timer ${t.timerId} cancelled (the deadline moved)`, clauseIds: [], eventId: t.eventId }, order(t.run, t.eventId) + 0.5);
    }
  }
  for (const a of facts.activities) {
    const status = a.status === 'completed' ? '' : ` — ${a.status}${a.failure ? `: ${a.failure}` : ''}`;
    const attempts = a.attempt && a.attempt > 1 ? ` (attempt ${a.attempt})` : '';
    push(
      {
        at: a.closedAt ?? a.scheduledAt,
        run: a.run,
        source: 'history',
        kind: `activity:${a.type}`,
        title: `${activityTitle(a)}${attempts}${status}`,
        clauseIds: activityClauses(a),
        eventId: a.eventId,
        status: a.status,
      },
      order(a.run, a.eventId),
    );
  }
  for (const e of events) {
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      data = e.data;
    }
    const ids = new Set<string>(e.clauseId ? [e.clauseId] : []);
    for (const c of clauseIdsIn(data)) ids.add(c);
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    push(
      { at: e.at, source: 'contract-event', kind: `event:${e.kind}`, title: `${e.kind}${text && text !== '{}' ? `: ${text.length > 160 ? `${text.slice(0, 157)}…` : text}` : ''}`, clauseIds: [...ids] },
      Number.MAX_SAFE_INTEGER - 1e6 + e.id,
    );
  }
  out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order);
  return out.map(({ order: _o, ...e }) => e);
}

// ---------------------------------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------------------------------

function deadlineClauses(label: string, rules: ContractRules | undefined, endReason: string | undefined): string[] {
  const s = new Set<string>(label.match(CLAUSE_RE) ?? []);
  if (!rules) return [...s];
  for (const kind of label.split(' + ')) {
    const base = kind.split(':')[0];
    if (base === 'month-close') s.add(rules.feeClause);
    if (base === 'invoice-overdue') s.add(rules.lateInterest.clause);
    if (base === 'renewal' && rules.renewal) s.add(rules.renewal.clause);
    if (base === 'contract-end') s.add(endReason === 'non-renewal' && rules.renewal ? rules.renewal.clause : rules.cancellation.clause);
  }
  return [...s];
}

/**
 * The deadline kinds a timer served; one timer can serve several. Those the workflow reported
 * (saveContract) for the instant the timer was due, and the NGN-21 / TNC-29 overdue deadlines it
 * handled when the timer fired: an overdue reminder (key `<invoice>:overdue:<clause>`) sent by the
 * task that timer woke (after its TimerFired, before the run's next timer event). The workflow
 * reports one next deadline per save, and since `save-once-per-due-burst-v1` it saves once per
 * instant, so an overdue deadline due with a month close shows only through its reminder.
 */
function timerLabel(t: TimerFact, projections: { at: number; kind: string }[], facts: HistoryFacts): string | undefined {
  const due = Date.parse(t.dueAt);
  const kinds = new Set(projections.filter((p) => Math.abs(p.at - due) <= 2000).map((p) => p.kind));
  if (t.firedEventId !== undefined) {
    const fired = t.firedEventId;
    const nextTimerEvent = Math.min(
      ...facts.timers.filter((o) => o.run === t.run).flatMap((o) => [o.eventId, o.firedEventId ?? Infinity]).filter((id) => id > fired),
    );
    for (const a of facts.activities) {
      if (a.run !== t.run || a.type !== 'sendNotice' || a.eventId <= fired || a.eventId >= nextTimerEvent) continue;
      const key = (a.input[0] as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
      const invoiceId = typeof key === 'string' ? /^(.+):overdue:[^:]+$/.exec(key)?.[1] : undefined;
      if (invoiceId) kinds.add(`invoice-overdue:${invoiceId}`);
    }
  }
  return kinds.size ? [...kinds].join(' + ') : undefined;
}

/** The last contract projection the workflow saved (saveContract input), if any. */
function savedProjection(facts: HistoryFacts): { status?: string; formedAt?: string; serviceStart?: string; billingStart?: string; endedAt?: string } | undefined {
  return facts.activities.filter((a) => a.type === 'saveContract' && a.status === 'completed').at(-1)?.input[0] as
    | { status?: string }
    | undefined;
}

function buildDeadlines(facts: HistoryFacts, rules: ContractRules | undefined, input: ReportInput, invoices: InvoiceReconciliation[]): Deadline[] {
  const out: Deadline[] = [];
  const now = input.generatedAt;
  const today = jstDate(now);
  const last = facts.states.at(-1)?.state as Record<string, any> | undefined;
  const endReason = last?.endReason as string | undefined;

  // Timers, labelled with the deadline the workflow reported when it set them (saveContract).
  const projections = facts.activities
    .filter((a) => a.type === 'saveContract')
    .map((a) => a.input[0] as { nextDeadline?: string; nextDeadlineKind?: string } | undefined)
    .filter((p): p is { nextDeadline: string; nextDeadlineKind: string } => !!p?.nextDeadline && !!p.nextDeadlineKind)
    .map((p) => ({ at: Date.parse(p.nextDeadline), kind: p.nextDeadlineKind }));
  for (const t of facts.timers) {
    const kind = timerLabel(t, projections, facts) ?? 'timer';
    out.push({
      source: 'timer',
      kind,
      clauseIds: deadlineClauses(kind, rules, endReason),
      due: t.dueAt,
      dueText: formatJst(t.dueAt),
      setAt: t.setAt,
      status: t.status === 'fired' ? 'met' : t.status === 'cancelled' ? 'superseded' : t.status === 'open-at-close' ? 'open-at-close' : 'pending',
      metAt: t.firedAt,
      note: t.status === 'cancelled' ? 'cancelled before it fired: what it waited for came first, or a command moved the deadline' : undefined,
      run: t.run,
    });
  }

  // Clause deadlines from the workflow's own state.
  const states = facts.states.map((s) => s.state as Record<string, any>);
  // The latest status the workflow wrote (saveContract) is newer than the last update result when
  // the contract ended on a timer and the workflow stayed open (e.g. waiting for an NGN-43 certificate).
  const status = savedProjection(facts)?.status ?? (last?.status as string | undefined);
  const ended = status === 'ended' || status === 'rejected';
  const endDate = last?.endDate as string | undefined;
  const endedBefore = (date: string) => ended && !!endDate && endDate < date;
  const minimum = states.map((s) => s.minimumTerm).find((m) => m?.end) as { start: string; end: string } | undefined;
  if (minimum) {
    const early = endedBefore(minimum.end);
    out.push({
      source: 'contract',
      kind: 'minimum-term-end',
      clauseIds: early && rules?.earlyTerminationFee ? ['NGN-17', 'NGN-18'] : ['NGN-17'],
      due: minimum.end,
      dueText: minimum.end,
      status: early ? 'ended' : today > minimum.end ? 'met' : 'pending',
      note: `minimum term ${minimum.start} … ${minimum.end}${early ? `; the contract ended on ${endDate}, inside it` : ''}`,
    });
  }
  const periods = new Map<string, { start: string; end: string; renewals: number }>();
  for (const s of states) if (s.period?.end) periods.set(s.period.end, s.period);
  const periodList = [...periods.values()].sort((a, b) => a.end.localeCompare(b.end));
  periodList.forEach((p, i) => {
    const renewed = i + 1 < periodList.length;
    out.push({
      source: 'contract',
      kind: 'period-end',
      clauseIds: rules?.renewal ? [rules.renewal.clause] : ['NGN-39'],
      due: p.end,
      dueText: p.end,
      status: renewed ? 'renewed' : ended ? 'ended' : today > p.end ? 'met' : 'pending',
      note: `contract period ${p.start} … ${p.end} (renewals so far: ${p.renewals})${ended && endDate && endDate !== p.end ? `; the contract ended on ${endDate}` : ''}`,
    });
  });
  const nonRenewal = states.map((s) => s.nonRenewal).filter(Boolean).at(-1) as { receivedOn: string; deadline: string } | undefined;
  if (nonRenewal) {
    out.push({
      source: 'contract',
      kind: 'non-renewal-notice',
      clauseIds: ['NGN-39'],
      due: nonRenewal.deadline,
      dueText: nonRenewal.deadline,
      status: nonRenewal.receivedOn <= nonRenewal.deadline ? 'met' : 'late',
      metAt: nonRenewal.receivedOn,
      note: `written notice received ${nonRenewal.receivedOn}; deadline ${nonRenewal.deadline}`,
    });
  }
  const cancellation = states.map((s) => s.cancellation).filter(Boolean).at(-1) as
    | { receivedOn: string; desiredDate: string; latestNoticeDay?: string; insideMinimumTerm?: boolean }
    | undefined;
  if (cancellation) {
    const clause = rules?.cancellation.clause ?? 'NGN-41';
    if (cancellation.latestNoticeDay) {
      out.push({
        source: 'contract',
        kind: 'cancellation-notice',
        clauseIds: [clause],
        due: cancellation.latestNoticeDay,
        dueText: cancellation.latestNoticeDay,
        status: cancellation.receivedOn <= cancellation.latestNoticeDay ? 'met' : 'late',
        metAt: cancellation.receivedOn,
        note: `cancellation for ${cancellation.desiredDate} received ${cancellation.receivedOn}; latest notice day ${cancellation.latestNoticeDay}`,
      });
    }
    out.push({
      source: 'contract',
      kind: 'contract-end',
      clauseIds: cancellation.insideMinimumTerm && rules?.earlyTerminationFee ? [clause, 'NGN-18'] : [clause],
      due: cancellation.desiredDate,
      dueText: cancellation.desiredDate,
      status: status === 'ended' ? 'ended' : 'pending',
      note: cancellation.insideMinimumTerm ? 'inside the minimum term (NGN-18 fee applies)' : undefined,
    });
  }

  // Invoice due dates: met when paid in full on or before the due date.
  for (const inv of invoices) {
    const pays = [...inv.payments].sort((a, b) => a.paidOn.localeCompare(b.paidOn));
    const lastPaid = pays.at(-1)?.paidOn;
    const settled = new Decimal(inv.open).lte(0);
    const status: Deadline['status'] = settled
      ? lastPaid && lastPaid > inv.dueDate
        ? 'late'
        : 'met'
      : today > inv.dueDate
        ? 'overdue'
        : 'pending';
    const acc = inv.acceleration;
    out.push({
      source: 'invoice',
      kind: `invoice-due:${inv.id}`,
      clauseIds: [
        inv.clauseId,
        ...(acc ? [acc.clauseId] : []),
        ...(status === 'late' || status === 'overdue' ? [rules?.lateInterest.clause ?? 'NGN-21'] : []),
      ],
      due: inv.dueDate,
      dueText: inv.dueDate,
      status,
      metAt: settled ? lastPaid : undefined,
      note: `${inv.totalText} due; paid ${inv.paidText}; open ${inv.openText}${acc ? `; due date brought forward from ${acc.from} (${acc.clauseId}, 期限の利益の喪失)` : ''}`,
    });
  }
  return out;
}
