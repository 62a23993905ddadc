/** Reading the project's own TypeScript sources, for the architecture tests. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve('.');

/** The .ts files below `dir` (absolute paths). */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

export interface ImportRef {
  spec: string;
  /** `import type` / `export type`: erased at compile time, never loaded. */
  typeOnly: boolean;
}

/** Module specifiers of static imports/exports, side-effect imports and dynamic import() calls. */
export function importRefs(src: string): ImportRef[] {
  const out: ImportRef[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gms;
  for (const m of src.matchAll(re)) {
    if (m[3]) out.push({ spec: m[3], typeOnly: !!m[2] });
    else out.push({ spec: (m[4] ?? m[5])!, typeOnly: false });
  }
  return out;
}

/** Module specifiers only (see importRefs). */
export function imports(src: string): string[] {
  return importRefs(src).map((r) => r.spec);
}

/** A relative import of `file` resolved to a project path ('rules/money.ts'); undefined for packages. */
export function resolveRelative(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(ROOT, resolve(file, '..', spec)).replace(/\.js$/, '.ts');
}

/** The source with comments blanked out (string contents kept), for scanning code only. */
export function withoutComments(src: string): string {
  let out = '';
  let i = 0;
  let quote: string | undefined;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

export function readSource(file: string): string {
  return readFileSync(file, 'utf8');
}
