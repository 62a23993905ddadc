/**
 * Breaches, suspensions, outages and announcements on the time-skipping server, with exact
 * instants and yen. Dates are anchored to next year (Y) so they lie in the server's future.
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import {
  acceptApplication,
  announce,
  applyMeasure,
  getContract,
  objectToTermsChange,
  recordCure,
  requestCancellation,
  registerFaultContact,
  reportOutage,
  reportViolation,
  restoreOutage,
  scheduleSuspension,
  terminateByProvider,
  type Customer,
  type TermsId,
} from '../../workflows/contract-messages.js';
import { jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { reconcile } from '../../rules/invoice.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';

const world = useWorld('time-skipping');

describe('NGN-33 outage compensation', () => {
  test('NGN-33.1: an outage restored 23 hours after recognition earns nothing', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-90k', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T12:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-23h', startedAt: jst(`${Y}-04-10T08:00`), recognisedAt: jst(`${Y}-04-10T09:00`), cause: 'provider-fault', description: '拠点間通信断' }] });
      // Ops record the restoration half an hour after it, before the 24 hours would have run out
      // (at 09:00 the threshold notice would go out: the outage would still be open as far as
      // anyone knew).
      await sleepUntilInstant(world, jst(`${Y}-04-11T08:30`));
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-23h', restoredAt: jst(`${Y}-04-11T08:00`) }] });
      expect(o.credit).toBeUndefined();
      await sleepUntil(world, `${Y}-05-02`);
      expect(await world.db.ledgerEntry.count({ where: { contractId: id, kind: 'credit' } })).toBe(0);
      // TNC-35 / NGN-52: the customer was told of the outage when it was reported.
      expect(await world.db.notice.count({ where: { contractId: id, kind: 'outage', clauseId: 'NGN-52' } })).toBe(1);
      // never reached 24 hours: no threshold notice
      expect(await world.db.notice.count({ where: { contractId: id, kind: 'outage-24h' } })).toBe(0);
    });
  });

  test('NGN-33.2: 72 hours with a monthly fee of 90,000 gives 9,000 yen of damages (不課税), netted on the next invoice; NGN-33.3: force majeure gives nothing', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-90k', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-20T10:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-72h', startedAt: jst(`${Y}-04-20T09:00`), recognisedAt: jst(`${Y}-04-20T09:30`), cause: 'provider-fault', description: '収容ルータ故障' }] });
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-fm', startedAt: jst(`${Y}-04-20T09:00`), recognisedAt: jst(`${Y}-04-20T09:30`), cause: 'force-majeure', description: '地震による局舎被災' }] });
      await sleepUntilInstant(world, jst(`${Y}-04-23T12:00`));
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-72h', restoredAt: jst(`${Y}-04-23T09:30`) }] });
      expect(o.credit).toEqual({ amount: '9000', days: 3, clauseId: 'NGN-33.2' });
      // NGN-33.1: 24 hours after recognition the customer was told the outage now counts — only
      // for the compensable one (the force-majeure outage is excluded by NGN-33.3).
      const h24 = await world.db.notice.findMany({ where: { contractId: id, kind: 'outage-24h' } });
      expect(h24.map((n) => n.clauseId)).toEqual(['NGN-33.1']);
      // sent when the 24 hours ran out (09:30 the next day), give or take the activity's own run time
      const lateByMs = h24[0]!.sentAt!.getTime() - Date.parse(jst(`${Y}-04-21T09:30`));
      expect(lateByMs).toBeGreaterThanOrEqual(0);
      expect(lateByMs).toBeLessThan(60_000);
      const fm = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-fm', restoredAt: jst(`${Y}-04-23T09:30`) }] });
      expect(fm.credit).toBeUndefined();
      await sleepUntil(world, `${Y}-05-02`);
      const inv = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-04` }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect(inv.lines.map((l) => [l.clauseId, l.kind, l.taxClass, l.amount])).toEqual([
        // JP-INVOICE: the tax line is computed once on the invoice and comes after its other lines.
        ['NGN-19', 'fee', 'taxable', '90000'],
        ['NGN-33.2', 'credit', 'out-of-scope', '-9000'],
        ['NGN-23', 'consumption-tax', 'consumption-tax', '9000'],
      ]);
      expect([inv.taxableTotal, inv.taxTotal, inv.creditTotal, inv.total]).toEqual(['90000', '9000', '-9000', '90000']);
      const all = await Promise.all([
        world.db.ledgerEntry.findMany({ where: { contractId: id } }),
        world.db.invoice.findMany({ where: { contractId: id } }),
        world.db.payment.findMany({ where: { contractId: id } }),
      ]);
      expect(reconcile({ lines: all[0], invoices: all[1], payments: all[2] }).mismatches).toEqual([]);
    });
  });
});

describe('NGN-52 fault contact', () => {
  test('NGN-52: outage notices go to the fault contact registered with the application, then to the changed one; the invoice still goes to the contractor', async () => {
    const Y = await nextYear(world);
    const customer = { ...corporateCustomer(), faultContactEmail: 'noc-first@example.co.jp' };
    await withContract(world, 'NGN', 'ngn-vpn-standard', customer, `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-10T12:00`));
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-1', startedAt: jst(`${Y}-04-10T11:00`), recognisedAt: jst(`${Y}-04-10T11:30`), cause: 'provider-fault', description: '回線断' }] });
      const bad = await refusalOf(h.executeUpdate(registerFaultContact, { args: [{ email: 'not an address' }] }));
      expect(bad).toMatchObject({ type: 'InvalidCommand', details: { field: 'email' } });
      const v = await h.executeUpdate(registerFaultContact, { args: [{ email: 'noc-new@example.co.jp' }] });
      expect(v.faultContact).toEqual({ email: 'noc-new@example.co.jp', registeredOn: `${Y}-04-10` });
      await sleepUntilInstant(world, jst(`${Y}-04-10T15:00`));
      await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-1', restoredAt: jst(`${Y}-04-10T14:30`) }] });
      await sleepUntil(world, `${Y}-05-02`);
      const sent = await world.db.notice.findMany({ where: { contractId: id }, orderBy: { id: 'asc' } });
      const to = (kind: string) => sent.filter((n) => n.kind === kind).map((n) => n.recipient);
      expect(to('outage')).toEqual(['noc-first@example.co.jp']);
      expect(to('restoration')).toEqual(['noc-new@example.co.jp']);
      expect(to('invoice')).toEqual([customer.email]);
      // and that is where the SMTP server received them
      const rcpts = world.sink.messages.flatMap((m) => m.to);
      expect(rcpts).toEqual(expect.arrayContaining(['noc-first@example.co.jp', 'noc-new@example.co.jp']));
    });
  });
});

describe('NGN-25 cure window of 10 days (民法 第140条)', () => {
  test('NGN-25: a violation at 10:00 on day 0 cured late on its 10th day leaves the service running', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-03-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-01T11:00`));
      const v = await h.executeUpdate(reportViolation, { args: [{ violationId: 'V-1', clauseId: 'NGN-25', act: 3, userRef: 'user-17', occurredAt: jst(`${Y}-04-01T10:00`), description: '第三者の通信の妨害' }] });
      expect([v.cureLastDay, v.measuresFrom]).toEqual([`${Y}-04-11`, new Date(jst(`${Y}-04-12T00:00`)).toISOString()]);
      await sleepUntilInstant(world, jst(`${Y}-04-11T23:30`));
      expect((await h.executeUpdate(recordCure, { args: [{ violationId: 'V-1' }] })).status).toBe('cured');
      await sleepUntil(world, `${Y}-04-20`);
      const view = await h.query(getContract);
      expect(view.status).toBe('active');
      expect(view.suspensions ?? []).toEqual([]);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'violation' } });
      expect(notice.clauseId).toBe('NGN-25');
      expect(notice.body).toContain(`${Y}-04-11`);
    });
  });

  test('NGN-25 NGN-16.2: uncured when its 10th day ends, ops may stop the contractor from 00:00 JST the next day — not a minute before — and fees keep accruing', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-03-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-01T11:00`));
      await h.executeUpdate(reportViolation, { args: [{ violationId: 'V-2', clauseId: 'NGN-25', act: 3, occurredAt: jst(`${Y}-04-01T10:00`), description: '第三者の通信の妨害' }] });
      await sleepUntilInstant(world, jst(`${Y}-04-11T23:59`));
      const early = await refusalOf(h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-2', measure: 2 }] }));
      expect(early?.type).toBe('LateNotice');
      expect(early?.details).toEqual({ field: 'measure', deadline: new Date(jst(`${Y}-04-12T00:00`)).toISOString() });
      // a cure is still in time at 23:59 — but this customer does not cure.
      await sleepUntilInstant(world, jst(`${Y}-04-12T00:00`));
      const lateCure = await refusalOf(h.executeUpdate(recordCure, { args: [{ violationId: 'V-2' }] }));
      expect(lateCure?.type).toBe('LateNotice');
      const m = await h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-2', measure: 2 }] });
      expect(m).toMatchObject({ status: 'measured', measure: 2 });
      const s = (await h.query(getContract)).suspensions!;
      expect(s).toHaveLength(1);
      // NGN-25 4項 (2): the stop is a measure under NGN-25 itself, not an NGN-37 stoppage.
      expect(s[0]).toMatchObject({ clauseId: 'NGN-25', status: 'active' });
      // applied at workflow time of the update: at or after 00:00 JST of 04-12, within that minute
      const midnight = Date.parse(jst(`${Y}-04-12T00:00`));
      expect(Date.parse(s[0]!.startsAt)).toBeGreaterThanOrEqual(midnight);
      expect(Date.parse(s[0]!.startsAt)).toBeLessThan(midnight + 60_000);
      await sleepUntil(world, `${Y}-05-02`);
      // NGN-16.2: April is billed in full although the service was stopped from 04-12.
      const fee = await world.db.ledgerEntry.findUniqueOrThrow({ where: { idempotencyKey: `${id}:${Y}-04:NGN-19:fee` } });
      expect(fee.amount).toBe('50000');
    });
  });
});

describe('NGN-36 NGN-37 suspension with prior notice', () => {
  test('NGN-36: with 7 days of prior notice a stop notified on 04-15 starts 04-23 00:00 JST at the earliest; the notice states reason and period; an emergency starts at once only with its reason', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-15T10:00`));
      // NGN-36 2項: 事前に. The catalog's 7 days count from the day after the notice day (民法 第140条):
      // notified 04-15 → 04-16 … 04-22 → the stop may start at 04-23 00:00 JST, not on the same day.
      const early = await refusalOf(
        h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'NGN-36', reason: '設備の定期保守', startsAt: jst(`${Y}-04-22T09:00`), endsAt: jst(`${Y}-04-22T18:00`) }] }),
      );
      expect(early).toMatchObject({ type: 'LateNotice', details: { field: 'startsAt', deadline: new Date(jst(`${Y}-04-23T00:00`)).toISOString() } });
      const s = await h.executeUpdate(scheduleSuspension, {
        args: [{ clauseId: 'NGN-36', reason: '設備の定期保守', startsAt: jst(`${Y}-04-23T09:00`), endsAt: jst(`${Y}-04-23T18:00`) }],
      });
      expect(s).toMatchObject({ status: 'scheduled', startsAt: jst(`${Y}-04-23T09:00`) });
      expect(jstDateOf(s.noticeSentAt!)).toBe(`${Y}-04-15`);
      const n = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'suspension' } });
      expect(n.body).toContain('設備の定期保守'); // the reason …
      expect(n.body).toContain('事前にご通知いたします');
      expect(n.body).toMatch(new RegExp(`18時00分（${Y}-04-23T18:00\\+09:00）まで`)); // … and the period's end (和暦 + ISO)
      await sleepUntilInstant(world, jst(`${Y}-04-23T12:00`));
      expect((await h.query(getContract)).suspensions![0]!.status).toBe('active');
      await sleepUntilInstant(world, jst(`${Y}-04-23T19:00`));
      expect((await h.query(getContract)).suspensions![0]!.status).toBe('lifted');

      // NGN-37 2項 ただし書: in an emergency the notice may follow — only with the reason stated.
      const noReason = await refusalOf(
        h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'NGN-37', reason: '不正アクセスの遮断', startsAt: jst(`${Y}-04-23T18:30`), emergency: true }] }),
      );
      expect(noReason).toMatchObject({ type: 'InvalidCommand', details: { field: 'emergencyReason' } });
      const e = await h.executeUpdate(scheduleSuspension, {
        args: [{ clauseId: 'NGN-37', reason: '不正アクセスの遮断', startsAt: jst(`${Y}-04-23T18:30`), emergency: true, emergencyReason: '他の契約者への攻撃が継続中で、通知を待てない' }],
      });
      expect(e).toMatchObject({ status: 'active', startsAt: jst(`${Y}-04-23T18:30`) });
      const emergencyNotice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'suspension', idempotencyKey: { contains: `:suspension:${e.id}:` } } });
      expect(emergencyNotice.body).toContain('他の契約者への攻撃が継続中で、通知を待てない');
    });
  });
});

describe('TNC-3 terms change and NGN-40 termination', () => {
  test('TNC-3: a customer who objects before the effective date has the contract end exactly on that date', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await h.executeUpdate(announce, { args: [{ announcementId: 'A-1', kind: 'terms-change', effectiveDate: `${Y}-06-01`, newTermsVersion: '2022-07-01', summary: '料金改定' }] });
      await sleepUntil(world, `${Y}-05-31`);
      const v = await h.executeUpdate(objectToTermsChange, { args: [{ announcementId: 'A-1' }] });
      expect([v.endDate, v.endReason]).toEqual([`${Y}-06-01`, 'terms-objection']);
      await sleepUntil(world, `${Y}-06-03`);
      const end = await h.query(getContract);
      expect(end.status).toBe('ended');
      const last = await world.db.ledgerEntry.findFirstOrThrow({ where: { contractId: id, period: `${Y}-06`, kind: 'fee' } });
      expect(last.amount).toBe('166'); // 1 day of June: 5,000 × 1/30 = 166.66… → 166
      const late = await refusalOf(h.executeUpdate(objectToTermsChange, { args: [{ announcementId: 'A-1' }] }));
      expect(late).toBeDefined();
    });
  });

  test('NGN-40: termination by the provider accelerates every open amount (期限の利益の喪失) and the final invoice is due on issue', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-10`);
      expect((await h.query(getContract)).openInvoices[0]!.dueDate).toBe(`${Y}-05-31`);
      const v = await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 3, reason: '支払停止' }] });
      expect(v.openInvoices[0]!.dueDate).toBe(`${Y}-05-10`);
      expect(v.endDate).toBe(`${Y}-05-10`);
      await sleepUntil(world, `${Y}-05-12`);
      const final = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:final` }, include: { lines: true } });
      // May billed up to the termination day (whole month on this plan); no NGN-18 fee: that clause
      // covers the contractor's own cancellation (解約), not termination by the provider.
      expect([final.issuedOn, final.dueDate, final.total]).toEqual([`${Y}-05-11`, `${Y}-05-11`, '55000']);
      expect(final.lines.some((l) => l.clauseId === 'NGN-18')).toBe(false);
      expect((await h.query(getContract)).status).toBe('ended');
      // The April invoice row falls due on the termination day too, and keeps its original due date.
      const april = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-04` } });
      expect([april.dueDate, april.acceleratedFrom, april.accelerationClauseId]).toEqual([`${Y}-05-10`, `${Y}-05-31`, 'NGN-40']);
    });
  });

  test('NGN-41: when a cancelled contract ends on the 15th, the open April invoice (due at month end) falls due with the final invoice', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-03-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-01`);
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-05-15` }] });
      await sleepUntil(world, `${Y}-05-17`);
      expect((await h.query(getContract)).status).toBe('ended');
      const final = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:final` } });
      expect([final.issuedOn, final.dueDate]).toEqual([`${Y}-05-16`, `${Y}-05-16`]);
      const april = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-04` } });
      expect([april.dueDate, april.acceleratedFrom, april.accelerationClauseId]).toEqual([`${Y}-05-16`, `${Y}-05-31`, 'NGN-41']);
      // March was due on 04-30, before the end: untouched.
      const march = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-03` } });
      expect([march.dueDate, march.acceleratedFrom]).toEqual([`${Y}-04-30`, null]);
    });
  });
});
