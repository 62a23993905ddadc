/**
 * Applications and changes on the time-skipping server: NGN-11 escalation of an undecided
 * application, TNC-16 pause/resume, NGN-13 / TNC-15 plan changes from the next month, NGN-14
 * contractor changes.
 */
import { describe, expect, test } from 'vitest';
import {
  acceptApplication,
  changeContractor,
  changePlan,
  getContract,
  pauseService,
  resumeService,
} from '../../workflows/contract-messages.js';
import { BusinessCalendar, jstDateOf, jstMidnightMs, addDays } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { nextYear, sleepUntil, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';

const world = useWorld('time-skipping', { activities: { opsAlertEmail: 'ops@yakkan.test' } });

describe('NGN-11 application processing', () => {
  test('NGN-11: an application nobody decides within 5 business days is escalated to ops the next day, and can still be accepted', async () => {
    const Y = await nextYear(world);
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      await sleepUntil(world, `${Y}-04-24`); // Friday before Golden Week
      const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      try {
        const lastDay = new BusinessCalendar(defaultCalendarData(Y, Y + 1)).addBusinessDays(`${Y}-04-24`, 5);
        await sleepUntil(world, lastDay);
        expect((await h.query(getContract)).escalatedAt).toBeUndefined();
        await world.env.sleep(jstMidnightMs(addDays(lastDay, 1)) + 3600_000 - (await world.env.currentTimeMs()));
        const v = await h.query(getContract);
        expect(v.escalatedAt).toBeDefined();
        expect(jstDateOf(v.escalatedAt!)).toBe(addDays(lastDay, 1));
        const row = await world.db.contract.findUniqueOrThrow({ where: { id: input.contractId } });
        expect(row.escalatedAt?.toISOString()).toBe(v.escalatedAt);
        // The Japanese body is transfer-encoded; the alert is known by its recipient and clause header.
        const alerts = world.sink.messages.filter((m) => m.to.includes('ops@yakkan.test') && m.raw.includes('X-Yakkan-Clause: NGN-11'));
        expect(alerts).toHaveLength(1);
        const accepted = await h.executeUpdate(acceptApplication, { args: [{}] });
        expect(accepted.status).toBe('active');
      } finally {
        await h.terminate('test finished');
      }
    });
  });
});

describe('TNC-16 pause and NGN-13 / TNC-15 plan change', () => {
  test('TNC-16: a TNC contract pauses and resumes; the docomo-billed course and NGN refuse a pause', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      expect((await h.executeUpdate(pauseService, { args: [{}] })).paused).toEqual({ since: `${Y}-04-01` });
      expect((await h.executeUpdate(resumeService, { args: [{}] })).paused).toBeUndefined();
    });
    await withContract(world, 'TNC', 'tnc-docomo', consumerCustomer(), `${Y}-05-01`, async (h) => {
      const e = await h.executeUpdate(pauseService, { args: [{}] }).catch((x: any) => x.cause);
      expect([e.type, e.message]).toEqual(['CommandConflict', 'TNC-16: the docomo-billed course (他社料金設定コース) cannot be paused']);
    });
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-06-01`, async (h) => {
      expect(await h.executeUpdate(pauseService, { args: [{}] }).catch((x: any) => x.cause.type)).toBe('CommandConflict');
    });
  });

  test('NGN-13: a plan change accepted in April bills the new fee from May; April stays at the old fee', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-15`);
      const v = await h.executeUpdate(changePlan, { args: [{ newPlanId: 'ngn-vpn-90k' }] });
      expect(v.pendingPlan).toEqual({ planId: 'ngn-vpn-90k', from: `${Y}-05-01` });
      await sleepUntil(world, `${Y}-06-02`);
      const fees = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'fee' }, orderBy: { id: 'asc' } });
      expect(fees.map((f) => [f.period, f.amount])).toEqual([
        [`${Y}-04`, '50000'],
        [`${Y}-05`, '90000'],
      ]);
      const after = await h.query(getContract);
      expect([after.planId, after.pendingPlan]).toEqual(['ngn-vpn-90k', undefined]);
      expect((await world.db.contract.findUniqueOrThrow({ where: { id } })).planId).toBe('ngn-vpn-90k');
      const refused = await h.executeUpdate(changePlan, { args: [{ newPlanId: 'tnc-home-1g' }] }).catch((x: any) => x.cause.details?.[0]?.field);
      expect(refused).toBe('newPlanId');
    });
  });

  test('NGN-14: a name and address change with evidence is recorded and later notices go to the new address', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-10`);
      await h.executeUpdate(changeContractor, {
        args: [{ kind: 'name-change', name: '株式会社新テスト商事', email: 'new-it@example.co.jp', evidence: '履歴事項全部証明書 受領' }],
      });
      await sleepUntil(world, `${Y}-06-02`); // April's invoice overdue on 06-01 → reminder
      const v = await h.query(getContract);
      expect(v.contractorChanges).toEqual([{ on: `${Y}-04-10`, kind: 'name-change', clauseId: 'NGN-14', evidence: '履歴事項全部証明書 受領' }]);
      const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
      expect([row.customerName, row.customerEmail]).toEqual(['株式会社新テスト商事', 'new-it@example.co.jp']);
      const reminder = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'overdue-reminder' } });
      expect(reminder.recipient).toBe('new-it@example.co.jp');
      expect(reminder.body).toContain('株式会社新テスト商事');
    });
  });
});
