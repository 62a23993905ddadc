/**
 * Issue 14: the provider terminates only on a ground its 約款 gives, after the step the text
 * requires — NGN-40 (6) a demand (催告) whose period passed uncured, NGN-40 (9) a stoppage still on,
 * NGN-42 by its item, TNC-18 1項 a TNC-41 suspension whose designated period passed uncured (or a
 * payment default), TNC-18 2項 a TNC-12 ground — and TNC-40 (6) only through TNC-18. Every date is
 * worked out from the text in a comment (民法 第140条: a period counted in days starts the next day).
 */
import { describe, expect, test } from 'vitest';
import {
  applyMeasure,
  cureDemand,
  getContract,
  issueDemand,
  reportPaymentMethodInvalid,
  reportViolation,
  scheduleSuspension,
  terminateByProvider,
} from '../../workflows/contract-messages.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { consumerCustomer, corporateCustomer, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');
const iso = (local: string) => new Date(jst(local)).toISOString();

describe('NGN-40 (6): termination after a demand (催告) whose stated period passed uncured', () => {
  test('NGN-40: refused without a demand; a 14-day demand of 05-10 runs to 05-24 24:00 JST; termination refused inside it, accepted after it lapsed', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-05-10T10:00`));
      const none = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 6, reason: '4月分料金の不払い' }] }));
      expect(none).toMatchObject({ type: 'InvalidCommand', details: { field: 'item' } });
      expect(none?.message).toContain('issue a demand first');

      // Demand at 10:00 on 05-10: the day is not counted (民法 第140条), 14 days = 05-11 … 05-24,
      // so it lapses at 24:00 JST on 05-24 = 00:00 JST 05-25 = 05-24T15:00Z.
      const d = await h.executeUpdate(issueDemand, { args: [{ clauseId: 'NGN-40', what: `${Y}年4月分利用料金 55,000円のお支払い`, periodDays: 14 }] });
      expect(d).toMatchObject({ clauseId: 'NGN-40', item: 6, periodDays: 14, lastDay: `${Y}-05-24`, lapsesAt: iso(`${Y}-05-25T00:00`), status: 'open' });
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: { contains: `:demand:${d.id}:` } } });
      expect(notice).toMatchObject({ kind: 'violation', clauseId: 'NGN-40', status: 'sent' });
      expect(notice.body).toContain(`${Y}-05-24`); // the deadline of the demand
      expect(notice.body).toContain('利用契約を解除することがあります');

      await sleepUntil(world, `${Y}-05-20`);
      const inside = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 6, reason: '催告期間内' }] }));
      expect(inside).toMatchObject({ type: 'LateNotice', details: { field: 'demandId', deadline: iso(`${Y}-05-25T00:00`) } });

      await sleepUntilInstant(world, jst(`${Y}-05-25T09:00`));
      expect((await h.query(getContract)).demands?.[0]?.status).toBe('lapsed');
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 6, reason: '催告期間内に支払がない' }] });
      expect(v).toMatchObject({ endDate: `${Y}-05-25`, endReason: 'provider-termination' });
      expect(v.termination).toMatchObject({ clauseId: 'NGN-40', item: 6, decidedOn: `${Y}-05-25`, basis: `demand ${d.id} (period to ${Y}-05-24) not met` });
    });
  });

  test('NGN-40: a demand cured within its period closes, and grounds no termination', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntilInstant(world, jst(`${Y}-05-10T10:00`));
      const d = await h.executeUpdate(issueDemand, { args: [{ clauseId: 'NGN-40', what: '機器設定の是正', periodDays: 7 }] });
      // 7 days after 05-10: 05-11 … 05-17; a cure on 05-15 is in time.
      expect(d.lastDay).toBe(`${Y}-05-17`);
      await sleepUntil(world, `${Y}-05-15`);
      expect(await h.executeUpdate(cureDemand, { args: [{ demandId: d.id }] })).toMatchObject({ status: 'cured' });
      await sleepUntil(world, `${Y}-05-20`);
      const r = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 6, reason: 'x' }] }));
      expect(r).toMatchObject({ type: 'InvalidCommand', details: { field: 'item' } });
      // A demand is only for the grounds that need one (NGN-40 (6)); TNC has none.
      expect(await refusalOf(h.executeUpdate(issueDemand, { args: [{ clauseId: 'NGN-42', what: 'x' }] }))).toMatchObject({ details: { field: 'clauseId' } });
    });
  });
});

describe('NGN-40 (9) and NGN-42', () => {
  test('NGN-40 (9): refused while the contractor is not stopped under NGN-37, accepted while the stoppage is on; NGN-42 needs its item and acts at once', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntilInstant(world, jst(`${Y}-04-20T10:00`));
      const notStopped = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 9, reason: '停止原因の未解消' }] }));
      expect(notStopped).toMatchObject({ type: 'InvalidCommand', details: { field: 'item' } });
      expect(notStopped?.message).toContain('not stopped under NGN-37');
      const noItem = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', reason: '反社会的勢力' }] }));
      expect(noItem).toMatchObject({ type: 'InvalidCommand', details: { field: 'item' } });
      const s = await h.executeUpdate(scheduleSuspension, {
        args: [{ clauseId: 'NGN-37', reason: '未承諾の設備接続（第37条1項(3)）', startsAt: jst(`${Y}-04-20T10:00`), emergency: true, emergencyReason: '他の契約者の通信に障害が及んでいるため' }],
      });
      expect(s.status).toBe('active');
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 9, reason: '停止後も接続を外さない' }] });
      expect(v.termination).toMatchObject({ clauseId: 'NGN-40', item: 9, basis: `stoppage ${s.id} (NGN-37) still on` });
    });
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-06-01`, async (h) => {
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', item: 1, reason: '反社会的勢力に該当することが判明' }] });
      expect(v).toMatchObject({ endDate: `${Y}-06-01`, endReason: 'provider-termination' });
      expect(v.termination?.basis).toBeUndefined();
    });
  });
});

