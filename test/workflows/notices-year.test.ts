/**
 * Notices over time on the time-skipping server: a year of an NGN contract produces exactly the
 * expected notices, in order, on their days; non-payment stops the service after its prior notice
 * (NGN-37 (1)) and payment lifts it; an invalid payment method stops a TNC service (TNC-41 (2)).
 */
import { describe, expect, test } from 'vitest';
import { getContract, recordPayment, reportPaymentMethodInvalid } from '../../workflows/contract-messages.js';
import { BusinessCalendar, addMonthsClamped, jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { renewalReminderDay } from '../../notices/catalogue.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { consumerCustomer, corporateCustomer, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

const sentNotices = (contractId: string) =>
  world.db.notice.findMany({ where: { contractId }, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }] });

describe('NGN-49 notices over a year', () => {
  test('NGN-11 NGN-19 NGN-39: a year paid on time yields the acceptance, twelve invoices on the 1st and one renewal reminder 10 business days before the deadline, in order', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-01-05`, async (h, id) => {
      // Pay each monthly invoice on the 10th of the month it was issued (before its due date).
      for (let i = 1; i <= 11; i++) {
        await sleepUntil(world, `${addMonthsClamped(`${Y}-01-10`, i)}`);
        const inv = (await h.query(getContract)).openInvoices.find((x) => x.period === addMonthsClamped(`${Y}-01-01`, i - 1).slice(0, 7))!;
        await h.executeUpdate(recordPayment, { args: [{ invoiceId: inv.id, amount: inv.total, method: 'bank-transfer', paidOn: jstDateOf(await world.env.currentTimeMs()) }] });
      }
      await sleepUntil(world, `${Y + 1}-01-06`);

      // minimum term Y-02-01 … (Y+1)-01-31 = first period; NGN-39 deadline Y-12-31
      const reminderDay = renewalReminderDay(new BusinessCalendar(defaultCalendarData(Y, Y + 1)), `${Y + 1}-01-31`, 1);
      const expected: [string, string, string][] = [['acceptance', 'NGN-11', `${Y}-01-05`]];
      for (let i = 1; i <= 12; i++) expected.push(['invoice', 'NGN-19', addMonthsClamped(`${Y}-01-01`, i)]);
      expected.push(['renewal-reminder', 'NGN-39', reminderDay]);
      expected.sort((a, b) => a[2].localeCompare(b[2]));

      const notices = await sentNotices(id);
      expect(notices.map((n) => [n.kind, n.clauseId, jstDateOf(n.sentAt!.getTime())])).toEqual(expected);
      expect(notices.every((n) => n.status === 'sent' && n.messageId)).toBe(true);
      const reminder = notices.find((n) => n.kind === 'renewal-reminder')!;
      expect(reminder.body).toContain(`${Y}-12-31`); // the non-renewal deadline it warns of
    });
  });
});

describe('NGN-37 (1) and TNC-41 stoppage', () => {
  test('NGN-37: unpaid past the due date, the service stops after 7 days of notice counted from the day after the overdue day, with reason and period; paying lifts it', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-06-01`); // April's invoice was due 05-31
      const s = (await h.query(getContract)).suspensions!;
      expect(s).toHaveLength(1);
      // Due 05-31; the overdue reminder and the stoppage notice go out on 06-01. NGN-37 2項 あらかじめ,
      // 7 days (catalog) counted from the day after the notice (民法 第140条): 06-02 … 06-08 → stop at 06-09 00:00 JST.
      expect(s[0]).toMatchObject({ clauseId: 'NGN-37', status: 'scheduled', forInvoice: `${id}:${Y}-04`, startsAt: new Date(jstMidnightMs(`${Y}-06-09`)).toISOString() });
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'suspension' } });
      expect(jstDateOf(notice.sentAt!.getTime())).toBe(`${Y}-06-01`); // before the stoppage
      expect(notice.body).toContain('料金の未払い');
      await sleepUntilInstant(world, jst(`${Y}-06-08T23:59`));
      expect((await h.query(getContract)).suspensions![0]!.status).toBe('scheduled');
      await sleepUntil(world, `${Y}-06-09`);
      expect((await h.query(getContract)).suspensions![0]!.status).toBe('active');
      const inv = (await h.query(getContract)).openInvoices.find((i) => i.id === `${id}:${Y}-04`)!;
      await h.executeUpdate(recordPayment, { args: [{ invoiceId: inv.id, amount: inv.total, method: 'bank-transfer', paidOn: `${Y}-06-09` }] });
      expect((await h.query(getContract)).suspensions!.find((x) => x.forInvoice === inv.id)!.status).toBe('lifted');
    });
  });

  test('TNC-41: an invalid payment method stops the service at once without prior notice; NGN has no such clause', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntil(world, `${Y}-04-20`);
      const s = await h.executeUpdate(reportPaymentMethodInvalid, { args: [{ reason: 'クレジットカードの有効期限切れ' }] });
      expect(s).toMatchObject({ clauseId: 'TNC-41', status: 'active' });
      expect(s.reason).toContain('(2)');
    });
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-05-01`, async (h) => {
      expect(await h.executeUpdate(reportPaymentMethodInvalid, { args: [{ reason: 'x' }] }).catch((e: any) => e.cause.type)).toBe('CommandConflict');
    });
  });
});
