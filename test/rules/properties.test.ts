/**
 * Property tests (fast-check) for the invariants of the pure rules. Fixed seed per run is not
 * needed: failures print the counterexample and seed to reproduce.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BusinessCalendar,
  addDays,
  addMonthsClamped,
  dayCountedPeriod,
  daysBetween,
  jstDateOf,
  jstMidnightMs,
  latestCancellationNoticeDay,
  minimumTerm,
  nonRenewalDeadline,
} from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import {
  allocateCarrierCompensation,
  allocateProRata,
  consumptionTax,
  earlyTerminationFee,
  lateDamages,
  ngnOutageCompensation,
  prorateDaily,
  tncFeeExemption,
  tncOutageDamages,
} from '../../rules/money.js';

const cal = new BusinessCalendar(defaultCalendarData(2023, 2032));
const RUNS = { numRuns: 300 };
const H = 3_600_000;

/** Dates 2024-01-01 … 2030-12-31. */
const date = fc.integer({ min: 0, max: daysBetween('2024-01-01', '2030-12-31') }).map((n) => addDays('2024-01-01', n));
const yenInt = (max: number) => fc.integer({ min: 0, max }).map(String);
/** Non-negative decimal weight with up to 2 decimals. */
const weight = fc.oneof(yenInt(1_000_000), fc.integer({ min: 0, max: 100_000 }).map((n) => new Decimal(n).div(100).toFixed()));
const fee = yenInt(1_000_000);
const t0 = fc.integer({ min: Date.parse('2024-01-01T00:00+09:00'), max: Date.parse('2030-12-31T00:00+09:00') });
const durationMs = fc.integer({ min: 0, max: 80 * 24 * H });

