/**
 * History export: every run of a contract's workflow (the whole continue-as-new chain, in order)
 * fetched from Temporal and written as files an auditor can keep:
 *
 *   <contractId>.<n>.<runId>.json   one per run, the proto-JSON history (replayable as is)
 *   <contractId>.index.json         the chain: run ids, links, status, event counts, SHA-256 per file
 *
 * The chain is walked backwards from the latest run through `continuedExecutionRunId`, then its
 * forward links (`newExecutionRunId`) are checked, so a gap or a foreign run is reported.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { historyToJson, type JsonHistory } from './history-json.js';
import { runFacts, type RunFacts, type RunHistory } from './history-facts.js';

export interface ContractHistory {
  contractId: string;
  runs: RunHistory[];
  /** false when the oldest run we could fetch still continues an earlier one (retention). */
  complete: boolean;
  /** Forward links agree with backward links for every pair of runs. */
  chainVerified: boolean;
  problems: string[];
}

/** Guard against a malformed chain (a run that continues itself). */
const MAX_RUNS = 10_000;

/**
 * Fetches every run of workflow `contractId`, oldest first. Throws WorkflowNotFoundError when
 * Temporal has no workflow of that id.
 */
export async function fetchContractHistory(client: Client, contractId: string): Promise<ContractHistory> {
  const latest = await client.workflow.getHandle(contractId).describe();
  const collected: { runId: string; history: JsonHistory }[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  let runId: string | undefined = latest.runId;
  let complete = true;
  while (runId) {
    if (seen.has(runId) || seen.size >= MAX_RUNS) {
      problems.push(`run ${runId} appears twice in the chain; stopped`);
      break;
    }
    seen.add(runId);
    let history: JsonHistory;
    try {
      history = historyToJson(await client.workflow.getHandle(contractId, runId).fetchHistory());
    } catch (e) {
      if (collected.length > 0 && e instanceof WorkflowNotFoundError) {
        // An earlier run is gone (namespace retention): keep what there is and say so.
        problems.push(`run ${runId} (continued by ${collected[0]!.runId}) is no longer in Temporal`);
        complete = false;
        break;
      }
      throw e;
    }
    collected.unshift({ runId, history });
    runId = runFacts({ n: 0, runId, history }).continuedFromRunId;
  }
  const runs = collected.map((r, i) => ({ n: i + 1, runId: r.runId, history: r.history }));
  const chainVerified = verifyChain(runs, problems);
  return { contractId, runs, complete, chainVerified, problems };
}

/** Checks that run i continues into run i+1 and that run i+1 says it continues run i. */
export function verifyChain(runs: readonly RunHistory[], problems: string[] = []): boolean {
  let ok = true;
  for (let i = 0; i + 1 < runs.length; i++) {
    const a = runFacts(runs[i]!);
    const b = runFacts(runs[i + 1]!);
    if (a.continuedToRunId !== b.runId || b.continuedFromRunId !== a.runId) {
      ok = false;
      problems.push(`run ${a.n} (${a.runId}) → ${a.continuedToRunId ?? 'none'}, but run ${b.n} is ${b.runId} continuing ${b.continuedFromRunId ?? 'none'}`);
    }
  }
  return ok;
}

/** A history file: `{"events":[` then one event per line, so files stay compact and diffable. */
export function serializeHistory(h: JsonHistory): string {
  return `{"events":[\n${h.events.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Characters outside [A-Za-z0-9._-] become '_' so any workflow id makes a safe file name. */
export function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

export interface ExportIndexRun extends Omit<RunFacts, 'n'> {
  n: number;
  file: string;
  sha256: string;
}

export interface ExportIndex {
  format: 'yakkan.history-export/1';
  contractId: string;
  namespace?: string;
  exportedAt: string;
  complete: boolean;
  chainVerified: boolean;
  problems: string[];
  runs: ExportIndexRun[];
}

export const INDEX_SUFFIX = '.index.json';

export function runFileName(contractId: string, n: number, runId: string): string {
  return `${safeFileName(contractId)}.${n}.${safeFileName(runId)}.json`;
}

/** Writes one file per run plus the index into `dir`; returns the index and the paths written. */
export function writeExport(
  dir: string,
  ch: ContractHistory,
  meta: { namespace?: string; exportedAt?: string } = {},
): { index: ExportIndex; indexPath: string; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const runs: ExportIndexRun[] = ch.runs.map((r) => {
    const file = runFileName(ch.contractId, r.n, r.runId);
    const text = serializeHistory(r.history);
    writeFileSync(join(dir, file), text);
    files.push(join(dir, file));
    const { n: _n, ...facts } = runFacts(r);
    return { ...facts, n: r.n, file, sha256: sha256(text) };
  });
  const index: ExportIndex = {
    format: 'yakkan.history-export/1',
    contractId: ch.contractId,
    namespace: meta.namespace,
    exportedAt: meta.exportedAt ?? new Date().toISOString(),
    complete: ch.complete,
    chainVerified: ch.chainVerified,
    problems: ch.problems,
    runs,
  };
  const indexPath = join(dir, `${safeFileName(ch.contractId)}${INDEX_SUFFIX}`);
  writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
  return { index, indexPath, files };
}
