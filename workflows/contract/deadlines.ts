/**
 * The contract's durable deadlines as data: a discriminated union of deadline kinds, the order in
 * which deadlines falling on the same instant are handled, and the pure choice of the next one.
 * Each concern module (workflows/contract/*.ts) derives the deadlines it owns from the state and
 * handles them when due; the workflow loop (workflows/contract.ts) waits for the earliest.
 *
 * Pure: no Temporal imports, no clock (the caller passes `nowMs`), so it is unit-tested directly.
 */
import { addDays, firstOfNextMonth, jstMidnightMs, type IsoDate } from '../../rules/calendar.js';

export type Deadline =
  /** Month `month` ('YYYY-MM') is closed and billed at 00:00 JST on the 1st of the next month (NGN-19 / TNC-26). */
  | { atMs: number; kind: 'month-close'; month: string }
  /** The day after an open invoice's due date: overdue reminder, then the non-payment stoppage (NGN-37 (1) / TNC-41 (1)). */
  | { atMs: number; kind: 'invoice-overdue'; invoiceId: string }
  /** A scheduled suspension starts, or a timed one ends (NGN-36/37, TNC-39/41). */
  | { atMs: number; kind: 'suspension' }
  /** TNC-18 1項: a stoppage's designated period for removing its cause has passed. */
  | { atMs: number; kind: 'suspension-cure' }
  /** A cure window ended uncured and the violation carries a default measure (NGN-25, TNC-40). */
  | { atMs: number; kind: 'default-measure'; violationId: string }
  /** NGN-40 (6): a demand's period ended uncured; termination on (6) becomes possible. */
  | { atMs: number; kind: 'demand-lapse'; demandId: string }
  /** NGN-40 (10): a force majeure has lasted more than 30 days; the right to terminate opens. */
  | { atMs: number; kind: 'force-majeure' }
  /** An open outage reaches 24 hours from recognition (NGN-33.1 / TNC-42.1). */
  | { atMs: number; kind: 'outage-threshold' }
  /** NGN-39: the renewal reminder, ahead of the non-renewal deadline. */
  | { atMs: number; kind: 'renewal-reminder' }
  /** NGN-2 / TNC-3: a terms change takes effect; the contract continues under the new catalog version. */
  | { atMs: number; kind: 'terms-change'; announcementId: string }
  /** NGN-13 / TNC-15: an accepted plan change takes effect. */
  | { atMs: number; kind: 'plan-change' }
  /** NGN-41.1: a cancelled part's last day has passed; its fee stops and (NGN-43.3) its erasure certificate is asked for. */
  | { atMs: number; kind: 'part-end'; partId: string }
  /** NGN-43.3: the erasure certificate of an ended part is still missing; it is asked for again. */
  | { atMs: number; kind: 'part-erasure-reminder'; partId: string }
  /** A command changed the contract's input (NGN-14/15, TNC-13): continue as new with it, now. */
  | { atMs: number; kind: 'restart' }
  /** NGN-39: the period ends without a timely non-renewal notice and renews. */
  | { atMs: number; kind: 'renewal' }
  /** The last day of service has passed: final invoice, the contract ends. */
  | { atMs: number; kind: 'contract-end' };

export type DeadlineKind = Deadline['kind'];
export type DeadlineOf<K extends DeadlineKind> = Extract<Deadline, { kind: K }>;

/**
 * Deadlines due at the same instant are handled in this order: the month is closed before anything
 * that could end or restart the run (so its fees are billed under the run that earned them), an
 * overdue invoice is reminded before a suspension of the same instant starts, and the end of the
 * contract comes last.
 */
export const DEADLINE_ORDER: readonly DeadlineKind[] = [
  'month-close',
  'invoice-overdue',
  'suspension',
  'suspension-cure',
  'default-measure',
  'demand-lapse',
  'force-majeure',
  'outage-threshold',
  'renewal-reminder',
  'part-erasure-reminder',
  'terms-change',
  'plan-change',
  'part-end',
  'restart',
  'renewal',
  'contract-end',
];

const rank = (k: DeadlineKind): number => DEADLINE_ORDER.indexOf(k);

/**
 * The deadline to handle next: the earliest instant; on the same instant the kind that comes first
 * in DEADLINE_ORDER; on the same instant and kind, the one listed first (list order is state order).
 */
export function earliest(deadlines: readonly Deadline[]): Deadline | undefined {
  let best: Deadline | undefined;
  for (const d of deadlines) {
    if (!best || d.atMs < best.atMs || (d.atMs === best.atMs && rank(d.kind) < rank(best.kind))) best = d;
  }
  return best;
}

/** How long to wait for `d` from `nowMs`: never negative (a deadline already passed is handled at once). */
export function waitFor(d: Deadline, nowMs: number): number {
  return Math.max(0, d.atMs - nowMs);
}

/** The label the contract view and the database show, e.g. 'month-close:2027-04', 'renewal'. */
export function deadlineLabel(d: Deadline): string {
  switch (d.kind) {
    case 'month-close':
      return `${d.kind}:${d.month}`;
    case 'invoice-overdue':
      return `${d.kind}:${d.invoiceId}`;
    case 'default-measure':
      return `${d.kind}:${d.violationId}`;
    case 'terms-change':
      return `${d.kind}:${d.announcementId}`;
    case 'demand-lapse':
      return `${d.kind}:${d.demandId}`;
    case 'part-end':
    case 'part-erasure-reminder':
      return `${d.kind}:${d.partId}`;
    default:
      return d.kind;
  }
}

/** Month M ('YYYY-MM') is closed at 00:00 JST on the 1st of the following month (NGN-19). */
export function monthCloseMs(month: string): number {
  return jstMidnightMs(firstOfNextMonth(`${month}-01`));
}

/** A period counted in days ends at 24:00 JST of its last day (民法 第141条). */
export function endOfDayMs(date: IsoDate): number {
  return jstMidnightMs(addDays(date, 1));
}

/** What a module does when one of its deadlines is due; `C` is the contract context. */
export type DueHandlers<C> = { [K in DeadlineKind]?: (ctx: C, d: DeadlineOf<K>) => Promise<unknown> | void };

/**
 * One table from deadline kind to its handler, merged from the modules' own tables. Every kind must
 * be handled by exactly one module; a kind handled twice or by none is a programming error.
 */
export function dueTable<C>(tables: readonly DueHandlers<C>[]): Required<DueHandlers<C>> {
  const out: DueHandlers<C> = {};
  for (const t of tables) {
    for (const kind of Object.keys(t) as DeadlineKind[]) {
      if (out[kind]) throw new Error(`deadline kind ${kind} is handled by two modules`);
      (out as Record<string, unknown>)[kind] = t[kind];
    }
  }
  const missing = DEADLINE_ORDER.filter((k) => !out[k]);
  if (missing.length) throw new Error(`no module handles the deadline kinds ${missing.join(', ')}`);
  return out as Required<DueHandlers<C>>;
}

/** Runs the handler of `d`'s kind. */
export function handleDue<C>(table: Required<DueHandlers<C>>, ctx: C, d: Deadline): Promise<unknown> | void {
  const handler = table[d.kind] as (ctx: C, d: Deadline) => Promise<unknown> | void;
  return handler(ctx, d);
}
