/**
 * After the end of a contract, and force majeure: NGN-43 erasure certificate with reminders,
 * personal-data deletion after retention (TNC-37.5; NGN decided), NGN-40 (10) force majeure.
 */
import { describe, expect, test } from 'vitest';
import {
  endForceMajeure,
  getContract,
  reportForceMajeure,
  recordCarrierDisclosure,
  recordDisclosure,
  requestCancellation,
  submitErasureCertificate,
  terminateByProvider,
} from '../../workflows/contract-messages.js';
import { contractReport } from '../../audit/load.js';
import { addDays } from '../../rules/calendar.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { consumerCustomer, corporateCustomer, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

describe('NGN-43 aftermath and TNC-37.5 retention', () => {
  test('NGN-43: reminders every 14 days until the erasure certificate arrives; personal data deleted 90 days after the end', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-01-05`, async (h, id) => {
      await sleepUntil(world, `${Y + 1}-03-01`); // after the minimum term (Y-02-01 … (Y+1)-01-31)
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y + 1}-04-30` }] });
      await sleepUntil(world, `${Y + 1}-05-01`);
      expect((await h.query(getContract)).status).toBe('ended');
      // End 04-30 24:00 → reminders on 05-14 and 05-28 (every 14 days); certificate on 06-01.
      await sleepUntil(world, `${Y + 1}-06-01`);
      const reminders = await world.db.notice.findMany({ where: { contractId: id, kind: 'erasure-certificate-reminder' }, orderBy: { id: 'asc' } });
      expect(reminders).toHaveLength(2);
      expect(reminders.every((r) => r.clauseId === 'NGN-43')).toBe(true);
      const v = await h.executeUpdate(submitErasureCertificate, { args: [{ equipmentReturned: true }] });
      expect(v.aftermath).toMatchObject({ certificateOn: `${Y + 1}-06-01`, reminders: 2, equipmentReturned: true });
      await sleepUntil(world, addDays(`${Y + 1}-04-30`, 90));
      expect((await world.db.contract.findUniqueOrThrow({ where: { id } })).customerEmail).not.toBe('');
      await sleepUntil(world, addDays(`${Y + 1}-04-30`, 92));
      const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
      expect([row.customerName, row.customerEmail]).toEqual(['（削除済み）', '']);
      expect(await world.db.ledgerEntry.count({ where: { contractId: id } })).toBeGreaterThan(0); // accounting records stay
      // NGN-54: 第43–48条 survive the contract, so the NGN contract stays to record them (see below).
      expect((await h.describe()).status.name).toBe('RUNNING');
    });
  });

  test('TNC-37.5: a TNC contract has no certificate duty; its personal data is still there on day 179 and 180 after the end and gone after day 180', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-10`);
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-04-10` }] });
      await sleepUntil(world, `${Y}-04-12`);
      const refused = await h.executeUpdate(submitErasureCertificate, { args: [{ equipmentReturned: true }] }).catch((e: any) => e.cause.type);
      expect(refused).toBe('CommandConflict');
      // Ended 04-10 (24:00). The catalog's 180-day retention (TNC-37.5 当社が定める保存期間) counts
      // 04-11 as day 1, so day 180 is 10-07 and the data goes at 00:00 JST on 10-08.
      const email = async () => (await world.db.contract.findUniqueOrThrow({ where: { id } })).customerEmail;
      await sleepUntil(world, addDays(`${Y}-04-10`, 179));
      expect(await email()).not.toBe('');
      await sleepUntilInstant(world, jst(`${addDays(`${Y}-04-10`, 180)}T23:59`));
      expect(await email()).not.toBe('');
      await sleepUntil(world, addDays(`${Y}-04-10`, 181));
      expect(await email()).toBe('');
      const deletion = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'data-deletion', clauseId: 'TNC-37.5' } });
      // Sent when the deletion is done, at 00:00 JST on day 181 (within the activity's own run time).
      const midnight = Date.parse(jst(`${addDays(`${Y}-04-10`, 181)}T00:00`));
      expect(deletion.sentAt!.getTime() - midnight).toBeGreaterThanOrEqual(0);
      expect(deletion.sentAt!.getTime() - midnight).toBeLessThan(60_000);
      // TNC names no surviving duties: the workflow completes once the data is gone.
      expect((await h.describe()).status.name).toBe('COMPLETED');
    });
  });

  test('NGN-54 NGN-48 NGN-46: disclosures and the erasure certificate stay possible after the end and after the deletion, by reference; the audit report lists them', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-10`);
      await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', item: 1, reason: '反社会的勢力に該当することが判明' }] });
      await sleepUntil(world, `${Y}-04-20`);
      expect((await h.query(getContract)).status).toBe('ended');
      // NGN-48: a carrier asked; the kinds of data given are recorded (after the end, NGN-54).
      const cd = await h.executeUpdate(recordCarrierDisclosure, {
        args: [{ carrier: 'NTT東日本', requestedAt: jst(`${Y}-04-19T09:00`), items: ['name', 'address'], disclosedAt: jst(`${Y}-04-20T09:00`), purpose: '回線の不正利用調査' }],
      });
      expect(cd).toMatchObject({ clauseId: 'NGN-48', carrier: 'NTT東日本', items: ['name', 'address'], recordedOn: `${Y}-04-20` });
      // Ended 04-10; NGN's 90-day retention ends with day 90 (07-09); the data goes at 07-10 00:00 JST.
      await sleepUntil(world, `${Y}-07-15`);
      expect((await world.db.contract.findUniqueOrThrow({ where: { id } })).customerEmail).toBe('');
      const d = await h.executeUpdate(recordDisclosure, {
        args: [{ authority: '東京地方検察庁', legalBasis: '刑事訴訟法第197条第2項', scope: '通信履歴', disclosureAt: jst(`${Y}-07-14T10:00`), whyNotPrior: '捜査上の秘匿要請' }],
      });
      expect(d).toMatchObject({ prior: false, noticeImpossible: `NGN-54: personal data deleted on ${Y}-07-10; recorded by reference` });
      expect(d.noticeSentAt).toBeUndefined();
      const cert = await h.executeUpdate(submitErasureCertificate, { args: [{ equipmentReturned: true }] });
      expect(cert.aftermath).toMatchObject({ certificateOn: `${Y}-07-15`, personalDataDeletedOn: `${Y}-07-10` });
      expect((await h.describe()).status.name).toBe('RUNNING');
      const report = await contractReport(world.env.client, world.db, id);
      expect(report.disclosures.map((x) => [x.clauseId, x.to, x.what])).toEqual([
        ['NGN-48', 'NTT東日本', 'name, address'],
        ['NGN-46', '東京地方検察庁', '通信履歴（刑事訴訟法第197条第2項）'],
      ]);
      expect(report.disclosures[1]!.notice).toContain('recorded by reference');
    });
  });
});

describe('NGN-40 (10) force majeure', () => {
  test('NGN-40: termination for force majeure is refused until it has lasted more than 30 days, then allowed', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntilInstant(world, jst(`${Y}-04-01T12:00`));
      const fm = await h.executeUpdate(reportForceMajeure, { args: [{ startedAt: jst(`${Y}-04-01T11:00`), description: '大規模地震' }] });
      // 30 days from 04-01 11:00 (first day not counted) end at 05-01 24:00 → right from 05-02 00:00 JST.
      expect(fm.forceMajeure?.rightToTerminateFrom).toBe(new Date(jst(`${Y}-05-02T00:00`)).toISOString());
      await sleepUntilInstant(world, jst(`${Y}-05-01T23:00`));
      const early = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 10, reason: '不可抗力の継続' }] }).catch((e: any) => e.cause);
      expect(early.type).toBe('CommandConflict');
      expect(early.message).toContain('has not lasted more than 30 days');
      await sleepUntilInstant(world, jst(`${Y}-05-02T00:30`));
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 10, reason: '不可抗力の継続' }] });
      expect([v.endDate, v.endReason]).toEqual([`${Y}-05-02`, 'provider-termination']);
    });
  });

  test('NGN-40: a force majeure that ended in time leaves no right to terminate', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntilInstant(world, jst(`${Y}-04-01T12:00`));
      await h.executeUpdate(reportForceMajeure, { args: [{ startedAt: jst(`${Y}-04-01T11:00`), description: '台風' }] });
      await sleepUntil(world, `${Y}-04-20`);
      await h.executeUpdate(endForceMajeure, { args: [{ endedAt: jst(`${Y}-04-20T09:00`) }] });
      await sleepUntil(world, `${Y}-05-10`);
      const refused = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 10, reason: 'x' }] }).catch((e: any) => e.cause.type);
      expect(refused).toBe('CommandConflict');
    });
  });
});
