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
import { replayLiveContract, replayOptions } from '../audit/replay.js';
import { requireRole } from './auth.js';
import { HttpError } from './errors.js';

export interface AuditDeps {
  client: Client;
  db: Db;
  /** Replay options (workflow bundle); default: the worker's bundle of the current code, built once. */
  replay?: () => Promise<ReplayWorkerOptions>;
  now?: () => Date;
}


const replayBody = z.object({ contractId: z.string().min(1).max(200) }).strict();
const reportQuery = z.object({ format: z.enum(['json', 'html']).default('json') });

const notFound = (id: string) => new HttpError(404, 'not_found', `contract ${id} does not exist`);

export function auditRoutes({ client, db, replay, now = () => new Date() }: AuditDeps): Router {
  const r = Router();
  r.use(requireRole('ops', 'auditor'));

  let options: Promise<ReplayWorkerOptions> | undefined;
  const replayOpts = () => {
    options ??= (replay ?? (() => replayOptions()))().catch((e: unknown) => {
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
      const id = String(req.params.id);
      const ch = await fetchContractHistory(client, id).catch((e: unknown) => {
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
          return { n: run.n, file: runFileName(id, run.n, run.runId), ...facts, history: run.history };
        }),
      });
    },
  );

  r.get(
    '/contracts/:id/report',
    async (req, res) => {
      const id = String(req.params.id);
      const q = reportQuery.parse(req.query);
      const report = await contractReport(client, db, id, now()).catch((e: unknown) => {
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
      const runs = await serially(async () => replayLiveContract(client, contractId, await replayOpts())).catch((e: unknown) => {
        throw e instanceof WorkflowNotFoundError ? notFound(contractId) : e;
      });
      const failed = runs.filter((o) => !o.ok).length;
      res.json({ contractId, ok: failed === 0, replayed: runs.length, failed, runs });
    },
  );

  return r;
}
