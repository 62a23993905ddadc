/**
 * The contract workflow's command guard (workflows/contract/guard.ts), below the API: poison values
 * sent straight to the workflow are refused naming the field and the contract goes on billing; a
 * bug inside an update handler fails that update (CommandFailed), puts the state back, alerts ops
 * and leaves no workflow-task failure; a command sent again under its Idempotency-Key after
 * continue-as-new returns its first outcome and posts nothing new.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflows } from '../../runtime/workflow-bundle.js';
import {
  acceptApplication,
  alertMalware,
  changeContractor,
  chargeSurcharge,
  getContract,
  recordDisclosure,
  recordPayment,
  rejectApplication,
  reportOutage,
  reportViolation,
  scheduleSuspension,
} from '../../workflows/contract-messages.js';
import { explodeForTest } from '../fixtures/faulty-workflows.js';
import { contractReport } from '../../audit/load.js';
import { reconcile } from '../../rules/invoice.js';
import { refusalOf } from '../helpers/refusal.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { application, corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';

const OPS = 'ops-alerts@example.co.jp';
const world = useWorld('time-skipping', { activities: { opsAlertEmail: OPS } });
const FAULTY_ENTRY = fileURLToPath(new URL('../fixtures/faulty-workflows.ts', import.meta.url));

/** No workflow task of the contract failed (a failure would be retried for ever and freeze it). */
async function workflowTaskFailures(h: WorkflowHandle): Promise<number> {
  const history = await h.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
}

/** The month's fee and tax lines of `month` (NGN-19: the whole-month fee of ngn-vpn-standard is 50,000 yen; NGN-23: 10% = 5,000). */
async function billedMonth(contractId: string, month: string) {
  const lines = await world.db.ledgerEntry.findMany({ where: { contractId, period: month }, orderBy: { id: 'asc' } });
  return lines.map((l) => [l.kind, l.clauseId, l.amount]);
}

