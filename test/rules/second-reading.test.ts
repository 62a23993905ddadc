/**
 * The pure rules of the second reading (issue 13), with exact yen and dates worked out from the text:
 * JP-INVOICE tax once per invoice per rate and the registration number; TNC-26.2 exemption month by
 * month and the larger-of rule against TNC-42.1; NGN-13.2 / TNC-19 plan segments and NGN-41.1
 * add-ons in a month's fees; reconciliation of TNC-30 receivables; the catalog fields that carry them.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { JP_INVOICE, invoiceTaxAtRate, isRegistrationNumber, reconcile } from '../../rules/invoice.js';
import { consumptionTax, feeExemptionByMonth, largerRemedy } from '../../rules/money.js';
import { addOnMonthFee, monthFeeSegments, planSegments } from '../../rules/monthly-fees.js';
import { getPlan } from '../../rules/plans.js';
import { NGN_2020_02_01, TNC_2022_07_01, isDecided } from '../../rules/terms/index.js';

const H = 3_600_000;
const jst = (s: string) => Date.parse(`${s}:00+09:00`);
const basis = (id: string) => getPlan(id)!;

describe('JP-INVOICE: consumption tax once per invoice per rate', () => {
  test('JP-INVOICE: 50,000 + 617 + 6,005 = 56,622 at 10% gives 5,662 once; floored per line 5,000 + 61 + 600 = 5,661', () => {
    const lines = ['50000', '617', '6005'].map((amount) => ({ taxClass: 'taxable' as const, amount }));
    expect(invoiceTaxAtRate(lines, '0.10')).toEqual({ rate: '0.10', base: '56622', tax: '5662' });
    expect(lines.reduce((s, l) => s.plus(consumptionTax(l.amount)), new Decimal(0)).toFixed()).toBe('5661');
  });
  test('JP-INVOICE: 不課税 and tax lines are not in the base; a return (返還) gives a negative tax truncated toward zero', () => {
    expect(invoiceTaxAtRate([{ taxClass: 'taxable', amount: '5000' }, { taxClass: 'out-of-scope', amount: '220' }, { taxClass: 'taxable', amount: '-500' }], '0.10')).toEqual({ rate: '0.10', base: '4500', tax: '450' });
    // −1,607 × 10% = −160.7 → −160 (円未満切り捨て toward zero: never a larger credit than the exact figure).
    expect(invoiceTaxAtRate([{ taxClass: 'taxable', amount: '-1607' }], '0.10').tax).toBe('-160');
  });
  test('JP-INVOICE property: the tax computed once is never less than the per-line floors, and exceeds them by less than the number of lines', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 12 }), (amounts) => {
        const once = new Decimal(invoiceTaxAtRate(amounts.map((a) => ({ taxClass: 'taxable' as const, amount: String(a) })), '0.10').tax);
        const perLine = amounts.reduce((s, a) => s.plus(consumptionTax(String(a))), new Decimal(0));
        return once.gte(perLine) && once.minus(perLine).lt(amounts.length);
      }),
    );
  });
  test('JP-INVOICE: a registration number is T and 13 digits', () => {
    expect(JP_INVOICE).toBe('JP-INVOICE');
    expect(isRegistrationNumber('T1234567890123')).toBe(true);
    for (const bad of ['1234567890123', 'T123456789012', 'T12345678901234', 't1234567890123', 'T123456789012X', ' T1234567890123']) expect(isRegistrationNumber(bad)).toBe(false);
  });
});

describe('TNC-26.2 exemption month by month', () => {
  test('TNC-26.2: 72 h from 04-10 09:00 on 5,000 yen: 3 days of April (30 days) = 500, tax 50', () => {
    const e = feeExemptionByMonth({ monthlyFee: '5000', fromMs: jst('2027-04-10T09:00'), toMs: jst('2027-04-13T09:00'), thresholdHours: 24 });
    expect([e.days, e.amount.toFixed(), e.tax.toFixed()]).toEqual([3, '500', '50']);
  });
  test('TNC-26.2: 40 days from 04-02 11:00: 29 periods start in April (÷30) = 4,833, 11 in May (÷31) = 1,774; tax 483 + 177', () => {
    const e = feeExemptionByMonth({ monthlyFee: '5000', fromMs: jst('2027-04-02T11:00'), toMs: jst('2027-05-12T11:00'), thresholdHours: 24 });
    expect(e.days).toBe(40);
    expect(e.months.map((m) => [m.month, m.days, m.daysInMonth, m.amount.toFixed(), m.tax.toFixed()])).toEqual([
      ['2027-04', 29, 30, '4833', '483'],
      ['2027-05', 11, 31, '1774', '177'],
    ]);
    expect([e.amount.toFixed(), e.tax.toFixed()]).toEqual(['6607', '660']);
  });
  test('TNC-26.2: under 24 h from recognition nothing; 47 h is one day; a month is never exempted beyond its fee', () => {
    expect(feeExemptionByMonth({ monthlyFee: '5000', fromMs: 0, toMs: 23.9 * H, thresholdHours: 24 }).days).toBe(0);
    expect(feeExemptionByMonth({ monthlyFee: '5000', fromMs: jst('2027-04-10T00:00'), toMs: jst('2027-04-10T00:00') + 47 * H, thresholdHours: 24 }).amount.toFixed()).toBe('166');
    const whole = feeExemptionByMonth({ monthlyFee: '5000', fromMs: jst('2027-02-01T00:00'), toMs: jst('2027-03-01T00:00'), thresholdHours: 24 });
    expect(whole.months.map((m) => [m.month, m.days, m.amount.toFixed()])).toEqual([['2027-02', 28, '5000']]);
  });
  test('TNC-26.2 vs TNC-42.1: one remedy, the larger — 550 (500 + tax) beats 500; 7,267 beats the TNC-43-capped 5,000; damages win only where there is no exemption; a tie goes to the exemption', () => {
    expect(largerRemedy({ amount: '500', tax: '50' }, '500')).toBe('exemption');
    expect(largerRemedy({ amount: '6607', tax: '660' }, '5000')).toBe('exemption');
    expect(largerRemedy(undefined, '5000')).toBe('damages');
    expect(largerRemedy({ amount: '100', tax: '10' }, '110')).toBe('exemption');
    expect(largerRemedy({ amount: '100', tax: '10' }, '111')).toBe('damages');
    expect(largerRemedy(undefined, undefined)).toBeUndefined();
  });
});

describe('NGN-13.2 / TNC-15 / TNC-19 plan segments and NGN-41.1 add-ons', () => {
  test('planSegments: a change effective 04-11 splits April at the 10th; an earlier history outside the month is ignored', () => {
    expect(planSegments([{ planId: 'a', until: '2027-02-28' }, { planId: 'b', until: '2027-04-10' }], 'c', '2027-04-01', '2027-04-30')).toEqual([
      { planId: 'b', from: '2027-04-01', to: '2027-04-10' },
      { planId: 'c', from: '2027-04-11', to: '2027-04-30' },
    ]);
  });
  test('TNC-15 daily: 5,000 for 04-01 … 04-10 (1,666) and 6,000 for 04-11 … 04-30 (4,000)', () => {
    const segs = monthFeeSegments({ month: '2027-04', billingStart: '2027-01-01', history: [{ planId: 'tnc-home-1g', until: '2027-04-10' }], currentPlanId: 'tnc-home-10g', basis });
    expect(segs.map((s) => [s.planId, s.days, s.amount.toFixed()])).toEqual([
      ['tnc-home-1g', 10, '1666'],
      ['tnc-home-10g', 20, '4000'],
    ]);
  });
  test('NGN-13.2 whole months: the plan in force on the last day billed bills the month once (90,000), also in the last month of service', () => {
    const segs = monthFeeSegments({ month: '2027-04', billingStart: '2027-01-01', history: [{ planId: 'ngn-vpn-standard', until: '2027-04-14' }], currentPlanId: 'ngn-vpn-90k', basis });
    expect(segs.map((s) => [s.planId, s.basis, s.amount.toFixed()])).toEqual([['ngn-vpn-90k', 'whole', '90000']]);
    const last = monthFeeSegments({ month: '2027-04', billingStart: '2027-01-01', until: '2027-04-10', history: [{ planId: 'ngn-vpn-standard', until: '2027-04-05' }], currentPlanId: 'ngn-vpn-90k', basis });
    expect(last.map((s) => [s.planId, s.to, s.amount.toFixed()])).toEqual([['ngn-vpn-90k', '2027-04-10', '90000']]);
  });
  test('TNC-19: docomo course through 05-20 (4,800 × 20 ÷ 31 = 3,096), value plan from 05-21 (4,800 × 11 ÷ 31 = 1,703)', () => {
    const segs = monthFeeSegments({ month: '2027-05', billingStart: '2027-04-01', history: [{ planId: 'tnc-docomo', until: '2027-05-20' }], currentPlanId: 'tnc-value', basis });
    expect(segs.map((s) => [s.planId, s.from, s.to, s.amount.toFixed()])).toEqual([
      ['tnc-docomo', '2027-05-01', '2027-05-20', '3096'],
      ['tnc-value', '2027-05-21', '2027-05-31', '1703'],
    ]);
  });
  test('NGN-41.1: an add-on ending 03-31 bills March whole (8,000) and nothing in April; a daily plan bills its days (8,000 × 15 ÷ 30 = 4,000)', () => {
    const whole = { monthlyFee: '8000', partialMonth: 'whole' as const };
    expect(addOnMonthFee({ month: '2028-03', billingStart: '2027-01-10', from: '2027-01-10', until: '2028-03-31', basis: whole })?.amount.toFixed()).toBe('8000');
    expect(addOnMonthFee({ month: '2028-04', billingStart: '2027-01-10', from: '2027-01-10', until: '2028-03-31', basis: whole })).toBeUndefined();
    expect(addOnMonthFee({ month: '2027-04', billingStart: '2027-01-01', from: '2027-04-16', basis: { monthlyFee: '8000', partialMonth: 'daily' } })?.amount.toFixed()).toBe('4000');
  });
});

describe('TNC-30: receivables assigned to docomo reconcile apart', () => {
  test('TNC-30: 3,520 assigned to docomo and 1,873 invoiced: the customer owes 1,873; a payment to the assignment is a mismatch', () => {
    const lines = [
      { invoiceId: 'a', amount: '3200', idempotencyKey: 'a1' },
      { invoiceId: 'a', amount: '320', idempotencyKey: 'a2' },
      { invoiceId: 'c', amount: '1703', idempotencyKey: 'c1' },
      { invoiceId: 'c', amount: '170', idempotencyKey: 'c2' },
    ];
    const invoices = [
      { id: 'a', total: '3520', billTo: 'carrier' },
      { id: 'c', total: '1873', billTo: 'customer' },
    ];
    const r = reconcile({ lines, invoices, payments: [] });
    expect([r.ledgerTotal, r.assignedTotal, r.balance, r.ok]).toEqual(['5393', '3520', '1873', true]);
    expect(r.perInvoice.map((i) => [i.invoiceId, i.open])).toEqual([['a', '0'], ['c', '1873']]);
    expect(reconcile({ lines, invoices, payments: [{ invoiceId: 'a', amount: '3520' }] }).mismatches).toEqual([
      'payment of 3520 names a, a receivable assigned to docomo (TNC-30): the customer pays docomo',
    ]);
  });
});

describe('catalog fields of the second reading', () => {
  test('NGN: NGN-13.2 change formation, NGN-41 / NGN-40 acceleration, NGN-19 / NGN-22 payment terms, no fee exemption, no carrier course, NGN-41.1 / NGN-43.3 parts', () => {
    const n = NGN_2020_02_01;
    expect([n.changeFormation.clause, n.changeFormation.value]).toEqual(['NGN-13.2', { formedWhen: 'acceptance-notice-sent', priceFrom: 'formation-date', refusalNotice: 'written' }]);
    expect(n.acceleration.value).toEqual({ onCancellation: 'NGN-41', onTerminationGrounds: ['NGN-40'] });
    expect(n.paymentTerms.value).toEqual({ monthly: 'NGN-19', penalties: 'NGN-22', lateInterest: 'NGN-22', penaltyInvoiceApart: true });
    expect(isDecided(n.paymentTerms)).toBe(true);
    expect(n.feeExemptionGrounds.value).toBeNull();
    expect(n.carrierBilling.value).toBeNull();
    expect([n.partialCancellation.clause, n.partialCancellation.value]).toEqual(['NGN-41.1', { allowed: true, erasureForEndedPart: 'NGN-43.3' }]);
  });
  test('TNC: TNC-15 decided like NGN-13.2, no acceleration, TNC-29.2, TNC-26.2 grounds, TNC-30 / TNC-19 / TNC-18.4, no parts', () => {
    const t = TNC_2022_07_01;
    expect(isDecided(t.changeFormation)).toBe(true);
    expect(t.acceleration.value).toEqual({ onCancellation: null, onTerminationGrounds: [] });
    expect(t.paymentTerms.value).toEqual({ monthly: null, penalties: null, lateInterest: 'TNC-29.2', penaltyInvoiceApart: false });
    expect([t.feeExemptionGrounds.clause, t.feeExemptionGrounds.value]).toEqual(['TNC-26.2', { outageCauses: ['provider-fault'], stops: [{ clause: 'TNC-39', items: [1, 2] }], withDamages: 'larger-only' }]);
    expect(isDecided(t.feeExemptionGrounds)).toBe(true);
    expect([t.carrierBilling.clause, t.carrierBilling.value]).toEqual(['TNC-30', { receivablesAssigned: true, courseEnd: 'TNC-19', terminationNotice: 'TNC-18.4' }]);
    expect(t.partialCancellation.value).toEqual({ allowed: false, erasureForEndedPart: null });
  });
});
