/**
 * The modules the worker's V8 context evaluates once and shares between workflows (issue 18,
 * memory; runtime/workflow-bundle.ts PRELOADED_MODULES, the SDK's `preloadModules`). A shared
 * module must hold nothing a workflow could change; the Temporal workflow API holds per-workflow
 * state, so no preloaded module may reach it, directly or through what it imports. Checked on the
 * bundle the worker runs, with webpack's module graph read from it.
 */
import { relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PRELOADED_MODULES, workflowBundle } from '../../runtime/workflow-bundle.js';
import { ROOT } from '../helpers/source.js';

/** webpack's module ids (`./rules/calendar.ts`) and, for each, the ids its body requires. */
function moduleGraph(code: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const headers = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)":?\s*$/gm)];
  headers.forEach((h, i) => {
    const body = code.slice(h.index! + h[0].length, headers[i + 1]?.index ?? code.length);
    graph.set(h[1]!, [...body.matchAll(/__webpack_require__\(\/\*![^*]*\*\/ "([^"]+)"\)/g)].map((m) => m[1]!));
  });
  return graph;
}

function reachable(graph: Map<string, string[]>, from: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...from];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(graph.get(id) ?? []));
  }
  return seen;
}

describe('preloaded workflow modules (issue 18: one copy per worker, not per cached workflow)', () => {
  test('the bundle preloads exactly the listed modules, and none of them reaches the workflow API or a workflow module', async () => {
    const { code } = await workflowBundle();
    const ids = PRELOADED_MODULES.map((p) => `./${relative(ROOT, p)}`);
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
    expect([...preload.matchAll(/"([^"]+)"\);/g)].map((m) => m[1])).toEqual(ids);

    const graph = moduleGraph(code);
    for (const id of ids) expect(graph.has(id), `${id} is in the bundle`).toBe(true);
    const shared = [...reachable(graph, ids)].sort();
    // Pure code only: our rules, catalogs, templates and model, the patch ids, and decimal.js.
    const unexpected = shared.filter(
      (id) => !/^\.\/(rules|model|notices)\//.test(id) && id !== './workflows/contract/patches.ts' && id !== './node_modules/decimal.js/decimal.mjs',
    );
    expect(unexpected).toEqual([]);
    expect(shared).toContain('./rules/terms/ngn.ts');
    expect(shared).toContain('./node_modules/decimal.js/decimal.mjs');
  });
});
