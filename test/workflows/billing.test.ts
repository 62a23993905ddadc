/**
 * Billing and payments on the time-skipping server, with exact yen: invoices, partial and late
 * payments (TNC-29 / NGN-21), usage billed the month after use (NGN-19 3項), NGN-20 surcharges,
 * NGN-29 dispatch fees, and the reconciliation of ledger, invoices and payments.
 */
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import {
  acceptApplication,
  chargeDispatch,
  chargeSurcharge,
  getContract,
  recordPayment,
  reportUsage,
  type Customer,
  type PaymentInput,
  type TermsId,
} from '../../workflows/contract-messages.js';
import { addDays, jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { reconcile } from '../../rules/invoice.js';
import { activityOfEvent as activityOf } from '../../audit/history-facts.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';

const world = useWorld('time-skipping');




async function reconciled(contractId: string) {
  const [lines, invoices, payments] = await Promise.all([
    world.db.ledgerEntry.findMany({ where: { contractId } }),
    world.db.invoice.findMany({ where: { contractId } }),
    world.db.payment.findMany({ where: { contractId } }),
  ]);
  return reconcile({ lines, invoices, payments });
}

describe('TNC-29 late interest and TNC-27 payments', () => {
  test('TNC-29: 12,345 yen paid 30 days after the due date bears 147 yen (14.5%, 365-day year, floored); the rest paid later bears its own', async () => {
    const Y = await nextYear(world);
    // tnc-biz-fixed: 12,000 + 1,200 tax = 13,200 a month; corporate, whole months.
    await withContract(world, 'TNC', 'tnc-biz-fixed', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-02`);
      const v = await h.query(getContract);
      const inv = v.openInvoices.find((i) => i.period === `${Y}-04`)!;
      expect(inv).toMatchObject({ id: `${id}:${Y}-04`, issuedOn: `${Y}-05-01`, dueDate: `${Y}-05-31`, total: '13200', paid: '0' });

      // 30 days late: due 05-31 → paid 06-30 (days 06-01 … 06-30 = 30).
      await sleepUntil(world, `${Y}-06-30`);
      const first = await h.executeUpdate(recordPayment, {
        args: [{ invoiceId: inv.id, amount: '12345', method: 'bank-debit', paidOn: `${Y}-06-30`, idempotencyKey: `${id}-pay-1` }],
      });
      expect(first.open).toBe('855');
      // key counter: 1 went to the TNC-41 (1) stoppage scheduled when April's invoice became overdue
      expect(first.lateDamages).toEqual({ days: 30, amount: '147', invoiceId: `${id}:late:2`, clauseId: 'TNC-29' });

      // The rest, 855 yen, 61 days late: 855 × 0.145 × 61 / 365 = 20.71… → 20.
      await sleepUntil(world, `${Y}-07-31`);
      const rest = await h.executeUpdate(recordPayment, {
        args: [{ invoiceId: inv.id, amount: '855', method: 'credit-card', paidOn: `${Y}-07-31` }],
      });
      expect(rest.open).toBe('0');
      expect(rest.lateDamages).toMatchObject({ days: 61, amount: '20', clauseId: 'TNC-29' });
      expect((await h.query(getContract)).openInvoices.some((i) => i.id === inv.id)).toBe(false);
      // paid in full: the stoppage for non-payment of this invoice is lifted
      expect((await h.query(getContract)).suspensions?.find((x) => x.forInvoice === inv.id)?.status).toBe('lifted');

      const late = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'interest' }, orderBy: { id: 'asc' } });
      expect(late.map((l) => [l.clauseId, l.taxClass, l.amount])).toEqual([
        ['TNC-29', 'out-of-scope', '147'],
        ['TNC-29', 'out-of-scope', '20'],
      ]);
      const payments = await world.db.payment.findMany({ where: { contractId: id }, orderBy: { id: 'asc' } });
      expect(payments.map((p) => [p.invoiceId, p.amount, p.method, p.paidOn])).toEqual([
        [inv.id, '12345', 'bank-debit', `${Y}-06-30`],
        [inv.id, '855', 'credit-card', `${Y}-07-31`],
      ]);
      const r = await reconciled(id);
      expect(r.mismatches).toEqual([]);
      // Invoiced by 07-31: Apr–Jun fees (3 × 13,200; July closes on 08-01) + 147 + 20 = 39,767; paid 13,200.
      expect([r.ledgerTotal, r.invoicedTotal, r.paidTotal, r.balance]).toEqual(['39767', '39767', '13200', '26567']);
    });
  });

  test('TNC-27: a payment above the open amount, by a method the 約款 lacks, or dated in the future is refused by field', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-biz-fixed', corporateCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntil(world, `${Y}-05-02`);
      const inv = (await h.query(getContract)).openInvoices[0]!;
      const refusal = async (args: PaymentInput) =>
        h.executeUpdate(recordPayment, { args: [args] }).then(
          () => undefined,
          (e: any) => e.cause.details?.[0]?.field,
        );
      expect(await refusal({ invoiceId: inv.id, amount: '13201', method: 'bank-debit', paidOn: `${Y}-05-02` })).toBe('amount');
      expect(await refusal({ invoiceId: inv.id, amount: '100', method: 'bank-transfer', paidOn: `${Y}-05-02` })).toBe('method');
      expect(await refusal({ invoiceId: inv.id, amount: '100', method: 'bank-debit', paidOn: `${Y}-05-03` })).toBe('paidOn');
      expect(await refusal({ invoiceId: 'nope', amount: '100', method: 'bank-debit', paidOn: `${Y}-05-02` })).toBe('invoiceId');
      expect(await world.db.payment.count({ where: { invoiceId: inv.id } })).toBe(0);
    });
  });
});

describe('NGN-19 metered usage, NGN-21 late damages, NGN-20 surcharge, NGN-29 dispatch', () => {
  test('NGN-19: usage is billed the month after use; usage reported for a month already invoiced goes on the next invoice, never lost', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-20`);
      await h.executeUpdate(reportUsage, { args: [{ optionId: 'ngn-extra-site', month: `${Y}-04`, quantity: '2' }] });
      await sleepUntil(world, `${Y}-06-03`); // April and May closed
      // Usage of April reported after April's and May's invoices were issued:
      await h.executeUpdate(reportUsage, { args: [{ optionId: 'ngn-closed-dns', month: `${Y}-04`, quantity: '12345' }] });
      await sleepUntil(world, `${Y}-07-02`); // June closed

      const lines = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'usage' }, orderBy: { id: 'asc' } });
      // 2 sites × 3,000 on May's invoice; 12,345 queries × 0.05 = 617.25 → 617 (円未満切り捨て) on June's.
      expect(lines.map((l) => [l.invoiceId, l.period, l.amount])).toEqual([
        [`${id}:${Y}-05`, `${Y}-04`, '6000'],
        [`${id}:${Y}-06`, `${Y}-04`, '617'],
      ]);
      // JP-INVOICE: one NGN-23 tax line per invoice, on its taxable total: May 56,000 × 10% = 5,600;
      // June 50,617 × 10% = 5,061.7 → 5,061 (円未満切り捨て once).
      const taxes = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'consumption-tax' }, orderBy: { id: 'asc' } });
      expect(taxes.map((t) => [t.invoiceId, t.clauseId, t.amount])).toEqual([
        [`${id}:${Y}-04`, 'NGN-23', '5000'],
        [`${id}:${Y}-05`, 'NGN-23', '5600'],
        [`${id}:${Y}-06`, 'NGN-23', '5061'],
      ]);
      const june = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-06` } });
      expect([june.taxableTotal, june.taxTotal, june.total]).toEqual(['50617', '5061', '55678']);
      expect((await reconciled(id)).mismatches).toEqual([]);

      // Issue 18 (usage-tracked-close-v1): a close asks the database for unbilled usage only when
      // usage of a month it bills was reported. April's close (on 05-01) bills usage through March:
      // none reported, no query. May's close (06-01) bills April's 2 sites; June's (07-01) the April
      // DNS queries reported on 06-03. So the activity runs on 06-01 and 07-01 (JST) only.
      const history = await h.fetchHistory();
      const asked = (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'collectUnbilledUsage')
        .map((e) => jstDateOf(Number(e.eventTime!.seconds) * 1000));
      expect(asked).toEqual([`${Y}-06-01`, `${Y}-07-01`]);
    });
  });

  test('NGN-21: 55,000 yen paid 10 days late bears 220 yen (14.6%); NGN-20: 10,000 evaded → 20,000 surcharge; NGN-29: dispatch 18,000 + 1,800 tax', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-02`);
      const inv = (await h.query(getContract)).openInvoices[0]!;
      expect(inv.total).toBe('55000');
      await sleepUntil(world, `${Y}-06-10`); // due 05-31; 06-01 … 06-10 = 10 days
      const paid = await h.executeUpdate(recordPayment, { args: [{ invoiceId: inv.id, amount: '55000', method: 'bank-transfer', paidOn: `${Y}-06-10` }] });
      // 55,000 × 0.146 × 10 / 365 = 220 exactly.
      expect(paid.lateDamages).toMatchObject({ days: 10, amount: '220', clauseId: 'NGN-21' });

      const s = await h.executeUpdate(chargeSurcharge, { args: [{ evadedAmount: '10000', description: '未申告の拠点接続' }] });
      expect(s.total).toBe('20000');
      const d = await h.executeUpdate(chargeDispatch, { args: [{ cost: '18000', description: '宅内ルータ故障' }] });
      expect(d.total).toBe('19800');
      const rows = await world.db.ledgerEntry.findMany({ where: { invoiceId: { in: [s.invoiceId, d.invoiceId] } }, orderBy: { id: 'asc' } });
      expect(rows.map((r) => [r.clauseId, r.kind, r.taxClass, r.amount])).toEqual([
        ['NGN-20', 'surcharge', 'out-of-scope', '20000'],
        ['NGN-29', 'dispatch', 'taxable', '18000'],
        ['NGN-23', 'consumption-tax', 'consumption-tax', '1800'],
      ]);
      const sInv = await world.db.invoice.findUniqueOrThrow({ where: { id: s.invoiceId } });
      expect([sInv.outOfScopeTotal, sInv.taxTotal, sInv.total]).toEqual(['20000', '0', '20000']);
      expect((await reconciled(id)).mismatches).toEqual([]);
    });
  });

  test('NGN-20 NGN-29: a TNC contract has neither clause, so both charges are refused as conflicts', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h) => {
      const types = await Promise.all([
        h.executeUpdate(chargeSurcharge, { args: [{ evadedAmount: '100', description: 'x' }] }).catch((e: any) => e.cause.type),
        h.executeUpdate(chargeDispatch, { args: [{ cost: '100', description: 'x' }] }).catch((e: any) => e.cause.type),
      ]);
      expect(types).toEqual(['CommandConflict', 'CommandConflict']);
    });
  });
});

