/**
 * Clauses with short paths of their own: NGN-27 immediate measures, NGN-42 anti-social forces,
 * NGN-15 / TNC-13 succession, TNC-11 application channel.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  applyMeasure,
  changeContractor,
  getContract,
  reportViolation,
  terminateByProvider,
} from '../../workflows/contract-messages.js';
import { timeSkippingEnv } from '../helpers/temporal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { consumerCustomer, corporateCustomer, createWorld, type World } from '../helpers/world.js';

let world: World;
beforeAll(async () => {
  world = await createWorld(await timeSkippingEnv());
});
afterAll(async () => {
  await world?.close();
});

describe('NGN-27 and NGN-42: measures without a cure window', () => {
  test('NGN-27: a breach of 第24条/第26条 allows a measure at once (no cure window), and the notice says so', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-03T10:05`));
      const v = await h.executeUpdate(reportViolation, {
        args: [{ violationId: 'V-27', clauseId: 'NGN-27', act: 2, occurredAt: jst(`${Y}-04-03T10:00`), description: '不正アクセス行為' }],
      });
      expect(v.cureLastDay).toBeUndefined();
      expect(Date.parse(v.measuresFrom)).toBeLessThanOrEqual(Date.parse(jst(`${Y}-04-03T10:05`)) + 1000);
      const m = await h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-27', measure: 2 }] });
      expect(m).toMatchObject({ status: 'measured', measure: 2 });
      expect((await h.query(getContract)).suspensions?.[0]).toMatchObject({ status: 'active', clauseId: 'NGN-37' });
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'violation' } });
      expect(notice.clauseId).toBe('NGN-27');
      expect(notice.body).toContain('是正期間を設けず');
    });
  });

  test('NGN-42: anti-social forces end the contract the same day without a demand; no NGN-18 fee', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-06-15`);
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', reason: '反社会的勢力に該当することが判明' }] });
      expect([v.endDate, v.endReason]).toEqual([`${Y}-06-15`, 'provider-termination']);
      await sleepUntil(world, `${Y}-06-17`);
      expect((await h.query(getContract)).status).toBe('ended');
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'termination' } });
      expect(notice.clauseId).toBe('NGN-42');
      expect(await world.db.ledgerEntry.count({ where: { contractId: id, clauseId: 'NGN-18' } })).toBe(0);
    });
  });
});

describe('NGN-15 TNC-13 succession and TNC-11 channel', () => {
  test('NGN-15: an approved transfer moves the contract to the successor; the customer id changes and the change is recorded', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await h.executeUpdate(changeContractor, {
        args: [{ kind: 'succession', customerId: 'CUST-SUCCESSOR', name: '承継株式会社', email: 'it@successor.example.co.jp', evidence: '連名の承継申込書 承認' }],
      });
      await sleepUntil(world, `${Y}-04-02`);
      const v = await h.query(getContract);
      expect(v.customerId).toBe('CUST-SUCCESSOR');
      expect(v.contractorChanges?.[0]).toMatchObject({ kind: 'succession', clauseId: 'NGN-15' });
      const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
      expect([row.customerId, row.customerName]).toEqual(['CUST-SUCCESSOR', '承継株式会社']);
    });
  });

  test('TNC-13: succession by inheritance under TNC is recorded with its documents; TNC-11: the online channel is kept on the contract', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      expect((await world.db.contract.findUniqueOrThrow({ where: { id } })).channel).toBe('online');
      await h.executeUpdate(changeContractor, {
        args: [{ kind: 'succession', customerId: 'CUST-HEIR', name: '山田 花子', evidence: '戸籍謄本 受領（相続）' }],
      });
      await sleepUntil(world, `${Y}-04-02`);
      const v = await h.query(getContract);
      expect(v.customerId).toBe('CUST-HEIR');
      expect(v.contractorChanges?.[0]).toMatchObject({ kind: 'succession', clauseId: 'TNC-13', evidence: '戸籍謄本 受領（相続）' });
    });
  });
});
