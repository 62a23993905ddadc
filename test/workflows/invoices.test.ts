/**
 * Invoices under the invoice law and the payment clauses, on the time-skipping server, exact yen and
 * dates: every invoice a 適格請求書 (JP-INVOICE) with its tax computed once per invoice per rate; a
 * correction as a new invoice (修正・返還) with the original untouched; no late damages on late
 * damages (NGN-21 / TNC-29); NGN-22 and TNC-29.2 payment terms stated on the invoices.
 * Dates are anchored to next year (Y) so they lie in the server's future; 令和 year = Y − 2018.
 */
import { describe, expect, test } from 'vitest';
import { acceptApplication, correctInvoice, getContract, recordPayment, reportUsage } from '../../workflows/contract-messages.js';
import { consumptionTax } from '../../rules/money.js';
import { reconcile } from '../../rules/invoice.js';
import { refusalOf } from '../helpers/refusal.js';
import { nextYear, sleepUntil } from '../helpers/timeline.js';
import { TEST_REGISTRATION_NUMBERS, application, corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';
import type { WorkflowHandle } from '@temporalio/client';

const world = useWorld('time-skipping');

const reiwa = (y: number) => `令和${y - 2018}年`;

async function reconciled(contractId: string) {
  const [lines, invoices, payments] = await Promise.all([
    world.db.ledgerEntry.findMany({ where: { contractId } }),
    world.db.invoice.findMany({ where: { contractId } }),
    world.db.payment.findMany({ where: { contractId } }),
  ]);
  return reconcile({ lines, invoices, payments });
}

/** Applies and accepts an NGN contract with service start `start` and the given acceptance extras. */
async function ngnContract(start: string, accept: Record<string, unknown>, body: (h: WorkflowHandle, id: string) => Promise<void>) {
  const taskQueue = uniqueId('tq');
  const worker = await world.worker(taskQueue);
  await worker.runUntil(async () => {
    await sleepUntil(world, start);
    const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
    const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
    await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: start, ...accept }] });
    try {
      await body(h, input.contractId);
    } finally {
      if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test finished');
    }
  });
}

