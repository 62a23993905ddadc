/**
 * The contract's deadlines as data (workflows/contract/deadlines.ts) and the deadlines each module
 * derives from the state, tested without any Temporal server: exact instants worked out from the
 * clause text, the tie order, and fast-check properties of the choice of the next deadline.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BusinessCalendar } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import type { ContractInput, ContractState } from '../../model/contract.js';
import { CONTRACT_MODULES } from '../../workflows/contract.js';
import { ContractContext } from '../../workflows/contract/context.js';
import { DEADLINE_ORDER, deadlineLabel, dueTable, earliest, waitFor, type Deadline, type DeadlineKind } from '../../workflows/contract/deadlines.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function contract(terms: 'NGN' | 'TNC', state: Partial<ContractState>): ContractContext {
  const input: ContractInput = {
    contractId: 'ctr-deadlines',
    terms,
    termsVersion: terms === 'NGN' ? '2020-02-01' : '2022-07-01',
    planId: terms === 'NGN' ? 'ngn-vpn-standard' : 'tnc-home-1g',
    customer: { id: 'c1', name: '株式会社テスト', email: 'it@example.co.jp', kind: 'corporate', domestic: true },
    channel: 'form',
    appliedAt: '2027-03-20T01:00:00.000Z',
    resume: { status: 'active', run: 1, openInvoices: [], pendingLines: [], recentPaymentKeys: [], seq: 0, ...state },
  };
  const ctx = new ContractContext(input);
  ctx.watch(CONTRACT_MODULES);
  return ctx;
}

describe('the deadline table', () => {
  test('every deadline kind is handled by exactly one module', () => {
    const table = dueTable(CONTRACT_MODULES.map((m) => m.due ?? {}));
    expect(Object.keys(table).sort()).toEqual([...DEADLINE_ORDER].sort());
  });

  test('a kind handled twice, or by nobody, is refused when the table is built', () => {
    const all = CONTRACT_MODULES.map((m) => m.due ?? {});
    expect(() => dueTable([...all, { renewal: () => undefined }])).toThrow(/renewal is handled by two modules/);
    expect(() => dueTable(all.filter((_, i) => CONTRACT_MODULES[i]!.name !== 'billing'))).toThrow(/no module handles the deadline kinds month-close, invoice-overdue/);
  });

  test('labels keep the kind and, where there is one, what it is for', () => {
    expect(deadlineLabel({ atMs: 0, kind: 'month-close', month: '2027-04' })).toBe('month-close:2027-04');
    expect(deadlineLabel({ atMs: 0, kind: 'invoice-overdue', invoiceId: 'inv-1' })).toBe('invoice-overdue:inv-1');
    expect(deadlineLabel({ atMs: 0, kind: 'renewal' })).toBe('renewal');
  });
});

describe('deadlines derived from the state, at exact instants', () => {
  test('NGN-19: the month of a billing start on 2027-04-01 closes at 00:00 JST on 2027-05-01 (2027-04-30T15:00Z)', () => {
    const ctx = contract('NGN', { billingStart: '2027-04-01' });
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2027-04-30T15:00:00Z'), kind: 'month-close', month: '2027-04' });
  });

  test('NGN-21: an invoice due 2027-05-31 is overdue from 24:00 JST that day (2027-05-31T15:00Z), before the June close', () => {
    const ctx = contract('NGN', {
      billingStart: '2027-04-01',
      billedThrough: '2027-05',
      openInvoices: [{ id: 'ctr-deadlines:2027-04', period: '2027-04', issuedOn: '2027-05-01', dueDate: '2027-05-31', total: '55000', paid: '0' }],
    });
    // June 2027 closes at 2027-07-01 00:00 JST, a month later.
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2027-05-31T15:00:00Z'), kind: 'invoice-overdue', invoiceId: 'ctr-deadlines:2027-04' });
  });

  test('NGN-39: the renewal reminder for a period ending 2028-03-31 goes out 10 business days before the 2028-02-29 deadline: 2028-02-14 (Feb 23 天皇誕生日 skipped)', () => {
    // Deadline 2028-02-29 (Tue; one month before the expiry at 2028-04-01 00:00). Back 10 business
    // days: 28 Mon, 25 Fri, 24 Thu, (23 Wed holiday), 22, 21, 18, 17, 16, 15, 14 Mon.
    const ctx = contract('NGN', { billingStart: '2027-04-01', billedThrough: '2028-03', period: { start: '2027-04-01', end: '2028-03-31', renewals: 0 } });
    ctx.calendar = new BusinessCalendar(defaultCalendarData(2027, 2029));
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2028-02-13T15:00:00Z'), kind: 'renewal-reminder' });
    ctx.state.renewalRemindedFor = '2028-03-31';
    // Then the period ends at 24:00 JST on 2028-03-31 and renews (the March close comes first: billed through 2028-03).
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2028-03-31T15:00:00Z'), kind: 'renewal' });
  });

  test('NGN-41: a contract ending on 2027-06-08 ends at 24:00 JST that day; the month of the end is billed then, not at its close', () => {
    const ctx = contract('NGN', { billingStart: '2027-04-01', billedThrough: '2027-05', endDate: '2027-06-08', endReason: 'cancellation' });
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2027-06-08T15:00:00Z'), kind: 'contract-end' });
  });

  test('NGN-33.1: an open outage recognised 2027-04-20 09:30 JST reaches 24 hours at 2027-04-21 09:30 JST', () => {
    const ctx = contract('NGN', {
      billingStart: '2027-04-01',
      outages: [{ id: 'O1', startedAt: '2027-04-20T09:00:00+09:00', recognisedAt: '2027-04-20T09:30:00+09:00', cause: 'provider-fault', grossNegligence: false }],
    });
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2027-04-21T00:30:00Z'), kind: 'outage-threshold' });
    // NGN-33.3: a force-majeure outage earns nothing, so no 24-hour deadline.
    ctx.state.outages![0]!.cause = 'force-majeure';
    expect(ctx.nextDeadline()?.kind).toBe('month-close');
  });

  test('the same instant: the month is closed before a suspension starting then; the contract end comes after a suspension ending then', () => {
    // 2027-05-01 00:00 JST = 2027-04-30T15:00Z: the April close and the start of suspension S1.
    const ctx = contract('NGN', {
      billingStart: '2027-04-01',
      suspensions: [{ id: 'S1', clauseId: 'NGN-36', reason: '工事', startsAt: '2027-05-01T00:00:00+09:00', status: 'scheduled' }],
    });
    expect(ctx.nextDeadline()).toEqual({ atMs: Date.parse('2027-04-30T15:00:00Z'), kind: 'month-close', month: '2027-04' });
    // A contract ending 2027-05-31 (24:00 JST = 2027-05-31T15:00Z) whose suspension ends at that same instant.
    const ending = contract('NGN', {
      billingStart: '2027-04-01',
      billedThrough: '2027-04',
      endDate: '2027-05-31',
      suspensions: [{ id: 'S1', clauseId: 'NGN-36', reason: '工事', startsAt: '2027-05-10T00:00:00+09:00', endsAt: '2027-06-01T00:00:00+09:00', status: 'active' }],
    });
    expect(ending.nextDeadline()).toEqual({ atMs: Date.parse('2027-05-31T15:00:00Z'), kind: 'suspension' });
    ending.state.suspensions![0]!.status = 'lifted';
    expect(ending.nextDeadline()).toEqual({ atMs: Date.parse('2027-05-31T15:00:00Z'), kind: 'contract-end' });
  });

  test('a contract that is not active has no deadline', () => {
    expect(contract('NGN', { status: 'applied', billingStart: '2027-04-01' }).nextDeadline()).toBeUndefined();
    expect(contract('TNC', { status: 'ended', billingStart: '2027-04-01' }).nextDeadline()).toBeUndefined();
  });
});

// ---- properties ---------------------------------------------------------------------------------

const T0 = Date.parse('2027-01-01T00:00:00Z');
const anyDeadline: fc.Arbitrary<Deadline> = fc
  .record({ kind: fc.constantFrom(...DEADLINE_ORDER), at: fc.integer({ min: 0, max: 20 }), tag: fc.string({ maxLength: 3 }) })
  .map(({ kind, at, tag }): Deadline => {
    const atMs = T0 + at * 3600_000; // few distinct instants, so ties happen often
    switch (kind) {
      case 'month-close':
        return { atMs, kind, month: `2027-0${(at % 9) + 1}` };
      case 'invoice-overdue':
        return { atMs, kind, invoiceId: `inv-${tag}` };
      case 'default-measure':
        return { atMs, kind, violationId: `V-${tag}` };
      case 'terms-change':
        return { atMs, kind, announcementId: `A-${tag}` };
      default:
        return { atMs, kind } as Deadline;
    }
  });
const rank = (k: DeadlineKind) => DEADLINE_ORDER.indexOf(k);

describe('choosing the next deadline (fast-check)', () => {
  test('never skips an earlier deadline: the choice is at the earliest instant of all', () => {
    fc.assert(
      fc.property(fc.array(anyDeadline, { minLength: 1, maxLength: 30 }), (ds) => {
        const next = earliest(ds)!;
        expect(ds).toContain(next);
        for (const d of ds) expect(next.atMs).toBeLessThanOrEqual(d.atMs);
      }),
    );
  });

  test('ties in the stated order: at the same instant the kind first in DEADLINE_ORDER wins, then the one listed first', () => {
    fc.assert(
      fc.property(fc.array(anyDeadline, { minLength: 1, maxLength: 30 }), (ds) => {
        const next = earliest(ds)!;
        const same = ds.filter((d) => d.atMs === next.atMs);
        for (const d of same) expect(rank(next.kind)).toBeLessThanOrEqual(rank(d.kind));
        expect(next).toBe(same.find((d) => d.kind === next.kind));
      }),
    );
  });

  test('the order of the list does not change which instant and kind come next', () => {
    fc.assert(
      fc.property(fc.array(anyDeadline, { minLength: 1, maxLength: 20 }), fc.func(fc.integer()), (ds, key) => {
        const shuffled = [...ds].sort((a, b) => key(a) - key(b));
        const a = earliest(ds)!;
        const b = earliest(shuffled)!;
        expect([b.atMs, b.kind]).toEqual([a.atMs, a.kind]);
      }),
    );
  });

  test('never waits into the past: a deadline already passed is handled at once (wait 0), a future one exactly when due', () => {
    fc.assert(
      fc.property(anyDeadline, fc.integer({ min: -48, max: 48 }), (d, hours) => {
        const now = d.atMs + hours * 3600_000;
        const w = waitFor(d, now);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(now + w).toBe(Math.max(now, d.atMs));
      }),
    );
  });

  test('a contract state with invoices, suspensions and violations: the next deadline is the earliest any module derives', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2027-05-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.array(day, { maxLength: 4 }),
        fc.array(fc.record({ start: day, scheduled: fc.boolean() }), { maxLength: 3 }),
        fc.array(day, { maxLength: 3 }),
        (dues, susps, measures) => {
          const ctx = contract('NGN', {
            billingStart: '2027-04-01',
            billedThrough: '2027-04',
            openInvoices: dues.map((dueDate, i) => ({ id: `inv-${i}`, period: '2027-04', issuedOn: '2027-05-01', dueDate, total: '1', paid: '0' })),
            suspensions: susps.map((s, i) => ({ id: `S${i}`, clauseId: 'NGN-36', reason: 'x', startsAt: `${s.start}T10:00:00+09:00`, status: s.scheduled ? 'scheduled' : 'lifted' })),
            violations: measures.map((m, i) => ({ id: `V${i}`, clauseId: 'NGN-25', act: 1, occurredAt: `${m}T09:00:00+09:00`, measuresFrom: `${m}T15:00:00Z`, status: 'open', defaultMeasure: 1 })),
          });
          const all = CONTRACT_MODULES.flatMap((m) => m.deadlines?.(ctx) ?? []);
          const next = ctx.nextDeadline()!;
          expect(all).toContainEqual(next);
          expect(next.atMs).toBe(Math.min(...all.map((d) => d.atMs)));
          // The May close (2027-06-01 00:00 JST) is always there, so nothing is ever chosen after it.
          expect(iso(next.atMs)! <= '2027-05-31T15:00:00.000Z').toBe(true);
        },
      ),
    );
  });
});
