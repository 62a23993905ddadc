/**
 * 期限の利益の喪失 only where the text gives it, on the time-skipping server, with exact due dates:
 * NGN-41 2項 (the contractor's 解約: unpaid amounts due at once) and NGN-40 2項 (a 第40条1項 ground:
 * every debt due at once). Expiry after a non-renewal notice (NGN-39), abolition (NGN-38), NGN-25 (3)
 * and NGN-42 terminations, and TNC-17 keep each invoice's own due date: the last day of the month
 * of issue (月末払い, NGN-19 2項 decided). NGN-22: the NGN-18 違約金 is billed apart under that rule.
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import {
  announce,
  applyMeasure,
  getContract,
  giveNonRenewalNotice,
  reportViolation,
  requestCancellation,
  terminateByProvider,
} from '../../workflows/contract-messages.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { consumerCustomer, corporateCustomer, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

const invoice = (id: string) => world.db.invoice.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { id: 'asc' } } } });
const dueDates = async (h: WorkflowHandle) => (await h.query(getContract)).openInvoices.map((i) => [i.period, i.dueDate]);

describe('NGN-41 2項 and NGN-40 2項: acceleration where the text gives it', () => {
  test('NGN-41: the contractor cancels for 05-15; at the end the open April invoice (due 05-31) and the final invoice fall due on 05-16; the final invoice says so', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-03-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-01`);
      // NGN-41 lead: 05-15 − 1 month = 04-15, back 5 business days → 04-08; notified 04-01 in time.
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-05-15` }] });
      await sleepUntil(world, `${Y}-05-17`);
      expect((await h.query(getContract)).accelerated).toBeUndefined(); // set by terminations only
      const april = await invoice(`${id}:${Y}-04`);
      expect([april.dueDate, april.acceleratedFrom, april.accelerationClauseId]).toEqual([`${Y}-05-16`, `${Y}-05-31`, 'NGN-41']);
      const final = await invoice(`${id}:final`);
      // Issued 05-16 00:00 JST (the day after the last day), due the same day.
      expect([final.issuedOn, final.dueDate, final.total]).toEqual([`${Y}-05-16`, `${Y}-05-16`, '55000']);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: `${id}:final:invoice:NGN-19` } });
      expect(notice.body).toContain('NGN-41 により、このご請求は直ちにお支払いいただく必要があります');
    });
  });

  test('NGN-40: a termination on a 第40条1項 ground (item 3) on 05-10 brings the April invoice (due 05-31) to 05-10; the final invoice is due on issue', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-10`);
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 3, reason: '解散の決議' }] });
      expect(v.accelerated).toEqual({ clauseId: 'NGN-40', on: `${Y}-05-10` });
      expect(v.openInvoices.map((i) => i.dueDate)).toEqual([`${Y}-05-10`]);
      await sleepUntil(world, `${Y}-05-12`);
      const april = await invoice(`${id}:${Y}-04`);
      expect([april.dueDate, april.acceleratedFrom, april.accelerationClauseId]).toEqual([`${Y}-05-10`, `${Y}-05-31`, 'NGN-40']);
      const final = await invoice(`${id}:final`);
      expect([final.issuedOn, final.dueDate]).toEqual([`${Y}-05-11`, `${Y}-05-11`]);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'termination' } });
      expect(notice.body).toContain('期限の利益を失い');
      expect(notice.body).toContain('55,000円');
    });
  });

  test('NGN-18 NGN-22: cancelled inside the minimum term, the final invoice is due on issue (NGN-41) while the 500,000 yen 違約金 is billed apart, due at the end of the month (第19条2項)', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-06-20`, async (h, id) => {
      // Minimum term 07-01 … (Y+1)-06-30 (NGN-17). Cancelled on 07-10 for 08-31 (lead: 07-31 − 5 business days).
      await sleepUntil(world, `${Y}-07-10`);
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-08-31` }] });
      await sleepUntil(world, `${Y}-09-02`);
      const final = await invoice(`${id}:final`);
      // August 50,000 + 5,000 (NGN-19, NGN-23); no penalty on it.
      expect([final.issuedOn, final.dueDate, final.total]).toEqual([`${Y}-09-01`, `${Y}-09-01`, '55000']);
      expect(final.lines.some((l) => l.kind === 'penalty')).toBe(false);
      const penalty = await invoice(`${id}:penalty`);
      // NGN-18: the months after August up to the minimum-term end: Sep … Jun = 10 × 50,000 = 500,000, 不課税.
      expect([penalty.issuedOn, penalty.dueDate, penalty.outOfScopeTotal, penalty.taxTotal, penalty.total]).toEqual([`${Y}-09-01`, `${Y}-09-30`, '500000', '0', '500000']);
      expect(penalty.lines.map((l) => [l.clauseId, l.kind, l.taxClass, l.amount])).toEqual([['NGN-18', 'penalty', 'out-of-scope', '500000']]);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: `${id}:penalty:invoice:NGN-19` } });
      expect(notice.body).toContain('振込手数料その他の費用はお客様のご負担となります（NGN-22）');
      expect(notice.body).toContain('不課税: 500,000円');
    });
  });
});

describe('Ends the text does not accelerate: each invoice keeps its own due date', () => {
  test('NGN-42: terminated for anti-social forces on 05-10 — the April invoice stays due 05-31 and the final invoice (issued 05-11) is due 05-31', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-10`);
      // NGN-42 (1): 反社会的勢力である — immediate termination without a demand.
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', item: 1, reason: '反社会的勢力に該当することが判明' }] });
      expect(v.accelerated).toBeUndefined();
      await sleepUntil(world, `${Y}-05-12`);
      const april = await invoice(`${id}:${Y}-04`);
      expect([april.dueDate, april.acceleratedFrom]).toEqual([`${Y}-05-31`, null]);
      const final = await invoice(`${id}:final`);
      expect([final.issuedOn, final.dueDate]).toEqual([`${Y}-05-11`, `${Y}-05-31`]);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'termination' } });
      expect(notice.body).not.toContain('期限の利益');
    });
  });

  test('NGN-25 (3): a violation uncured after its 10-day window ends the contract on 04-12 — the March invoice stays due 04-30 and the final invoice (issued 04-13) is due 04-30', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-03-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-01T11:00`));
      await h.executeUpdate(reportViolation, { args: [{ violationId: 'V-3', clauseId: 'NGN-25', act: 3, occurredAt: jst(`${Y}-04-01T10:00`), description: '第三者の通信の妨害' }] });
      // Cure window 04-02 … 04-11 (民法 第140条); measures from 04-12 00:00 JST.
      await sleepUntil(world, `${Y}-04-12`);
      await h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-3', measure: 3 }] });
      expect(await dueDates(h)).toEqual([[`${Y}-03`, `${Y}-04-30`]]);
      await sleepUntil(world, `${Y}-04-14`);
      const v = await h.query(getContract);
      expect([v.status, v.endDate, v.accelerated]).toEqual(['ended', `${Y}-04-12`, undefined]);
      const march = await invoice(`${id}:${Y}-03`);
      expect([march.dueDate, march.acceleratedFrom]).toEqual([`${Y}-04-30`, null]);
      const final = await invoice(`${id}:final`);
      expect([final.issuedOn, final.dueDate, final.total]).toEqual([`${Y}-04-13`, `${Y}-04-30`, '55000']);
    });
  });

  test('NGN-38: an abolition on 06-16 ends the contract on 06-15 — the April and May invoices keep their due dates and the final invoice (issued 06-16) is due 06-30', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      // NGN-38 事前に (catalog: 60 clear days, as TNC-24): noticed on 04-01, the earliest abolition day
      // is 06-01 (04-02 … 05-31 are 29 + 31 = 60 days); 06-16 is later, so it stands.
      await h.executeUpdate(announce, { args: [{ announcementId: 'ABOL-1', kind: 'abolition', effectiveDate: `${Y}-06-16`, summary: 'サービス廃止' }] });
      await sleepUntil(world, `${Y}-06-17`);
      const v = await h.query(getContract);
      expect([v.status, v.endDate, v.endReason]).toEqual(['ended', `${Y}-06-15`, 'abolition']);
      // NGN-19 2項: each invoice is due at the end of the month after its month; nothing falls due at once.
      const april = await invoice(`${id}:${Y}-04`);
      expect([april.dueDate, april.acceleratedFrom]).toEqual([`${Y}-05-31`, null]);
      const may = await invoice(`${id}:${Y}-05`);
      expect([may.dueDate, may.acceleratedFrom]).toEqual([`${Y}-06-30`, null]);
      const final = await invoice(`${id}:final`);
      expect([final.issuedOn, final.dueDate]).toEqual([`${Y}-06-16`, `${Y}-06-30`]);
    });
  });

  test('NGN-39: after a timely non-renewal notice the contract expires on (Y+1)-03-31; the final invoice (issued (Y+1)-04-01) is due (Y+1)-04-30', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-lite', corporateCustomer(), `${Y}-03-10`, async (h, id) => {
      // First period = minimum term (Y)-04-01 … (Y+1)-03-31; non-renewal deadline (Y+1)-02-28.
      await sleepUntil(world, `${Y + 1}-01-15`);
      const v = await h.executeUpdate(giveNonRenewalNotice, { args: [{ note: '書面受領' }] });
      expect([v.endDate, v.nonRenewal?.deadline]).toEqual([`${Y + 1}-03-31`, `${Y + 1}-02-28`]);
      await sleepUntil(world, `${Y + 1}-04-02`);
      expect((await h.query(getContract)).status).toBe('ended');
      const final = await invoice(`${id}:final`);
      // March 20,000 + 2,000 on the final invoice, with its own due date.
      expect([final.issuedOn, final.dueDate, final.total, final.acceleratedFrom]).toEqual([`${Y + 1}-04-01`, `${Y + 1}-04-30`, '22000', null]);
      const feb = await invoice(`${id}:${Y + 1}-02`);
      expect([feb.dueDate, feb.acceleratedFrom]).toEqual([`${Y + 1}-03-31`, null]);
    });
  });

  test('TNC-17: a TNC cancellation for 05-20 accelerates nothing — April stays due 05-31, the final invoice (issued 05-21) is due 05-31', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-20`);
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-05-20` }] });
      await sleepUntil(world, `${Y}-05-22`);
      const april = await invoice(`${id}:${Y}-04`);
      expect([april.dueDate, april.acceleratedFrom]).toEqual([`${Y}-05-31`, null]);
      const final = await invoice(`${id}:final`);
      // May 1–20: 5,000 × 20 ÷ 31 = 3,225.80… → 3,225; tax once 322.5 → 322; 3,547.
      expect([final.issuedOn, final.dueDate, final.total]).toEqual([`${Y}-05-21`, `${Y}-05-31`, '3547']);
    });
  });
});
