/**
 * Issue 14: rights and readings. Each contract's announcement lead counts from its own delivered
 * notice (NGN-2 / TNC-3, NGN-38 / TNC-24, with TNC-24 休止); a TNC-3 objection on the effective
 * date itself is in time; the first NGN-39 period comes from the application; changes of party
 * follow TNC-14, TNC-10 and NGN-15; TNC-39 stops are told before or after; TNC-35 outages at once.
 * Dates are worked out from the clause text in the comments.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, test } from 'vitest';
import {
  acceptApplication,
  announce,
  changeContractor,
  getContract,
  objectToTermsChange,
  reportOutage,
  resendAnnouncement,
  scheduleSuspension,
} from '../../workflows/contract-messages.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

describe('NGN-2 / TNC-3, NGN-38 / TNC-24: each contract counts the lead from its own delivered notice', () => {
  test('TNC-3: a notice that failed keeps the contract on its terms past the announced date; resent on 06-10 it takes effect after its own 30 clear days (07-11)', async () => {
    const Y = await nextYear(world);
    let refuse = true;
    const taskQueue = uniqueId('tq-lead');
    const worker = await world.worker(taskQueue, {
      wrapActivities: (a) => ({
        ...a,
        async sendNotice(req) {
          if (refuse && req.kind === 'terms-change') throw ApplicationFailure.create({ type: 'SmtpPermanentFailure', nonRetryable: true, message: '550 mailbox unavailable' });
          return a.sendNotice(req);
        },
      }),
    });
    await worker.runUntil(async () => {
      await sleepUntil(world, `${Y}-04-01`);
      const input = application('TNC', 'tnc-home-1g', consumerCustomer(), await world.env.currentTimeMs());
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      await h.executeUpdate(acceptApplication, { args: [{}] });
      const sent = await h.executeUpdate(announce, {
        args: [{ announcementId: 'A-late', kind: 'terms-change', effectiveDate: `${Y}-06-01`, newTermsVersion: '2022-07-01', summary: '料金表の改定' }],
      });
      expect(sent).toEqual({ noticeSent: false });
      const failed = await world.db.notice.findFirstOrThrow({ where: { contractId: input.contractId, kind: 'terms-change' } });
      expect(failed.status).toBe('failed');

      // The announced date passes: this contract was never told, so nothing changes for it.
      await sleepUntil(world, `${Y}-06-02`);
      let v = await h.query(getContract);
      expect(v.announcements?.[0]).toMatchObject({ id: 'A-late', ownLead: true, applied: false, attempts: 1 });
      expect(v.announcements?.[0]?.effectiveOn).toBeUndefined();
      expect(v.run).toBe(1);

      // Ops send it again on 06-10; delivered that day, 30 clear days (06-11 … 07-10) → 07-11.
      refuse = false;
      await sleepUntil(world, `${Y}-06-10`);
      const again = await h.executeUpdate(resendAnnouncement, { args: [{ announcementId: 'A-late' }] });
      expect(again).toEqual({ noticeSent: true, effectiveOn: `${Y}-07-11` });
      const notices = await world.db.notice.findMany({ where: { contractId: input.contractId, kind: 'terms-change', status: 'sent' }, orderBy: { id: 'asc' } });
      expect(notices).toHaveLength(2); // the resent notice, then the one stating this contract's own date
      expect(notices[1]!.body).toContain(`${Y}-07-11`);
      expect(notices[1]!.body).toContain('異議'); // TNC-3: the objection right, by the new date
      expect(await refusalOf(h.executeUpdate(resendAnnouncement, { args: [{ announcementId: 'A-late' }] }))).toMatchObject({ type: 'CommandConflict' });

      await sleepUntil(world, `${Y}-07-10`);
      expect((await h.query(getContract)).announcements?.[0]?.applied).toBe(false);
      await sleepUntil(world, `${Y}-07-11`);
      v = await h.query(getContract);
      expect(v.announcements?.[0]).toMatchObject({ applied: true, effectiveOn: `${Y}-07-11` });
      expect(v.run).toBe(2); // continued as new under the announced terms version on 07-11
      await h.terminate('test finished');
    });
  });

  test('TNC-24: a 休止 of the whole service announced with 60 clear days stops the contract for the planned period and says so', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      // Notice delivered 04-01; 60 clear days = 04-02 … 05-31, so 06-01 is the earliest day; 06-10 is fine.
      const r = await h.executeUpdate(announce, {
        args: [{ announcementId: 'A-pause', kind: 'suspension', effectiveDate: `${Y}-06-10`, until: `${Y}-06-12`, summary: '設備更改のための休止' }],
      });
      expect(r).toEqual({ noticeSent: true, effectiveOn: `${Y}-06-10` });
      const n = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'abolition' } });
      expect(n.clauseId).toBe('TNC-24');
      expect(n.body).toContain('休止予定期間');
      expect(n.body).toContain(`${Y}-06-12`);
      const s = (await h.query(getContract)).suspensions?.[0];
      // 06-10 00:00 JST until the end of 06-12 (06-13 00:00 JST).
      expect(s).toMatchObject({ clauseId: 'TNC-24', status: 'scheduled', startsAt: jst(`${Y}-06-10T00:00`), endsAt: jst(`${Y}-06-13T00:00`) });
      await sleepUntil(world, `${Y}-06-11`);
      expect((await h.query(getContract)).suspensions?.[0]?.status).toBe('active');
      await sleepUntil(world, `${Y}-06-13`);
      expect((await h.query(getContract)).suspensions?.[0]?.status).toBe('lifted');
    });
  });

  test('TNC-3: an objection that arrives on the effective date itself is in time (効力発生日までの間に到達) and ends the contract on that date', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      await h.executeUpdate(announce, { args: [{ announcementId: 'A-3', kind: 'terms-change', effectiveDate: `${Y}-06-01`, newTermsVersion: '2022-07-01', summary: '約款の改定' }] });
      await sleepUntilInstant(world, jst(`${Y}-06-01T15:00`));
      const v = await h.executeUpdate(objectToTermsChange, { args: [{ announcementId: 'A-3' }] });
      expect([v.endDate, v.endReason]).toEqual([`${Y}-06-01`, 'terms-objection']);
      await sleepUntil(world, `${Y}-06-02`);
      expect((await h.query(getContract)).status).toBe('ended');
    });
  });
});

describe('NGN-39: the first contract period as the application states it', () => {
  test('NGN-39: an application for a 24-month period starting with the minimum term (07-01) runs to the end of June two years on; renewals add 12 months', async () => {
    const Y = await nextYear(world);
    const taskQueue = uniqueId('tq-period');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      await sleepUntil(world, `${Y}-06-20`);
      const input = { ...application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs()), contractPeriodMonths: 24 };
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      const v = await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: `${Y}-06-20` }] });
      // NGN-17: the minimum term starts the month after the service start (07-01); the period is 24 months from there.
      expect(v.minimumTerm).toEqual({ start: `${Y}-07-01`, end: `${Y + 1}-06-30` });
      expect(v.period).toEqual({ start: `${Y}-07-01`, end: `${Y + 2}-06-30`, renewals: 0 });
      // NGN-39 deadline: expiry 07-01 00:00 of Y+2, one month before = 06-01 00:00 → 05-31.
      expect(v.nonRenewalDeadline).toBe(`${Y + 2}-05-31`);
      await h.terminate('test finished');
    });
  });
});

describe('TNC-14, TNC-10, NGN-15: changes of party', () => {
  test('TNC-14: a name change only on marriage, adoption or succession, recorded under TNC-14; a payment card change is recorded; TNC-10 refuses any other transfer', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      const noGround = await refusalOf(h.executeUpdate(changeContractor, { args: [{ kind: 'name-change', name: '佐藤 太郎', evidence: '本人確認書類' }] }));
      expect(noGround).toMatchObject({ type: 'InvalidCommand', details: { field: 'nameChangeGround' } });
      expect(noGround?.message).toContain('TNC-14');
      const transfer = await refusalOf(h.executeUpdate(changeContractor, { args: [{ kind: 'transfer', customerId: 'CUST-FRIEND', evidence: '譲渡契約書' }] }));
      expect(transfer).toMatchObject({ type: 'CommandConflict' });
      expect(transfer?.message).toContain('TNC-10');
      await h.executeUpdate(changeContractor, { args: [{ kind: 'name-change', name: '佐藤 太郎', nameChangeGround: 'marriage', evidence: '戸籍抄本' }] });
      const card = await h.executeUpdate(changeContractor, { args: [{ kind: 'payment-method-change', paymentMethod: 'credit-card', evidence: 'カード変更届' }] });
      expect(card.paymentMethod).toEqual({ method: 'credit-card', since: `${Y}-04-01` });
      await sleepUntil(world, `${Y}-04-02`);
      const v = await h.query(getContract);
      expect(v.contractorChanges?.map((c) => [c.kind, c.clauseId, c.nameChangeGround])).toEqual([
        ['name-change', 'TNC-14', 'marriage'],
        ['payment-method-change', 'TNC-14', undefined],
      ]);
    });
  });

  test('NGN-15: a transfer needs a request signed by both parties; a denied one is told in writing with its reason and changes nothing', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer('CUST-ORIG'), `${Y}-04-01`, async (h, id) => {
      const unsigned = await refusalOf(h.executeUpdate(changeContractor, { args: [{ kind: 'succession', customerId: 'CUST-NEW', evidence: '承継申込書', decision: 'approve' }] }));
      expect(unsigned).toMatchObject({ details: { field: 'jointlySigned' } });
      const v = await h.executeUpdate(changeContractor, {
        args: [{ kind: 'succession', customerId: 'CUST-NEW', name: '新会社株式会社', evidence: '連署の承継申込書', jointlySigned: true, decision: 'deny', denyReason: '承継人の与信審査が完了していないため' }],
      });
      expect(v.contractorChanges?.[0]).toMatchObject({ kind: 'succession', clauseId: 'NGN-15', decision: 'denied' });
      const n = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'contractor-change' } });
      expect(n).toMatchObject({ clauseId: 'NGN-15', status: 'sent' });
      expect(n.body).toContain('承継人の与信審査が完了していないため');
      await sleepUntil(world, `${Y}-04-02`);
      expect((await h.query(getContract)).customerId).toBe('CUST-ORIG');
    });
  });
});

describe('TNC-39 and TNC-35: notices of stops and faults', () => {
  test('TNC-39: a maintenance stop is told before it when planned, after it when it already happened; TNC-35: an outage is told at once', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T12:00`));
      const planned = await h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'TNC-39', reason: '設備の定期保守', startsAt: jst(`${Y}-04-20T02:00`), endsAt: jst(`${Y}-04-20T05:00`) }] });
      const happened = await h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'TNC-39', reason: '緊急の設備交換', startsAt: jst(`${Y}-04-10T03:00`), endsAt: jst(`${Y}-04-10T04:00`) }] });
      const body = async (sid: string) => (await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: { contains: `:suspension:${sid}:` } } })).body;
      expect(await body(planned.id)).toContain('事前にご通知いたします');
      expect(await body(happened.id)).toContain('事後にご通知いたします');
      const o = await h.executeUpdate(reportOutage, { args: [{ startedAt: jst(`${Y}-04-10T11:00`), recognisedAt: jst(`${Y}-04-10T11:30`), cause: 'provider-fault', description: '回線断' }] });
      const outage = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'outage' } });
      expect(outage).toMatchObject({ clauseId: 'TNC-35', status: 'sent' });
      expect(outage.idempotencyKey).toContain(`:outage:${o.id}:TNC-35`);
      expect(Date.parse(outage.sentAt!.toISOString())).toBeLessThan(Date.parse(jst(`${Y}-04-10T12:01`)));
    });
  });
});