describe('TNC-42.2 allocateProRata properties', () => {
  it('parts are whole yen, non-negative, and sum exactly to the (floored) total', () => {
    fc.assert(
      fc.property(yenInt(100_000_000), fc.array(weight, { minLength: 1, maxLength: 25 }), (total, weights) => {
        fc.pre(weights.some((w) => !new Decimal(w).isZero()));
        const parts = allocateProRata(total, weights);
        expect(parts).toHaveLength(weights.length);
        for (const p of parts) {
          expect(p.isInteger()).toBe(true);
          expect(p.isNegative()).toBe(false);
        }
        expect(parts.reduce((a, p) => a.plus(p), new Decimal(0)).toFixed()).toBe(total);
      }),
      RUNS,
    );
  });

  it('each part is within 1 yen of its exact quota; zero weight gets zero', () => {
    fc.assert(
      fc.property(yenInt(10_000_000), fc.array(weight, { minLength: 1, maxLength: 25 }), (total, weights) => {
        const sum = weights.reduce((a, w) => a.plus(w), new Decimal(0));
        fc.pre(!sum.isZero());
        const parts = allocateProRata(total, weights);
        parts.forEach((p, i) => {
          const quota = new Decimal(total).times(weights[i]!).div(sum);
          expect(p.minus(quota).abs().lessThan(1)).toBe(true);
          if (new Decimal(weights[i]!).isZero()) expect(p.isZero()).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('TNC-42.4 carrier compensation never exceeds the receipt nor any claim', () => {
    fc.assert(
      fc.property(yenInt(1_000_000), fc.array(yenInt(200_000), { minLength: 1, maxLength: 20 }), (received, claims) => {
        fc.pre(claims.some((c) => c !== '0'));
        const paid = allocateCarrierCompensation(received, claims);
        const total = paid.reduce((a, p) => a.plus(p), new Decimal(0));
        expect(total.lessThanOrEqualTo(received)).toBe(true);
        paid.forEach((p, i) => expect(p.lessThanOrEqualTo(claims[i]!)).toBe(true));
      }),
      RUNS,
    );
  });
});

describe('NGN-33 / TNC-42 / TNC-43 / TNC-26.2 credits never exceed their caps', () => {
  it('NGN-33.2: compensation ≤ monthly fee, 0 below 24h, only whole days', () => {
    fc.assert(
      fc.property(fee, t0, durationMs, (f, start, dur) => {
        const r = ngnOutageCompensation({ monthlyFee: f, recognisedAtMs: start, restoredAtMs: start + dur });
        expect(r.amount.lessThanOrEqualTo(f)).toBe(true);
        expect(r.amount.isInteger() && !r.amount.isNegative()).toBe(true);
        expect(r.days).toBe(Math.floor(dur / (24 * H)));
        if (dur < 24 * H) expect(r.amount.isZero()).toBe(true);
      }),
      RUNS,
    );
  });

  it('TNC-43: consumer damages ≤ one month’s fee unless wilful (TNC-42.5); capped ⇔ formula exceeded the fee', () => {
    fc.assert(
      fc.property(fee, t0, durationMs, fc.boolean(), fc.boolean(), (f, start, dur, consumer, wilful) => {
        const r = tncOutageDamages({ monthlyFee: f, recognisedAtMs: start, restoredAtMs: start + dur, consumer, wilfulOrGrossNegligence: wilful });
        const formula = new Decimal(f).times(r.days).div(30).toDecimalPlaces(0, Decimal.ROUND_DOWN);
        if (consumer && !wilful) {
          expect(r.amount.lessThanOrEqualTo(f)).toBe(true);
          expect(r.capped).toBe(formula.greaterThan(f));
        } else {
          expect(r.amount.equals(formula)).toBe(true); // TNC-42.1 limit only
          expect(r.capped).toBe(false);
        }
        expect(r.amount.lessThanOrEqualTo(formula)).toBe(true);
      }),
      RUNS,
    );
  });

  it('TNC-26.2: exemption ≤ monthly fee and monotone in the outage length', () => {
    fc.assert(
      fc.property(fee, t0, durationMs, durationMs, fc.constantFrom(28, 29, 30, 31), (f, start, d1, d2, dim) => {
        const [a, b] = d1 <= d2 ? [d1, d2] : [d2, d1];
        const ra = tncFeeExemption({ monthlyFee: f, recognisedAtMs: start, restoredAtMs: start + a, daysInMonth: dim });
        const rb = tncFeeExemption({ monthlyFee: f, recognisedAtMs: start, restoredAtMs: start + b, daysInMonth: dim });
        expect(rb.amount.lessThanOrEqualTo(f)).toBe(true);
        expect(ra.amount.lessThanOrEqualTo(rb.amount)).toBe(true);
      }),
      RUNS,
    );
  });

  it('TNC-26.1 prorateDaily ≤ monthly fee and full month = fee', () => {
    fc.assert(
      fc.property(fee, fc.constantFrom(28, 29, 30, 31), fc.nat(31), (f, dim, d) => {
        const days = Math.min(d, dim);
        expect(prorateDaily(f, days, dim).lessThanOrEqualTo(f)).toBe(true);
        expect(prorateDaily(f, dim, dim).toFixed()).toBe(f);
      }),
      RUNS,
    );
  });
});

describe('NGN-21 / TNC-29 late damages are monotone', () => {
  it('non-decreasing in days late (and zero when paid on/before the due date)', () => {
    fc.assert(
      fc.property(
        yenInt(10_000_000),
        fc.constantFrom('0.146', '0.145'),
        date,
        fc.integer({ min: -30, max: 800 }),
        fc.integer({ min: -30, max: 800 }),
        (principal, rate, due, x, y) => {
          const [a, b] = x <= y ? [x, y] : [y, x];
          const ra = lateDamages({ principal, annualRate: rate, dueDate: due, paidDate: addDays(due, a) });
          const rb = lateDamages({ principal, annualRate: rate, dueDate: due, paidDate: addDays(due, b) });
          expect(ra.amount.lessThanOrEqualTo(rb.amount)).toBe(true);
          expect(ra.days).toBe(Math.max(0, a));
          if (a <= 0) expect(ra.amount.isZero()).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('non-decreasing in principal', () => {
    fc.assert(
      fc.property(yenInt(10_000_000), yenInt(10_000_000), fc.integer({ min: 0, max: 800 }), (p1, p2, days) => {
        const [lo, hi] = new Decimal(p1).lessThanOrEqualTo(p2) ? [p1, p2] : [p2, p1];
        const f = (p: string) => lateDamages({ principal: p, annualRate: '0.146', dueDate: '2025-01-31', paidDate: addDays('2025-01-31', days) }).amount;
        expect(f(lo).lessThanOrEqualTo(f(hi))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('NGN-18 early termination fee', () => {
  it('never increases as the effective date moves later', () => {
    fc.assert(
      fc.property(date, date, date, fee, (end, e1, e2, f) => {
        const [a, b] = e1 <= e2 ? [e1, e2] : [e2, e1];
        const fa = earlyTerminationFee({ minimumTermEnd: end, effectiveDate: a, monthlyFee: f });
        const fb = earlyTerminationFee({ minimumTermEnd: end, effectiveDate: b, monthlyFee: f });
        expect(fb.amount.lessThanOrEqualTo(fa.amount)).toBe(true);
        expect(fa.amount.toFixed()).toBe(new Decimal(f).times(fa.months).toFixed());
      }),
      RUNS,
    );
  });
});

describe('NGN-23 consumption tax', () => {
  it('floor: base×rate − 1 < tax ≤ base×rate', () => {
    fc.assert(
      fc.property(yenInt(100_000_000), (base) => {
        const exact = new Decimal(base).times('0.10');
        const tax = consumptionTax(base);
        expect(tax.lessThanOrEqualTo(exact)).toBe(true);
        expect(tax.greaterThan(exact.minus(1))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('営業日 calendar properties', () => {
  it('addBusinessDays lands on a business day, on the right side, and round-trips from a business day', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0), (d, n) => {
        const r = cal.addBusinessDays(d, n);
        expect(cal.isBusinessDay(r)).toBe(true);
        expect(Math.sign(daysBetween(d, r))).toBe(Math.sign(n));
        const b = cal.nextBusinessDayOnOrAfter(d);
        expect(cal.addBusinessDays(cal.addBusinessDays(b, n), -n)).toBe(b);
      }),
      RUNS,
    );
  });

  it('NGN-41: latest notice day is a business day, at least leadMonths + leadBusinessDays before, and the latest such day', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 15 }), (desired, months, k) => {
        const r = latestCancellationNoticeDay(cal, desired, months, k);
        const monthBack = addMonthsClamped(desired, -months);
        expect(cal.isBusinessDay(r)).toBe(true);
        expect(r < monthBack).toBe(true);
        // k business days from r (r itself included) all lie before the month-back day …
        expect(cal.addBusinessDays(r, k - 1) < monthBack).toBe(true);
        // … and the next business day would leave only k − 1: r is the latest.
        expect(cal.addBusinessDays(r, k) >= monthBack).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('date arithmetic properties (民法 第140–143条, NGN-17, NGN-39)', () => {
  it('addDays / daysBetween / jstMidnightMs / jstDateOf agree', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -1000, max: 1000 }), (d, n) => {
        expect(daysBetween(d, addDays(d, n))).toBe(n);
        expect(jstDateOf(jstMidnightMs(d))).toBe(d);
        expect(jstDateOf(jstMidnightMs(d) + 86_400_000 - 1)).toBe(d);
      }),
      RUNS,
    );
  });

  it('dayCountedPeriod ends at a JST midnight, ≥ days×24h after the start and < (days+1)×24h', () => {
    fc.assert(
      fc.property(t0, fc.integer({ min: 1, max: 120 }), (start, days) => {
        const p = dayCountedPeriod(start, days);
        expect(p.endsAtMs).toBe(jstMidnightMs(addDays(p.lastDay, 1)));
        expect(p.endsAtMs - start).toBeGreaterThanOrEqual(days * 86_400_000);
        expect(p.endsAtMs - start).toBeLessThan((days + 1) * 86_400_000);
      }),
      RUNS,
    );
  });

  it('NGN-17 minimum term starts on the 1st of the next month and ends on a month end', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 36 }), (start, months) => {
        const t = minimumTerm(start, months);
        expect(t.start.endsWith('-01')).toBe(true);
        expect(t.start > start).toBe(true);
        expect(addDays(t.end, 1).endsWith('-01')).toBe(true);
        expect(addMonthsClamped(t.start, months)).toBe(addDays(t.end, 1));
      }),
      RUNS,
    );
  });

  it('NGN-39 deadline is leadMonths before the period end and never after it', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 6 }), (end, lead) => {
        const dl = nonRenewalDeadline(end, lead);
        expect(dl <= end).toBe(true);
        expect(addMonthsClamped(dl, lead) <= end).toBe(true);
      }),
      RUNS,
    );
  });
});
