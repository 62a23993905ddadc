/**
 * Reading histories back from files for replay. Accepted inputs:
 *  - an export index `<contractId>.index.json` (its run files are read and their SHA-256 checked);
 *  - a run file `<contractId>.<n>.<runId>.json` (plain proto-JSON history);
 *  - a golden file `test/histories/<name>.json` (yakkan.golden-history/1, several runs inside);
 *  - any other proto-JSON history file (workflow id = file name), e.g. from the Temporal UI;
 *  - a directory: all of the above inside it (files an index covers are read once, via the index).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { JsonHistory } from './history-json.js';
import type { RunHistory } from './history-facts.js';
import { INDEX_SUFFIX, serializeHistory, sha256, type ExportIndex } from './export.js';

export interface LoadedContract {
  contractId: string;
  /** File (or index) the runs came from. */
  source: string;
  runs: RunHistory[];
  /** Problems found while reading (bad JSON, checksum mismatch, missing file): each fails its run. */
  problems: { n?: number; runId?: string; message: string }[];
}

// ---------------------------------------------------------------------------------------------
// Golden files
// ---------------------------------------------------------------------------------------------

export const GOLDEN_FORMAT = 'yakkan.golden-history/1';

export interface GoldenFile {
  format: typeof GOLDEN_FORMAT;
  name: string;
  description: string;
  /** Clause ids whose branches the history exercises. */
  clauses: string[];
  workflowType: string;
  workflowId: string;
  recordedAt: string;
  recordedWith: Record<string, string>;
  runs: { n: number; runId: string; history: JsonHistory }[];
}

/** Header fields on their own lines, then each run with one event per line (compact, diffable). */
export function serializeGolden(g: GoldenFile): string {
  const { runs, ...head } = g;
  const headText = JSON.stringify(head, null, 1).replace(/\n}$/, '');
  const runText = runs
    .map((r) => `{"n":${r.n},"runId":${JSON.stringify(r.runId)},"history":${serializeHistory(r.history).trimEnd()}}`)
    .join(',\n');
  return `${headText},\n "runs": [\n${runText}\n]}\n`;
}

export function isGolden(x: unknown): x is GoldenFile {
  return !!x && typeof x === 'object' && (x as { format?: unknown }).format === GOLDEN_FORMAT;
}

// ---------------------------------------------------------------------------------------------

const RUN_FILE = /^(.+)\.(\d+)\.([0-9A-Za-z_-]{8,})\.json$/;

function readJson(path: string): { text: string; json: unknown } {
  const text = readFileSync(path, 'utf8');
  return { text, json: JSON.parse(text) };
}

function isHistory(x: unknown): x is JsonHistory {
  return !!x && typeof x === 'object' && Array.isArray((x as JsonHistory).events);
}

function fromIndex(path: string, covered: Set<string>): LoadedContract {
  const dir = dirname(path);
  const index = readJson(path).json as ExportIndex;
  const out: LoadedContract = { contractId: index.contractId, source: path, runs: [], problems: [] };
  if (!index.complete) out.problems.push({ message: `export is incomplete: ${index.problems.join('; ') || 'earlier runs missing'}` });
  for (const r of index.runs) {
    const file = join(dir, r.file);
    covered.add(resolve(file));
    try {
      const { text, json } = readJson(file);
      if (r.sha256 && sha256(text) !== r.sha256) {
        out.problems.push({ n: r.n, runId: r.runId, message: `${r.file}: SHA-256 differs from the index (file changed after export)` });
        continue;
      }
      if (!isHistory(json)) throw new Error('not a history');
      out.runs.push({ n: r.n, runId: r.runId, history: json });
    } catch (e) {
      out.problems.push({ n: r.n, runId: r.runId, message: `${r.file}: ${(e as Error).message}` });
    }
  }
  return out;
}

function fromFile(path: string, byContract: Map<string, LoadedContract>, out: LoadedContract[]) {
  let json: unknown;
  try {
    json = readJson(path).json;
  } catch (e) {
    out.push({ contractId: basename(path, '.json'), source: path, runs: [], problems: [{ message: `${path}: ${(e as Error).message}` }] });
    return;
  }
  if (isGolden(json)) {
    out.push({ contractId: json.workflowId, source: path, runs: json.runs.map((r) => ({ n: r.n, runId: r.runId, history: r.history })), problems: [] });
    return;
  }
  if (!isHistory(json)) {
    out.push({ contractId: basename(path, '.json'), source: path, runs: [], problems: [{ message: `${path}: not a Temporal history (no "events" array)` }] });
    return;
  }
  const m = RUN_FILE.exec(basename(path));
  if (m) {
    // Run files of one contract in one directory form one chain, ordered by n.
    const key = `${dirname(path)}\u0000${m[1]}`;
    let c = byContract.get(key);
    if (!c) {
      c = { contractId: m[1]!, source: dirname(path), runs: [], problems: [] };
      byContract.set(key, c);
      out.push(c);
    }
    c.runs.push({ n: Number(m[2]), runId: m[3]!, history: json });
    c.runs.sort((a, b) => a.n - b.n);
    return;
  }
  out.push({ contractId: basename(path, '.json'), source: path, runs: [{ n: 1, runId: basename(path, '.json'), history: json }], problems: [] });
}

/** Loads every history the paths name, in path order (directory entries sorted by name). */
export function loadHistorySources(paths: readonly string[]): LoadedContract[] {
  const out: LoadedContract[] = [];
  const byContract = new Map<string, LoadedContract>();
  const covered = new Set<string>();
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      out.push({ contractId: basename(p), source: p, runs: [], problems: [{ message: `${p}: no such file or directory` }] });
      continue;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name.endsWith('.json')) files.push(join(p, name));
    } else files.push(p);
  }
  // Indexes first, so the run files they list are read (and checked) through them.
  for (const f of files.filter((f) => f.endsWith(INDEX_SUFFIX))) out.push(fromIndex(f, covered));
  for (const f of files) {
    if (f.endsWith(INDEX_SUFFIX) || covered.has(resolve(f))) continue;
    fromFile(f, byContract, out);
  }
  return out;
}
