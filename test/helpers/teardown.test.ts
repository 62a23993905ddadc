/**
 * The teardown every test file's world goes through (test/helpers/teardown.ts): a step that throws
 * or hangs is named and the others still run, so one bad step never leaves servers behind.
 */
import { describe, expect, test } from 'vitest';
import { Teardown, within } from './teardown.js';

describe('Teardown', () => {
  test('runs the steps last-added first', async () => {
    const ran: string[] = [];
    const t = new Teardown(1000);
    for (const name of ['server', 'database', 'worker']) t.add(name, () => ran.push(name));
    await t.run();
    expect(ran).toEqual(['worker', 'database', 'server']);
  });

  test('a step that throws or hangs does not skip the others; the error names both', async () => {
    const ran: string[] = [];
    const t = new Teardown(200);
    t.add('tear down the Temporal test environment', () => ran.push('env'));
    t.add('shut down the worker on tq-1', () => new Promise(() => {}));
    t.add('close the API server', () => {
      throw new Error('ERR_SERVER_NOT_RUNNING');
    });
    t.add('close the browser', async () => ran.push('browser'));
    const started = Date.now();
    await expect(t.run()).rejects.toThrow(
      'tearing the test world down, 2 step(s) failed:\n' +
        '  close the API server: ERR_SERVER_NOT_RUNNING\n' +
        '  shut down the worker on tq-1: did not finish within 0.2 s (hung?); went on without it',
    );
    expect(ran).toEqual(['browser', 'env']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('runs each step once: a second run has nothing left to do', async () => {
    let n = 0;
    const t = new Teardown(1000);
    t.add('count', () => n++);
    await t.run();
    await t.run();
    expect(n).toBe(1);
  });
});

describe('within', () => {
  test('resolves when the step finishes in time, rejects naming it when it fails', async () => {
    await expect(within(1000, 'quick', async () => 'done')).resolves.toBeUndefined();
    await expect(within(1000, 'disconnect the database', () => Promise.reject(new Error('SQLITE_BUSY')))).rejects.toThrow(
      'disconnect the database: SQLITE_BUSY',
    );
  });
});
