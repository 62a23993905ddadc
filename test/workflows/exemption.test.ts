/**
 * Fees while the service cannot be used, on the time-skipping server, with exact yen:
 * - TNC-26.2: the fee AND its consumption tax for the unusable days are not owed (flat rate,
 *   provider's fault, ≥ 24 h from recognition), priced over the billing month's actual days; also for
 *   第39条 maintenance stops (TNC-39 (1)(2), where TNC-39.3 excludes damages); not capped by TNC-43.
 *   The same days earn either the exemption or the TNC-42.1 damages (不課税, TNC-43 cap for consumers,
 *   TNC-42.5 uncapped), never both: the larger.
 * - TNC-26.3 / TNC-41.2 / TNC-38.3: fees owed during a TNC-41 stoppage, no damages for it.
 * - NGN-16.2: fees owed during a 第36条 suspension; NGN-33.3 no compensation for it.
 * - TNC-27: the payment method is kept on the contract; an invalid one stops the service (TNC-41 (2)).
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import {
  acceptApplication,
  getContract,
  liftSuspension,
  recordPayment,
  reportOutage,
  reportPaymentMethodInvalid,
  restoreOutage,
  scheduleSuspension,
} from '../../workflows/contract-messages.js';
import { reconcile } from '../../rules/invoice.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

const lines = (invoiceId: string) =>
  world.db.ledgerEntry.findMany({ where: { invoiceId }, orderBy: { id: 'asc' } }).then((ls) => ls.map((l) => [l.clauseId, l.kind, l.taxClass, l.amount]));
const invoice = (id: string) => world.db.invoice.findUniqueOrThrow({ where: { id } });

async function reconciled(contractId: string) {
  const [ls, invoices, payments] = await Promise.all([
    world.db.ledgerEntry.findMany({ where: { contractId } }),
    world.db.invoice.findMany({ where: { contractId } }),
    world.db.payment.findMany({ where: { contractId } }),
  ]);
  return reconcile({ lines: ls, invoices, payments });
}

describe('TNC-26.2 fee exemption through the workflow', () => {
  test('TNC-26.2: 3 days (72 h from recognition) on a 5,000 yen flat plan in April exempt 500 yen and its 50 yen tax; TNC-42.1 damages of 500 yen are not paid as well', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T09:30`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-3d', startedAt: jst(`${Y}-04-10T08:40`), recognisedAt: jst(`${Y}-04-10T09:00`), cause: 'provider-fault', description: '収容装置故障' }] });
      await sleepUntilInstant(world, jst(`${Y}-04-13T10:00`));
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-3d', restoredAt: jst(`${Y}-04-13T09:00`) }] });
      // 3 whole 24 h periods; April has 30 days: 5,000 × 3 ÷ 30 = 500; its tax 50 → 550.
      // TNC-42.1 for the same days: 5,000 × 1/30 × 3 = 500 (不課税) < 550, so the exemption is the one paid.
      expect(o.credit).toEqual({ amount: '550', days: 3, clauseId: 'TNC-26.2', remedy: 'exemption', tax: '50' });
      await sleepUntil(world, `${Y}-05-02`);
      // April: fee 5,000 − exemption 500 = 4,500 taxable; tax once: 450; total 4,950 (= 5,500 − 550).
      expect(await lines(`${id}:${Y}-04`)).toEqual([
        ['TNC-26', 'fee', 'taxable', '5000'],
        ['TNC-26.2', 'exemption', 'taxable', '-500'],
        ['TNC-26', 'consumption-tax', 'consumption-tax', '450'],
      ]);
      expect((await invoice(`${id}:${Y}-04`)).total).toBe('4950');
      expect(await world.db.ledgerEntry.count({ where: { contractId: id, clauseId: { in: ['TNC-42.1', 'TNC-43'] } } })).toBe(0);
      const credit = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'credit' } });
      expect(credit.clauseId).toBe('TNC-26.2');
      for (const s of [`${Y}-04 分の料金（3日 ÷ 30日）: 500円`, '免除する消費税相当額: 50円', '免除額（税込）: 550円', '損害賠償（TNC-42.1: 500円）']) expect(credit.body).toContain(s);
    });
  });

  test('TNC-26.2 TNC-43: 40 days on a 5,000 yen consumer plan exempt 4,833 (April, 29 ÷ 30) + 1,774 (May, 11 ÷ 31) and their 660 yen tax = 7,267, not capped by TNC-43 and more than the damages TNC-43 caps at 5,000; the May invoice goes below zero and carries 1,767 yen to June', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-02T12:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-40d', startedAt: jst(`${Y}-04-02T10:00`), recognisedAt: jst(`${Y}-04-02T11:00`), cause: 'provider-fault', description: '設備故障' }] });
      await sleepUntilInstant(world, jst(`${Y}-05-13T12:00`));
      // 40 whole days after recognition: 04-02 11:00 → 05-12 11:00.
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-40d', restoredAt: jst(`${Y}-05-12T11:00`) }] });
      // Periods starting 04-02 … 04-30 = 29 in April: 5,000 × 29 ÷ 30 = 4,833.33… → 4,833 (tax 483);
      // 05-01 … 05-11 = 11 in May: 5,000 × 11 ÷ 31 = 1,774.19… → 1,774 (tax 177). 6,607 + 660 = 7,267.
      // Damages: 5,000 × 40 ÷ 30 = 6,666.66… → 6,666, capped by TNC-43 at one month's fee: 5,000.
      expect(o.credit).toEqual({ amount: '7267', days: 40, clauseId: 'TNC-26.2', remedy: 'exemption', tax: '660' });
      const credit = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'credit' } });
      expect(credit.body).toContain('損害賠償（TNC-43: 5,000円）');
      expect(credit.body).toContain('免除額（税込）: 7,267円');
      await sleepUntil(world, `${Y}-07-02`);
      // April's invoice was issued on 05-01, before the restoration: 5,000 + 500.
      expect((await invoice(`${id}:${Y}-04`)).total).toBe('5500');
      // May: 5,000 − 4,833 (April's days, a 返還) − 1,774 = −1,607 taxable; tax once: −160.7 → −160; −1,767
      // carried to the next invoice (balancing +1,767 here), so May's total is 0.
      expect(await lines(`${id}:${Y}-05`)).toEqual([
        ['TNC-26', 'fee', 'taxable', '5000'],
        ['TNC-26.2', 'exemption', 'taxable', '-4833'],
        ['TNC-26.2', 'exemption', 'taxable', '-1774'],
        ['TNC-26', 'consumption-tax', 'consumption-tax', '-160'],
        ['TNC-26', 'credit', 'out-of-scope', '1767'],
      ]);
      expect((await invoice(`${id}:${Y}-05`)).total).toBe('0');
      // June: 5,000 + 500 − 1,767 = 3,733.
      expect(await lines(`${id}:${Y}-06`)).toEqual([
        ['TNC-26', 'fee', 'taxable', '5000'],
        ['TNC-26', 'credit', 'out-of-scope', '-1767'],
        ['TNC-26', 'consumption-tax', 'consumption-tax', '500'],
      ]);
      expect((await invoice(`${id}:${Y}-06`)).total).toBe('3733');
      // Three months of 5,500 less the exemption: 16,500 − 7,267 = 9,233 = 5,500 + 0 + 3,733.
      const r = await reconciled(id);
      expect([r.ledgerTotal, r.mismatches]).toEqual(['9233', []]);
    });
  });

  test('TNC-42.5: with gross negligence the damages are not capped (6,666) — still less than the exemption for 40 days from 08-02: 4,838 (30 ÷ 31) + 1,666 (10 ÷ 30) and 649 yen tax = 7,153', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-08-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-08-02T12:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-gross', startedAt: jst(`${Y}-08-02T10:00`), recognisedAt: jst(`${Y}-08-02T11:00`), cause: 'provider-fault', grossNegligence: true, description: '設定誤り' }] });
      await sleepUntilInstant(world, jst(`${Y}-09-12T12:00`));
      // 08-02 11:00 → 09-11 11:00 = 40 days: 30 periods start in August (31 days), 10 in September (30 days).
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-gross', restoredAt: jst(`${Y}-09-11T11:00`) }] });
      // 5,000 × 30 ÷ 31 = 4,838.70… → 4,838 (tax 483); 5,000 × 10 ÷ 30 = 1,666.66… → 1,666 (tax 166): 6,504 + 649.
      expect(o.credit).toEqual({ amount: '7153', days: 40, clauseId: 'TNC-26.2', remedy: 'exemption', tax: '649' });
      const credit = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'credit' } });
      expect(credit.body).toContain('損害賠償（TNC-42.1: 6,666円）');
    });
  });

  test('TNC-39 TNC-39.3: a 54-hour maintenance stop (39 (1)) exempts 2 days — 333 yen and its tax; a 54-hour TNC-38 restriction stop (39 (4)) exempts nothing; no damages for either', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      const maint = await h.executeUpdate(scheduleSuspension, {
        args: [{ clauseId: 'TNC-39', item: 1, reason: '収容局の設備更改工事', startsAt: jst(`${Y}-04-10T00:00`), endsAt: jst(`${Y}-04-12T06:00`) }],
      });
      const restriction = await h.executeUpdate(scheduleSuspension, {
        args: [{ clauseId: 'TNC-39', item: 4, reason: '大量トラフィックによる利用制限（TNC-38）', startsAt: jst(`${Y}-04-20T00:00`), endsAt: jst(`${Y}-04-22T06:00`) }],
      });
      await sleepUntil(world, `${Y}-05-02`);
      const v = await h.query(getContract);
      // 54 h = 2 whole days: 5,000 × 2 ÷ 30 = 333.33… → 333; tax 33.
      expect(v.suspensions?.find((s) => s.id === maint.id)).toMatchObject({ status: 'lifted', item: 1, exemption: { amount: '333', tax: '33', days: 2 } });
      expect(v.suspensions?.find((s) => s.id === restriction.id)?.exemption).toBeUndefined();
      // April: 5,000 − 333 = 4,667; tax once 466.7 → 466; 5,133.
      expect(await lines(`${id}:${Y}-04`)).toEqual([
        ['TNC-26', 'fee', 'taxable', '5000'],
        ['TNC-26.2', 'exemption', 'taxable', '-333'],
        ['TNC-26', 'consumption-tax', 'consumption-tax', '466'],
      ]);
      expect((await invoice(`${id}:${Y}-04`)).total).toBe('5133');
      expect(await world.db.notice.count({ where: { contractId: id, kind: 'credit', clauseId: 'TNC-26.2' } })).toBe(1);
    });
  });
});

describe('Fees owed while stopped: TNC-26.3 TNC-41.2 TNC-38.3, NGN-16.2 NGN-33.3', () => {
  test('TNC-26.3 TNC-41.2 TNC-38.3: stopped under TNC-41 from 04-05 10:00 until lifted on 05-20, April and May are billed 5,500 each; a 48-hour outage during the stop earns no damages and no exemption', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-05T10:00`));
      const s = await h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'TNC-41', reason: '(6) 約款違反', startsAt: jst(`${Y}-04-05T10:00`) }] });
      expect(s).toMatchObject({ status: 'active', startsAt: jst(`${Y}-04-05T10:00`) });
      await sleepUntilInstant(world, jst(`${Y}-04-10T10:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-stop', startedAt: jst(`${Y}-04-10T09:00`), recognisedAt: jst(`${Y}-04-10T09:00`), cause: 'restriction-or-suspension', description: '利用停止中' }] });
      await sleepUntilInstant(world, jst(`${Y}-04-12T10:00`));
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-stop', restoredAt: jst(`${Y}-04-12T09:00`) }] });
      expect(o.credit).toBeUndefined();
      await sleepUntil(world, `${Y}-05-20`);
      await h.executeUpdate(liftSuspension, { args: [{ suspensionId: s.id }] });
      await sleepUntil(world, `${Y}-06-02`);
      // TNC-26.3: 5,000 + 500 for April and for May although the service was stopped.
      expect(await lines(`${id}:${Y}-04`)).toEqual([
        ['TNC-26', 'fee', 'taxable', '5000'],
        ['TNC-26', 'consumption-tax', 'consumption-tax', '500'],
      ]);
      expect((await invoice(`${id}:${Y}-05`)).total).toBe('5500');
      expect(await world.db.ledgerEntry.count({ where: { contractId: id, kind: { in: ['credit', 'exemption'] } } })).toBe(0);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'suspension' } });
      expect(notice.body).toContain('TNC-26.3');
    });
  });

  test('NGN-16.2 NGN-33.3: a 第36条 maintenance suspension of 3 days (04-10 to 04-13) leaves April at 50,000 + 5,000; a 72-hour outage caused by it earns nothing', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      // Prior notice (NGN-36): scheduled on 04-01 for 04-10 00:00 … 04-13 00:00.
      const s = await h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'NGN-36', reason: '設備の定期保守', startsAt: jst(`${Y}-04-10T00:00`), endsAt: jst(`${Y}-04-13T00:00`) }] });
      expect(s.status).toBe('scheduled');
      await sleepUntilInstant(world, jst(`${Y}-04-13T10:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-36', startedAt: jst(`${Y}-04-10T00:00`), recognisedAt: jst(`${Y}-04-10T00:00`), cause: 'restriction-or-suspension', description: '第36条の提供中止' }] });
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-36', restoredAt: jst(`${Y}-04-13T00:00`) }] });
      expect(o.credit).toBeUndefined();
      await sleepUntil(world, `${Y}-05-02`);
      const stop = (await h.query(getContract)).suspensions?.[0];
      expect(stop?.status).toBe('lifted');
      expect(stop?.exemption).toBeUndefined(); // NGN has no fee exemption (feeExemptionGrounds null)
      expect(await lines(`${id}:${Y}-04`)).toEqual([
        ['NGN-19', 'fee', 'taxable', '50000'],
        ['NGN-23', 'consumption-tax', 'consumption-tax', '5000'],
      ]);
    });
  });
});

describe('TNC-27 payment method and TNC-41 (2)', () => {
  test('TNC-27 TNC-41.2: the credit card registered at acceptance is kept on the contract; reported invalid on 04-15 10:00 it stops the service at that instant without prior notice, and April is still billed 5,500', async () => {
    const Y = await nextYear(world);
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      await sleepUntil(world, `${Y}-04-01`);
      const input = application('TNC', 'tnc-home-1g', consumerCustomer(), await world.env.currentTimeMs());
      const h: WorkflowHandle = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      try {
        // TNC-27 (1)(2)(3): bank debit, card, other; a bank transfer is not one of them.
        const wrong = await refusalOf(h.executeUpdate(acceptApplication, { args: [{ paymentMethod: 'bank-transfer' }] }));
        expect(wrong).toMatchObject({ type: 'InvalidCommand', details: { field: 'paymentMethod' } });
        const v = await h.executeUpdate(acceptApplication, { args: [{ paymentMethod: 'credit-card' }] });
        expect(v.paymentMethod).toEqual({ method: 'credit-card', since: `${Y}-04-01` });
        await sleepUntilInstant(world, jst(`${Y}-04-15T10:00`));
        const s = await h.executeUpdate(reportPaymentMethodInvalid, { args: [{ reason: 'カード会社から利用停止の連絡' }] });
        // TNC-41 (2): without prior notice, from the moment it was reported (workflow time of the update:
        // 04-15 10:00 JST, give or take the update's own run time).
        expect(s).toMatchObject({ clauseId: 'TNC-41', item: 2, status: 'active' });
        const reported = Date.parse(jst(`${Y}-04-15T10:00`));
        expect(Date.parse(s.startsAt) - reported).toBeGreaterThanOrEqual(0);
        expect(Date.parse(s.startsAt) - reported).toBeLessThan(60_000);
        expect(Date.parse(s.noticeSentAt!) - Date.parse(s.startsAt)).toBeGreaterThanOrEqual(0);
        expect(Date.parse(s.noticeSentAt!) - Date.parse(s.startsAt)).toBeLessThan(60_000);
        const after = await h.query(getContract);
        expect(after.paymentMethod).toEqual({ method: 'credit-card', since: `${Y}-04-01`, invalidSince: s.startsAt });
        const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: input.contractId, kind: 'suspension' } });
        expect(notice.body).toContain('登録のお支払い方法: credit-card');
        expect(notice.body).toContain('事前の通知なく');
        await sleepUntil(world, `${Y}-05-02`);
        // TNC-26.3: April 5,000 + 500 although stopped from 04-15.
        expect((await invoice(`${input.contractId}:${Y}-04`)).total).toBe('5500');
        const pay = await refusalOf(h.executeUpdate(recordPayment, { args: [{ invoiceId: `${input.contractId}:${Y}-04`, amount: '5500', method: 'bank-transfer', paidOn: `${Y}-05-02` }] }));
        expect(pay).toMatchObject({ type: 'InvalidCommand', details: { field: 'method' } });
      } finally {
        if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test finished');
      }
    });
  });
});
