/**
 * Notices API (NGN-49 / TNC-5: notices and their delivery proof), read from the outbox tables.
 *
 *   GET /contracts/:id/notices            any role (customer: own contract only, else 404)
 *   GET /contracts/:id/notices/:noticeId  same
 *   GET /notices?status=failed            ops, auditor: delivery status overview
 *   GET /carrier-messages?status=failed   ops, auditor: docomo notifications (TNC-15/17/18/41)
 *
 * A customer sees what it was sent: subject, body and send time of notices that were delivered
 * (a notice still pending or failed has not reached the customer yet). Ops and auditors also see
 * the delivery record: status, attempts, message id, SMTP response, last error, escalation.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { requireRole, type Principal } from './auth.js';
import { HttpError } from './errors.js';
import { readableContract } from './readable-contract.js';


const deliveryStatus = z.enum(['pending', 'sent', 'failed']);

export const noticesQuery = z.strictObject({
  status: deliveryStatus.optional(),
  contractId: z.string().min(1).max(64).optional(),
  kind: z.string().min(1).max(64).optional(),
  clauseId: z.string().min(1).max(32).optional(),
  /** 'true': only escalated notices; 'false': only those not (yet) escalated. */
  escalated: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const carrierQuery = z.strictObject({
  status: deliveryStatus.optional(),
  contractId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

type NoticeRow = Awaited<ReturnType<Db['notice']['findMany']>>[number];

/** What a customer sees of a notice it was sent. */
function customerView(n: NoticeRow) {
  return { id: n.id, kind: n.kind, clauseId: n.clauseId, subject: n.subject, body: n.body, sentAt: n.sentAt };
}

/** Ops and auditors: the notice with its delivery record (proof). */
function deliveryView(n: NoticeRow) {
  return {
    id: n.id,
    contractId: n.contractId,
    idempotencyKey: n.idempotencyKey,
    kind: n.kind,
    clauseId: n.clauseId,
    channel: n.channel,
    recipient: n.recipient,
    subject: n.subject,
    body: n.body,
    status: n.status,
    attempts: n.attempts,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
    messageId: n.messageId,
    smtpResponse: n.smtpResponse,
    lastError: n.lastError,
    escalatedAt: n.escalatedAt,
  };
}

const isCustomer = (p: Principal | undefined) => p?.role === 'customer';

export function noticesRouter({ db }: { db: Db }): Router {
  const r = Router();
  const anyRole = requireRole('ops', 'auditor', 'customer');
  const readAll = requireRole('ops', 'auditor');


  r.get(
    '/contracts/:id/notices',
    anyRole,
    async (req, res) => {
      const c = await readableContract(db, req);
      const customer = isCustomer(req.principal);
      const rows = await db.notice.findMany({
        where: { contractId: c.id, ...(customer ? { status: 'sent' } : {}) },
        orderBy: { id: 'asc' },
      });
      res.json({ contractId: c.id, notices: rows.map(customer ? customerView : deliveryView) });
    },
  );

  r.get(
    '/contracts/:id/notices/:noticeId',
    anyRole,
    async (req, res) => {
      const c = await readableContract(db, req);
      const raw = String(req.params.noticeId);
      const noticeId = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      const n = Number.isSafeInteger(noticeId) ? await db.notice.findUnique({ where: { id: noticeId } }) : null;
      const customer = isCustomer(req.principal);
      if (!n || n.contractId !== c.id || (customer && n.status !== 'sent')) {
        throw new HttpError(404, 'not_found', `notice ${raw} of contract ${c.id} does not exist`);
      }
      res.json(customer ? customerView(n) : deliveryView(n));
    },
  );

  r.get(
    '/notices',
    readAll,
    async (req, res) => {
      const q = noticesQuery.parse(req.query);
      const where = {
        status: q.status,
        contractId: q.contractId,
        kind: q.kind,
        clauseId: q.clauseId,
        ...(q.escalated === 'true' ? { escalatedAt: { not: null } } : q.escalated === 'false' ? { escalatedAt: null } : {}),
      };
      const [rows, grouped] = await Promise.all([
        db.notice.findMany({ where, orderBy: { id: 'desc' }, take: q.limit }),
        db.notice.groupBy({ by: ['status'], _count: { _all: true } }),
      ]);
      const counts: Record<string, number> = { pending: 0, sent: 0, failed: 0 };
      for (const g of grouped) counts[g.status] = g._count._all;
      res.json({ counts, notices: rows.map(deliveryView) });
    },
  );

  r.get(
    '/carrier-messages',
    readAll,
    async (req, res) => {
      const q = carrierQuery.parse(req.query);
      const messages = await db.carrierMessage.findMany({
        where: { status: q.status, contractId: q.contractId },
        orderBy: { id: 'desc' },
        take: q.limit,
      });
      res.json({ messages });
    },
  );

  return r;
}
