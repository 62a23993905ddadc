import { describe, expect, it } from 'vitest';
import { getPlan, listPlans } from '../../rules/plans.js';
import { yen } from '../../rules/money.js';

describe('plans: price list (NGN-10 corporate only, TNC-15/16 docomo course, TNC-26.1 proration)', () => {
  it.each([
    ['ngn-vpn-standard', 'NGN', '50000', '30000', 'corporate', false, 'whole'],
    ['ngn-vpn-90k', 'NGN', '90000', '50000', 'corporate', false, 'whole'],
    ['tnc-home-1g', 'TNC', '5000', '3000', 'consumer', false, 'daily'],
    ['tnc-biz-fixed', 'TNC', '12000', '5000', 'corporate', false, 'whole'],
    ['tnc-docomo', 'TNC', '4800', '0', 'consumer', true, 'daily'],
  ])('%s', (id, terms, monthlyFee, initialFee, customerKind, docomoBilled, partialMonth) => {
    expect(getPlan(id)).toMatchObject({ id, terms, monthlyFee, initialFee, customerKind, docomoBilled, partialMonth });
  });

  it('unknown id → undefined; listing filters by terms', () => {
    expect(getPlan('nope')).toBeUndefined();
    expect(listPlans('NGN').every((p) => p.terms === 'NGN')).toBe(true);
    expect(listPlans('TNC').map((p) => p.id)).toEqual(expect.arrayContaining(['tnc-home-1g', 'tnc-biz-fixed', 'tnc-docomo']));
    expect(listPlans().length).toBe(listPlans('NGN').length + listPlans('TNC').length);
  });

  it('NGN-10: every NGN plan is corporate; only TNC plans are docomo billed', () => {
    for (const p of listPlans('NGN')) {
      expect(p.customerKind).toBe('corporate');
      expect(p.docomoBilled).toBe(false);
    }
  });

  it('all amounts are valid decimal strings and ids are unique', () => {
    const all = listPlans();
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of all) {
      expect(() => yen(p.monthlyFee)).not.toThrow();
      expect(yen(p.initialFee).isNegative()).toBe(false);
      for (const o of p.meteredOptions) expect(yen(o.unitPrice).isPositive()).toBe(true);
    }
  });

  it('plans are frozen', () => {
    const p = getPlan('ngn-vpn-standard')!;
    expect(() => {
      (p as { monthlyFee: string }).monthlyFee = '1';
    }).toThrow(TypeError);
    expect(getPlan('ngn-vpn-standard')!.monthlyFee).toBe('50000');
  });
});
