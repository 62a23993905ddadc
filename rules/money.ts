/**
 * Money rules for both 約款 (NGN, TNC). Pure: no I/O, no clock, no randomness.
 *
 * - Amounts are Japanese yen in `decimal.js` `Decimal`; inputs may be `Decimal | string` so
 *   workflow payloads (decimal strings) pass straight in. Numbers are used only for counts.
 * - Every rounding step is a call to a named function with its clause in a comment. The only
 *   rounding rule either text states is 円未満切り捨て (TNC-42.1) and we apply it everywhere
 *   (`floorYen`): it never charges the customer more than the exact figure.
 * - Divisions are done last: `floorYen(fee × days ÷ 30)`, never `floorYen(fee ÷ 30) × days`, so one
 *   rounding step per amount.
 */
import { Decimal } from 'decimal.js';
import { daysBetween, daysInMonth, jstDateOf, monthKey, monthsBetween, type IsoDate } from './calendar.js';

export type Amount = Decimal | string;

/** 'out-of-scope' = 不課税: penalties (NGN-18), surcharges (NGN-20), late damages (NGN-21/TNC-29), damages (NGN-33/TNC-42). */
export type TaxClass = 'taxable' | 'consumption-tax' | 'out-of-scope';

const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Parse a yen amount. Accepts a Decimal, a plain decimal string ('12345', '-10.5') or a finite
 * number (use numbers only for literals in tests). Throws on NaN/Infinity, exponent or hex
 * notation, empty strings and anything else decimal.js would otherwise accept loosely.
 */
export function yen(x: Decimal | string | number): Decimal {
  if (Decimal.isDecimal(x)) {
    const d = new Decimal(x);
    if (!d.isFinite()) throw new RangeError(`yen: not a finite amount: ${d.toString()}`);
    return d;
  }
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new RangeError(`yen: not a finite amount: ${x}`);
    return new Decimal(x);
  }
  if (typeof x === 'string') {
    const s = x.trim();
    if (!DECIMAL_RE.test(s)) throw new RangeError(`yen: malformed amount ${JSON.stringify(x)}`);
    return new Decimal(s);
  }
  throw new TypeError(`yen: unsupported amount type ${typeof x}`);
}

/** Like `yen` but the value must be ≥ 0. */
function nonNegative(x: Amount, label: string): Decimal {
  const d = yen(x);
  if (d.isNegative() && !d.isZero()) throw new RangeError(`${label} must be ≥ 0, got ${d.toString()}`);
  return d;
}

/** Like `yen` but the value must be a whole number of yen (round first, with a named step). */
function integerYen(x: Amount, label: string): Decimal {
  const d = yen(x);
  if (!d.isInteger()) throw new RangeError(`${label} must be whole yen, got ${d.toString()}; round it with a named step first`);
  return d;
}

/**
 * 円未満切り捨て (TNC-42.1 wording; applied to every computed amount in both 約款).
 * Drops the fraction toward zero: 147.13 → 147, and a credit of −12.7 → −12 (never a larger
 * credit or charge than the exact figure). Identical to floor for the non-negative amounts the
 * rules compute.
 */
export function floorYen(x: Decimal): Decimal {
  return yen(x).toDecimalPlaces(0, Decimal.ROUND_DOWN);
}

/** Sum of amounts (exact). */
export function sumYen(xs: readonly Amount[]): Decimal {
  return xs.reduce<Decimal>((acc, x) => acc.plus(yen(x)), new Decimal(0));
}

/** Payload form of an amount: plain decimal string, no exponent. */
export function toYenString(x: Amount): string {
  return yen(x).toFixed();
}

// ---------------------------------------------------------------------------------------------
// Consumption tax (NGN-23; TNC-26 消費税相当額)
// ---------------------------------------------------------------------------------------------

/** 消費税 + 地方消費税, 10% (NGN-23). */
export const CONSUMPTION_TAX_RATE: Decimal = new Decimal('0.10');

