/**
 * The fees of one calendar month, pure: which plan was in force on which days (NGN-13.2 / TNC-15
 * plan changes and the TNC-19 end of the docomo course change the plan mid-month), and which
 * add-ons (sites, options) ran in it (NGN-41.1 partial cancellation ends one on its own date).
 *
 * Rules (decided; README "Decisions", rules/terms/*.ts changeFormation and partialCancellation):
 * - A plan change is formed when its acceptance notice is sent and its price applies from that day
 *   (NGN-13.2; TNC-15 decided the same), so a month can hold several plan segments.
 * - A plan billed by day ('daily', TNC-26.1) bills each of its segments pro rata:
 *   floorYen(fee × days ÷ days in the month) (円未満切り捨て), the whole fee for a whole month.
 * - A plan billed by whole month ('whole') bills the whole fee for the month to the plan in force on
 *   the last day billed in it (the month's last day, or the last day of service): the new price
 *   applies to the month in which the change took effect, and the month is billed once.
 * - An add-on follows its plan's rule over the days it ran: whole month, or pro rata by day.
 */
import { Decimal } from 'decimal.js';
import { addDays, daysBetween, daysInMonth, endOfMonth, type IsoDate } from './calendar.js';
import { prorateDaily, yen } from './money.js';

/** A plan that was in force until (and including) `until`; the next one starts the day after. */
export interface PlanSpan {
  planId: string;
  until: IsoDate;
}

/** What a fee is computed from: a plan's or an add-on's monthly fee and the plan's partial-month rule. */
export interface FeeBasis {
  monthlyFee: string;
  partialMonth: 'whole' | 'daily';
}

export interface FeeSegment {
  planId: string;
  from: IsoDate;
  to: IsoDate;
  days: number;
  daysInMonth: number;
  /** 'daily': pro rata; 'whole': the whole fee. */
  basis: 'whole' | 'daily';
  amount: Decimal;
}

const later = (a: IsoDate, b: IsoDate) => (a > b ? a : b);
const earlier = (a: IsoDate, b: IsoDate) => (a < b ? a : b);

/**
 * The plan in force on each day of [first, last], as consecutive segments. `history` lists the
 * earlier plans in order (each in force through its `until`); the current plan follows the last.
 */
export function planSegments(history: readonly PlanSpan[], currentPlanId: string, first: IsoDate, last: IsoDate): { planId: string; from: IsoDate; to: IsoDate }[] {
  const out: { planId: string; from: IsoDate; to: IsoDate }[] = [];
  let start: IsoDate | undefined; // first day of the plan being walked (undefined = since ever)
  const spans = [...history.map((h) => ({ planId: h.planId, until: h.until as IsoDate | undefined })), { planId: currentPlanId, until: undefined }];
  for (const s of spans) {
    const from = start === undefined ? first : later(start, first);
    const to = s.until === undefined ? last : earlier(s.until, last);
    if (from <= to) out.push({ planId: s.planId, from, to });
    if (s.until !== undefined) start = addDays(s.until, 1);
  }
  return out;
}

/**
 * The plan fees of calendar month `month` ('YYYY-MM'): billing starts on `billingStart`, service
 * ends on `until` (when it ends in this month). Segments that bill nothing (a 'whole' plan that was
 * not in force on the last day billed) are left out.
 */
export function monthFeeSegments(a: {
  month: string;
  billingStart: IsoDate;
  until?: IsoDate;
  history: readonly PlanSpan[];
  currentPlanId: string;
  basis: (planId: string) => FeeBasis;
}): FeeSegment[] {
  const monthFirst = `${a.month}-01`;
  const first = later(a.billingStart, monthFirst);
  const last = a.until ? earlier(a.until, endOfMonth(monthFirst)) : endOfMonth(monthFirst);
  if (first > last) return [];
  const dim = daysInMonth(monthFirst);
  const out: FeeSegment[] = [];
  for (const seg of planSegments(a.history, a.currentPlanId, first, last)) {
    const b = a.basis(seg.planId);
    const days = daysBetween(seg.from, seg.to) + 1;
    if (b.partialMonth === 'daily') {
      // TNC-26.1: fees owed for the days of the month the plan was in force, 円未満切り捨て.
      const amount = days === dim ? yen(b.monthlyFee) : prorateDaily(b.monthlyFee, days, dim);
      out.push({ ...seg, days, daysInMonth: dim, basis: 'daily', amount });
    } else if (seg.to === last) {
      // Whole months: the plan in force on the last day billed bills the month once.
      out.push({ ...seg, days, daysInMonth: dim, basis: 'whole', amount: yen(b.monthlyFee) });
    }
  }
  return out;
}

/**
 * An add-on's fee in month `month`: it ran from `from` until `until` (its own end, NGN-41.1), inside
 * the contract's billing [billingStart, contractUntil]. Whole-month plans bill any month it ran in
 * whole; daily plans bill its days pro rata. Undefined when it did not run in the month.
 */
export function addOnMonthFee(a: {
  month: string;
  billingStart: IsoDate;
  contractUntil?: IsoDate;
  from: IsoDate;
  until?: IsoDate;
  basis: FeeBasis;
}): { from: IsoDate; to: IsoDate; days: number; daysInMonth: number; basis: 'whole' | 'daily'; amount: Decimal } | undefined {
  const monthFirst = `${a.month}-01`;
  const from = later(later(a.billingStart, a.from), monthFirst);
  let to = endOfMonth(monthFirst);
  if (a.until) to = earlier(to, a.until);
  if (a.contractUntil) to = earlier(to, a.contractUntil);
  if (from > to) return undefined;
  const dim = daysInMonth(monthFirst);
  const days = daysBetween(from, to) + 1;
  if (a.basis.partialMonth === 'whole' || days === dim) return { from, to, days, daysInMonth: dim, basis: 'whole', amount: yen(a.basis.monthlyFee) };
  return { from, to, days, daysInMonth: dim, basis: 'daily', amount: prorateDaily(a.basis.monthlyFee, days, dim) };
}

/** Sum of segment amounts. */
export function segmentsTotal(segs: readonly { amount: Decimal }[]): Decimal {
  return segs.reduce((s, x) => s.plus(x.amount), new Decimal(0));
}