describe('TNC-18: termination of a suspended customer after the designated period, or on a TNC-12 ground', () => {
  test('TNC-18 1項: a TNC-41 (2) stop at 10:00 on 04-10 designates 30 days (04-11 … 05-10); termination refused before 05-11 00:00 JST, accepted after', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T10:00`));
      const none = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 1, reason: '停止事由の未解消' }] }));
      expect(none?.message).toContain('not suspended under TNC-41');
      const s = await h.executeUpdate(reportPaymentMethodInvalid, { args: [{ reason: 'クレジットカードの利用停止' }] });
      // catalog demandCurePeriodDays (TNC-18): 30 days from the day after the stop → 04-11 … 05-10 → 05-11 00:00 JST.
      expect(s).toMatchObject({ clauseId: 'TNC-41', status: 'active', cureBy: iso(`${Y}-05-11T00:00`) });
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'suspension' } });
      expect(notice.body).toContain('停止事由の解消期限');
      expect(notice.body).toContain('TNC-18 に基づき利用契約を解約することがあります');

      await sleepUntilInstant(world, jst(`${Y}-05-10T23:00`));
      const early = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 1, reason: 'x' }] }));
      expect(early?.message).toContain(`until ${iso(`${Y}-05-11T00:00`)}`);
      await sleepUntilInstant(world, jst(`${Y}-05-11T09:00`));
      expect((await h.query(getContract)).suspensions?.[0]).toMatchObject({ cureLapsed: true, status: 'active' });
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 1, reason: '指定期間内に支払方法が是正されない' }] });
      expect(v.termination).toMatchObject({ clauseId: 'TNC-18', item: 1, basis: `suspension ${s.id} (TNC-41) not cured by ${iso(`${Y}-05-11T00:00`)}` });
    });
  });

  test('TNC-18 1項: a customer who refuses to pay an overdue invoice may be terminated without waiting; 2項 needs the TNC-12 ground (2), (5) or (6)', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntil(world, `${Y}-05-20`);
      // The April invoice (issued 05-01) is due 05-31: not overdue yet.
      const notYet = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 1, reason: '支払拒絶', paymentDefault: 'refuses-to-pay' }] }));
      expect(notYet).toMatchObject({ details: { field: 'paymentDefault' } });
      await sleepUntil(world, `${Y}-06-02`);
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 1, reason: '支払を拒絶する旨の書面', paymentDefault: 'refuses-to-pay' }] });
      expect(v.termination?.basis).toMatch(/^refuses-to-pay invoice .*:2\d{3}-04 \(due \d{4}-05-31\)$/);
    });
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-07-01`, async (h) => {
      const wrong = await refusalOf(h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 2, reason: '虚偽申告', applicationGround: 3 }] }));
      expect(wrong).toMatchObject({ details: { field: 'applicationGround' } });
      expect(wrong?.message).toContain('(2), (5), (6) of TNC-12');
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 2, reason: '料金滞納の過去が判明', applicationGround: 5 }] });
      expect(v.termination).toMatchObject({ clauseId: 'TNC-18', item: 2, basis: 'TNC-12 (5) came to light' });
    });
  });

  test('TNC-40: its own 14-day window (not TNC-18\'s 30 days); (6) goes only through TNC-18, so it is refused as a measure and as a default measure', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntilInstant(world, jst(`${Y}-04-02T10:30`));
      const auto = await refusalOf(
        h.executeUpdate(reportViolation, { args: [{ clauseId: 'TNC-40', act: 4, occurredAt: jst(`${Y}-04-02T10:00`), description: '迷惑メール送信', defaultMeasure: 6 }] }),
      );
      expect(auto).toMatchObject({ details: { field: 'defaultMeasure' } });
      const v = await h.executeUpdate(reportViolation, { args: [{ violationId: 'V-40', clauseId: 'TNC-40', act: 4, occurredAt: jst(`${Y}-04-02T10:00`), description: '迷惑メール送信' }] });
      // TNC-40 catalog cureWindowDays 14: 04-03 … 04-16 → measures from 04-17 00:00 JST.
      expect(v).toMatchObject({ cureLastDay: `${Y}-04-16`, measuresFrom: iso(`${Y}-04-17T00:00`) });
      await sleepUntilInstant(world, jst(`${Y}-04-17T10:00`));
      const six = await refusalOf(h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-40', measure: 6 }] }));
      expect(six?.message).toContain('TNC-18 (1)');
      const m = await h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-40', measure: 5 }] });
      expect(m.status).toBe('measured');
      // TNC-40 (5) → TNC-41 (3) stop at 10:00 on 04-17, designated 30 days: 04-18 … 05-17 → 05-18 00:00 JST.
      expect((await h.query(getContract)).suspensions?.[0]).toMatchObject({ clauseId: 'TNC-41', cureBy: iso(`${Y}-05-18T00:00`) });
    });
  });
});