/**
 * Consumption tax on one charge line (NGN-23).
 * Decision: tax is computed per charge line and 円未満切り捨て (`floorYen`), the common practice
 * of Japanese carriers and the customer-favourable direction. The base must be whole yen; negative
 * bases (credit lines, e.g. a TNC-26.2 exemption) give a negative tax truncated toward zero.
 */
export function consumptionTax(base: Amount, rate: Amount = CONSUMPTION_TAX_RATE): Decimal {
  const b = integerYen(base, 'consumptionTax base');
  const r = nonNegative(rate, 'tax rate');
  return floorYen(b.times(r)); // NGN-23: per line, 円未満切り捨て
}

/** Base, tax and total of one taxable line (NGN-23). */
export function withTax(base: Amount, rate: Amount = CONSUMPTION_TAX_RATE): { base: Decimal; tax: Decimal; total: Decimal } {
  const b = integerYen(base, 'withTax base');
  const tax = consumptionTax(b, rate);
  return { base: b, tax, total: b.plus(tax) };
}

// ---------------------------------------------------------------------------------------------
// Proration (TNC-26.1; plan parameter partialMonth = 'daily')
// ---------------------------------------------------------------------------------------------

/**
 * Daily proration of a monthly fee for a partial month: floorYen(monthlyFee × days ÷ daysInMonth).
 * TNC-26.1 owes fees from the formation date to the termination date, so 'daily' plans bill the
 * days of a partial month; 'whole' plans (NGN, and TNC corporate plans) bill the whole month and
 * do not call this. Rounding: 円未満切り捨て (floorYen).
 */
export function prorateDaily(monthlyFee: Amount, days: number, daysInMonth: number): Decimal {
  if (!Number.isInteger(daysInMonth) || daysInMonth < 28 || daysInMonth > 31) {
    throw new RangeError(`prorateDaily: daysInMonth must be 28..31, got ${daysInMonth}`);
  }
  if (!Number.isInteger(days) || days < 0 || days > daysInMonth) {
    throw new RangeError(`prorateDaily: days must be 0..${daysInMonth}, got ${days}`);
  }
  const fee = nonNegative(monthlyFee, 'monthlyFee');
  return floorYen(fee.times(days).div(daysInMonth)); // TNC-26.1 daily proration, 円未満切り捨て
}

// ---------------------------------------------------------------------------------------------
// Penalties, surcharges, late damages (all 不課税 / out-of-scope)
// ---------------------------------------------------------------------------------------------

/**
 * NGN-18 違約金 for cancelling inside the minimum term: 残契約期間分の利用料金.
 * Decision: whole months remaining AFTER the month in which the cancellation takes effect, up to
 * and including the month of the minimum-term end, × monthly fee. The effective month itself is
 * billed as a normal month, so counting it again would charge it twice. Tax class: out-of-scope
 * (不課税) — a 違約金 compensates lost income and is not consideration for a service.
 * Example: term ends 2026-06-30, effective 2026-02-28 → 4 months (Mar–Jun); 10,000 → 40,000.
 */
export function earlyTerminationFee(a: { minimumTermEnd: IsoDate; effectiveDate: IsoDate; monthlyFee: Amount }): {
  months: number;
  amount: Decimal;
} {
  const fee = nonNegative(a.monthlyFee, 'monthlyFee');
  const months = Math.max(0, monthsBetween(a.effectiveDate, a.minimumTermEnd));
  return { months, amount: floorYen(fee.times(months)) }; // NGN-18, 円未満切り捨て
}

/**
 * Late-payment damages: NGN-21 年率14.6% 遅延損害金 / TNC-29 年14.5% 延滞利息.
 * days = from the day after the due date to the payment date inclusive (TNC-29 wording; NGN-21
 * decided the same) = daysBetween(dueDate, paidDate); 0 when paid on or before the due date.
 * Decision: 365-day year in every year, including leap years (年365日の日割計算, the convention of
 * Japanese 約款 and of 民法 法定利率 calculations); one rounding step, 円未満切り捨て.
 * Example (TNC-29): 12,345 × 0.145 × 30 / 365 = 147.13… → 147.
 */
