/**
 * Contract lifecycle on the time-skipping server: minimum term, renewal, cancellation and the
 * early-termination fee, with exact dates and yen. Dates are anchored to next year (Y) so they lie
 * in the test server's future whatever day the suite runs.
 */
import { describe, expect, test } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  acceptApplication,
  getContract,
  giveNonRenewalNotice,
  requestCancellation,
  type Customer,
  type TermsId,
} from '../../workflows/contract-messages.js';
import { BusinessCalendar, jstDateOf, jstMidnightMs, latestCancellationNoticeDay, addDays } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { jst, nextYear, sleepUntil, sleepUntilInstant, withContract } from '../helpers/timeline.js';
import { application, consumerCustomer, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';

const world = useWorld('time-skipping');



const ledger = (contractId: string) =>
  world.db.ledgerEntry.findMany({ where: { contractId }, orderBy: { id: 'asc' } });

async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (e as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('NGN-17 minimum term and NGN-18 early-termination fee', () => {
  test('NGN-17: start Y-06-20 gives a minimum term Y-07-01 … (Y+1)-06-30; NGN-18: cancellation effective (Y+1)-02-28 posts 4 × 50,000 as a 違約金 outside consumption tax', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-06-20`, async (h, id) => {
      const v = await h.query(getContract);
      expect(v.minimumTerm).toEqual({ start: `${Y}-07-01`, end: `${Y + 1}-06-30` });
      expect(v.period).toEqual({ start: `${Y}-07-01`, end: `${Y + 1}-06-30`, renewals: 0 });

      await sleepUntil(world, `${Y + 1}-01-12`);
      const after = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y + 1}-02-28` }] });
      expect(after.endDate).toBe(`${Y + 1}-02-28`);
      expect(after.cancellation?.insideMinimumTerm).toBe(true);

      await sleepUntil(world, `${Y + 1}-03-02`);
      const end = await h.query(getContract);
      expect(end.status).toBe('ended');
      const rows = await ledger(id);
      const fees = rows.filter((r) => r.kind === 'fee');
      // Y-06 (partial month billed whole on this plan) through (Y+1)-02: 9 months.
      expect(fees.map((r) => r.period)).toEqual([
        `${Y}-06`, `${Y}-07`, `${Y}-08`, `${Y}-09`, `${Y}-10`, `${Y}-11`, `${Y}-12`, `${Y + 1}-01`, `${Y + 1}-02`,
      ]);
      expect(fees.every((r) => r.amount === '50000' && r.clauseId === 'NGN-19')).toBe(true);
      const penalty = rows.filter((r) => r.kind === 'penalty');
      expect(penalty.map((r) => [r.clauseId, r.taxClass, r.amount, r.effectiveDate])).toEqual([
        ['NGN-18', 'out-of-scope', '200000', `${Y + 1}-02-28`],
      ]);
      // No consumption tax line refers to the penalty: 9 tax lines of 5,000 for 9 fees.
      expect(rows.filter((r) => r.kind === 'consumption-tax').map((r) => r.amount)).toEqual(Array(9).fill('5000'));
      const receipt = world.sink.messages.find((m) => m.raw.includes(`cancellation-receipt:NGN-41`) && m.raw.includes(id));
      expect(receipt).toBeDefined();
    });
  });
});

describe('NGN-41 cancellation lead of 1 month + 5 business days', () => {
  test('NGN-41: a request on the latest notice day is accepted; one business day later it is refused with that date and changes nothing', async () => {
    const Y = await nextYear(world);
    const desired = `${Y + 2}-06-08`;
    const cal = new BusinessCalendar(defaultCalendarData(Y, Y + 3));
    const latest = latestCancellationNoticeDay(cal, desired, 1, 5);
    // after the minimum term (start Y-04-01 → term Y-05-01 … (Y+1)-04-30)
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-04-01`, async (h) => {
      await sleepUntil(world, addDays(latest, 1));
      const eventsBefore = (await h.fetchHistory()).events?.length;
      const f = await refusal(h.executeUpdate(requestCancellation, { args: [{ desiredDate: desired }] }));
      expect(f.type).toBe('LateNotice');
      expect(f.details?.[0]).toEqual({ field: 'desiredDate', deadline: latest });
      expect(f.message).toContain(`must be notified by ${latest}`);
      const unchanged = await h.query(getContract);
      expect(unchanged.cancellation).toBeUndefined();
      expect(unchanged.endDate).toBeUndefined();
      // The refusal left no trace but workflow-task bookkeeping: the Java test server writes the
      // task that carried the update, which a real server drops (strict check: test/api).
      const added = (await h.fetchHistory()).events!.slice(eventsBefore);
      expect(added.every((e) => e.workflowTaskScheduledEventAttributes || e.workflowTaskStartedEventAttributes || e.workflowTaskCompletedEventAttributes)).toBe(true);
    });
    // The server clock only moves forward: the accepted case runs a year later on the same rule.
    const Y2 = await nextYear(world);
    const desired2 = `${Y2 + 2}-06-08`;
    const latest2 = latestCancellationNoticeDay(new BusinessCalendar(defaultCalendarData(Y2, Y2 + 3)), desired2, 1, 5);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y2}-04-01`, async (h) => {
      await sleepUntil(world, latest2);
      const v = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: desired2 }] });
      expect(v.cancellation).toEqual({ receivedOn: latest2, desiredDate: desired2, latestNoticeDay: latest2, insideMinimumTerm: false });
    });
  });
});

