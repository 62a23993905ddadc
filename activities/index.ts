/**
 * Activity implementations: every side effect of yakkan (database, mail, clock) lives here.
 * Built from injected dependencies so tests and entry points share one Prisma client per process.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { defaultCalendarData } from '../rules/holidays-jp.js';
import type {
  ContractActivities,
  ContractProjection,
  NoticeProof,
  NoticeRequest,
  PostLedgerRequest,
} from './types.js';
import type { Mailer } from './mailer.js';
import { isUniqueViolation } from './prisma-errors.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  /**
   * Clock for the moments the 約款 tie to the real world (TNC-12 database entry, notice sent).
   * Wall time in production; time-skipping tests pass the test server's clock.
   */
  now?: () => Date | Promise<Date>;
}

export function createActivities({ db, mailer, now = () => new Date() }: ActivityDeps): ContractActivities {
  return {
    async loadCalendar(fromYear, toYear) {
      return defaultCalendarData(fromYear, toYear);
    },

    async saveContract(p: ContractProjection) {
      const data = {
        terms: p.terms,
        termsVersion: p.termsVersion,
        planId: p.planId,
        customerId: p.customerId,
        customerName: p.customerName,
        customerEmail: p.customerEmail,
        customerKind: p.customerKind,
        channel: p.channel,
        status: p.status,
        appliedAt: new Date(p.appliedAt),
        formedAt: p.formedAt ? new Date(p.formedAt) : null,
        serviceStart: p.serviceStart ?? null,
        billingStart: p.billingStart ?? null,
        nextDeadline: p.nextDeadline ?? null,
        nextDeadlineKind: p.nextDeadlineKind ?? null,
        endedAt: p.endedAt ? new Date(p.endedAt) : null,
      };
      await db.contract.upsert({ where: { id: p.id }, create: { id: p.id, ...data }, update: data });
    },

    async recordFormation(contractId) {
      // TNC-12: formation = the moment of entry in the provider's database. A retry after the
      // row was written returns the time already recorded, so formation happens once.
      const existing = await db.contract.findUnique({ where: { id: contractId } });
      if (!existing) {
        throw ApplicationFailure.create({ type: 'ContractMissing', nonRetryable: true, message: `contract ${contractId} has no row` });
      }
      if (existing.formedAt) return { formedAt: existing.formedAt.toISOString() };
      const formedAt = await now();
      await db.contract.update({ where: { id: contractId }, data: { formedAt } });
      return { formedAt: formedAt.toISOString() };
    },

    async postLedgerLines(req: PostLedgerRequest) {
      // One transaction; each line is inserted unless its idempotency key is already there, so a
      // retried activity (e.g. after a worker crash between commit and completion) posts nothing twice.
      return db.$transaction(async (tx) => {
        let inserted = 0;
        let duplicates = 0;
        for (const line of req.lines) {
          const found = await tx.ledgerEntry.findUnique({ where: { idempotencyKey: line.idempotencyKey } });
          if (found) {
            if (found.amount !== line.amount || found.clauseId !== line.clauseId) {
              throw ApplicationFailure.create({
                type: 'LedgerConflict',
                nonRetryable: true,
                message: `ledger key ${line.idempotencyKey} already holds ${found.amount} (${found.clauseId}); refusing ${line.amount} (${line.clauseId})`,
              });
            }
            duplicates += 1;
            continue;
          }
          await tx.ledgerEntry.create({
            data: {
              contractId: req.contractId,
              workflowId: req.workflowId,
              runId: req.runId,
              idempotencyKey: line.idempotencyKey,
              clauseId: line.clauseId,
              kind: line.kind,
              taxClass: line.taxClass,
              amount: line.amount,
              period: line.period ?? null,
              effectiveDate: line.effectiveDate,
              description: line.description,
            },
          });
          inserted += 1;
        }
        return { inserted, duplicates };
      });
    },

    async sendNotice(req: NoticeRequest): Promise<NoticeProof> {
      let notice = await db.notice.findUnique({ where: { idempotencyKey: req.idempotencyKey } });
      if (!notice) {
        try {
          notice = await db.notice.create({
            data: {
              contractId: req.contractId,
              idempotencyKey: req.idempotencyKey,
              kind: req.kind,
              clauseId: req.clauseId,
              channel: 'email',
              recipient: req.recipient,
              subject: req.subject,
              body: req.body,
              status: 'pending',
            },
          });
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
          notice = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
        }
      }
      if (notice.status === 'sent' && notice.sentAt) {
        return proofOf(notice);
      }
      await db.notice.update({ where: { id: notice.id }, data: { attempts: { increment: 1 } } });
      try {
        const r = await mailer.send({
          to: notice.recipient,
          subject: notice.subject,
          text: notice.body,
          headers: { 'X-Yakkan-Notice': notice.idempotencyKey, 'X-Yakkan-Clause': notice.clauseId },
        });
        const sent = await db.notice.update({
          where: { id: notice.id },
          data: { status: 'sent', sentAt: await now(), messageId: r.messageId, smtpResponse: r.response, lastError: null },
        });
        return proofOf(sent);
      } catch (e) {
        await db.notice.update({ where: { id: notice.id }, data: { lastError: String((e as Error).message ?? e) } });
        throw e;
      }
    },
  };
}

function proofOf(n: { id: number; sentAt: Date | null; messageId: string | null; smtpResponse: string | null }): NoticeProof {
  return {
    noticeId: n.id,
    sentAt: (n.sentAt ?? new Date(0)).toISOString(),
    messageId: n.messageId ?? undefined,
    response: n.smtpResponse ?? undefined,
  };
}
