/**
 * The command table of api/commands.ts, checked without a server: one row per path, each with a
 * body schema, a role and a success status, path parameters that exist on both sides, and an
 * example body (test/api/command-examples.ts) that its schema accepts.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { COMMANDS } from '../../api/commands.js';
import { COMMAND_EXAMPLES, commandPath } from './command-examples.js';

const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

describe('the command table (api/commands.ts)', () => {
  test('no path appears twice, and no update is mounted twice', () => {
    const paths = COMMANDS.map((c) => c.path);
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
    const updates = COMMANDS.map((c) => c.update.name);
    expect(updates.filter((u, i) => updates.indexOf(u) !== i)).toEqual([]);
  });

  test('every row has an update, a zod body schema, a role and a success status of 200 or 201', () => {
    expect(COMMANDS.length).toBeGreaterThan(0);
    for (const c of COMMANDS) {
      expect({ path: c.path, update: c.update.type, name: typeof c.update.name }).toEqual({ path: c.path, update: 'update', name: 'string' });
      expect(c.body, c.path).toBeInstanceOf(z.ZodType);
      expect(['ops', 'auditor', 'customer'], c.path).toContain(c.role);
      expect([200, 201], c.path).toContain(c.status);
    }
  });

  test('every path is under /contracts/:id/, and its other parameters are exactly the ones copied into the update', () => {
    for (const c of COMMANDS) {
      expect(c.path, c.path).toMatch(/^\/contracts\/:id\/[a-z]/);
      expect({ path: c.path, params: paramsOf(c.path).filter((p) => p !== 'id').sort() }).toEqual({ path: c.path, params: Object.keys(c.params).sort() });
    }
  });

  test('every command has an example body, and its schema accepts it (the 404/409 walk depends on it)', () => {
    expect(Object.keys(COMMAND_EXAMPLES).sort()).toEqual(COMMANDS.map((c) => c.path).sort());
    for (const c of COMMANDS) {
      const parsed = c.body.safeParse(COMMAND_EXAMPLES[c.path]);
      expect({ path: c.path, ok: parsed.success, issues: parsed.error?.issues }).toEqual({ path: c.path, ok: true, issues: undefined });
    }
  });

  test('commandPath fills :id with the contract id and every other parameter with a made-up id', () => {
    expect(commandPath('/contracts/:id/violations/:vid/measures', 'ctr-1')).toBe('/contracts/ctr-1/violations/vid-1/measures');
  });
});
