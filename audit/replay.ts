/**
 * Replays recorded histories against workflow code with `Worker.runReplayHistories` (one replay
 * worker for the whole batch, histories streamed one at a time) and reports each run: pass, or the
 * error that stopped it — a DeterminismViolationError when the code no longer issues the commands
 * the history recorded.
 */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { History } from './history-json.js';
import { historyFromJson } from './history-json.js';
import type { RunHistory } from './history-facts.js';
import { fetchContractHistory } from './export.js';
import { bundleWorkflows, workflowBundle } from '../runtime/workflow-bundle.js';

export interface ReplayTarget {
  contractId: string;
  source?: string;
  runs: RunHistory[];
  problems?: { n?: number; runId?: string; message: string }[];
}

export interface RunOutcome {
  contractId: string;
  n?: number;
  runId?: string;
  source?: string;
  ok: boolean;
  error?: {
    /** determinism: the code diverged from history; replay: replay failed otherwise; input: the history could not be read. */
    kind: 'determinism' | 'replay' | 'input';
    name: string;
    /** The core's own reason, e.g. "[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'saveContract' does not match …". */
    summary: string;
    message: string;
  };
}

type Targets = Iterable<ReplayTarget> | AsyncIterable<ReplayTarget>;

/**
 * Replay options for the current workflow code (the worker's cached bundle), or for another
 * workflows file (e.g. a candidate change) when `workflowsPath` is given. `payloadCodecs`: the
 * payload codec (issue 16) that decrypts the histories' payloads; histories recorded without
 * encryption (the golden ones) replay through it unchanged.
 */
export async function replayOptions(workflowsPath?: string, payloadCodecs: readonly PayloadCodec[] = []): Promise<ReplayWorkerOptions> {
  return {
    workflowBundle: await (workflowsPath ? bundleWorkflows(workflowsPath) : workflowBundle()),
    ...(payloadCodecs.length ? { dataConverter: { payloadCodecs: [decodeOnly(payloadCodecs)] } } : {}),
  };
}

/**
 * The codecs for a replay: decode as they do (last first); never encode — what a replay worker
 * produces is compared by command, not by payload, and thrown away, so it needs no key to encrypt
 * (the CLI replays unencrypted goldens without any key; an encrypted history without its key fails
 * with the codec's PayloadDecryptionError naming the key).
 */
function decodeOnly(codecs: readonly PayloadCodec[]): PayloadCodec {
  return {
    encode: async (payloads) => payloads,
    decode: async (payloads) => {
      let ps = payloads;
      for (const c of [...codecs].reverse()) ps = await c.decode(ps);
      return ps;
    },
  };
}

/** The payload codecs of a client (those a replay of the histories it reads needs). */
export function clientPayloadCodecs(client: Client): PayloadCodec[] {
  return client.options.loadedDataConverter.payloadCodecs;
}

function classify(e: unknown): NonNullable<RunOutcome['error']> {
  const err = e as Error;
  const name = err?.name ?? 'Error';
  const message = String(err?.message ?? e);
  // The replay error wraps the core's failure; its first `message: "…"` is the actual reason.
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1];
  return {
    kind: name === 'DeterminismViolationError' ? 'determinism' : 'replay',
    name,
    summary: (inner ?? message.split('\n')[0] ?? '').replace(/\\"/g, '"'),
    message,
  };
}

/**
 * Replays every run of every target, in order, yielding one outcome per run (and one per unreadable
 * input). Runs are replayed independently: a run that continues an earlier one starts from the
 * state its own WorkflowExecutionStarted event carries.
 */
export async function* replayAll(targets: Targets, options: ReplayWorkerOptions): AsyncGenerator<RunOutcome> {
  const ready: RunOutcome[] = [];
  const sent: RunOutcome[] = [];
  async function* feed(): AsyncGenerator<{ workflowId: string; history: History }> {
    for await (const t of targets) {
      const badRuns = new Set<number | undefined>();
      for (const p of t.problems ?? []) {
        ready.push({ contractId: t.contractId, n: p.n, runId: p.runId, source: t.source, ok: false, error: { kind: 'input', name: 'InputError', summary: p.message, message: p.message } });
        badRuns.add(p.n);
      }
      for (const run of t.runs) {
        if (badRuns.has(run.n)) continue;
        const base = { contractId: t.contractId, n: run.n, runId: run.runId, source: t.source };
        let history: History;
        try {
          history = historyFromJson(run.history);
        } catch (e) {
          ready.push({ ...base, ok: false, error: { kind: 'input', name: 'InputError', summary: (e as Error).message, message: (e as Error).message } });
          continue;
        }
        sent.push({ ...base, ok: true });
        yield { workflowId: t.contractId, history };
      }
    }
  }

  let i = 0;
  for await (const r of Worker.runReplayHistories(options, feed())) {
    const base = sent[i++]!;
    // Inputs that failed before this history was sent come first, in input order.
    const before = ready.splice(0, ready.length);
    yield* before;
    yield r.error ? { ...base, ok: false, error: classify(r.error) } : base;
  }
  yield* ready.splice(0, ready.length);
}

/** Fetches a contract's live history (all runs) and replays it. */
export async function replayLiveContract(client: Client, contractId: string, options: ReplayWorkerOptions): Promise<RunOutcome[]> {
  const ch = await fetchContractHistory(client, contractId);
  const problems = ch.problems.map((message) => ({ message }));
  const out: RunOutcome[] = [];
  for await (const o of replayAll([{ contractId, source: 'temporal', runs: ch.runs, problems }], options)) out.push(o);
  return out;
}

/** Workflow ids a visibility query matches, each once, in the order listed. */
export async function listWorkflowIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  for await (const w of client.workflow.list({ query })) {
    if (!seen.has(w.workflowId)) {
      seen.add(w.workflowId);
      ids.push(w.workflowId);
    }
  }
  return ids;
}

/**
 * Live histories of the given workflows, fetched one contract ahead of the replay so fetching and
 * replaying overlap. A contract that cannot be fetched becomes an input problem, not an abort.
 */
export async function* liveTargets(client: Client, ids: readonly string[]): AsyncGenerator<ReplayTarget> {
  const fetchOne = (id: string): Promise<ReplayTarget> =>
    fetchContractHistory(client, id).then(
      (ch) => ({ contractId: id, source: 'temporal', runs: ch.runs, problems: ch.problems.map((message) => ({ message })) }),
      (e: unknown) => ({ contractId: id, source: 'temporal', runs: [], problems: [{ message: `fetching history failed: ${(e as Error).message}` }] }),
    );
  let next = ids.length > 0 ? fetchOne(ids[0]!) : undefined;
  for (let k = 0; k < ids.length; k++) {
    const current = await next!;
    next = k + 1 < ids.length ? fetchOne(ids[k + 1]!) : undefined;
    yield current;
  }
}
