/**
 * Notice activities: the outbox (one row per notice, idempotent key) and SMTP delivery with the
 * server's response kept as proof (NGN-49 / TNC-5).
 */
import type { Db } from '../db/client.js';
import type { Mailer } from './mailer.js';
import { isUniqueViolation } from './prisma-errors.js';
import type { ContractActivities, NoticeProof, NoticeRequest } from './types.js';

export function createNoticeActivities({ db, mailer, now }: { db: Db; mailer: Mailer; now: () => Date | Promise<Date> }): Pick<ContractActivities, 'sendNotice'> {
  return {
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
    }
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
