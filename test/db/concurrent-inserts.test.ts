/**
 * Issue 19: on PostgreSQL, two worker processes may run the same activity at the same moment (an
 * attempt that outlived its start-to-close timeout while its retry runs elsewhere, a worker cut off
 * from the server but not from the database). Every keyed insert must then still happen once, and
 * neither call may fail: a failure would reach the workflow as an activity failure.
 *
 * Two Prisma clients with pools of their own stand for the two workers; each call is made by both
 * at once, for many keys. The unique-violation counter shows the race really happened (the second
 * insert hit the unique key and was handled), rather than the calls running one after the other.
 * SQLite is the embedded single-process default (one worker), so the race is a PostgreSQL matter.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Db } from '../../db/client.js';
import { createActivities } from '../../activities/index.js';
import { createCarrierActivities } from '../../activities/carrier.js';
import { isUniqueViolation } from '../../activities/prisma-errors.js';
import { appliedProjection } from './projection-fixture.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld('no-temporal');
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres(world);
}, 180_000);

const KEYS = 20;

/** `db` with a count of the unique-key violations its queries met (inside transactions too). */
function counting(db: Db): { db: Db; violations: () => number } {
  let n = 0;
  const extended = db.$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (e) {
          if (isUniqueViolation(e)) n++;
          throw e;
        }
      },
    },
  }) as unknown as Db;
  return { db: extended, violations: () => n };
}

/** Two workers on one database. */
function twoWorkers() {
  const { url, db } = pg.freshDatabase();
  const a = counting(db);
  const b = counting(pg.client(url));
  const now = () => new Date('2026-12-01T00:00:00Z');
  const acts = [a, b].map((w) => createActivities({ db: w.db, mailer: world.mailer, now }));
  return { db, dbs: [a.db, b.db], acts, violations: () => a.violations() + b.violations() };
}

/** Each of `keys` run by both workers at the same moment; every call must succeed. */
async function race<T>(keys: string[], call: (worker: 0 | 1, key: string) => Promise<T>): Promise<T[][]> {
  const settled = await Promise.allSettled(keys.flatMap((k) => [call(0, k), call(1, k)]));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  expect(failed.map((f) => String((f.reason as Error)?.message ?? f.reason))).toEqual([]);
  const values = settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  return keys.map((_, i) => [values[2 * i]!, values[2 * i + 1]!]);
}

const keys = (prefix: string) => Array.from({ length: KEYS }, (_, i) => `${prefix}-${i}`);

const projection = appliedProjection;