describe('overdue reminder', () => {
  test('NGN-21: the day after the due date an unpaid invoice triggers one reminder citing 年14.6%', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, addDays(`${Y}-05-31`, 2));
      const notices = await world.db.notice.findMany({ where: { contractId: id, kind: 'overdue-reminder' } });
      expect(notices).toHaveLength(1);
      expect(notices[0]!.body).toContain('年14.6%');
      expect(notices[0]!.clauseId).toBe('NGN-21');
      expect((await h.query(getContract)).openInvoices[0]?.overdueNotified).toBe(true);
    });
  });

  test('NGN-19 NGN-21: the May close and the overdue April invoice fall due at the same instant; both are handled and the projection is saved once, naming the next deadline (save-once-per-due-burst-v1)', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-06-02`);
      // NGN-19: May closes at 00:00 JST on 06-01 = Y-05-31T15:00Z. April's invoice (issued 05-01) is
      // due 05-31; unpaid, it is overdue (NGN-21) from 24:00 JST that day (民法 第141条) — the same instant.
      const burst = Date.parse(`${Y}-05-31T15:00:00Z`);
      const events = (await h.fetchHistory()).events ?? [];
      const at = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000;
      const from = events.findIndex((e) => e.timerFiredEventAttributes && at(e) >= burst);
      expect(from).toBeGreaterThan(0);
      expect(at(events[from]!)).toBe(burst);
      const to = events.findIndex((e, i) => i > from && e.timerStartedEventAttributes);
      const scheduled = events.slice(from, to).flatMap((e) => activityOf(e) ?? []);
      // The May invoice, its notice, the reminder of April's (and the NGN-37 prior notice of a
      // stoppage) — then one projection save, not one per deadline.
      expect(scheduled.filter((n) => n === 'issueInvoice')).toHaveLength(1);
      expect(scheduled.filter((n) => n === 'sendNotice').length).toBeGreaterThanOrEqual(2);
      expect(scheduled.filter((n) => n === 'saveContract')).toHaveLength(1);
      expect(scheduled[scheduled.length - 1]).toBe('saveContract');
      const reminders = await world.db.notice.findMany({ where: { contractId: id, kind: 'overdue-reminder' } });
      expect(reminders.map((n) => n.idempotencyKey)).toEqual([expect.stringContaining(`${id}:${Y}-04`)]);
      // The projection names what comes next: the NGN-37 (1) stoppage announced with the reminder,
      // 7 days of notice counted from the day after the overdue day 06-01 (民法 第140条): 06-02 … 06-08,
      // so it starts at 00:00 JST on 06-09 = Y-06-08T15:00Z (before June's close on 07-01).
      const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
      expect(row.nextDeadline).toBe(`${Y}-06-08T15:00:00.000Z`);
    });
  });
});
