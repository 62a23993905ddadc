/**
 * After the end of a contract, and force majeure: NGN-43 erasure certificate with reminders,
 * personal-data deletion after retention (TNC-37.5; NGN decided), NGN-40 (10) force majeure.
 */
import { describe, expect, test } from 'vitest';
import {
  endForceMajeure,
  getContract,
  reportForceMajeure,
  requestCancellation,
  submitErasureCertificate,
  terminateByProvider,
} from '../../workflows/contract-messages.js';
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
      expect((await h.describe()).status.name).toBe('COMPLETED');
    });
  });

  test('TNC-37.5: a TNC contract has no certificate duty; its personal data is deleted 180 days after the end', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-10`);
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-04-10` }] });
      await sleepUntil(world, `${Y}-04-12`);
      const refused = await h.executeUpdate(submitErasureCertificate, { args: [{ equipmentReturned: true }] }).catch((e: any) => e.cause.type);
      expect(refused).toBe('CommandConflict');
      await sleepUntil(world, addDays(`${Y}-04-10`, 182));
      const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
      expect(row.customerEmail).toBe('');
      expect(await world.db.notice.count({ where: { contractId: id, kind: 'data-deletion', clauseId: 'TNC-37.5' } })).toBe(1);
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
