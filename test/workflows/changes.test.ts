/**
 * Applications and changes on the time-skipping server: NGN-11 escalation of an undecided
 * application, TNC-16 pause/resume, NGN-13.2 / TNC-15 plan changes formed on the acceptance notice and
 * priced from that day, refusals with a written notice, NGN-14
 * contractor changes.
 */
import { describe, expect, test } from 'vitest';
import {
  acceptApplication,
  changeContractor,
  changePlan,
  getContract,
  pauseService,
  refusePlanChange,
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

  test('NGN-13.2: a change to the 90,000 plan accepted on 04-15 is formed when its acceptance notice is sent; on whole-month plans April is billed once, at the new price (90,000), and so is May', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-15`);
      const v = await h.executeUpdate(changePlan, { args: [{ newPlanId: 'ngn-vpn-90k' }] });
      // Formed when the acceptance notice was sent (04-15 10:00 JST): the new price applies from 04-15.
      expect(v.pendingPlan).toEqual({ planId: 'ngn-vpn-90k', from: `${Y}-04-15`, segmented: true, clauseId: 'NGN-13.2' });
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'change-acceptance' } });
      expect(notice.clauseId).toBe('NGN-13.2');
      expect(notice.body).toContain('本通知の発信をもって変更が成立');
      expect(notice.sentAt!.toISOString().slice(0, 10)).toBe(`${Y}-04-15`); // 10:00 JST = 01:00Z, same date
      await sleepUntil(world, `${Y}-04-16`);
      const changed = await h.query(getContract);
      expect([changed.planId, changed.pendingPlan, changed.planHistory]).toEqual(['ngn-vpn-90k', undefined, [{ planId: 'ngn-vpn-standard', until: `${Y}-04-14` }]]);
      expect((await world.db.contract.findUniqueOrThrow({ where: { id } })).planId).toBe('ngn-vpn-90k');
      await sleepUntil(world, `${Y}-06-02`);
      const fees = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'fee' }, orderBy: { id: 'asc' } });
      // 'whole' months: the plan in force on the month's last day bills it once.
      expect(fees.map((f) => [f.period, f.amount])).toEqual([
        [`${Y}-04`, '90000'],
        [`${Y}-05`, '90000'],
      ]);
      const refused = await h.executeUpdate(changePlan, { args: [{ newPlanId: 'tnc-home-1g' }] }).catch((x: any) => x.cause.details?.[0]?.field);
      expect(refused).toBe('newPlanId');
    });
  });

  test('TNC-15: a change from the 5,000 to the 6,000 yen daily plan accepted on 04-11 bills April pro rata: 1,666 (10 days) + 4,000 (20 days), tax once 566', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-11`);
      await h.executeUpdate(changePlan, { args: [{ newPlanId: 'tnc-home-10g' }] });
      await sleepUntil(world, `${Y}-05-02`);
      const april = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-04` }, include: { lines: { orderBy: { id: 'asc' } } } });
      // 04-01 … 04-10: 5,000 × 10 ÷ 30 = 1,666.66… → 1,666; 04-11 … 04-30: 6,000 × 20 ÷ 30 = 4,000.
      // Taxable 5,666; tax once 566.6 → 566; total 6,232.
      expect(april.lines.map((l) => [l.kind, l.amount, l.effectiveDate])).toEqual([
        ['fee', '1666', `${Y}-04-10`],
        ['fee', '4000', `${Y}-04-30`],
        ['consumption-tax', '566', `${Y}-05-01`],
      ]);
      expect(april.lines[0]!.idempotencyKey).toBe(`${id}:${Y}-04:TNC-26:fee:tnc-home-1g:${Y}-04-01`);
      expect(april.total).toBe('6232');
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'change-acceptance' } });
      expect([notice.clauseId, notice.body.includes('日割り')]).toEqual(['TNC-15', true]);
    });
  });

  test('NGN-13.2 NGN-12: a change refused on ground (5) is notified in writing with the ground and the reason; the plan stays; an unknown ground is refused by field', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      const bad = await h.executeUpdate(refusePlanChange, { args: [{ newPlanId: 'ngn-vpn-90k', grounds: [10], reason: 'x' }] }).catch((x: any) => x.cause.details?.[0]?.field);
      expect(bad).toBe('grounds');
      const v = await h.executeUpdate(refusePlanChange, { args: [{ newPlanId: 'ngn-vpn-90k', grounds: [5], reason: '前月分の料金が未払いのため' }] });
      expect(v.planId).toBe('ngn-vpn-standard');
      expect(v.planChangeRefusals).toEqual([{ on: `${Y}-04-01`, planId: 'ngn-vpn-90k', grounds: [5], reason: '前月分の料金が未払いのため' }]);
      const n = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'change-refusal' } });
      expect(n.clauseId).toBe('NGN-13.2');
      for (const s of ['書面にて', '(5) 債務の支払いを怠るおそれがある', '理由: 前月分の料金が未払いのため', 'NGN-12（第12条）']) expect(n.body).toContain(s);
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
