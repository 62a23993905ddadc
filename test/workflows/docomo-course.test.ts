/**
 * The docomo-billed course (他社料金設定コース) on the time-skipping server, with a local "docomo" that
 * verifies the HMAC-SHA256 signature of every message:
 * - TNC-30 (TNC-26.4, TNC-27.3): each month's charges are assigned to docomo as a receivable with its
 *   statement, through the signed carrier channel, with the response as proof; the customer gets no
 *   invoice, so no TNC-29 interest and no TNC-41 (1) stoppage; the audit report reconciles the
 *   assignment against its proof.
 * - TNC-19: docomo's cancellation notice ends the course; the value plan continues, billed by TNC.
 * - TNC-18.4: docomo is told of a termination by the provider.
 * - TNC-15: docomo is told of a plan change on its course.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { beforeAll, describe, expect, test } from 'vitest';
import { contractReport } from '../../audit/load.js';
import { changePlan, endCarrierCourse, getContract, recordPayment, terminateByProvider } from '../../workflows/contract-messages.js';
import { reconcile } from '../../rules/invoice.js';
import type { ActivitySettings } from '../../runtime/config.js';
import { listenLocal } from '../helpers/http.js';
import { refusalOf } from '../helpers/refusal.js';
import { nextYear, sleepUntil, withContract } from '../helpers/timeline.js';
import { TEST_REGISTRATION_NUMBERS, consumerCustomer, useWorld } from '../helpers/world.js';

const SECRET = 'docomo-course-secret-0123456789';
/** The webhook URL is known once the fake docomo listens; workers read these settings when they start. */
const settings: ActivitySettings = { carrierWebhookSecret: SECRET };
const world = useWorld('time-skipping', { activities: settings });

/** Messages docomo accepted (signature verified), by message key. */
const received = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  const app = express();
  app.post('/docomo', express.raw({ type: 'application/json' }), (req, res) => {
    const raw = req.body as Buffer;
    const given = Buffer.from(req.get('x-yakkan-signature') ?? '');
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).json({ error: 'signature mismatch' });
      return;
    }
    received.set(req.get('x-yakkan-message-key') ?? '', JSON.parse(raw.toString('utf8')));
    res.status(202).json({ accepted: true });
  });
  const api = await listenLocal(app);
  world.defer('close the fake docomo', () => api.close());
  settings.carrierWebhookUrl = `${api.base}/docomo`;
});

describe('TNC-30 receivables assigned to docomo', () => {
  test('TNC-30 TNC-26.4 TNC-27.3: April (04-11 … 04-30, 3,200 + 320) is assigned to docomo with proof; no invoice, no interest, no stoppage for the customer; the audit report reconciles it', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-docomo', consumerCustomer(), `${Y}-04-11`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-02`);
      // Formed (database entry) on 04-11: 20 of April's 30 days: 4,800 × 20 ÷ 30 = 3,200; tax once 320.
      const stmtId = `${id}:${Y}-04:assignment`;
      const stmt = await world.db.invoice.findUniqueOrThrow({ where: { id: stmtId }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect(stmt).toMatchObject({ kind: 'carrier-assignment', billTo: 'carrier', clauseId: 'TNC-30', taxableTotal: '3200', taxTotal: '320', total: '3520', registrationNumber: TEST_REGISTRATION_NUMBERS.TNC });
      expect(stmt.lines.map((l) => [l.kind, l.amount])).toEqual([['fee', '3200'], ['consumption-tax', '320']]);
      expect(await world.db.invoice.count({ where: { contractId: id, billTo: 'customer' } })).toBe(0);
      expect(await world.db.notice.count({ where: { contractId: id, kind: 'invoice' } })).toBe(0);
      // The signed message docomo received is the proof, linked from the statement.
      const msg = await world.db.carrierMessage.findUniqueOrThrow({ where: { idempotencyKey: stmt.carrierMessageKey! } });
      expect(msg).toMatchObject({ kind: 'docomo:receivable-assignment', clauseId: 'TNC-30', status: 'sent', responseStatus: 202 });
      expect(received.get(msg.idempotencyKey)).toMatchObject({ schema: 'yakkan.carrier-receivable-assignment/v1', statementId: stmtId, period: `${Y}-04`, total: '3520', clauseId: 'TNC-30' });

      // Nothing is owed to TNC: no open invoice, a payment to the statement is refused, no reminder or stoppage after 05-31.
      expect((await h.query(getContract)).openInvoices).toEqual([]);
      const pay = await refusalOf(h.executeUpdate(recordPayment, { args: [{ invoiceId: stmtId, amount: '3520', method: 'credit-card', paidOn: `${Y}-05-02` }] }));
      expect(pay).toMatchObject({ type: 'InvalidCommand', details: { field: 'invoiceId' } });
      await sleepUntil(world, `${Y}-06-10`);
      expect(await world.db.notice.count({ where: { contractId: id, kind: 'overdue-reminder' } })).toBe(0);
      expect((await h.query(getContract)).suspensions ?? []).toEqual([]);
      expect(await world.db.ledgerEntry.count({ where: { contractId: id, kind: 'interest' } })).toBe(0);

      const [lines, invoices, payments] = await Promise.all([
        world.db.ledgerEntry.findMany({ where: { contractId: id } }),
        world.db.invoice.findMany({ where: { contractId: id } }),
        world.db.payment.findMany({ where: { contractId: id } }),
      ]);
      // April 3,520 and May 4,800 + 480 = 5,280 assigned; the customer owes TNC nothing.
      const r = reconcile({ lines, invoices, payments });
      expect([r.ledgerTotal, r.assignedTotal, r.balance, r.mismatches]).toEqual(['8800', '8800', '0', []]);
      const report = await contractReport(world.env.client, world.db, id);
      const april = report.reconciliation.invoices.find((i) => i.id === stmtId)!;
      expect(april).toMatchObject({ status: 'assigned', open: '0', billTo: 'carrier', assignment: { messageKey: msg.idempotencyKey, responseStatus: 202 } });
      expect(report.reconciliation.totals.assigned).toBe('8800');
      expect(report.mismatches.filter((m) => m.code.startsWith('assignment'))).toEqual([]);
    });
  });
});

