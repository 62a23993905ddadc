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
import { getTerms, listTermsVersions } from '../rules/terms/index.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';
import { announcementLead, announcementWorkflowId, getProgress, getSettlementProgress, settlementWorkflowId, type AnnouncementProgress, type AnnouncementWorkflowInput, type SettlementWorkflowInput } from '../workflows/fanout-messages.js';
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
  /** abolition (NGN-38 / TNC-24 廃止), suspension of the whole service (TNC-24 休止), terms change (NGN-2 / TNC-3). */
  kind: z.enum(['abolition', 'suspension', 'terms-change']),
  terms: z.enum(['NGN', 'TNC']),
  effectiveDate: isoDate,
  /** suspension: the last day of the planned suspension (休止予定期間). */
  until: isoDate.optional(),
  newTermsVersion: requiredText('newTermsVersion').optional(),
  summary: requiredText('summary', 'say what is announced'),
});

export type AnnouncementBody = z.infer<typeof announcementBody>;

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
      const started = await startAnnouncement({ client, taskQueue, now, limits }, body, key, hash);
      res.status(202).location(`/announcements/${started.announcementId}`).json(started);
    },
  );

  r.get(
    '/announcements/:id',
    readAll,
    async (req, res) => {
      const id = fanoutIdOf(req);
      res.json(await progressOf({ client, limits }, announcementWorkflowId(id), `announcement ${id}`, (h) => h.query(getProgress)));
    },
  );

  /**
   * NGN-38 / TNC-24, NGN-2 / TNC-3: each contract's lead counts from its own delivered notice. The
   * contracts on which the announcement does not take effect on the announced date: their notice
   * failed or is not delivered yet (nothing changes for them until ops send it again:
   * POST /contracts/:id/announcements/:aid/resend), or it was delivered too late for the lead
   * (their own effective date is later). From the outbox's delivery proof.
   */
  r.get(
    '/announcements/:id/late',
    readAll,
    async (req, res) => {
      const id = fanoutIdOf(req);
      const a = (await progressOf({ client, limits }, announcementWorkflowId(id), `announcement ${id}`, (h) => h.query(getProgress))) as Partial<AnnouncementProgress>;
      if (!a.kind || !a.terms || !a.effectiveDate) throw new HttpError(409, 'not_available', `announcement ${id} has no progress to read (status ${String((a as { status?: string }).status)})`);
      const rows = await db.notice.findMany({
        where: { idempotencyKey: { contains: `:announcement:${id}:` } },
        select: { contractId: true, status: true, sentAt: true, idempotencyKey: true },
        orderBy: { id: 'asc' },
      });
      const byContract = new Map<string, { sentAt?: Date; status: string }>();
      for (const row of rows) {
        if (row.idempotencyKey.includes(':own-date:')) continue;
        const seen = byContract.get(row.contractId);
        if (row.sentAt && (!seen?.sentAt || row.sentAt < seen.sentAt)) byContract.set(row.contractId, { sentAt: row.sentAt, status: row.status });
        else if (!seen) byContract.set(row.contractId, { status: row.status });
      }
      type Late = { contractId: string; notice: string; sentAt?: string; effectiveOn: string | null };
      const contracts = [...byContract].flatMap(([contractId, n]): Late[] => {
        if (!n.sentAt) return [{ contractId, notice: n.status, effectiveOn: null }];
        const own = announcementLead(a.terms!, a.kind!, jstDateOf(n.sentAt.getTime())).earliest;
        return own > a.effectiveDate! ? [{ contractId, notice: 'late', sentAt: n.sentAt.toISOString(), effectiveOn: own }] : [];
      });
      res.json({ announcementId: id, kind: a.kind, terms: a.terms, effectiveDate: a.effectiveDate, contracts });
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
        { client, limits },
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
      res.json(await progressOf({ client, limits }, settlementWorkflowId(id), `carrier settlement ${id}`, (h) => h.query(getSettlementProgress)));
    },
  );

  return r;
}

/** What the fan-out routes need of Temporal: the client and the bounds of each call. */
interface TemporalDeps {
  client: Client;
  limits: CallLimits;
}

export interface StartedAnnouncement {
  announcementId: string;
  workflowId: string;
  kind: AnnouncementBody['kind'];
  terms: AnnouncementBody['terms'];
  effectiveDate: string;
  announcedOn: string;
  earliest: string;
}

/**
 * Checks an announcement (lead time NGN-38 / TNC-24 / NGN-2 / TNC-3, TNC-24 休止 and its period, terms
 * version) and starts its fan-out once per Idempotency-Key; a refused one starts nothing. Used by
 * POST /announcements and the ops console.
 */
export async function startAnnouncement(
  { client, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date(), limits = DEFAULT_CALL_LIMITS }: Pick<AnnouncementRouterDeps, 'client' | 'taskQueue' | 'now' | 'limits'>,
  body: AnnouncementBody,
  key: IdempotencyKey,
  hash: string,
): Promise<StartedAnnouncement> {
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
  if (body.kind === 'suspension' && !getTerms(body.terms).serviceSuspensionByNotice.value) {
    const rule = getTerms(body.terms).serviceSuspensionByNotice;
    throw new HttpError(422, 'invalid_command', `kind: ${body.terms} has no suspension of the whole service by notice (${rule.clause})`, 'kind');
  }
  if (body.until !== undefined && (body.kind !== 'suspension' || body.until < body.effectiveDate)) {
    throw new HttpError(400, 'invalid_request', `until: only a suspension names its last day, a date on or after ${body.effectiveDate}`, 'until');
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
    ...(body.until !== undefined ? { until: body.until } : {}),
  };
  const workflowId = announcementWorkflowId(announcementId);
  const answer: StartedAnnouncement = { announcementId, workflowId, kind: body.kind, terms: body.terms, effectiveDate: body.effectiveDate, announcedOn, earliest: lead.earliest };
  return startOnce(
    { client, limits },
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
}

/**
 * Starts a workflow whose id must be new, recording the request's hash and answer in its memo. The
 * same request again (same hash) gets the first answer; another request for the id is a 409, or a
 * 422 when the id came from a reused Idempotency-Key.
 */
async function startOnce<A extends object>(
  { client, limits }: TemporalDeps,
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
export async function progressOf({ client, limits }: TemporalDeps, workflowId: string, what: string, query: (h: Handle) => Promise<object>): Promise<object> {
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
