import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  CONSUMPTION_TAX_RATE,
  allocateCarrierCompensation,
  allocateProRata,
  consumptionTax,
  dispatchFee,
  earlyTerminationFee,
  evasionSurcharge,
  floorYen,
  lateDamages,
  ngnOutageCompensation,
  prorateDaily,
  sumYen,
  tncFeeExemption,
  tncOutageDamages,
  toYenString,
  withTax,
  yen,
} from '../../rules/money.js';

const H = 3_600_000;
const T0 = Date.parse('2025-06-01T09:00+09:00');
const s = (d: Decimal) => d.toFixed();
const strs = (ds: Decimal[]) => ds.map(s);

describe('money: yen() parsing and floorYen (円未満切り捨て)', () => {
  it.each([
    ['12345', '12345'],
    [' 10.50 ', '10.5'],
    ['-3', '-3'],
    ['0.145', '0.145'],
  ])('yen(%j) = %s', (x, out) => expect(s(yen(x))).toBe(out));

  it.each(['', 'abc', '1e3', '0x10', 'NaN', 'Infinity', '1,000', '¥100'])('yen(%j) throws', (x) => {
    expect(() => yen(x)).toThrow();
  });
  it('rejects non-finite numbers and Decimals', () => {
    expect(() => yen(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => yen(new Decimal(Number.NaN))).toThrow();
    expect(s(yen(new Decimal('7')))).toBe('7');
  });

  it.each([
    ['147.13', '147'],
    ['147.99', '147'],
    ['147', '147'],
    ['-12.7', '-12'],
    ['0.9', '0'],
  ])('floorYen(%s) = %s', (x, out) => expect(s(floorYen(new Decimal(x)))).toBe(out));

  it('sumYen and toYenString', () => {
    expect(s(sumYen(['1000', new Decimal('250'), '0.5']))).toBe('1250.5');
    expect(toYenString(new Decimal('1e21'))).toBe('1000000000000000000000');
  });
});

describe('NGN-23 consumption tax (10%, per line, 円未満切り捨て)', () => {
  it('rate is 0.10', () => expect(s(CONSUMPTION_TAX_RATE)).toBe('0.1'));
  it.each([
    ['50000', '5000', '55000'],
    ['12345', '1234', '13579'],
    ['4999', '499', '5498'],
    ['9', '0', '9'],
    ['0', '0', '0'],
    ['-1005', '-100', '-1105'],
  ])('withTax(%s) → tax %s, total %s', (base, tax, total) => {
    const r = withTax(base);
    expect([s(r.base), s(r.tax), s(r.total)]).toEqual([base, tax, total]);
    expect(s(consumptionTax(base))).toBe(tax);
  });
  it('explicit rate (e.g. 8% reduced rate)', () => expect(s(consumptionTax('12345', '0.08'))).toBe('987'));
  it('refuses a fractional base: round first with a named step', () => {
    expect(() => consumptionTax('100.5')).toThrow(/whole yen/);
  });
});

describe('NGN-29 dispatch fee = cost + consumption tax', () => {
  it.each([
    ['15000', '1500', '16500'],
    ['12345', '1234', '13579'],
  ])('cost %s → tax %s, total %s', (cost, tax, total) => {
    const r = dispatchFee(cost);
    expect([s(r.base), s(r.tax), s(r.total)]).toEqual([cost, tax, total]);
  });
  it('negative cost throws', () => expect(() => dispatchFee('-1')).toThrow());
});

describe('NGN-20 evasion surcharge (2×, out-of-scope)', () => {
  it.each([
    ['10000', '20000'],
    ['12345', '24690'],
    ['100.7', '201'],
    ['0', '0'],
  ])('evaded %s → surcharge %s', (e, out) => expect(s(evasionSurcharge(e))).toBe(out));
});

describe('NGN-18 early termination fee (remaining whole months × monthly fee)', () => {
  it.each([
    ['2026-06-30', '2026-02-28', '10000', 4, '40000'], // brief example: Mar..Jun
    ['2026-03-31', '2025-04-30', '50000', 11, '550000'],
    ['2026-03-31', '2026-03-31', '50000', 0, '0'], // effective in the last month of the term
    ['2026-03-31', '2026-05-31', '50000', 0, '0'], // after the term: no penalty
    ['2026-06-30', '2026-02-01', '90000', 4, '360000'],
  ])('term end %s, effective %s, fee %s → %i months, %s', (end, eff, fee, months, amount) => {
    const r = earlyTerminationFee({ minimumTermEnd: end, effectiveDate: eff, monthlyFee: fee });
    expect(r.months).toBe(months);
    expect(s(r.amount)).toBe(amount);
  });
});

describe('NGN-21 / TNC-29 late damages (365-day year, from day after due date, floored)', () => {
  it.each([
    // principal, rate, due, paid, days, amount
    ['12345', '0.145', '2025-04-30', '2025-05-30', 30, '147'], // TNC-29 example: 147.13… → 147
    ['100000', '0.146', '2025-04-30', '2025-05-30', 30, '1200'], // NGN-21: 100000×0.146×30/365 = 1200
    ['100000', '0.146', '2025-04-30', '2025-04-30', 0, '0'], // paid on due date
    ['100000', '0.146', '2025-04-30', '2025-04-20', 0, '0'], // paid early
    ['54999', '0.146', '2025-04-30', '2025-05-01', 1, '21'], // 21.9996… → 21
    ['50000', '0.145', '2024-02-28', '2024-03-01', 2, '39'], // leap day counts as a day; 365-day year: 39.72… → 39
    ['1000000', '0.146', '2025-01-31', '2026-01-31', 365, '146000'],
  ])('%s at %s, due %s paid %s → %i days, %s', (principal, rate, due, paid, days, amount) => {
    const r = lateDamages({ principal, annualRate: rate, dueDate: due, paidDate: paid });
    expect(r.days).toBe(days);
    expect(s(r.amount)).toBe(amount);
  });
  it('daysInYear override (366)', () => {
    expect(s(lateDamages({ principal: '366000', annualRate: '0.1', dueDate: '2024-01-31', paidDate: '2024-02-01', daysInYear: 366 }).amount)).toBe('100');
  });
});

describe('NGN-33.1/.2/.3 outage compensation', () => {
  it.each([
    // fee, hours, days, amount
    ['90000', 23, 0, '0'], // NGN-33.1: below 24h nothing
    ['90000', 24, 1, '3000'],
    ['90000', 47.99, 1, '3000'], // NGN-33.2: only whole 24h multiples
    ['90000', 72, 3, '9000'], // brief example
    ['50000', 72, 3, '5000'],
    ['50000', 25, 1, '1666'], // 1666.66… floored
    ['50000', 24 * 30, 30, '50000'],
    ['50000', 24 * 45, 45, '50000'], // NGN-33.2 cap at the monthly fee
  ])('fee %s, %s h → %i days, %s', (fee, hours, days, amount) => {
    const r = ngnOutageCompensation({ monthlyFee: fee, recognisedAtMs: T0, restoredAtMs: T0 + hours * H });
    expect(r.hours).toBeCloseTo(hours, 6);
    expect(r.days).toBe(days);
    expect(s(r.amount)).toBe(amount);
  });
  it('NGN-33.3 excluded cause → nothing', () => {
    const r = ngnOutageCompensation({ monthlyFee: '90000', recognisedAtMs: T0, restoredAtMs: T0 + 72 * H, excludedCause: true });
    expect(r.days).toBe(0);
    expect(s(r.amount)).toBe('0');
  });
  it('dailyDivisor override (31)', () => {
    expect(s(ngnOutageCompensation({ monthlyFee: '93000', recognisedAtMs: T0, restoredAtMs: T0 + 48 * H, dailyDivisor: 31 }).amount)).toBe('6000');
  });
  it('restored before recognised throws', () => {
    expect(() => ngnOutageCompensation({ monthlyFee: '1', recognisedAtMs: T0, restoredAtMs: T0 - 1 })).toThrow();
  });
});

describe('TNC-42.1 / TNC-43 / TNC-42.5 outage damages', () => {
  it.each([
    // fee, hours, consumer, wilful, days, amount, capped
    ['5000', 23, true, false, 0, '0', false], // < 24h
    ['5000', 24, true, false, 1, '166', false], // TNC-42.1: 166.66… floored
    ['5000', 71, true, false, 2, '333', false], // 333.33… floored
    ['12000', 72, false, false, 3, '1200', false],
    ['5000', 24 * 40, true, false, 40, '5000', true], // TNC-43: consumer cap one month (6666 → 5000)
    ['12000', 24 * 40, false, false, 40, '16000', false], // corporate: no TNC-43 cap
    ['5000', 24 * 40, true, true, 40, '6666', false], // TNC-42.5: no cap for wilful/gross negligence
  ])('fee %s, %s h, consumer=%s, wilful=%s → %i days, %s (capped %s)', (fee, hours, consumer, wilful, days, amount, capped) => {
    const r = tncOutageDamages({ monthlyFee: fee, recognisedAtMs: T0, restoredAtMs: T0 + hours * H, consumer, wilfulOrGrossNegligence: wilful });
    expect(r.days).toBe(days);
    expect(s(r.amount)).toBe(amount);
    expect(r.capped).toBe(capped);
  });
  it('clause trail and TNC-42.2 allocation flag', () => {
    const r = tncOutageDamages({ monthlyFee: '5000', recognisedAtMs: T0, restoredAtMs: T0 + 48 * H, consumer: true, carrierCaused: true });
    expect(r.clauses).toEqual(['TNC-42.1', 'TNC-42.2', 'TNC-43']);
    expect(r.allocationRequired).toBe(true);
    expect(r.cap && s(r.cap)).toBe('5000');
    const w = tncOutageDamages({ monthlyFee: '5000', recognisedAtMs: T0, restoredAtMs: T0 + 48 * H, consumer: true, wilfulOrGrossNegligence: true });
    expect(w.cap).toBeNull();
    expect(w.clauses).toEqual(['TNC-42.1', 'TNC-42.5']);
  });
});

describe('TNC-26.2 fee exemption (flat rate, ≥ 24h, provider fault)', () => {
  it.each([
    ['5000', 23, 30, 0, '0', '0'],
    ['5000', 24, 30, 1, '166', '16'],
    ['5000', 72, 31, 3, '483', '48'], // 483.87… floored
    ['4800', 48, 30, 2, '320', '32'],
    ['5000', 24 * 40, 30, 30, '5000', '500'], // never more than the month
  ])('fee %s, %s h, %i-day month → %i days, %s + tax %s', (fee, hours, dim, days, amount, tax) => {
    const r = tncFeeExemption({ monthlyFee: fee, recognisedAtMs: T0, restoredAtMs: T0 + hours * H, daysInMonth: dim });
    expect(r.days).toBe(days);
    expect(s(r.amount)).toBe(amount);
    expect(s(r.tax)).toBe(tax);
    expect(s(r.total)).toBe(new Decimal(amount).plus(tax).toFixed());
  });
  it('not the provider’s fault → nothing', () => {
    expect(s(tncFeeExemption({ monthlyFee: '5000', recognisedAtMs: T0, restoredAtMs: T0 + 72 * H, daysInMonth: 30, providerFault: false }).amount)).toBe('0');
  });
});

describe('TNC-42.2 pro-rata allocation (largest remainder)', () => {
  it.each([
    ['100', ['1', '1', '1'], ['34', '33', '33']], // tie → lowest index
    ['10', ['1', '2', '3', '4'], ['1', '2', '3', '4']],
    ['7', ['0', '1', '1'], ['0', '4', '3']],
    ['0', ['1', '2'], ['0', '0']],
    ['0', ['0', '0'], ['0', '0']],
    ['99.9', ['1', '1'], ['50', '49']], // total floored to 99 first
    ['5', ['0.5', '0.25', '0.25'], ['3', '1', '1']],
  ])('total %s, weights %j → %j', (total, weights, out) => {
    const parts = allocateProRata(total, weights);
    expect(strs(parts)).toEqual(out);
  });
  it('detail: 10000 over 5000/3000/1666 (Σ 9666)', () => {
    // exact quotas 5172.77, 3103.66, 1723.56 → floors 5172, 3103, 1723 (Σ 9998): +1 to .77 and .66
    expect(strs(allocateProRata('10000', ['5000', '3000', '1666']))).toEqual(['5173', '3104', '1723']);
  });
  it('errors', () => {
    expect(() => allocateProRata('10', ['0', '0'])).toThrow();
    expect(() => allocateProRata('10', ['-1', '2'])).toThrow();
    expect(() => allocateProRata('-10', ['1'])).toThrow();
  });
  it('TNC-42.4 carrier compensation: full claims when covered, pro rata when not', () => {
    expect(strs(allocateCarrierCompensation('10000', ['1000', '2000']))).toEqual(['1000', '2000']);
    expect(strs(allocateCarrierCompensation('1000', ['1000', '2000', '1000']))).toEqual(['250', '500', '250']);
    expect(strs(allocateCarrierCompensation('1001', ['1000', '2000', '1000']))).toEqual(['250', '501', '250']);
  });
});

describe('TNC-26.1 daily proration (plan partialMonth = daily)', () => {
  it.each([
    ['5000', 10, 30, '1666'],
    ['5000', 31, 31, '5000'],
    ['4800', 15, 31, '2322'], // 2322.58… floored
    ['5000', 0, 30, '0'],
    ['12000', 14, 28, '6000'],
  ])('fee %s × %i / %i = %s', (fee, days, dim, out) => expect(s(prorateDaily(fee, days, dim))).toBe(out));
  it('days out of range throw', () => {
    expect(() => prorateDaily('5000', 31, 30)).toThrow();
    expect(() => prorateDaily('5000', 1, 27)).toThrow();
  });
});