export function lateDamages(a: {
  principal: Amount;
  annualRate: Amount;
  dueDate: IsoDate;
  paidDate: IsoDate;
  daysInYear?: number;
}): { days: number; amount: Decimal } {
  const principal = nonNegative(a.principal, 'principal');
  const rate = nonNegative(a.annualRate, 'annualRate');
  const daysInYear = a.daysInYear ?? 365;
  if (!Number.isInteger(daysInYear) || daysInYear <= 0) throw new RangeError(`daysInYear must be a positive integer, got ${daysInYear}`);
  const days = Math.max(0, daysBetween(a.dueDate, a.paidDate));
  // NGN-21 / TNC-29: principal × rate × days ÷ 365, 円未満切り捨て
  return { days, amount: floorYen(principal.times(rate).times(days).div(daysInYear)) };
}

/** NGN-20 割増金: 2× the unlawfully evaded amount. Out-of-scope (不課税). Fractions 円未満切り捨て. */
export const EVASION_SURCHARGE_MULTIPLE = 2;
export function evasionSurcharge(evaded: Amount): Decimal {
  return floorYen(nonNegative(evaded, 'evaded').times(EVASION_SURCHARGE_MULTIPLE)); // NGN-20
}

/** NGN-29 派遣費用: dispatch cost + consumption tax (費用の額に消費税相当額を加算した額). Taxable. */
export function dispatchFee(cost: Amount, rate: Amount = CONSUMPTION_TAX_RATE): { base: Decimal; tax: Decimal; total: Decimal } {
  nonNegative(cost, 'dispatch cost');
  return withTax(cost, rate); // NGN-29 + NGN-23
}

// ---------------------------------------------------------------------------------------------
// Outages: compensation, damages, fee exemption
// ---------------------------------------------------------------------------------------------

function outageSpan(recognisedAtMs: number, restoredAtMs: number): { ms: number; hours: number; wholeDays: number } {
  if (!Number.isFinite(recognisedAtMs) || !Number.isFinite(restoredAtMs)) throw new RangeError('outage instants must be finite epoch ms');
  if (restoredAtMs < recognisedAtMs) throw new RangeError('outage restored before it was recognised');
  const ms = restoredAtMs - recognisedAtMs;
  // whole 24-hour periods from the moment of recognition (hour-based periods run from the exact moment)
  return { ms, hours: ms / HOUR_MS, wholeDays: Math.floor(ms / DAY_MS) };
}

/**
 * NGN-33 compensation for a total outage.
 * - NGN-33.1: nothing unless totally unusable for ≥ 24 consecutive hours from the provider's
 *   recognition (認知し確認した時刻から起算).
 * - NGN-33.2: only the part that is a multiple of 24 hours; capped at the monthly fee (月額相当分).
 *   Decision: daily rate = monthly fee ÷ 30 (`dailyDivisor`, the same 1/30 TNC-42.1 uses);
 *   amount = floorYen(monthlyFee × days ÷ 30), then min(…, monthlyFee).
 * - NGN-33.3: excluded causes (force majeure, 第35–38条 measures, third-party hacking, carrier
 *   failures, …) → nothing (`excludedCause`).
 * `hours` is the exact elapsed time (may be fractional); `days` the whole 24h periods compensated.
 * Example: 72h at 90,000 → 3 days → 9,000. 23h → 0.
 */
