/**
 * Writes prisma/schema.postgres.prisma from the one schema source prisma/schema.prisma
 * (db/schema-dialects.ts says how they differ). `--check`: changes nothing, exits 1 when the
 * committed file is stale.
 *
 *   npx tsx scripts/prisma-schemas.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchema } from '../db/schema-dialects.js';

const want = postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8'));
let have = '';
try {
  have = readFileSync(POSTGRES_SCHEMA, 'utf8');
} catch {
  /* missing: written below */
}
if (process.argv.includes('--check')) {
  if (have !== want) {
    console.error(`${POSTGRES_SCHEMA} is stale: run npx tsx scripts/prisma-schemas.ts`);
    process.exit(1);
  }
  console.log(`${POSTGRES_SCHEMA} is up to date`);
} else if (have === want) {
  console.log(`${POSTGRES_SCHEMA}: unchanged`);
} else {
  writeFileSync(POSTGRES_SCHEMA, want);
  console.log(`${POSTGRES_SCHEMA}: written from ${SQLITE_SCHEMA}`);
}