describe('issue 15: poison values sent straight to the workflow are refused by field; the contract goes on billing', () => {
  test('NGN-19: 1900 and 9999 dates, a lone surrogate and a 65-character local part change nothing, and April is billed at the May close', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntilInstant(world, jst(`${Y}-04-02T10:00`));
      const before = await h.query(getContract);
      const poison: [() => Promise<unknown>, string, string][] = [
        // 1900 is before 昭和: the violation notice could not write it in 和暦.
        [() => h.executeUpdate(reportViolation, { args: [{ clauseId: 'NGN-25', act: 1, occurredAt: '1900-01-01T00:00:00+09:00', description: '禁止行為' }] }), 'occurredAt', 'outside the plausible range'],
        [() => h.executeUpdate(scheduleSuspension, { args: [{ clauseId: 'NGN-36', reason: '保守', startsAt: '9999-12-31T23:00:00Z' }] }), 'startsAt', 'outside the plausible range'],
        [() => h.executeUpdate(recordDisclosure, { args: [{ authority: '裁判所', legalBasis: '法', scope: '氏名', disclosureAt: '9999-01-01T00:00:00+09:00' }] }), 'disclosureAt', 'outside'],
        [() => h.executeUpdate(alertMalware, { args: [{ ipAddress: '192.0.2.1', observedAt: '0000-01-01T00:00:00Z', source: 'x', detail: 'y' }] }), 'observedAt', 'outside'],
        [() => h.executeUpdate(reportOutage, { args: [{ startedAt: '0000-01-01T00:00:00Z', recognisedAt: jst(`${Y}-04-02T09:00`), cause: 'provider-fault', description: 'x' }] }), 'startedAt', 'outside'],
        [() => h.executeUpdate(reportViolation, { args: [{ clauseId: 'NGN-25', act: 1, occurredAt: jst(`${Y}-04-02T09:00`), description: '禁止\ud800行為' }] }), 'description', 'lone UTF-16 surrogate'],
        [() => h.executeUpdate(recordDisclosure, { args: [{ authority: '裁判所\udc00', legalBasis: '法', scope: '氏名', disclosureAt: jst(`${Y}-05-01T00:00`) }] }), 'authority', 'lone UTF-16 surrogate'],
        [() => h.executeUpdate(recordPayment, { args: [{ invoiceId: 'x', amount: '1', method: 'bank-transfer', paidOn: `${Y}-04-02`, reference: '\ud800' }] }), 'reference', 'lone UTF-16 surrogate'],
        [() => h.executeUpdate(changeContractor, { args: [{ kind: 'name-change', email: `${'a'.repeat(65)}@example.jp`, evidence: '書類' }] }), 'email', 'local part'],
        [() => h.executeUpdate(reportViolation, { args: [{ clauseId: 'NGN-25', act: 1, occurredAt: jst(`${Y}-04-02T09:00`), designatedDays: 1e9, description: 'x' }] }), 'designatedDays', 'must be from 1 to 365'],
      ];
      for (const [call, field, why] of poison) {
        const r = await refusalOf(call());
        expect(r, field).toMatchObject({ type: 'InvalidCommand', details: { field } });
        expect(r!.message).toContain(why);
      }
      // Nothing changed, the contract answers, and no workflow task failed.
      expect(await h.query(getContract)).toEqual(before);
      expect(await world.db.notice.count({ where: { contractId: id, kind: { not: 'acceptance' } } })).toBe(0);
      expect(await workflowTaskFailures(h)).toBe(0);

      // NGN-19: April (service from 04-01, a whole month) is billed at 00:00 JST on 05-01.
      await sleepUntil(world, `${Y}-05-01`);
      expect(await billedMonth(id, `${Y}-04`)).toEqual([
        ['fee', 'NGN-19', '50000'],
        ['consumption-tax', 'NGN-23', '5000'],
      ]);
    });
  });

  test('NGN-12: a reject reason with a lone surrogate is refused before anything is written', async () => {
    const taskQueue = uniqueId('tq-guard');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      expect((await h.query(getContract)).status).toBe('applied');
      const r = await refusalOf(h.executeUpdate(rejectApplication, { args: [{ grounds: [3], reason: '審査\ud800' }] }));
      expect(r).toMatchObject({ type: 'InvalidCommand', details: { field: 'reason' } });
      expect((await h.query(getContract)).status).toBe('applied');
      // NGN-12: the same rejection with a well-formed reason goes through, with its written notice.
      expect((await h.executeUpdate(rejectApplication, { args: [{ grounds: [3], reason: '審査の結果' }] })).status).toBe('rejected');
      await h.result();
    });
  });
});

describe('issue 15: a bug inside an update handler fails the update, not the workflow', () => {
  test('NGN-19: the failed command is rolled back (seq never moves back), recorded, alerted; the contract takes commands and bills', async () => {
    const taskQueue = uniqueId('tq-faulty');
    const worker = await world.worker(taskQueue, { workflowBundle: await bundleWorkflows(FAULTY_ENTRY) });
    await worker.runUntil(async () => {
      const Y = await nextYear(world);
      await sleepUntil(world, `${Y}-04-01`);
      const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), await world.env.currentTimeMs());
      const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
      await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: `${Y}-04-01` }] });
      const before = await h.query(getContract);
      const r = await refusalOf(h.executeUpdate(explodeForTest, { args: [{ note: 'x' }] }));
      expect(r?.type).toBe('CommandFailed');
      expect(r?.message).toContain('TypeError: boom: a bug after the validator passed');
      expect(r?.message).toContain('as it was before the command');

      // The handler added a pending line, seq + 3 and the deciding flag: all back, except that seq keeps moving forward.
      const after = await h.query(getContract);
      expect(after).toEqual({ ...before, seq: before.seq + 3 });
      expect(await workflowTaskFailures(h)).toBe(0);

      // On the timeline and mailed to ops.
      const events = await world.db.contractEvent.findMany({ where: { contractId: input.contractId, kind: 'command-failed' } });
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.data)).toMatchObject({ update: 'explodeForTest', rolledBack: true });
      const alerts = world.sink.messages.filter((m) => m.to.includes(OPS) && m.raw.includes(input.contractId));
      expect(alerts).toHaveLength(1);

      // The contract still takes commands: NGN-20 surcharge of 2 × 1,000 = 2,000 yen, posted once.
      const s = await h.executeUpdate(chargeSurcharge, { args: [{ evadedAmount: '1000', description: '免脱' }] });
      expect(s.total).toBe('2000');
      // … and bills: NGN-19 April at the May close, 50,000 + 10% = 5,000 (NGN-23).
      await sleepUntil(world, `${Y}-05-01`);
      expect(await billedMonth(input.contractId, `${Y}-04`)).toEqual([
        ['fee', 'NGN-19', '50000'],
        ['consumption-tax', 'NGN-23', '5000'],
      ]);
      await h.terminate('test finished');
    });
  });
});