export function ngnOutageCompensation(a: {
  monthlyFee: Amount;
  recognisedAtMs: number;
  restoredAtMs: number;
  excludedCause?: boolean;
  dailyDivisor?: number;
}): { hours: number; days: number; amount: Decimal } {
  const fee = nonNegative(a.monthlyFee, 'monthlyFee');
  const divisor = a.dailyDivisor ?? 30;
  if (!Number.isInteger(divisor) || divisor <= 0) throw new RangeError(`dailyDivisor must be a positive integer, got ${divisor}`);
  const { hours, wholeDays } = outageSpan(a.recognisedAtMs, a.restoredAtMs);
  if (a.excludedCause) return { hours, days: 0, amount: new Decimal(0) }; // NGN-33.3
  const days = wholeDays; // NGN-33.1 (< 24h → 0) and NGN-33.2 (multiples of 24h only)
  const raw = floorYen(fee.times(days).div(divisor)); // NGN-33.2 decided ÷30, 円未満切り捨て
  return { hours, days, amount: Decimal.min(raw, fee) }; // NGN-33.2 cap: one month's fee
}

/**
 * TNC-42 damages for total unusability (利用不能) caused by the provider.
 * - TNC-42.1: only when it lasts ≥ 24h from when the provider knew of it; limit = 1 料金月の基本料金
 *   × 1/30 × 利用不能の日数, 円未満切り捨て. Decision: 日数 = whole 24-hour periods from the moment of
 *   recognition (consistent with the 24h threshold; 47h → 1 day, 48h → 2 days).
 * - TNC-43: consumer contracts (消費者契約) are capped at one month's fee, except for wilful
 *   misconduct or gross negligence.
 * - TNC-42.5: for wilful misconduct / gross negligence the limits of 第42条 do not apply: the
 *   formula amount is returned uncapped as a reference and actual damages are assessed case by case.
 * - TNC-42.2/42.4: when `carrierCaused`, the per-contract amount is a claim that must be passed to
 *   `allocateCarrierCompensation` together with the other affected contracts.
 * `capped` is true when the TNC-43 cap reduced the amount; `cap` is the applicable cap (null = none).
 */
export function tncOutageDamages(a: {
  monthlyFee: Amount;
  recognisedAtMs: number;
  restoredAtMs: number;
  consumer: boolean;
  wilfulOrGrossNegligence?: boolean;
  carrierCaused?: boolean;
}): { days: number; amount: Decimal; capped: boolean; cap: Decimal | null; allocationRequired: boolean; clauses: string[] } {
  const fee = nonNegative(a.monthlyFee, 'monthlyFee');
  const { wholeDays } = outageSpan(a.recognisedAtMs, a.restoredAtMs);
  const days = wholeDays; // TNC-42.1 decided: whole 24h periods; < 24h → 0
  const formula = floorYen(fee.times(days).div(30)); // TNC-42.1: × 1/30 × 日数, 円未満切り捨て
  const clauses = ['TNC-42.1'];
  const allocationRequired = Boolean(a.carrierCaused) && days > 0;
  if (allocationRequired) clauses.push('TNC-42.2');
  if (a.wilfulOrGrossNegligence) {
    clauses.push('TNC-42.5');
    return { days, amount: formula, capped: false, cap: null, allocationRequired, clauses };
  }
  if (a.consumer) {
    clauses.push('TNC-43');
    const capped = formula.greaterThan(fee);
    return { days, amount: capped ? fee : formula, capped, cap: fee, allocationRequired, clauses };
  }
  return { days, amount: formula, capped: false, cap: null, allocationRequired, clauses };
}

/**
 * TNC-26.2 fee exemption for flat-rate plans: when the service is unusable through the provider's
 * fault for ≥ 24h from recognition, the fee (and its tax) for the unusable period is not owed.
 * Decision: the unusable period is counted in whole 24-hour periods from recognition (as TNC-42.1),
 * and the fee for it is the daily proration over the actual days of the billing month:
 * floorYen(monthlyFee × days ÷ daysInMonth), never more than the monthly fee. The exemption is a
 * credit against the fee line: `tax` is consumptionTax(amount) so the tax goes with it
 * (CLAUSES.md: a fee exemption removes the fee together with its tax). `providerFault: false`
 * (default true) gives nothing.
 */