describe('TNC-19 and TNC-18.4', () => {
  test('TNC-19: docomo ends the course on 05-20; May is split — 05-01 … 05-20 assigned to docomo (3,096 + 309), 05-21 … 05-31 on the value plan invoiced by TNC (1,703 + 170); the contract goes on', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-docomo', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-20`);
      const v = await h.executeUpdate(endCarrierCourse, { args: [{ courseEndsOn: `${Y}-05-20`, reference: 'DCM-CXL-0001' }] });
      expect(v.pendingPlan).toEqual({ planId: 'tnc-value', from: `${Y}-05-21`, segmented: true, clauseId: 'TNC-19' });
      expect(v.status).toBe('active');
      const notice = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'carrier-course-end' } });
      expect(notice.clauseId).toBe('TNC-19');
      expect(notice.body).toContain('バリュープランは継続');
      await sleepUntil(world, `${Y}-07-02`);
      const after = await h.query(getContract);
      expect([after.status, after.planId, after.planHistory]).toEqual(['active', 'tnc-value', [{ planId: 'tnc-docomo', until: `${Y}-05-20` }]]);
      // May 1–20 on the docomo course: 4,800 × 20 ÷ 31 = 3,096.77… → 3,096; tax 309.6 → 309.
      const assigned = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-05:assignment` } });
      expect([assigned.billTo, assigned.taxableTotal, assigned.taxTotal, assigned.total]).toEqual(['carrier', '3096', '309', '3405']);
      // May 21–31 on the value plan: 4,800 × 11 ÷ 31 = 1,703.22… → 1,703; tax 170.3 → 170; due 06-30.
      const may = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-05` }, include: { lines: { orderBy: { id: 'asc' } } } });
      expect([may.billTo, may.taxableTotal, may.taxTotal, may.total, may.dueDate]).toEqual(['customer', '1703', '170', '1873', `${Y}-06-30`]);
      expect(may.lines[0]!.idempotencyKey).toBe(`${id}:${Y}-05:TNC-26:fee:tnc-value:${Y}-05-21`);
      // June: the value plan for the whole month, 4,800 + 480, invoiced by TNC; nothing more assigned.
      expect((await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:${Y}-06` } })).total).toBe('5280');
      expect(await world.db.invoice.count({ where: { contractId: id, id: `${id}:${Y}-06:assignment` } })).toBe(0);
    });
  });

  test('TNC-18.4: a termination by the provider on the docomo course is notified to docomo (TNC-18.4) and the last days are assigned to docomo, not invoiced', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-docomo', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-10`);
      // TNC-18 2項: found after formation to fall under TNC-12 (2) (支払停止・破産手続等) — terminated
      // without a demand; TNC-18.4: docomo is told on its course.
      await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'TNC-18', item: 2, applicationGround: 2, reason: '破産手続開始の申立てが判明' }] });
      const msg = await world.db.carrierMessage.findFirstOrThrow({ where: { contractId: id, kind: 'docomo:termination-by-provider' } });
      expect(msg).toMatchObject({ clauseId: 'TNC-18.4', status: 'sent' });
      expect(received.get(msg.idempotencyKey)).toMatchObject({ event: 'termination-by-provider', clauseId: 'TNC-18.4', effectiveDate: `${Y}-04-10` });
      await sleepUntil(world, `${Y}-04-12`);
      // 04-01 … 04-10: 4,800 × 10 ÷ 30 = 1,600; tax 160 → 1,760 assigned to docomo.
      const last = await world.db.invoice.findUniqueOrThrow({ where: { id: `${id}:final:assignment` } });
      expect([last.billTo, last.total]).toEqual(['carrier', '1760']);
      expect(await world.db.invoice.count({ where: { contractId: id, billTo: 'customer' } })).toBe(0);
    });
  });
});

describe('TNC-15 on the docomo course', () => {
  test('TNC-15: a change from the docomo course to the 1G home plan accepted on 04-15 is formed that day (its acceptance notice sent; TNC-15 read as NGN-13.2) and docomo is told, signed, with 04-15 as its effective day', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-docomo', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-04-15`);
      await h.executeUpdate(changePlan, { args: [{ newPlanId: 'tnc-home-1g' }] });
      const msg = await world.db.carrierMessage.findFirstOrThrow({ where: { contractId: id, kind: 'docomo:plan-change' } });
      expect(msg).toMatchObject({ clauseId: 'TNC-15', status: 'sent' });
      expect(received.get(msg.idempotencyKey)).toMatchObject({
        event: 'plan-change',
        clauseId: 'TNC-15',
        effectiveDate: `${Y}-04-15`,
        planId: 'tnc-docomo',
        newPlanId: 'tnc-home-1g',
      });
      const acceptance = await world.db.notice.findFirstOrThrow({ where: { contractId: id, kind: 'change-acceptance' } });
      expect(acceptance.clauseId).toBe('TNC-15');
    });
  });
});
