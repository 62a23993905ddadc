/**
 * rules/ is imported by deterministic Temporal workflow code: no clock reads, no randomness, no
 * I/O. Only rules/holidays-jp.ts (activities only) may import the holiday package.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../rules/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN: [string, RegExp][] = [
  ['clock read Date.now()', /Date\.now\s*\(/],
  ['clock read new Date()', /new Date\(\s*\)/],
  ['randomness', /Math\.random|crypto\.|randomUUID/],
  ['node built-in / I/O import', /from ['"](node:|fs|path|http|https|net|child_process|os)['"/]/],
  ['process access', /\bprocess\./],
  ['performance clock', /performance\.now/],
];

describe('rules/ purity (deterministic for Temporal workflows)', () => {
  const all = files(root);
  it('finds the rule modules', () => expect(all.length).toBeGreaterThanOrEqual(8));
  it.each(all.map((f) => [relative(root, f), f]))('%s has no clock, randomness or I/O', (_name, f) => {
    const src = readFileSync(f, 'utf8');
    for (const [what, re] of FORBIDDEN) expect(re.test(src), `${what} in ${f}`).toBe(false);
  });
  it('only holidays-jp.ts imports @holiday-jp/holiday_jp or holidays-jp.js', () => {
    const offenders = all
      .filter((f) => !f.endsWith('holidays-jp.ts'))
      .filter((f) => /@holiday-jp|holidays-jp\.js/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});
