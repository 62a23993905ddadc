/**
 * Fan-out API: announcements (abolition NGN-38 / TNC-24, terms change NGN-2 / TNC-3) and carrier
 * settlements (TNC-42.2). Requests are checked here (lead time, terms version, contract ids) and
 * turned into workflow starts and queries; a refused request starts nothing. A written objection
 * to a terms change (TNC-3) is a contract command (api/commands.ts).
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { isValidIsoDate, jstDateOf } from '../rules/calendar.js';
import { getTerms, listTermsVersions } from '../rules/terms/index.js';
import { CONTRACT_TASK_QUEUE } from '../workflows/contract-messages.js';
import { announcementLead, announcementWorkflowId, getProgress, getSettlementProgress, settlementWorkflowId, type AnnouncementProgress, type AnnouncementWorkflowInput, type SettlementWorkflowInput } from '../workflows/fanout-messages.js';
import type { announcementWorkflow } from '../workflows/announcement.js';
import type { carrierSettlementWorkflow } from '../workflows/carrier-settlement.js';
import { requireRole } from './auth.js';
import { HttpError } from './errors.js';


const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const callerId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'must be 3–64 letters, digits, _ or -');
const yenAmount = z.string().regex(/^\d+$/, 'must be whole yen as a string of digits, e.g. "12345"');

export const announcementBody = z.strictObject({
  /** Caller's id (idempotency): a second request with the same id is refused with 409. */
  announcementId: callerId.optional(),
  /** abolition (NGN-38 / TNC-24 廃止), suspension of the whole service (TNC-24 休止), terms change (NGN-2 / TNC-3). */
  kind: z.enum(['abolition', 'suspension', 'terms-change']),
  terms: z.enum(['NGN', 'TNC']),
  effectiveDate: isoDate,
  /** suspension: the last day of the planned suspension (休止予定期間). */
  until: isoDate.optional(),
  newTermsVersion: z.string().min(1).optional(),
  summary: z.string().trim().min(1, 'say what is announced').max(4000),
});

export type AnnouncementBody = z.infer<typeof announcementBody>;

export const settlementBody = z.strictObject({
  batchId: callerId.optional(),
  received: yenAmount,
  claims: z
    .array(z.strictObject({ contractId: z.string().min(1), claim: yenAmount }))
    .min(1, 'at least one claim is required')
    .max(5000, 'at most 5,000 claims per batch'),
});

export interface AnnouncementRouterDeps {
  client: Client;
  db: Db;
  taskQueue?: string;
  /** "Today" for the lead-time check (the API's injected clock). */
  now?: () => Date;
}

export function announcementRouter({ client, db, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date() }: AnnouncementRouterDeps): Router {
  const r = Router();
  const ops = requireRole('ops');
  const readAll = requireRole('ops', 'auditor');

  r.post(
    '/announcements',
    ops,
    async (req, res) => {
      const started = await startAnnouncement({ client, taskQueue, now }, announcementBody.parse(req.body));
      res.status(202).location(`/announcements/${started.announcementId}`).json(started);
    },
  );

  r.get(
    '/announcements/:id',
    readAll,
    async (req, res) => {
      const id = String(req.params.id);
      res.json(await progressOf(client, announcementWorkflowId(id), `announcement ${id}`, (h) => h.query(getProgress)));
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
      const id = String(req.params.id);
      const a = (await progressOf(client, announcementWorkflowId(id), `announcement ${id}`, (h) => h.query(getProgress))) as Partial<AnnouncementProgress>;
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
      const body = settlementBody.parse(req.body);
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
      const batchId = body.batchId ?? `cs-${randomUUID()}`;
      const input: SettlementWorkflowInput = { batchId, received: body.received, claims: body.claims };
      const workflowId = settlementWorkflowId(batchId);
      await startOnce(
        () =>
          client.workflow.start<typeof carrierSettlementWorkflow>('carrierSettlementWorkflow', {
            taskQueue,
            workflowId,
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        `carrier settlement ${batchId} already exists`,
        'batchId',
      );
      res.status(202).location(`/carrier-settlements/${batchId}`).json({ batchId, workflowId, received: body.received, claims: body.claims.length });
    },
  );

  r.get(
    '/carrier-settlements/:id',
    readAll,
    async (req, res) => {
      const id = String(req.params.id);
      res.json(await progressOf(client, settlementWorkflowId(id), `carrier settlement ${id}`, (h) => h.query(getSettlementProgress)));
    },
  );

  return r;
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
 * Checks an announcement (lead time NGN-38 / TNC-24 / NGN-2 / TNC-3, terms version) and starts its
 * fan-out; a refused one starts nothing. Used by POST /announcements and the ops console.
 */
export async function startAnnouncement(
  { client, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date() }: Pick<AnnouncementRouterDeps, 'client' | 'taskQueue' | 'now'>,
  body: AnnouncementBody,
): Promise<StartedAnnouncement> {
  if (!isValidIsoDate(body.effectiveDate)) {
    throw new HttpError(400, 'invalid_request', `effectiveDate: not a calendar date: ${body.effectiveDate}`, 'effectiveDate');
  }
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
  if (body.until !== undefined && (body.kind !== 'suspension' || !isValidIsoDate(body.until) || body.until < body.effectiveDate)) {
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
  const announcementId = body.announcementId ?? `ann-${randomUUID()}`;
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
  await startOnce(
    () =>
      client.workflow.start<typeof announcementWorkflow>('announcementWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    `announcement ${announcementId} already exists`,
    'announcementId',
  );
  return { announcementId, workflowId, kind: body.kind, terms: body.terms, effectiveDate: body.effectiveDate, announcedOn, earliest: lead.earliest };
}

/** Starts a workflow whose id must be new; an id already used (running or closed) is a 409. */
async function startOnce(start: () => Promise<unknown>, message: string, field: string): Promise<void> {
  try {
    await start();
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'already_exists', message, field);
    throw e;
  }
}

type Handle = ReturnType<Client['workflow']['getHandle']>;
/** Live progress while running (query), the workflow's result once completed, the status otherwise. */
export async function progressOf(client: Client, workflowId: string, what: string, query: (h: Handle) => Promise<object>): Promise<object> {
  const h = client.workflow.getHandle(workflowId);
  try {
    const d = await h.describe();
    const status = d.status.name;
    if (status === 'RUNNING') return { status, ...(await query(h)) };
    if (status === 'COMPLETED') return { status, ...((await h.result()) as object) };
    return { status, workflowId, runId: d.runId, closedAt: d.closeTime?.toISOString() };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'not_found', `${what} does not exist`);
    throw e;
  }
}
