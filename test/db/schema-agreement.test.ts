/**
 * Issue 19: one schema source for SQLite and PostgreSQL, committed migrations for both, and the two
 * agree. Checked from the databases themselves, not from the schema text alone:
 *
 *   1. prisma/schema.postgres.prisma is what db/schema-dialects.ts derives from prisma/schema.prisma;
 *   2. each migrations folder, applied to an empty database, gives exactly its schema
 *      (PostgreSQL: `prisma migrate diff --from-migrations … --exit-code`; SQLite: the migrated
 *      database and one built from the schema's own DDL have the same structure);
 *   3. the migrated SQLite and PostgreSQL databases have the same tables, columns, nullability,
 *      keys, defaults, unique and plain indexes and foreign keys; the only type difference is the
 *      `@decimal` fields: exact decimal text in SQLite, unconstrained `numeric` in PostgreSQL;
 *   4. amounts go through PostgreSQL exactly: written as decimal strings, stored as numeric,
 *      summed by the database without a float, read back as the same strings.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { createDb } from '../../db/client.js';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA, SQLITE_SCHEMA, decimalFields, postgresSchema } from '../../db/schema-dialects.js';
import { childEnvironment } from '../../runtime/config.js';
import { postgresStructure, sqliteStructure, statements, type Structure } from '../helpers/db-structure.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld('no-temporal');
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres(world);
}, 180_000);

const source = readFileSync(SQLITE_SCHEMA, 'utf8');

/** `prisma …args` with DATABASE_URL=`url` (prisma.config.ts picks schema, migrations and adapter by it). */
function prisma(url: string, args: string[]): { status: number | null; stdout: string; out: string } {
  const r = spawnSync(resolve('node_modules/.bin/prisma'), args, { env: childEnvironment({ DATABASE_URL: url }), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}\n${r.stderr}` };
}

describe('one schema source, two databases (issue 19)', () => {
  test('prisma/schema.postgres.prisma is derived from prisma/schema.prisma, not edited by hand', () => {
    expect(readFileSync(POSTGRES_SCHEMA, 'utf8'), 'stale: run npx tsx scripts/prisma-schemas.ts').toBe(postgresSchema(source));
  });

  test('every amount, total and quantity is marked @decimal (numeric on PostgreSQL), and nothing else', () => {
    // Amounts are exact decimal strings in the code (rules/money.ts toYenString); in PostgreSQL they
    // must be numeric, never a float or free text.
    expect(decimalFields(source).sort()).toEqual(
      [
        'Invoice.creditTotal',
        'Invoice.outOfScopeTotal',
        'Invoice.taxTotal',
        'Invoice.taxableTotal',
        'Invoice.total',
        'LedgerEntry.amount',
        'Payment.amount',
        'UsageRecord.quantity',
      ].sort(),
    );
    const fieldsOfType = (schema: string, type: string) => schema.split('\n').filter((l) => new RegExp(`^\\s+\\w+\\s+${type}\\b`).test(l));
    expect(fieldsOfType(source, 'Float')).toEqual([]);
    expect(fieldsOfType(source, 'Decimal')).toEqual([]);
    const postgres = readFileSync(POSTGRES_SCHEMA, 'utf8');
    expect(fieldsOfType(postgres, 'Float')).toEqual([]);
    expect(fieldsOfType(postgres, 'Decimal')).toHaveLength(8);
  });

  test('PostgreSQL: the committed migrations, applied to an empty database, give exactly the schema', () => {
    // As the superuser: the diff builds its own scratch database, which the application's role may not.
    const r = prisma(pg.emptyDatabase('postgres'), ['migrate', 'diff', '--from-migrations', POSTGRES_MIGRATIONS, '--to-schema-datamodel', POSTGRES_SCHEMA, '--exit-code']);
    expect(r.out).toContain('No difference detected');
    expect(r.status).toBe(0);
  }, 180_000);

  test('SQLite: the committed migrations give the same database as the schema DDL', async () => {
    const migrated = sqliteStructure(world.db);
    const file = join(dirname(process.env.YAKKAN_TEST_DB_TEMPLATE!), `ddl-${randomUUID().slice(0, 8)}.db`);
    world.defer(`remove ${file}`, () => rmSync(file, { force: true }));
    const ddl = prisma(`file:${file}`, ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', SQLITE_SCHEMA, '--script']);
    expect(ddl.status, ddl.out).toBe(0);
    const fromSchema = createDb(`file:${file}`);
    world.defer('disconnect the DDL database', () => fromSchema.$disconnect());
    const script = statements(ddl.stdout);
    expect(script.length).toBeGreaterThan(10);
    for (const s of script) await fromSchema.$executeRawUnsafe(s);
    expect(await migrated).toEqual(await sqliteStructure(fromSchema));
  }, 180_000);

  test('the migrated SQLite and PostgreSQL databases agree, @decimal text ↔ numeric being the one difference', async () => {
    const sqlite = await sqliteStructure(world.db);
    const { db } = pg.freshDatabase();
    const postgres = await postgresStructure(db);
    // The same tables; this list changes only with a migration on both sides.
    expect(Object.keys(sqlite).sort()).toEqual(['CarrierMessage', 'Contract', 'ContractDataKey', 'ContractEvent', 'Invoice', 'LedgerEntry', 'Notice', 'Payment', 'UsageRecord']);
    const decimals = new Set(decimalFields(source));
    const asPostgres: Structure = Object.fromEntries(
      Object.entries(sqlite).map(([table, t]) => [
        table,
        {
          ...t,
          columns: Object.fromEntries(
            Object.entries(t.columns).map(([name, c]) => [name, decimals.has(`${table}.${name}`) ? { ...c, type: c.type === 'text' ? 'decimal' : `not text: ${c.type}` } : c]),
          ),
        },
      ]),
    );
    expect(postgres).toEqual(asPostgres);
    // And the idempotency keys are unique on both (a retried activity cannot post twice).
    for (const table of ['LedgerEntry', 'Notice', 'Payment', 'UsageRecord', 'ContractEvent', 'CarrierMessage']) {
      expect(postgres[table]!.indexes, table).toContain(`unique ${table}_idempotencyKey_key (idempotencyKey)`);
    }
  }, 180_000);

  test('PostgreSQL keeps amounts exact: numeric columns, exact sums, the same strings back', async () => {
    const { db } = pg.freshDatabase();
    const contractId = 'ctr-decimal';
    await db.contract.create({
      data: {
        id: contractId,
        terms: 'NGN',
        termsVersion: '2020-02-01',
        planId: 'ngn-vpn-standard',
        customerId: 'C1',
        customerName: '株式会社テスト商事',
        customerEmail: 'c1@example.co.jp',
        customerKind: 'corporate',
        channel: 'form',
        status: 'active',
        appliedAt: new Date('2026-11-23T01:00:00Z'),
      },
    });
    // Three tenths and a 20-digit amount: a binary float gets 0.1 + 0.2 wrong and loses the 20th digit.
    const amounts = ['0.1', '0.2', '12345678901234567891', '-0.05'];
    for (const [i, amount] of amounts.entries()) {
      await db.ledgerEntry.create({
        data: {
          contractId,
          idempotencyKey: `${contractId}:line:${i}`,
          clauseId: 'NGN-19',
          kind: 'fee',
          taxClass: 'taxable',
          amount,
          effectiveDate: '2026-12-01',
          description: 'exactness',
          workflowId: contractId,
          runId: 'run',
        },
      });
    }
    const back = await db.ledgerEntry.findMany({ where: { contractId }, orderBy: { id: 'asc' }, select: { amount: true } });
    expect(back.map((b) => b.amount)).toEqual(amounts);
    const [row] = await db.$queryRawUnsafe<{ type: string; total: string }[]>(
      `SELECT pg_typeof(amount)::text AS type, sum(amount)::text AS total FROM "LedgerEntry" WHERE "contractId" = $1 GROUP BY 1`,
      contractId,
    );
    // 0.1 + 0.2 + 12345678901234567891 − 0.05 = 12345678901234567891.25, exactly.
    expect(row).toEqual({ type: 'numeric', total: '12345678901234567891.25' });
  }, 60_000);
});