describe('PostgreSQL: the same keyed insert from two workers at once happens once, and neither call fails (issue 19)', () => {
  test('contract rows (saveContract upsert), invoices with their ledger lines, payments, usage, notices and carrier messages', async () => {
    const { db, dbs, acts, violations } = twoWorkers();

    // Contract projection: both workers upsert each new contract.
    const contracts = keys('ctr');
    await race(contracts, (w, id) => acts[w]!.saveContract(projection(id)));
    expect(await db.contract.count()).toBe(KEYS);
    // Written with plain SQL (issue 18): read back through Prisma on PostgreSQL as it was sent.
    const rows = await db.contract.findMany({ where: { id: { in: contracts } } });
    expect(rows).toHaveLength(KEYS);
    for (const row of rows) expect(row).toMatchObject({ ...projection(row.id), appliedAt: new Date('2026-11-23T01:00:00.000Z'), formedAt: null, escalatedAt: null });

    // NGN-29 dispatch invoice: 5,000 yen + NGN-23 consumption tax 10% = 500 → 5,500 on one invoice.
    const invoices = await race(contracts, (w, id) =>
      acts[w]!.issueInvoice({
        contractId: id,
        workflowId: id,
        runId: `run-${w}`,
        invoice: { id: `${id}:dispatch:1`, period: 'dispatch', issuedOn: '2026-12-01', dueDate: '2026-12-31', taxableTotal: '5000', taxTotal: '500', outOfScopeTotal: '0', creditTotal: '0', total: '5500', clauseId: 'NGN-29' },
        lines: [
          { idempotencyKey: `${id}:dispatch:1:NGN-29`, clauseId: 'NGN-29', kind: 'dispatch', taxClass: 'taxable', amount: '5000', effectiveDate: '2026-12-01', description: '故障切り分け派遣費用' },
          { idempotencyKey: `${id}:dispatch:1:NGN-23`, clauseId: 'NGN-23', kind: 'consumption-tax', taxClass: 'consumption-tax', amount: '500', effectiveDate: '2026-12-01', description: '消費税相当額' },
        ],
      }),
    );
    for (const pair of invoices) expect(pair.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await db.invoice.count()).toBe(KEYS);
    expect(await db.ledgerEntry.count()).toBe(2 * KEYS);
    const totals = await db.invoice.findMany({ select: { total: true, taxTotal: true } });
    expect(new Set(totals.map((t) => `${t.total}/${t.taxTotal}`))).toEqual(new Set(['5500/500']));

    const payments = await race(contracts, (w, id) =>
      acts[w]!.recordPayment({ contractId: id, invoiceId: `${id}:dispatch:1`, idempotencyKey: `${id}:payment:1`, amount: '5500', method: 'bank-transfer', paidOn: '2026-12-10' }),
    );
    for (const [x, y] of payments) {
      expect([x!.created, y!.created].sort()).toEqual([false, true]);
      expect(x!.paymentId).toBe(y!.paymentId);
    }
    expect(await db.payment.count()).toBe(KEYS);

    const usage = await race(contracts, (w, id) =>
      acts[w]!.recordUsage({ contractId: id, idempotencyKey: `${id}:usage-report:1`, optionId: 'opt-1', month: '2026-11', quantity: '1.5' }),
    );
    for (const [x, y] of usage) expect(x!.usageId).toBe(y!.usageId);
    expect(await db.usageRecord.count()).toBe(KEYS);

    const proofs = await race(contracts, (w, id) =>
      acts[w]!.sendNotice({ contractId: id, idempotencyKey: `${id}:acceptance:NGN-11`, kind: 'acceptance', clauseId: 'NGN-11', recipient: `${id}@example.co.jp`, subject: '承諾のお知らせ', body: '承諾いたしました。' }),
    );
    for (const [x, y] of proofs) expect(x!.noticeId).toBe(y!.noticeId);
    expect(await db.notice.count({ where: { status: 'sent' } })).toBe(KEYS);
    // The row and its proof are written with plain SQL (issue 18): read back through Prisma on
    // PostgreSQL, the delivery time is the one a proof carries.
    const sentRows = await db.notice.findMany({ where: { id: { in: proofs.map(([x]) => x!.noticeId) } } });
    expect(sentRows).toHaveLength(KEYS);
    for (const [x, y] of proofs) {
      const row = sentRows.find((n) => n.id === x!.noticeId)!;
      expect([x!.sentAt, y!.sentAt]).toContain(row.sentAt!.toISOString());
      expect(row.createdAt).toBeInstanceOf(Date);
    }

    // TNC-17-style carrier notification (docomo-billed course), posted to a carrier that answers 200.
    const carriers = dbs.map((d) =>
      createCarrierActivities({
        db: d,
        mailer: world.mailer,
        now: () => new Date('2026-12-01T00:00:00Z'),
        webhookUrl: 'https://carrier.example.jp/notify',
        webhookSecret: 's3cret',
        fetchImpl: async () => new Response('{"ok":true}', { status: 200 }),
      }),
    );
    const sent = await race(contracts, (w, id) =>
      carriers[w]!.notifyCarrier({ contractId: id, idempotencyKey: `${id}:docomo:cancellation:TNC-17`, kind: 'cancellation', clauseId: 'TNC-17', payload: { contractId: id } }),
    );
    for (const [x, y] of sent) expect(x!.messageId).toBe(y!.messageId);
    expect(await db.carrierMessage.count()).toBe(KEYS);

    // The race was real: some inserts met the other worker's row on the unique key, and were handled.
    expect(violations()).toBeGreaterThan(0);
  }, 120_000);
});
