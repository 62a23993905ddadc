/**
 * Terms differences live in the catalogs (issue 12): workflow and activity code never compares a
 * 約款 id ('NGN', 'TNC') and never names a clause id as a bare literal ('NGN-41'); clause ids,
 * leads, notice kinds and recipients come from rules/terms/ and notices/catalogue.ts, so adding a
 * third 約款 needs no change here (docs/ADDING-TERMS.md).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, readSource, tsFiles, withoutComments } from '../helpers/source.js';

/** A string literal that is exactly a 約款 id or a clause id, e.g. 'NGN', "TNC", `NGN-41`, 'TNC-42.1'. */
const TERMS_LITERAL = /(['"`])(NGN|TNC)(-\d+(\.\d+)?)?\1/g;

function offenders(folder: string): string[] {
  return tsFiles(join(ROOT, folder)).flatMap((f) => {
    const lines = withoutComments(readSource(f)).split('\n');
    return lines.flatMap((line, i) => [...line.matchAll(TERMS_LITERAL)].map((m) => `${f.slice(ROOT.length + 1)}:${i + 1}: ${m[0]}`));
  });
}

describe('terms differences are data, not branches (issue 12)', () => {
  test('the scan sees literals in code and skips comments', () => {
    const src = withoutComments("// 'NGN' in a comment\nif (terms === 'NGN') x = \"TNC-42.1\"; /* `TNC` */ y = `NGN-41`;\n");
    expect([...src.matchAll(TERMS_LITERAL)].map((m) => m[0])).toEqual(["'NGN'", '"TNC-42.1"', '`NGN-41`']);
  });

  test.each(['workflows', 'activities'])('%s/ names no 約款 id and no bare clause id', (folder) => {
    expect(offenders(folder)).toEqual([]);
  });
});
