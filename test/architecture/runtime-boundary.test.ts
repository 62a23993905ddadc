/**
 * runtime/ (configuration, workflow bundle) is shared ground: api/ and audit/ use it and never
 * import worker/; runtime/ itself imports none of worker/, api/ or audit/.
 */
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT as root, imports, readSource, tsFiles as files } from '../helpers/source.js';

/** Files of `folder` importing anything under one of `forbidden` (top-level folders). */
function offenders(folder: string, forbidden: string[]): string[] {
  return files(join(root, folder)).flatMap((f) =>
    imports(readSource(f))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(root, join(f, '..', spec)))
      .filter((target) => forbidden.some((d) => target === d || target.startsWith(`${d}/`)))
      .map((target) => `${relative(root, f)} → ${target}`),
  );
}

describe('import boundaries around runtime/', () => {
  test('the import reader sees static, re-exported and dynamic imports', () => {
    expect(imports("import { a } from '../worker/worker.js';\nexport { b } from './x.js';\nconst m = await import('../worker/y.js');\nimport './side.js';")).toEqual([
      '../worker/worker.js',
      './x.js',
      '../worker/y.js',
      './side.js',
    ]);
  });

  test('api/ and audit/ never import worker/', () => {
    expect(files(join(root, 'api')).length + files(join(root, 'audit')).length).toBeGreaterThan(15);
    expect([...offenders('api', ['worker']), ...offenders('audit', ['worker'])]).toEqual([]);
  });

  test('runtime/ imports none of worker/, api/ or audit/', () => {
    expect(files(join(root, 'runtime')).map((f) => relative(root, f)).sort()).toEqual(['runtime/config.ts', 'runtime/payload-codec.ts', 'runtime/workflow-bundle.ts']);
    expect(offenders('runtime', ['worker', 'api', 'audit'])).toEqual([]);
  });
});
