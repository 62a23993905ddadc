/**
 * Issue 18: the contract projection (activities/index.ts saveContract) is written with one plain
 * upsert rather than Prisma's. On the embedded SQLite database it must read back through Prisma as
 * Prisma would have written it: every field, dates as the same instants in the same stored form
 * (the API filters and sorts by them), an update that changes what the workflow reports and keeps
 * what only other activities set (escalatedAt), and updatedAt moving forward.
 */
import { describe, expect, test } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { ContractProjection } from '../../activities/types.js';
import { useWorld, uniqueId } from '../helpers/world.js';
import { appliedProjection } from './projection-fixture.js';

const world = useWorld('no-temporal');

const applied = (id: string): ContractProjection => ({ ...appliedProjection(id), queuePriority: 3 });

describe('the contract projection (saveContract, issue 18)', () => {
  test('NGN-11 NGN-17 NGN-39: written, updated and read back through Prisma like a Prisma write; escalatedAt is kept', async () => {
    const acts = createActivities({ db: world.db, mailer: world.mailer });
    const id = uniqueId('ctr-projection');
    const t0 = Date.now();
    await acts.saveContract(applied(id));
    const first = await world.db.contract.findUniqueOrThrow({ where: { id } });
    expect(first).toMatchObject({ ...applied(id), appliedAt: new Date('2026-11-23T01:00:00.000Z'), formedAt: null, serviceStart: null, endedAt: null, escalatedAt: null });
    expect(first.updatedAt.getTime()).toBeGreaterThanOrEqual(t0);

    // escalateApplication's own column, set by Prisma: an upsert from the workflow must keep it.
    const escalatedAt = new Date('2026-12-01T00:00:00.000Z');
    await world.db.contract.update({ where: { id }, data: { escalatedAt } });

    // Accepted (NGN-11) on 2026-11-27, service from 2026-12-01; NGN-17 minimum term from the month
    // after (2027-01-01); NGN-39 the first period's non-renewal deadline one month before its end.
    const accepted: ContractProjection = {
      ...applied(id),
      status: 'active',
      formedAt: '2026-11-27T02:30:00.000Z',
      serviceStart: '2026-12-01',
      billingStart: '2026-12-01',
      nextDeadline: '2026-12-31T15:00:00.000Z',
      nextDeadlineKind: 'month-close',
      nonRenewalDeadline: '2028-11-30',
      queuePriority: 0,
    };
    await new Promise((r) => setTimeout(r, 5));
    await acts.saveContract(accepted);
    const row = await world.db.contract.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      ...accepted,
      appliedAt: new Date('2026-11-23T01:00:00.000Z'),
      formedAt: new Date('2026-11-27T02:30:00.000Z'),
      endedAt: null,
      escalatedAt,
    });
    expect(row.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    expect(await world.db.contract.count({ where: { id } })).toBe(1);

    // Date filters compare the stored form: the upserted row is found by them beside a Prisma-written one.
    const other = uniqueId('ctr-projection-prisma');
    await world.db.contract.create({ data: { ...applied(other), appliedAt: new Date('2026-11-23T01:00:00.000Z'), formedAt: new Date('2026-11-27T02:30:00.000Z') } });
    const found = await world.db.contract.findMany({
      where: { id: { in: [id, other] }, formedAt: { gte: new Date('2026-11-27T02:30:00.000Z'), lt: new Date('2026-11-27T02:30:00.001Z') } },
      orderBy: { id: 'asc' },
    });
    expect(found.map((c) => c.id).sort()).toEqual([id, other].sort());
    const stored = await world.db.$queryRawUnsafe<{ id: string; formedAt: string; appliedAt: string }[]>(
      `SELECT "id", CAST("formedAt" AS TEXT) AS "formedAt", CAST("appliedAt" AS TEXT) AS "appliedAt" FROM "Contract" WHERE "id" IN ('${id}', '${other}')`,
    );
    expect(stored).toHaveLength(2);
    expect(stored[0]!.formedAt).toBe(stored[1]!.formedAt);
    expect(stored[0]!.appliedAt).toBe(stored[1]!.appliedAt);
  });
});
