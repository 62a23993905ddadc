/**
 * Imports go one way (issue 12): each top-level folder may import only the folders below it, there
 * is no import cycle anywhere in the product code, and workflows/ imports activities/ for types
 * only (an activity module loaded into the workflow sandbox would bring I/O with it).
 *
 *   rules ← model ← notices ← workflows ← audit ← api ← worker        (scripts: anything)
 *                   db, runtime ← activities ←┘         ↑
 *
 * Inside api/, the pages (api/pages/) sit on top of the JSON API: they use its command table,
 * errors and auth, and only api/app.ts (which mounts them) imports them.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, importRefs, readSource, resolveRelative, tsFiles } from '../helpers/source.js';

/** The folders each folder may import (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  rules: [],
  model: ['rules'],
  notices: ['rules', 'model'],
  runtime: ['rules'],
  db: ['runtime', 'generated'],
  activities: ['rules', 'model', 'notices', 'db', 'workflows'],
  workflows: ['rules', 'model', 'notices', 'activities'],
  audit: ['rules', 'model', 'notices', 'db', 'runtime', 'activities', 'workflows'],
  api: ['rules', 'model', 'notices', 'db', 'runtime', 'activities', 'workflows', 'audit'],
  worker: ['rules', 'model', 'notices', 'db', 'runtime', 'activities', 'workflows', 'audit', 'api'],
};
const FOLDERS = Object.keys(MAY_IMPORT);

/** Every product file with its relative imports resolved to project paths. */
function graph(): Map<string, { target: string; typeOnly: boolean }[]> {
  const g = new Map<string, { target: string; typeOnly: boolean }[]>();
  for (const folder of FOLDERS) {
    for (const file of tsFiles(join(ROOT, folder))) {
      const from = file.slice(ROOT.length + 1);
      const refs = importRefs(readSource(file)).flatMap((r) => {
        const target = resolveRelative(file, r.spec);
        return target ? [{ target, typeOnly: r.typeOnly }] : [];
      });
      g.set(from, refs);
    }
  }
  return g;
}

const top = (path: string) => path.split('/')[0]!;

/** Strongly connected components with more than one file (Tarjan), i.e. the import cycles. */
function cycles(g: Map<string, { target: string }[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const { target: w } of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('imports go one way (issue 12)', () => {
  const g = graph();

  test('the reader finds the product files and their imports', () => {
    expect(g.size).toBeGreaterThanOrEqual(75);
    expect(g.get('workflows/contract.ts')?.map((r) => r.target)).toContain('workflows/contract/context.ts');
  });

  test('no folder imports a folder above it', () => {
    const upward = [...g].flatMap(([from, refs]) =>
      refs.filter((r) => top(r.target) !== top(from) && !MAY_IMPORT[top(from)]!.includes(top(r.target))).map((r) => `${from} → ${r.target}`),
    );
    expect(upward).toEqual([]);
  });

  test('workflows/ imports activities/ for their types only', () => {
    const loaded = [...g]
      .filter(([from]) => top(from) === 'workflows')
      .flatMap(([from, refs]) => refs.filter((r) => top(r.target) === 'activities' && !r.typeOnly).map((r) => `${from} → ${r.target}`));
    expect(loaded).toEqual([]);
  });

  test('activities/ imports workflows/ only for message definitions (to send updates), never the workflow code', () => {
    const into = [...g]
      .filter(([from]) => top(from) === 'activities')
      .flatMap(([from, refs]) => refs.filter((r) => top(r.target) === 'workflows' && !r.typeOnly && !/messages\.ts$/.test(r.target)).map((r) => `${from} → ${r.target}`));
    expect(into).toEqual([]);
  });

  test('api/pages/ is mounted by api/app.ts only; no other module imports the pages', () => {
    const intoPages = [...g]
      .filter(([from]) => !from.startsWith('api/pages/') && from !== 'api/app.ts')
      .flatMap(([from, refs]) => refs.filter((r) => r.target.startsWith('api/pages/')).map((r) => `${from} → ${r.target}`));
    expect(intoPages).toEqual([]);
    expect(g.get('api/app.ts')?.map((r) => r.target)).toContain('api/pages/router.ts');
  });

  test('there is no import cycle', () => {
    expect(cycles(g)).toEqual([]);
  });

  test('the cycle finder finds a cycle when there is one', () => {
    const fake = new Map([
      ['a.ts', [{ target: 'b.ts' }]],
      ['b.ts', [{ target: 'c.ts' }]],
      ['c.ts', [{ target: 'a.ts' }]],
      ['d.ts', [{ target: 'a.ts' }]],
    ]);
    expect(cycles(fake)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