describe('JP-INVOICE qualified invoices', () => {
  test('JP-INVOICE: the April invoice names the issuer and its registration number, the recipient, the transaction month, the 10% total and its tax, 不課税 apart; the notice shows every item', async () => {
    const Y = await nextYear(world);
    await ngnContract(`${Y}-04-01`, {}, async (_h, id) => {
      await sleepUntil(world, `${Y}-05-02`);
      const inv = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-04` }, include: { lines: { orderBy: { id: 'asc' } } } });
      // NGN-19 monthly settlement: fee 50,000 (tax-exclusive); NGN-23 10% computed once on the invoice = 5,000.
      expect(inv).toMatchObject({
        kind: 'invoice',
        billTo: 'customer',
        issuerName: 'NEC ネッツエスアイ株式会社', // the provider the NGN 約款 names
        registrationNumber: TEST_REGISTRATION_NUMBERS.NGN,
        recipientName: '株式会社テスト商事',
        issuedOn: `${Y}-05-01`,
        dueDate: `${Y}-05-31`, // 月末払い (NGN-19 2項, decided)
        taxableTotal: '50000',
        taxTotal: '5000',
        outOfScopeTotal: '0',
        total: '55000',
      });
      expect(JSON.parse(inv.taxBreakdown!)).toEqual([{ rate: '0.10', base: '50000', tax: '5000' }]);
      expect(inv.lines.map((l) => [l.kind, l.clauseId, l.amount, l.period])).toEqual([
        ['fee', 'NGN-19', '50000', `${Y}-04`],
        ['consumption-tax', 'NGN-23', '5000', `${Y}-04`],
      ]);
      expect(inv.lines[1]!.idempotencyKey).toBe(`${id}:${Y}-04:NGN-23:consumption-tax:0.10`);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'invoice' }, orderBy: { id: 'asc' } });
      for (const item of [
        '適格請求書発行事業者: NEC ネッツエスアイ株式会社',
        `登録番号: ${TEST_REGISTRATION_NUMBERS.NGN}`,
        '宛名: 株式会社テスト商事 様',
        `発行日: ${reiwa(Y)}5月1日（${Y}-05-01）`,
        `お支払期日: ${reiwa(Y)}5月31日（${Y}-05-31）`,
        '10%対象（税抜）: 50,000円',
        '消費税等（10%）: 5,000円',
        '不課税: 0円',
        'ご請求金額（税込）: 55,000円',
        `${reiwa(Y)}4月分（${Y}-04） ［10%対象］基本料金 ${Y}-04: 50,000円`,
        'JP-INVOICE',
        '振込手数料その他の費用はお客様のご負担となります（NGN-19）',
      ]) {
        expect(notice.body).toContain(item);
      }
    });
  });

  test('JP-INVOICE: usage lines of 617 and 6,005 yen on one invoice — floored per line the tax would be 661, computed once on the invoice it is 662', async () => {
    const Y = await nextYear(world);
    await ngnContract(`${Y}-04-01`, {}, async (h, id) => {
      await sleepUntil(world, `${Y}-04-20`);
      // 閉域DNS 0.05 yen a query (NGN-19 3項: billed the month after use, on May's invoice):
      // 12,345 × 0.05 = 617.25 → 617; 120,100 × 0.05 = 6,005.
      await h.executeUpdate(reportUsage, { args: [{ optionId: 'ngn-closed-dns', month: `${Y}-04`, quantity: '12345' }] });
      await h.executeUpdate(reportUsage, { args: [{ optionId: 'ngn-closed-dns', month: `${Y}-04`, quantity: '120100' }] });
      await sleepUntil(world, `${Y}-06-02`);
      const may = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-05` }, include: { lines: { orderBy: { id: 'asc' } } } });
      // Per line (the rule before JP-INVOICE): 50,000 → 5,000; 617 → 61.7 → 61; 6,005 → 600.5 → 600: 5,661.
      const perLine = ['50000', '617', '6005'].reduce((s, a) => s + Number(consumptionTax(a).toFixed()), 0);
      expect(perLine).toBe(5661);
      // Once on the invoice: (50,000 + 617 + 6,005) × 10% = 56,622 × 10% = 5,662.2 → 5,662.
      expect([may.taxableTotal, may.taxTotal, may.total]).toEqual(['56622', '5662', '62284']);
      expect(may.lines.filter((l) => l.kind === 'consumption-tax').map((l) => l.amount)).toEqual(['5662']);
      expect((await reconciled(id)).mismatches).toEqual([]);
    });
  });

  test('JP-INVOICE: a correction is a new invoice — 8,000 yen of the April site returned with its tax (−8,800), the original invoice and its lines unchanged, what is owed 55,000', async () => {
    const Y = await nextYear(world);
    await ngnContract(`${Y}-04-01`, { addOns: [{ addOnId: 'ngn-site', partId: 'osaka' }] }, async (h, id) => {
      await sleepUntil(world, `${Y}-05-10`);
      const aprilId = `${id}:${Y}-04`;
      // April: 50,000 + site 8,000 = 58,000; tax once: 5,800; total 63,800.
      const before = await world.db.invoice.findUniqueOrThrow({ where: { id: aprilId }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect([before.taxableTotal, before.taxTotal, before.total, before.lines.length]).toEqual(['58000', '5800', '63800', 3]);
      const lineCount = await world.db.ledgerEntry.count({ where: { contractId: id } });

      const c = await h.executeUpdate(correctInvoice, {
        args: [{ invoiceId: aprilId, reason: '大阪拠点は5月開通のため4月分を返還', lines: [{ description: '拠点接続（大阪）4月分', taxClass: 'taxable', amount: '-8000' }] }],
      });
      // −8,000 and its tax, computed once on the correction: −800 → −8,800.
      expect(c.total).toBe('-8800');
      const corr = await world.db.invoice.findUniqueOrThrow({ where: { id: c.invoiceId }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect(corr).toMatchObject({ kind: 'correction', correctsInvoiceId: aprilId, taxableTotal: '-8000', taxTotal: '-800', total: '-8800', registrationNumber: TEST_REGISTRATION_NUMBERS.NGN });
      expect(corr.lines.map((l) => [l.kind, l.clauseId, l.amount])).toEqual([
        ['correction', 'JP-INVOICE', '-8000'],
        ['consumption-tax', 'NGN-23', '-800'],
      ]);
      // The original stays as issued; the ledger only grew.
      const after = await world.db.invoice.findUniqueOrThrow({ where: { id: aprilId }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect(after).toEqual(before);
      expect(await world.db.ledgerEntry.count({ where: { contractId: id } })).toBe(lineCount + 2);
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'invoice' }, orderBy: { id: 'desc' } });
      expect(notice.body).toContain(`訂正の対象となる請求書: ${aprilId}`);
      expect(notice.body).toContain('元の請求書は変更していません');

      // What is owed on April: 63,800 − 8,800 = 55,000.
      expect((await h.query(getContract)).openInvoices.find((i) => i.id === aprilId)).toMatchObject({ total: '63800', adjusted: '-8800' });
      const over = await refusalOf(h.executeUpdate(recordPayment, { args: [{ invoiceId: aprilId, amount: '55001', method: 'bank-transfer', paidOn: `${Y}-05-10` }] }));
      expect(over).toMatchObject({ type: 'InvalidCommand', details: { field: 'amount' } });
      const paid = await h.executeUpdate(recordPayment, { args: [{ invoiceId: aprilId, amount: '55000', method: 'bank-transfer', paidOn: `${Y}-05-10` }] });
      expect(paid.open).toBe('0');
      // A paid invoice is no longer corrected here.
      const late = await refusalOf(h.executeUpdate(correctInvoice, { args: [{ invoiceId: aprilId, reason: 'x', lines: [{ description: 'y', taxClass: 'taxable', amount: '-1' }] }] }));
      expect(late).toMatchObject({ type: 'InvalidCommand', details: { field: 'invoiceId' } });
      const r = await reconciled(id);
      // Ledger: 63,800 − 8,800 = 55,000, all paid.
      expect([r.ledgerTotal, r.paidTotal, r.balance, r.mismatches]).toEqual(['55000', '55000', '0', []]);
    });
  });
});

describe('NGN-21 / NGN-22 / TNC-29.2: no interest on interest, payment terms on every invoice', () => {
  test('NGN-21 NGN-22: 220 yen of late damages are billed on their own invoice due at month end; paid 20 days late they bear nothing; the reminder says so and that transfer fees are the contractor’s', async () => {
    const Y = await nextYear(world);
    await ngnContract(`${Y}-04-01`, {}, async (h, id) => {
      await sleepUntil(world, `${Y}-06-10`);
      const april = (await h.query(getContract)).openInvoices.find((i) => i.period === `${Y}-04`)!;
      // Due 05-31, paid 06-10: 06-01 … 06-10 = 10 days; 55,000 × 14.6% × 10 ÷ 365 = 220.
      const first = await h.executeUpdate(recordPayment, { args: [{ invoiceId: april.id, amount: '55000', method: 'bank-transfer', paidOn: `${Y}-06-10` }] });
      expect(first.lateDamages).toMatchObject({ days: 10, amount: '220', clauseId: 'NGN-21' });
      const lateInv = await world.db.invoice.findUniqueOrThrow({ where: { id: first.lateDamages!.invoiceId } });
      // NGN-22 applies 第19条2項: the monthly due-date rule (月末 of the month of issue), 不課税.
      expect([lateInv.issuedOn, lateInv.dueDate, lateInv.outOfScopeTotal, lateInv.taxTotal, lateInv.total]).toEqual([`${Y}-06-10`, `${Y}-06-30`, '220', '0', '220']);
      const lateNotice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: `${lateInv.id}:invoice:NGN-19` } });
      expect(lateNotice.body).toContain('振込手数料その他の費用はお客様のご負担となります（NGN-22）');

      // Not paid by 06-30: the reminder on 07-01 says no damages accrue on damages.
      await sleepUntil(world, `${Y}-07-20`);
      const reminder = await world.db.notice.findFirstOrThrow({ where: { contractId: id, idempotencyKey: `${lateInv.id}:overdue:NGN-21` } });
      expect(reminder.body).toContain('遅延損害金に対する遅延損害金は申し受けません');
      expect(reminder.body).toContain('振込手数料その他の費用はお客様のご負担となります（NGN-22）');
      expect(reminder.body).not.toContain('年14.6%');
      // Paid 07-20, 20 days after 06-30: no late damages on late damages.
      const second = await h.executeUpdate(recordPayment, { args: [{ invoiceId: lateInv.id, amount: '220', method: 'bank-transfer', paidOn: `${Y}-07-20` }] });
      expect(second.lateDamages).toBeUndefined();
      expect(second.open).toBe('0');
      const interest = await world.db.ledgerEntry.findMany({ where: { contractId: id, kind: 'interest' } });
      expect(interest.map((l) => [l.clauseId, l.amount])).toEqual([['NGN-21', '220']]);
    });
  });

  test('TNC-29 TNC-29.2: 13,200 yen paid 30 days late bear 157 yen of late interest; its invoice says the transfer fees are the customer’s', async () => {
    const Y = await nextYear(world);
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      await sleepUntil(world, `${Y}-04-01`);
      const input = application('TNC', 'tnc-biz-fixed', corporateCustomer(), await world.env.currentTimeMs());
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      try {
        await h.executeUpdate(acceptApplication, { args: [{}] });
        await sleepUntil(world, `${Y}-06-30`);
        const april = (await h.query(getContract)).openInvoices.find((i) => i.period === `${Y}-04`)!;
        expect(april.total).toBe('13200'); // 12,000 + 1,200
        // Due 05-31, paid 06-30: 30 days; 13,200 × 14.5% × 30 ÷ 365 = 157.31… → 157 (円未満切り捨て).
        const p = await h.executeUpdate(recordPayment, { args: [{ invoiceId: april.id, amount: '13200', method: 'bank-debit', paidOn: `${Y}-06-30` }] });
        expect(p.lateDamages).toMatchObject({ days: 30, amount: '157', clauseId: 'TNC-29' });
        const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: input.contractId, idempotencyKey: `${p.lateDamages!.invoiceId}:invoice:TNC-26` } });
        expect(notice.body).toContain('振込手数料その他の費用はお客様のご負担となります（TNC-29.2）');
        expect(notice.body).toContain(`登録番号: ${TEST_REGISTRATION_NUMBERS.TNC}`);
        expect(notice.body).toContain('株式会社 TOKAI コミュニケーションズ');
      } finally {
        if ((await h.describe()).status.name === 'RUNNING') await h.terminate('test finished');
      }
    });
  });
});