export function tncFeeExemption(a: {
  monthlyFee: Amount;
  recognisedAtMs: number;
  restoredAtMs: number;
  daysInMonth: number;
  providerFault?: boolean;
}): { days: number; amount: Decimal; tax: Decimal; total: Decimal } {
  const fee = integerYen(nonNegative(a.monthlyFee, 'monthlyFee'), 'monthlyFee');
  if (!Number.isInteger(a.daysInMonth) || a.daysInMonth < 28 || a.daysInMonth > 31) {
    throw new RangeError(`daysInMonth must be 28..31, got ${a.daysInMonth}`);
  }
  const { wholeDays } = outageSpan(a.recognisedAtMs, a.restoredAtMs);
  const days = a.providerFault === false ? 0 : Math.min(wholeDays, a.daysInMonth); // TNC-26.2: ≥ 24h, whole days
  const amount = floorYen(fee.times(days).div(a.daysInMonth)); // TNC-26.2 decided daily proration, 円未満切り捨て
  const tax = consumptionTax(amount); // NGN-23-style per-line tax; removed together with the fee
  return { days, amount, tax, total: amount.plus(tax) };
}

/** One billing month's part of a TNC-26.2 fee exemption. */
export interface ExemptionMonth {
  /** 'YYYY-MM' (JST) the exempted days belong to. */
  month: string;
  days: number;
  /** Actual days of that month (28–31): the daily basis. */
  daysInMonth: number;
  /** floorYen(monthlyFee × days ÷ daysInMonth), never more than the monthly fee. */
  amount: Decimal;
  /** Its consumption tax (consumptionTax(amount)), which the exemption removes with it. */
  tax: Decimal;
}

/**
 * TNC-26.2 fee exemption over an unusable period that may cross months: the fee and its consumption
 * tax for the unusable days are not owed when a flat-rate service was totally unusable for at least
 * `thresholdHours` (24) from the moment the provider recognised it.
 * Decisions (terms catalog feeExemption, documented there):
 * - days = whole 24-hour periods from recognition (as TNC-42.1); each period belongs to the JST
 *   month in which it starts, and is priced over that month's actual days (the billing month);
 * - per month: floorYen(monthlyFee × days ÷ daysInMonth) (円未満切り捨て), never more than the fee;
 * - not capped by TNC-43 (an exemption is not damages) and not reduced by TNC-39.3 (which excludes
 *   damages only).
 * Example: 5,000 yen, recognised 04-02 11:00, restored 05-12 11:00 (40 periods): April 29 days
 * → 5,000 × 29 ÷ 30 = 4,833.33… → 4,833 (tax 483); May 11 days → 5,000 × 11 ÷ 31 = 1,774.19… →
 * 1,774 (tax 177).
 */
export function feeExemptionByMonth(a: { monthlyFee: Amount; fromMs: number; toMs: number; thresholdHours: number }): {
  days: number;
  months: ExemptionMonth[];
  amount: Decimal;
  tax: Decimal;
} {
  const fee = integerYen(nonNegative(a.monthlyFee, 'monthlyFee'), 'monthlyFee');
  const { ms, wholeDays } = outageSpan(a.fromMs, a.toMs);
  if (ms < a.thresholdHours * HOUR_MS) return { days: 0, months: [], amount: new Decimal(0), tax: new Decimal(0) };
  const perMonth = new Map<string, number>();
  for (let i = 0; i < wholeDays; i++) {
    const m = monthKey(jstDateOf(a.fromMs + i * DAY_MS));
    perMonth.set(m, (perMonth.get(m) ?? 0) + 1);
  }
  const months = [...perMonth.entries()].map(([month, days]) => {
    const dim = daysInMonth(`${month}-01`);
    const amount = Decimal.min(floorYen(fee.times(days).div(dim)), fee); // TNC-26.2 decided daily basis, 円未満切り捨て
    return { month, days, daysInMonth: dim, amount, tax: consumptionTax(amount) };
  });
  const sum = (f: (x: ExemptionMonth) => Decimal) => months.reduce((s, x) => s.plus(f(x)), new Decimal(0));
  return { days: wholeDays, months, amount: sum((x) => x.amount), tax: sum((x) => x.tax) };
}

