/**
 * Fan-out API: announcements (abolition NGN-38 / TNC-24, terms change NGN-2 / TNC-3) and carrier
 * settlements (TNC-42.2). Requests are checked here (lead time, terms version, contract ids) and
 * turned into workflow starts and queries; a refused request starts nothing. A written objection
 * to a terms change (TNC-3) is a contract command (api/commands.ts).
 */
import { Router, type Request } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { jstDateOf } from '../rules/calendar.js';
import { listTermsVersions } from '../rules/terms/index.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';
import { announcementLead, announcementWorkflowId, getProgress, getSettlementProgress, settlementWorkflowId, type AnnouncementWorkflowInput, type SettlementWorkflowInput } from '../workflows/fanout-messages.js';
import type { announcementWorkflow } from '../workflows/announcement.js';
import type { carrierSettlementWorkflow } from '../workflows/carrier-settlement.js';
import { requireRole } from './auth.js';
import { HttpError } from './errors.js';
import { IDEMPOTENCY_HEADER, MEMO_REQUEST, idFromKey, idempotencyKeyOf, requestHash, type IdempotencyKey } from './idempotency.js';
import { clientId, isoDate, requiredText, yenAmount } from './schemas.js';
import { DEFAULT_CALL_LIMITS, read, write, type CallLimits } from './temporal-calls.js';

/** The `:id` of an announcement or settlement: a caller's id or one derived from a key; 404 otherwise. */
function fanoutIdOf(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/.test(id)) throw new HttpError(404, 'not_found', `${JSON.stringify(id.slice(0, 80))} does not exist`);
  return id;
}


export const announcementBody = z.strictObject({
  /** Caller's id (idempotency): the same request again returns the first answer; another request with this id is a 409. */
  announcementId: clientId.optional(),
  kind: z.enum(['abolition', 'terms-change']),
  terms: z.enum(['NGN', 'TNC']),
  effectiveDate: isoDate,
  newTermsVersion: requiredText('newTermsVersion').optional(),
  summary: requiredText('summary', 'say what is announced'),
});

export const settlementBody = z.strictObject({
  batchId: clientId.optional(),
  received: yenAmount,
  claims: z
    .array(z.strictObject({ contractId: clientId, claim: yenAmount }))
    .min(1, 'at least one claim is required')
    .max(5000, 'at most 5,000 claims per batch'),
});

export interface AnnouncementRouterDeps {
  client: Client;
  db: Db;
  taskQueue?: string;
  /** "Today" for the lead-time check (the API's injected clock). */
  now?: () => Date;
  limits?: CallLimits;
}

