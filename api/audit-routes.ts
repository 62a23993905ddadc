/**
 * Auditor API (mounted at /audit behind authentication; ops and auditor roles only):
 *   GET  /audit/contracts/:id/history            every run of the workflow as proto-JSON histories + index
 *   GET  /audit/contracts/:id/report             audit report (JSON); ?format=html for the HTML page
 *   POST /audit/replay { contractId }            replays the live histories against the running code
 * HTTP → Temporal client and database reads; the report logic lives in audit/.
 */
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { fetchContractHistory, runFileName } from '../audit/export.js';
import { runFacts } from '../audit/history-facts.js';
import { ContractNotFoundError, contractReport } from '../audit/load.js';
import { renderReportHtml } from '../audit/report-html.js';
import { clientPayloadCodecs, replayLiveContract, replayOptions } from '../audit/replay.js';
import { requireRole } from './auth.js';
import { contractIdOf, isContractId } from './contract-id.js';
import { HttpError } from './errors.js';
import { clientId } from './schemas.js';
import { DEFAULT_CALL_LIMITS, read, type CallLimits } from './temporal-calls.js';

export interface AuditDeps {
  client: Client;
  db: Db;
  limits?: CallLimits;
  /** Replay options (workflow bundle); default: the worker's bundle of the current code, built once. */
  replay?: () => Promise<ReplayWorkerOptions>;
  now?: () => Date;
}


const replayBody = z.object({ contractId: clientId }).strict();
const reportQuery = z.strictObject({ format: z.enum(['json', 'html']).default('json') });

const notFound = (id: string) => new HttpError(404, 'not_found', `contract ${id} does not exist`);

/**
 * A history as the API hands it out: every failure's `stackTrace` emptied. Stack traces name files
 * on the worker's machine and say nothing an auditor needs (replay does not read them); the message,
 * type and details of each failure stay.
 */
export function withoutStackTraces<T>(v: T): T {
  if (Array.isArray(v)) return v.map(withoutStackTraces) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = k === 'stackTrace' && typeof x === 'string' ? '' : withoutStackTraces(x);
    return out as T;
  }
  return v;
}

/** A replay outcome as the API hands it out: no stack, no file path of the server in any message. */
function withoutPaths<T>(v: T): T {
  if (typeof v === 'string') return v.replace(/(?:file:\/\/)?(?:\/[\w.@+-]+){2,}(?::\d+)*/g, '…') as T;
  if (Array.isArray(v)) return v.map(withoutPaths) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== 'stack') out[k] = withoutPaths(x);
    return out as T;
  }
  return v;
}

export function auditRoutes({ client, db, replay, now = () => new Date(), limits = DEFAULT_CALL_LIMITS }: AuditDeps): Router {
  const r = Router();
  r.use(requireRole('ops', 'auditor'));

  let options: Promise<ReplayWorkerOptions> | undefined;
  const replayOpts = () => {
    options ??= (replay ?? (() => replayOptions(undefined, clientPayloadCodecs(client))))().catch((e: unknown) => {
      options = undefined; // a failed bundle build is retried by the next request
      throw e;
    });
    return options;
  };
  // One replay at a time per process: each builds a replay worker, and the API shares its cores.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f, f);
    queue = run.catch(() => undefined);
    return run;
  };

  r.get(
    '/contracts/:id/history',
    async (req, res) => {
      const id = contractIdOf(req);
      const ch = await read(client, limits, () => fetchContractHistory(client, id)).catch((e: unknown) => {
        throw e instanceof WorkflowNotFoundError ? notFound(id) : e;
      });
      res.json({
        format: 'yakkan.history-export/1',
        contractId: id,
        exportedAt: now().toISOString(),
        complete: ch.complete,
        chainVerified: ch.chainVerified,
        problems: ch.problems,
        runs: ch.runs.map((run) => {
          const { n: _n, ...facts } = runFacts(run);
          return { n: run.n, file: runFileName(id, run.n, run.runId), ...facts, history: withoutStackTraces(run.history) };
        }),
      });
    },
  );

  r.get(
    '/contracts/:id/report',
    async (req, res) => {
      const id = contractIdOf(req);
      const q = reportQuery.parse(req.query);
      const report = await read(client, limits, () => contractReport(client, db, id, now())).catch((e: unknown) => {
        throw e instanceof ContractNotFoundError ? notFound(id) : e;
      });
      if (q.format === 'html') {
        res.type('html').send(renderReportHtml(report));
      } else {
        res.json(report);
      }
    },
  );

  r.post(
    '/replay',
    async (req, res) => {
      const { contractId } = replayBody.parse(req.body ?? {});
      if (!isContractId(contractId)) throw notFound(contractId);
      // Replay builds a worker and may take a while: bounded at 2 minutes like every other call.
      const runs = await serially(async () => read(client, { ...limits, readMs: 120_000 }, async () => replayLiveContract(client, contractId, await replayOpts()))).catch((e: unknown) => {
        throw e instanceof WorkflowNotFoundError ? notFound(contractId) : e;
      });
      const failed = runs.filter((o) => !o.ok).length;
      res.json({ contractId, ok: failed === 0, replayed: runs.length, failed, runs: runs.map(withoutPaths) });
    },
  );

  return r;
}
