/**
 * How the worker is sized and how it sets up SQLite (issue 18): the workflow cache is set
 * deliberately (MAX_CACHED_WORKFLOWS, else worker/worker.ts's default — never the SDK's heap-derived
 * one), test options still override it, and the database is switched to write-ahead logging, which
 * the file keeps for every later connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createDb } from '../../db/client.js';
import { loadConfig } from '../../runtime/config.js';
import { useWriteAheadLog } from '../../worker/sqlite.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS, tunedWorkerOptions } from '../../worker/worker.js';
import { freshDb } from '../helpers/db.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld('no-temporal');

describe('worker cache size', () => {
  test('unset, the worker caches DEFAULT_MAX_CACHED_WORKFLOWS (1,000) workflows; MAX_CACHED_WORKFLOWS sets it', () => {
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(tunedWorkerOptions(loadConfig({}).worker)).toEqual({ maxCachedWorkflows: 1000 });
    expect(tunedWorkerOptions(loadConfig({ MAX_CACHED_WORKFLOWS: '250' }).worker)).toEqual({ maxCachedWorkflows: 250 });
    expect(tunedWorkerOptions(loadConfig({ MAX_CACHED_WORKFLOWS: '0' }).worker)).toEqual({ maxCachedWorkflows: 0 });
    expect(tunedWorkerOptions()).toEqual({ maxCachedWorkflows: 1000 });
  });
});

describe('SQLite write-ahead log (worker/sqlite.ts)', () => {
  test('a database is switched to WAL once, and a new connection finds it in WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yakkan-wal-'));
    const url = `file:${join(dir, 'fresh.db')}`;
    world.defer('remove the WAL test database', () => rmSync(dir, { recursive: true, force: true }));
    const db = createDb(url);
    try {
      const before = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
      expect(before[0]?.journal_mode).toBe('delete'); // SQLite's default rollback journal
      expect(await useWriteAheadLog(db, url)).toBe('wal');
    } finally {
      await db.$disconnect();
    }
    const again = createDb(url);
    try {
      const rows = await again.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
      expect(rows[0]?.journal_mode).toBe('wal');
    } finally {
      await again.$disconnect();
    }
  });

  test('a database that is not a SQLite file is left alone', async () => {
    const { db } = freshDb();
    try {
      expect(await useWriteAheadLog(db, 'postgresql://db.example.jp/yakkan')).toBeUndefined();
    } finally {
      await db.$disconnect();
    }
  });
});
