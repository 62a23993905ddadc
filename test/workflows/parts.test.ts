/**
 * Partial cancellation (NGN-41.1) and the erasure certificate for the part that ended (NGN-43.3),
 * on the time-skipping server: a site add-on of 8,000 yen a month is cancelled alone after the
 * minimum term with the NGN-41 lead (1 month + 5 business days); its fee stops after its last day,
 * the contract continues, and the contractor is asked (and reminded) for the part's certificate.
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { acceptApplication, cancelPart, getContract, submitPartErasureCertificate } from '../../workflows/contract-messages.js';
import { BusinessCalendar, latestCancellationNoticeDay } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { refusalOf } from '../helpers/refusal.js';
import { nextYear, sleepUntil, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

describe('NGN-41.1 partial cancellation and NGN-43.3', () => {
  test('NGN-41.1 NGN-43.3: the Osaka site (8,000 a month) cancelled for (Y+1)-03-31 is billed through March and not in April; the contract goes on; its erasure certificate is asked for on (Y+1)-04-01, reminded on 04-15, and no more once received', async () => {
    const Y = await nextYear(world);
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      await sleepUntil(world, `${Y}-01-10`);
      const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
      const h: WorkflowHandle = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      const id = input.contractId;
      try {
        const unknown = await refusalOf(h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: `${Y}-01-10`, addOns: [{ addOnId: 'tnc-mail-extra' }] }] }));
        expect(unknown).toMatchObject({ type: 'InvalidCommand', details: { field: 'addOns.0.addOnId' } });
        const v = await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: `${Y}-01-10`, addOns: [{ addOnId: 'ngn-site', partId: 'osaka' }] }] });
        expect(v.parts).toEqual([{ id: 'osaka', addOnId: 'ngn-site', name: '拠点接続（1拠点・月額）', monthlyFee: '8000', from: `${Y}-01-10` }]);
        // NGN-17: minimum term (Y)-02-01 … (Y+1)-01-31; NGN-41.1 allows a part's cancellation only after it.
        await sleepUntil(world, `${Y}-01-20`);
        const inside = await refusalOf(h.executeUpdate(cancelPart, { args: [{ partId: 'osaka', desiredDate: `${Y}-06-30` }] }));
        expect(inside?.type).toBe('CommandConflict');
        expect(inside?.message).toContain(`the earliest desired date is ${Y + 1}-02-01`);

        await sleepUntil(world, `${Y + 1}-02-01`);
        // NGN-41 lead for (Y+1)-03-06: one month before is 02-06, then back 5 business days.
        const cal = new BusinessCalendar(defaultCalendarData(Y, Y + 2));
        const late = await refusalOf(h.executeUpdate(cancelPart, { args: [{ partId: 'osaka', desiredDate: `${Y + 1}-03-06` }] }));
        expect(late).toMatchObject({ type: 'LateNotice', details: { field: 'desiredDate', deadline: latestCancellationNoticeDay(cal, `${Y + 1}-03-06`, 1, 5) } });
        const c = await h.executeUpdate(cancelPart, { args: [{ partId: 'osaka', desiredDate: `${Y + 1}-03-31` }] });
        expect(c.parts?.[0]?.cancellation).toMatchObject({ receivedOn: `${Y + 1}-02-01`, desiredDate: `${Y + 1}-03-31` });
        const receipt = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: `${id}:part-cancellation:osaka:NGN-41.1` } });
        expect(receipt.body).toContain('ご利用契約のその他の部分は継続します');
        expect(receipt.body).toContain('NGN-43.3');

        await sleepUntil(world, `${Y + 1}-04-02`);
        const fees = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'fee', period: { in: [`${Y + 1}-03`] } }, orderBy: { id: 'asc' } });
        // March: plan 50,000 + the site 8,000 (its last month, whole-month plan).
        expect(fees.map((f) => f.amount)).toEqual(['50000', '8000']);
        const ended = await h.query(getContract);
        expect([ended.status, ended.parts?.[0]?.endedOn, ended.parts?.[0]?.erasure]).toEqual(['active', `${Y + 1}-03-31`, { requests: 1 }]);
        const first = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: `${id}:part-erasure:osaka:1:NGN-43` } });
        expect(first.body).toContain('拠点接続（1拠点・月額）');
        expect(first.body).toContain('NGN-43.3');
        expect(first.sentAt!.getTime()).toBeLessThan(Date.parse(`${Y + 1}-04-01T01:00:00Z`)); // 00:00 JST on 04-01, give or take
        // Reminder 14 days (catalog reminderIntervalDays) after the first: 04-15 00:00 JST.
        await sleepUntil(world, `${Y + 1}-04-16`);
        expect((await h.query(getContract)).parts?.[0]?.erasure?.requests).toBe(2);
        await sleepUntil(world, `${Y + 1}-04-20`);
        await h.executeUpdate(submitPartErasureCertificate, { args: [{ partId: 'osaka', equipmentReturned: true }] });
        await sleepUntil(world, `${Y + 1}-05-10`);
        const after = await h.query(getContract);
        expect(after.parts?.[0]?.erasure).toEqual({ requests: 2, certificateOn: `${Y + 1}-04-20`, equipmentReturned: true });
        // April: the plan alone (NGN-41.1: the fee changes from the part's end; the contract continues).
        const april = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'fee', period: `${Y + 1}-04` } });
        expect(april.map((f) => f.amount)).toEqual(['50000']);
        expect(after.status).toBe('active');
      } finally {
        if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test finished');
      }
    });
  });

  test('NGN-41.1: TNC knows no partial cancellation (TNC-17 cancels the contract as a whole); the request is refused', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      const r = await refusalOf(h.executeUpdate(cancelPart, { args: [{ partId: 'P1', desiredDate: `${Y}-06-30` }] }));
      expect(r?.type).toBe('CommandConflict');
      expect(r?.message).toContain('TNC-17');
    });
  });
});
