// Prisma 6.19 offline: JavaScript schema engine + better-sqlite3 driver adapter (no downloads).
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { loadDatabaseUrl } from './runtime/config.js';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () => new PrismaBetterSQLite3({ url: loadDatabaseUrl() }),
});
