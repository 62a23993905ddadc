/**
 * Two charges from one client request (issue 15): the reconciliation flags requested charges
 * (NGN-20 surcharges, NGN-29 dispatches, usage) posted twice with the same clause, amount,
 * description and day; charges that differ, and recurring fees, are not flagged.
 */
import { describe, expect, test } from 'vitest';
import { duplicateCharges, reconcile } from '../../rules/invoice.js';

const surcharge = (n: number, description = '料金の不正な免脱') => ({
  invoiceId: `C1:surcharge:${n}`,
  idempotencyKey: `C1:surcharge:${n}:NGN-20`,
  kind: 'surcharge',
  clauseId: 'NGN-20',
  // NGN-20: twice the evaded 1,000 yen.
  amount: '2000',
  description: `割増金（免れた額 1000円 × 2、不課税）: ${description}`,
  effectiveDate: '2027-04-10',
});

describe('NGN-20 NGN-29: duplicate charges', () => {
  test('NGN-20: the same surcharge on two invoices is flagged, naming both; the books still add up', () => {
    const lines = [surcharge(1), surcharge(2)];
    const invoices = [
      { id: 'C1:surcharge:1', total: '2000' },
      { id: 'C1:surcharge:2', total: '2000' },
    ];
    const r = reconcile({ lines, invoices, payments: [] });
    expect(r.duplicates).toEqual([
      {
        kind: 'surcharge',
        clauseId: 'NGN-20',
        amount: '2000',
        effectiveDate: '2027-04-10',
        description: '割増金（免れた額 1000円 × 2、不課税）: 料金の不正な免脱',
        idempotencyKeys: ['C1:surcharge:1:NGN-20', 'C1:surcharge:2:NGN-20'],
        invoiceIds: ['C1:surcharge:1', 'C1:surcharge:2'],
      },
    ]);
    expect(r.mismatches).toEqual([
      'NGN-20 surcharge of 2000 on 2027-04-10 ("割増金（免れた額 1000円 × 2、不課税）: 料金の不正な免脱") is charged 2 times (C1:surcharge:1:NGN-20, C1:surcharge:2:NGN-20 on C1:surcharge:1, C1:surcharge:2): two charges from one client request?',
    ]);
    expect([r.ledgerTotal, r.invoicedTotal, r.ok]).toEqual(['4000', '4000', false]);
  });

  test('different descriptions, days or amounts are different charges; monthly fees of equal amount are not requests', () => {
    expect(duplicateCharges([surcharge(1), surcharge(2, '別の免脱')])).toEqual([]);
    expect(duplicateCharges([surcharge(1), { ...surcharge(2), effectiveDate: '2027-04-11' }])).toEqual([]);
    const fee = (m: string) => ({ invoiceId: `C1:${m}`, idempotencyKey: `C1:${m}:NGN-19:fee`, kind: 'fee', clauseId: 'NGN-19', amount: '50000', description: '基本料金', effectiveDate: '2027-04-30' });
    expect(duplicateCharges([fee('2027-04'), fee('2027-05')])).toEqual([]);
  });
});