export function announcementRouter({ client, db, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date(), limits = DEFAULT_CALL_LIMITS }: AnnouncementRouterDeps): Router {
  const r = Router();
  const ops = requireRole('ops');
  const readAll = requireRole('ops', 'auditor');

  r.post(
    '/announcements',
    ops,
    async (req, res) => {
      const body = announcementBody.parse(req.body ?? {});
      const hash = requestHash('POST /announcements', '', body);
      const key = idempotencyKeyOf(req, hash, now());
      res.setHeader(IDEMPOTENCY_HEADER, key.key);
      const announcedOn = jstDateOf(now().getTime());
      // NGN-38 / TNC-24 (abolition), NGN-2 / TNC-3 (terms change): enough clear days of notice.
      const lead = announcementLead(body.terms, body.kind, announcedOn);
      if (body.effectiveDate < lead.earliest) {
        throw new HttpError(
          422,
          'notice_too_late',
          `${lead.clause}: a ${body.kind} announced on ${announcedOn} needs ${lead.leadDays} clear days of notice; ` +
            `the earliest effective date is ${lead.earliest}, ${body.effectiveDate} is too early`,
          'effectiveDate',
          { earliest: lead.earliest, announcedOn, clause: lead.clause },
        );
      }
      if (body.newTermsVersion !== undefined) {
        if (body.kind !== 'terms-change') {
          throw new HttpError(422, 'invalid_command', 'newTermsVersion: only a terms change names a new terms version', 'newTermsVersion');
        }
        const known = listTermsVersions(body.terms);
        if (!known.includes(body.newTermsVersion)) {
          throw new HttpError(
            422,
            'unknown_terms_version',
            `newTermsVersion: ${body.terms} has no terms version ${body.newTermsVersion} (known: ${known.join(', ')})`,
            'newTermsVersion',
            { known: known.join(',') },
          );
        }
      }
      const announcementId = body.announcementId ?? idFromKey('ann', key);
      const input: AnnouncementWorkflowInput = {
        announcementId,
        kind: body.kind,
        terms: body.terms,
        effectiveDate: body.effectiveDate,
        summary: body.summary,
        announcedOn,
        ...(body.newTermsVersion !== undefined ? { newTermsVersion: body.newTermsVersion } : {}),
      };
      const workflowId = announcementWorkflowId(announcementId);
      const answer = { announcementId, workflowId, kind: body.kind, terms: body.terms, effectiveDate: body.effectiveDate, announcedOn, earliest: lead.earliest };
      const first = await startOnce(
        key,
        hash,
        workflowId,
        answer,
        (memo) =>
          client.workflow.start<typeof announcementWorkflow>('announcementWorkflow', {
            taskQueue,
            workflowId,
            args: [input],
            memo,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        `announcement ${announcementId} already exists`,
        body.announcementId ? 'announcementId' : undefined,
      );
      res.status(202).location(`/announcements/${announcementId}`).json(first);
    },
  );

  r.get(
    '/announcements/:id',
    readAll,
    async (req, res) => {
      const id = fanoutIdOf(req);
      res.json(await progressOf(announcementWorkflowId(id), `announcement ${id}`, (h) => h.query(getProgress)));
    },
  );

  r.post(
    '/carrier-settlements',
    ops,
    async (req, res) => {
      const body = settlementBody.parse(req.body ?? {});
      const hash = requestHash('POST /carrier-settlements', '', body);
      const key = idempotencyKeyOf(req, hash, now());
      res.setHeader(IDEMPOTENCY_HEADER, key.key);
      const ids = body.claims.map((c) => c.contractId);
      const firstIndex = new Map<string, number>();
      ids.forEach((id, i) => {
        if (firstIndex.has(id)) throw new HttpError(422, 'duplicate_claim', `claims.${i}.contractId: contract ${id} is claimed twice`, `claims.${i}.contractId`);
        firstIndex.set(id, i);
      });
      const rows = await db.contract.findMany({ where: { id: { in: ids } }, select: { id: true, terms: true } });
      const termsOf = new Map(rows.map((row) => [row.id, row.terms]));
      ids.forEach((id, i) => {
        const terms = termsOf.get(id);
        if (terms === undefined) throw new HttpError(422, 'unknown_contract', `claims.${i}.contractId: contract ${id} does not exist`, `claims.${i}.contractId`);
        if (terms !== 'TNC') {
          throw new HttpError(
            422,
            'not_tnc',
            `claims.${i}.contractId: TNC-42.2 settles TNC contracts only; ${id} is under ${terms} (NGN-33.3 excludes carrier failures)`,
            `claims.${i}.contractId`,
          );
        }
      });
      const batchId = body.batchId ?? idFromKey('cs', key);
      const input: SettlementWorkflowInput = { batchId, received: body.received, claims: body.claims };
      const workflowId = settlementWorkflowId(batchId);
      const first = await startOnce(
        key,
        hash,
        workflowId,
        { batchId, workflowId, received: body.received, claims: body.claims.length },
        (memo) =>
          client.workflow.start<typeof carrierSettlementWorkflow>('carrierSettlementWorkflow', {
            taskQueue,
            workflowId,
            args: [input],
            memo,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        `carrier settlement ${batchId} already exists`,
        body.batchId ? 'batchId' : undefined,
      );
      res.status(202).location(`/carrier-settlements/${batchId}`).json(first);
    },
  );

  r.get(
    '/carrier-settlements/:id',
    readAll,
    async (req, res) => {
      const id = fanoutIdOf(req);
      res.json(await progressOf(settlementWorkflowId(id), `carrier settlement ${id}`, (h) => h.query(getSettlementProgress)));
    },
  );

  /**
   * Starts a workflow whose id must be new, recording the request's hash and answer in its memo. The
   * same request again (same hash) gets the first answer; another request for the id is a 409, or a
   * 422 when the id came from a reused Idempotency-Key.
   */
  async function startOnce<A extends object>(
    key: IdempotencyKey,
    hash: string,
    workflowId: string,
    answer: A,
    start: (memo: Record<string, unknown>) => Promise<unknown>,
    message: string,
    field: string | undefined,
  ): Promise<A> {
    try {
      await write(client, limits, key.key, message.replace(' already exists', ''), () => start({ [MEMO_REQUEST]: hash, answer }));
      return answer;
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      const d = await read(client, limits, () => client.workflow.getHandle(workflowId).describe());
      const memo = (d.memo ?? {}) as Record<string, unknown>;
      if (memo[MEMO_REQUEST] === hash && memo.answer && typeof memo.answer === 'object') return memo.answer as A;
      if (field) throw new HttpError(409, 'already_exists', message, field);
      throw new HttpError(422, 'idempotency_key_reused', `the ${IDEMPOTENCY_HEADER} ${key.key} was already used for a different request`, IDEMPOTENCY_HEADER);
    }
  }

  type Handle = ReturnType<Client['workflow']['getHandle']>;
  /** Live progress while running (query), the workflow's result once completed, the status otherwise. */
  async function progressOf(workflowId: string, what: string, query: (h: Handle) => Promise<object>): Promise<object> {
    const h = client.workflow.getHandle(workflowId);
    try {
      const d = await read(client, limits, () => h.describe());
      const status = d.status.name;
      if (status === 'RUNNING') return { status, ...(await read(client, limits, () => query(h))) };
      if (status === 'COMPLETED') return { status, ...((await read(client, limits, () => h.result())) as object) };
      return { status, workflowId, runId: d.runId, closedAt: d.closeTime?.toISOString() };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'not_found', `${what} does not exist`);
      throw e;
    }
  }

  return r;
}
