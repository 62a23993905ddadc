/**
 * Clauses with short paths of their own: NGN-27 immediate measures, NGN-42 anti-social forces,
 * NGN-15 / TNC-13 succession, TNC-11 application channel, NGN-46 disclosure notices, TNC-45
 * malware alerts.
 */
import { describe, expect, test } from 'vitest';
import {
  alertMalware,
  applyMeasure,
  recordDisclosure,
  changeContractor,
  getContract,
  reportViolation,
  terminateByProvider,
} from '../../workflows/contract-messages.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { consumerCustomer, corporateCustomer, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

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
      // NGN-27: the immediate stop is recorded under NGN-27 itself, not as an NGN-37 stoppage.
      expect((await h.query(getContract)).suspensions?.[0]).toMatchObject({ status: 'active', clauseId: 'NGN-27' });
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'violation' } });
      expect(notice.clauseId).toBe('NGN-27');
      expect(notice.body).toContain('是正期間を設けず');
    });
  });

  test('NGN-42: anti-social forces end the contract the same day without a demand; no NGN-18 fee', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-06-15`);
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', item: 1, reason: '反社会的勢力に該当することが判明' }] });
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
        args: [{ kind: 'succession', customerId: 'CUST-SUCCESSOR', name: '承継株式会社', email: 'it@successor.example.co.jp', evidence: '連名の承継申込書', jointlySigned: true, decision: 'approve' }],
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


describe('NGN-46 disclosure to authorities and TNC-45 malware alert', () => {
  test('NGN-46: a planned disclosure is told beforehand; one already made needs the reason no prior notice was possible, and is told at once', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T10:00`));
      const planned = await h.executeUpdate(recordDisclosure, {
        args: [{ disclosureId: 'D-court', authority: '東京地方裁判所', legalBasis: '民事訴訟法第223条（文書提出命令）', scope: '契約者名・接続拠点の住所', disclosureAt: jst(`${Y}-04-17T10:00`) }],
      });
      expect(planned).toMatchObject({ id: 'D-court', prior: true });
      expect(Date.parse(planned.noticeSentAt!)).toBeLessThan(Date.parse(jst(`${Y}-04-17T10:00`)));
      const missingReason = await refusalOf(
        h.executeUpdate(recordDisclosure, { args: [{ authority: '警視庁', legalBasis: '刑事訴訟法第218条', scope: '通信記録', disclosureAt: jst(`${Y}-04-09T15:00`) }] }),
      );
      expect(missingReason).toMatchObject({ type: 'InvalidCommand', details: { field: 'whyNotPrior' } });
      const after = await h.executeUpdate(recordDisclosure, {
        args: [{ authority: '警視庁', legalBasis: '刑事訴訟法第218条（差押許可状）', scope: '通信記録', disclosureAt: jst(`${Y}-04-09T15:00`), whyNotPrior: '捜査上の必要により事前の通知を控えるよう求められたため' }],
      });
      expect(after.prior).toBe(false);
      const notices = await world.db.notice.findMany({ where: { contractId: id, kind: 'disclosure' }, orderBy: { id: 'asc' } });
      expect(notices.map((n) => n.clauseId)).toEqual(['NGN-46', 'NGN-46']);
      expect(notices[0]!.body).toContain('開示に先立って');
      expect(notices[0]!.body).toContain('東京地方裁判所');
      expect(notices[1]!.body).toContain('事前にお知らせできなかった理由: 捜査上の必要により事前の通知を控えるよう求められたため');
    });
  });

  test('TNC-45: ops alert a customer whose device a trusted third party reported; a bad IP address is refused; NGN has no such alert', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T10:00`));
      const alert = { ipAddress: '203.0.113.45', observedAt: jst(`${Y}-04-09T23:10`), source: '一般社団法人 JPCERT/CC', detail: 'Telnet ポートへの探索通信（Mirai 亜種）' };
      expect(await refusalOf(h.executeUpdate(alertMalware, { args: [{ ...alert, ipAddress: '203.0.113' }] }))).toMatchObject({ type: 'InvalidCommand', details: { field: 'ipAddress' } });
      const a = await h.executeUpdate(alertMalware, { args: [{ ...alert, alertId: 'M-1' }] });
      expect(a).toMatchObject({ id: 'M-1', ipAddress: '203.0.113.45' });
      const n = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'malware-alert' } });
      expect(n.clauseId).toBe('TNC-45');
      expect(n.body).toContain('203.0.113.45');
    });
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-05-01`, async (h) => {
      const r = await refusalOf(h.executeUpdate(alertMalware, { args: [{ ipAddress: '198.51.100.7', observedAt: jst(`${Y}-05-01T09:00`), source: 'x', detail: 'y' }] }));
      expect(r).toMatchObject({ type: 'InvalidCommand', details: { field: 'terms' } });
    });
  });
});