describe('NGN-39 automatic renewal and non-renewal notice', () => {
  test('NGN-39: a non-renewal notice on (Y+1)-09-05 for a period ending (Y+1)-09-30 is refused (deadline 08-31) and the contract renews to (Y+2)-09-30; a notice on the deadline day then ends it', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-09-10`, async (h, id) => {
      expect((await h.query(getContract)).period).toEqual({ start: `${Y}-10-01`, end: `${Y + 1}-09-30`, renewals: 0 });
      await sleepUntil(world, `${Y + 1}-09-05`);
      const f = await refusal(h.executeUpdate(giveNonRenewalNotice, { args: [{}] }));
      expect(f.type).toBe('LateNotice');
      // Expiry at 24:00 on (Y+1)-09-30 = 10-01 00:00; one month before = 09-01 00:00; the last day ending by then is 08-31 (CLAUSES NGN-39, revised).
      expect(f.details?.[0]).toEqual({ field: 'receivedOn', deadline: `${Y + 1}-08-31` });
      expect(f.message).toContain(`renews to ${Y + 2}-09-30`);

      await sleepUntil(world, `${Y + 1}-10-01`);
      expect((await h.query(getContract)).period).toEqual({ start: `${Y + 1}-10-01`, end: `${Y + 2}-09-30`, renewals: 1 });

      await sleepUntil(world, `${Y + 2}-08-31`); // the deadline day itself is in time (period ending (Y+2)-09-30)
      const v = await h.executeUpdate(giveNonRenewalNotice, { args: [{ note: '書面受領' }] });
      expect(v.nonRenewal).toEqual({ receivedOn: `${Y + 2}-08-31`, deadline: `${Y + 2}-08-31` });
      expect(v.endDate).toBe(`${Y + 2}-09-30`);

      await sleepUntil(world, `${Y + 2}-10-02`);
      const end = await h.query(getContract);
      expect(end.status).toBe('ended');
      const fees = (await ledger(id)).filter((r) => r.kind === 'fee');
      expect(fees.at(-1)?.period).toBe(`${Y + 2}-09`);
      expect(fees).toHaveLength(25); // Y-09 … (Y+2)-09
      expect((await ledger(id)).some((r) => r.kind === 'penalty')).toBe(false);
    });
  });
});

describe('TNC-17 customer cancellation', () => {
  test('TNC-17: no lead time and no refund; the last month is billed by day up to the cancellation date (TNC-26)', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-04-01`, async (h, id) => {
      await sleepUntil(world, `${Y}-05-20`);
      const v = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-05-20` }] });
      expect(v.cancellation).toEqual({ receivedOn: `${Y}-05-20`, desiredDate: `${Y}-05-20`, insideMinimumTerm: false });
      await sleepUntil(world, `${Y}-05-22`);
      expect((await h.query(getContract)).status).toBe('ended');
      const rows = await ledger(id);
      // April whole (5,000 + 500); May 1–20 = 5,000 × 20/31 = 3,225.80… → 3,225, tax 322 — computed
      // once on the final invoice (JP-INVOICE), so its tax line carries the invoice's period.
      expect(rows.map((r) => [r.period, r.kind, r.amount])).toEqual([
        [`${Y}-04`, 'fee', '5000'],
        [`${Y}-04`, 'consumption-tax', '500'],
        [`${Y}-05`, 'fee', '3225'],
        ['final', 'consumption-tax', '322'],
      ]);
      expect(rows.some((r) => r.kind === 'credit')).toBe(false);
    });
  });

  test('TNC-17: a TNC contract has no NGN-39 period, so a non-renewal notice is refused as a conflict', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'TNC', 'tnc-home-1g', consumerCustomer(), `${Y}-07-01`, async (h) => {
      const f = await refusal(h.executeUpdate(giveNonRenewalNotice, { args: [{}] }));
      expect(f.type).toBe('CommandConflict');
    });
  });
});

describe('continue-as-new over years', () => {
  test('NGN-19 NGN-39: a contract running 5 years through several runs posts every month exactly once', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-01-01`, async (h, id) => {
      await sleepUntil(world, `${Y + 5}-01-02`);
      const v = await h.query(getContract);
      expect(v.run).toBeGreaterThanOrEqual(5);
      expect(v.period).toEqual({ start: `${Y + 4}-02-01`, end: `${Y + 5}-01-31`, renewals: 4 });
      const rows = await ledger(id);
      const months = Array.from({ length: 60 }, (_, i) => `${Y + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
      expect(rows.filter((r) => r.kind === 'fee').map((r) => r.period)).toEqual(months);
      expect(rows.filter((r) => r.kind === 'consumption-tax').map((r) => r.period)).toEqual(months);
      expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(120);
      expect(new Set(rows.map((r) => r.runId)).size).toBeGreaterThanOrEqual(5);
    });
  });
});
