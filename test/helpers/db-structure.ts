/**
 * What a database looks like, read from the database itself (SQLite's PRAGMAs, PostgreSQL's
 * catalogs) and written in one vocabulary for both, so two databases can be compared: tables,
 * columns (type, not null, primary key, default), indexes (unique or not, columns) and foreign
 * keys (columns, target, rules). Prisma's own bookkeeping table is left out.
 */
import type { Db } from '../../db/client.js';

export interface Column {
  /** text | integer | timestamp | decimal | … */
  type: string;
  notNull: boolean;
  primaryKey: boolean;
  /** none | autoincrement | now | a literal */
  default: string;
}

export interface Table {
  columns: Record<string, Column>;
  /** `unique LedgerEntry_idempotencyKey_key (idempotencyKey)`, `index LedgerEntry_contractId_id_idx (contractId, id)` */
  indexes: string[];
  /** `contractId → Contract.id on delete RESTRICT on update CASCADE` */
  foreignKeys: string[];
}

export type Structure = Record<string, Table>;

const SKIP = '_prisma_migrations';

type Row = Record<string, unknown>;
const str = (v: unknown) => String(v);
const num = (v: unknown) => Number(v);

export async function sqliteStructure(db: Db): Promise<Structure> {
  const q = (sql: string) => db.$queryRawUnsafe<Row[]>(sql);
  const out: Structure = {};
  const tables = await q(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '${SKIP}' ORDER BY name`);
  for (const t of tables) {
    const name = str(t.name);
    const autoincrement = /AUTOINCREMENT/i.test(str(t.sql));
    const columns: Record<string, Column> = {};
    for (const c of await q(`PRAGMA table_info("${name}")`)) {
      const pk = num(c.pk) > 0;
      const dflt = c.dflt_value === null || c.dflt_value === undefined ? 'none' : str(c.dflt_value);
      columns[str(c.name)] = {
        type: ({ TEXT: 'text', INTEGER: 'integer', DATETIME: 'timestamp', BLOB: 'bytea' } as Record<string, string>)[str(c.type).toUpperCase()] ?? `sqlite:${str(c.type)}`,
        notNull: num(c.notnull) === 1 || pk,
        primaryKey: pk,
        default: pk && autoincrement && str(c.type).toUpperCase() === 'INTEGER' ? 'autoincrement' : normalizeDefault(dflt),
      };
    }
    const indexes: string[] = [];
    for (const i of await q(`PRAGMA index_list("${name}")`)) {
      if (str(i.origin) === 'pk') continue;
      const cols = (await q(`PRAGMA index_info("${str(i.name)}")`)).sort((a, b) => num(a.seqno) - num(b.seqno)).map((r) => str(r.name));
      indexes.push(`${num(i.unique) === 1 ? 'unique' : 'index'} ${str(i.name)} (${cols.join(', ')})`);
    }
    const foreignKeys = (await q(`PRAGMA foreign_key_list("${name}")`)).map(
      (f) => `${str(f.from)} → ${str(f.table)}.${str(f.to)} on delete ${str(f.on_delete)} on update ${str(f.on_update)}`,
    );
    out[name] = { columns, indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
  }
  return out;
}

export async function postgresStructure(db: Db): Promise<Structure> {
  // Catalog names are cast to text: the driver adapter does not map PostgreSQL's `name` type.
  const q = (sql: string, ...args: unknown[]) => db.$queryRawUnsafe<Row[]>(sql, ...args);
  const out: Structure = {};
  const tables = await q(
    `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '${SKIP}' ORDER BY 1`,
  );
  for (const t of tables) {
    const name = str(t.name);
    const pk = new Set(
      (
        await q(
          `SELECT a.attname::text AS name FROM pg_index ix JOIN pg_class c ON c.oid = ix.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(ix.indkey) WHERE n.nspname = 'public' AND c.relname = $1 AND ix.indisprimary`,
          name,
        )
      ).map((r) => str(r.name)),
    );
    const columns: Record<string, Column> = {};
    for (const c of await q(
      `SELECT column_name::text AS name, data_type::text AS type, is_nullable::text AS nullable, column_default::text AS dflt,
              numeric_precision::int AS precision, numeric_scale::int AS scale, datetime_precision::int AS dtprecision
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      name,
    )) {
      const type = str(c.type);
      const dflt = c.dflt === null || c.dflt === undefined ? 'none' : str(c.dflt);
      columns[str(c.name)] = {
        type:
          type === 'numeric'
            ? c.precision === null && c.scale === null
              ? 'decimal'
              : `numeric(${str(c.precision)},${str(c.scale)})`
            : type === 'timestamp without time zone'
              ? num(c.dtprecision) === 3
                ? 'timestamp'
                : `timestamp(${str(c.dtprecision)})`
              : type,
        notNull: str(c.nullable) === 'NO',
        primaryKey: pk.has(str(c.name)),
        default: /^nextval\(/.test(dflt) ? 'autoincrement' : normalizeDefault(dflt),
      };
    }
    const indexes = (
      await q(
        `SELECT i.relname::text AS name, ix.indisunique AS uniq,
                array_to_string(ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ', ') AS cols
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND t.relname = $1 AND NOT ix.indisprimary`,
        name,
      )
    ).map((i) => `${i.uniq === true ? 'unique' : 'index'} ${str(i.name)} (${str(i.cols)})`);
    const foreignKeys = (
      await q(
        `SELECT kcu.column_name::text AS src, ccu.table_name::text AS tbl, ccu.column_name::text AS dst,
                rc.delete_rule::text AS del, rc.update_rule::text AS upd
         FROM information_schema.referential_constraints rc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name AND ccu.constraint_schema = rc.constraint_schema
         WHERE kcu.table_schema = 'public' AND kcu.table_name = $1`,
        name,
      )
    ).map((f) => `${str(f.src)} → ${str(f.tbl)}.${str(f.dst)} on delete ${str(f.del)} on update ${str(f.upd)}`);
    out[name] = { columns, indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
  }
  return out;
}

function normalizeDefault(d: string): string {
  if (d === 'none') return d;
  if (/^current_timestamp$/i.test(d)) return 'now';
  return d.replace(/::[a-z ]+$/i, '').replace(/^'(.*)'$/, '$1');
}

/** `sql` split into statements (Prisma's generated scripts: one statement per `;` at a line end, `--` comments). */
export function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