describe('issue 15: an Idempotency-Key holds across continue-as-new', () => {
  test('NGN-20: the same surcharge sent again after continue-as-new returns its first invoice and posts nothing; the key with another body is refused', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      const updateId = 'idem:0123456789abcdef:client-key-0001';
      const first = await h.executeUpdate(chargeSurcharge, { updateId, args: [{ evadedAmount: '1000', description: '免脱' }] });
      // NGN-14: a contractor change continues the workflow as new under the changed input.
      const runBefore = (await h.describe()).runId;
      await h.executeUpdate(changeContractor, { args: [{ kind: 'name-change', name: '株式会社あたらしい商事', evidence: '登記事項証明書' }] });
      await sleepUntilInstant(world, new Date((await world.env.currentTimeMs()) + 60_000).toISOString());
      const latest = world.env.client.workflow.getHandle(id);
      expect((await latest.describe()).runId).not.toBe(runBefore);

      const again = await latest.executeUpdate(chargeSurcharge, { updateId, args: [{ evadedAmount: '1000', description: '免脱' }] });
      expect(again).toEqual(first);
      expect(await world.db.invoice.count({ where: { contractId: id, period: 'surcharge' } })).toBe(1);

      const reused = await refusalOf(
        latest.executeUpdate(chargeSurcharge, { updateId: 'idem:fedcba9876543210:client-key-0001', args: [{ evadedAmount: '9', description: '別件' }] }),
      );
      expect(reused).toMatchObject({ type: 'IdempotencyKeyReused', details: { field: 'Idempotency-Key' } });
      expect(await world.db.invoice.count({ where: { contractId: id, period: 'surcharge' } })).toBe(1);
    });
  });
});

describe('issue 15: two charges from one client request are flagged', () => {
  test('NGN-20: a blind retry sent without a key (two updates, same arguments, same day) is flagged by the reconciliation and the audit report', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h, id) => {
      const body = { evadedAmount: '1000', description: '免脱（再送）' };
      // As a client did before Idempotency-Keys: the request again, under a new update id.
      const a = await h.executeUpdate(chargeSurcharge, { args: [body] });
      const b = await h.executeUpdate(chargeSurcharge, { args: [body] });
      expect(a.invoiceId).not.toBe(b.invoiceId);
      const [lines, invoices, payments] = await Promise.all([
        world.db.ledgerEntry.findMany({ where: { contractId: id } }),
        world.db.invoice.findMany({ where: { contractId: id } }),
        world.db.payment.findMany({ where: { contractId: id } }),
      ]);
      const r = reconcile({ lines, invoices, payments });
      // NGN-20: 2 × 1,000 = 2,000 yen, twice.
      expect(r.duplicates.map((d) => [d.clauseId, d.amount, d.invoiceIds])).toEqual([['NGN-20', '2000', [a.invoiceId, b.invoiceId].sort()]]);
      const report = await contractReport(world.env.client, world.db, id, new Date(await world.env.currentTimeMs()));
      expect(report.ok).toBe(false);
      expect(report.mismatches.map((m) => m.code).sort()).toEqual(['duplicate-charge', 'duplicate-request']);
      expect(report.mismatches.find((m) => m.code === 'duplicate-request')!.message).toContain(`invoices ${a.invoiceId}, ${b.invoiceId}`);
    });
  });
});