/**
 * TNC-26.2 exemption or TNC-42.1 damages for the same unusable days: the customer gets ONE of them,
 * the larger (terms catalog exemptionAndDamages). Both remedy the same loss — the fee paid for days
 * the service could not be used, which is also the measure of the TNC-42.1 limit — so paying both
 * would pay those days twice. The exemption is worth its fee part plus the tax removed with it; the
 * damages are outside consumption tax. On a tie the exemption is chosen (it also corrects the tax).
 */
export function largerRemedy(exemption: { amount: Amount; tax: Amount } | undefined, damages: Amount | undefined): 'exemption' | 'damages' | undefined {
  const e = exemption ? yen(exemption.amount).plus(yen(exemption.tax)) : new Decimal(0);
  const d = damages === undefined ? new Decimal(0) : yen(damages);
  if (e.isZero() && d.isZero()) return undefined;
  return e.gte(d) ? 'exemption' : 'damages';
}

// ---------------------------------------------------------------------------------------------
// Pro-rata allocation (TNC-42.2 / 42.4)
// ---------------------------------------------------------------------------------------------

/**
 * Split `total` (whole yen, ≥ 0; fractions are dropped first, 円未満切り捨て) in proportion to
 * `weights` (≥ 0) by the largest-remainder method: every part gets floor(total × wᵢ ÷ Σw); the
 * yen left over go one each to the largest remainders, ties broken by lower index. The parts are
 * whole yen and sum exactly to the (floored) total. All-zero weights with total > 0 throw.
 * Exact: quotients are integer divisions of exact products, never rounded decimals.
 */
export function allocateProRata(total: Amount, weights: Amount[]): Decimal[] {
  const t = floorYen(nonNegative(total, 'total')); // TNC-42.1 円未満切り捨て before splitting
  const w = weights.map((x, i) => nonNegative(x, `weight[${i}]`));
  const sumW = w.reduce<Decimal>((acc, x) => acc.plus(x), new Decimal(0));
  if (sumW.isZero()) {
    if (t.isZero()) return w.map(() => new Decimal(0));
    throw new RangeError('allocateProRata: weights sum to zero but total is positive');
  }
  const parts = w.map((wi) => {
    const n = t.times(wi);
    const q = n.divToInt(sumW); // exact integer part
    return { q, r: n.minus(q.times(sumW)) };
  });
  let leftover = t.minus(parts.reduce<Decimal>((acc, p) => acc.plus(p.q), new Decimal(0))).toNumber();
  const order = parts
    .map((p, i) => ({ i, r: p.r }))
    .sort((a, b) => (a.r.equals(b.r) ? a.i - b.i : b.r.comparedTo(a.r)));
  const out = parts.map((p) => p.q);
  for (const { i } of order) {
    if (leftover <= 0) break;
    out[i] = (out[i] as Decimal).plus(1);
    leftover--;
  }
  return out;
}

/**
 * TNC-42.2 / 42.4: carrier-caused outage. Each contract's TNC-42.1 claim is paid in full when the
 * claims fit within what the provider receives from the carrier; otherwise the received amount is
 * split in proportion to the claims (`allocateProRata`), so the total paid equals the receipt.
 */
export function allocateCarrierCompensation(received: Amount, claims: Amount[]): Decimal[] {
  const r = floorYen(nonNegative(received, 'received'));
  const c = claims.map((x, i) => integerYen(nonNegative(x, `claim[${i}]`), `claim[${i}]`));
  const sum = c.reduce<Decimal>((acc, x) => acc.plus(x), new Decimal(0));
  return sum.lessThanOrEqualTo(r) ? c : allocateProRata(r, c);
}
