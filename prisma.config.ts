// Prisma 6.19 offline: JavaScript schema engine + a driver adapter (no downloads). DATABASE_URL
// picks the database: a `file:` URL the embedded SQLite default (prisma/schema.prisma,
// prisma/migrations), a `postgresql://` URL PostgreSQL (prisma/schema.postgres.prisma, generated
// from the former, and prisma/migrations-postgres). See prisma/README.md.
import { defineConfig } from 'prisma/config';
import { databaseKind, loadDatabaseUrl } from './runtime/config.js';
import { migrationAdapter } from './db/migration-adapter.js';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA, SQLITE_MIGRATIONS, SQLITE_SCHEMA } from './db/schema-dialects.js';

const url = loadDatabaseUrl();
const postgres = databaseKind(url) === 'postgresql';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: postgres ? POSTGRES_SCHEMA : SQLITE_SCHEMA,
  migrations: { path: postgres ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS },
  adapter: async () => migrationAdapter(url),
});
