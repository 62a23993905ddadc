/**
 * The driver adapter the Prisma CLI (prisma.config.ts) migrates with. For PostgreSQL it works
 * around a bug of the JavaScript schema engine with @prisma/adapter-pg 6.19: the engine reads the
 * system catalogs, whose columns of type `name` (and `"char"`) the adapter does not map
 * ("Column type 'name' could not be deserialized from the database", prisma/orm issue 27403), so
 * `prisma migrate deploy` fails on every PostgreSQL database. Those values arrive from the `pg`
 * driver as plain strings already; the fix reports their columns as text. It only touches the
 * catalog types listed below, which no yakkan table uses, and only in the Prisma CLI's process:
 * the application's client (db/client.ts) uses the adapter unchanged.
 */
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { databaseKind } from '../runtime/config.js';

/** Catalog types pg hands over as strings that the adapter refuses: "char", name, int2vector, oidvector, pg_node_tree, regproc, regclass. */
const CATALOG_TEXT_OIDS = new Set([18, 19, 22, 24, 30, 194, 2205]);
const TEXT_OID = 25;

type Field = { dataTypeID: number };
type PerformIO = (query: unknown) => Promise<{ fields: Field[] }>;
let patched = false;

/** Patches the adapter's query path (shared by its connections and transactions) once per process. */
function reportCatalogTypesAsText(adapter: object): void {
  if (patched) return;
  let proto: Record<string, unknown> | null = Object.getPrototypeOf(adapter) as Record<string, unknown> | null;
  while (proto && !Object.hasOwn(proto, 'performIO')) proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null;
  if (!proto) throw new Error('@prisma/adapter-pg changed: no performIO to patch (see db/migration-adapter.ts)');
  const original = proto.performIO as PerformIO;
  proto.performIO = async function (this: unknown, query: unknown) {
    const result = await original.call(this, query);
    for (const f of result.fields ?? []) if (CATALOG_TEXT_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
    return result;
  };
  patched = true;
}

class MigrationPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    reportCatalogTypesAsText(adapter);
    return adapter;
  }
  override async connectToShadowDb() {
    const adapter = await super.connectToShadowDb();
    reportCatalogTypesAsText(adapter);
    return adapter;
  }
}

/** The adapter for `prisma migrate …` on DATABASE_URL `url` (checked by runtime/config.ts). */
export function migrationAdapter(url: string): PrismaBetterSQLite3 | PrismaPg {
  return databaseKind(url) === 'postgresql' ? new MigrationPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
}
