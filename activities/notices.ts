/**
 * Notice activities: the outbox (one row per notice, idempotent key) and SMTP delivery with the
 * server's response kept as proof (NGN-49 / TNC-5), and the escalation to ops of a notice that
 * could not be delivered within the retry window (workflows/notify.ts).
 *
 * The outbox row is the authority on what a notice says: it is written once, from the text the
 * template rendered at that time, and every later attempt sends the stored text. A template change
 * therefore never rewrites a notice already recorded or sent.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { textToHtml } from '../notices/render.js';
import { SmtpError, type Mailer } from './mailer.js';
import { isUniqueViolation } from './prisma-errors.js';
import { hasSealed, personalData } from './personal-data.js';
import type { ContractActivities, EscalationResult, NoticeEscalation, NoticeProof, NoticeRequest } from './types.js';

export interface NoticeActivityDeps {
  db: Db;
  mailer: Mailer;
  now: () => Date | Promise<Date>;
  /** Where escalations are mailed (OPS_ALERT_EMAIL). Unset: escalations show only in the API (GET /notices?status=failed). */
  opsAlertEmail?: string;
}

type NoticeRow = NonNullable<Awaited<ReturnType<Db['notice']['findUnique']>>>;
/**
 * What a delivery attempt reads of its outbox row; `dataKey`: the contract's personal-data key when
 * the insert read it alongside (a live key only; otherwise it is read when the text is opened).
 */
type ClaimedNotice = Pick<
  NoticeRow,
  'id' | 'contractId' | 'idempotencyKey' | 'kind' | 'clauseId' | 'recipient' | 'subject' | 'body' | 'status' | 'sentAt' | 'messageId' | 'smtpResponse'
> & { dataKey?: string | null };

/** Failure type of a permanent SMTP refusal (5xx): not retried, escalated at once. */
export const SMTP_PERMANENT_FAILURE = 'SmtpPermanentFailure';

export function createNoticeActivities({
  db,
  mailer,
  now,
  opsAlertEmail,
}: NoticeActivityDeps): Pick<ContractActivities, 'sendNotice' | 'escalateNotice'> {
  const newRow = (req: NoticeRequest, status: 'pending' | 'failed', attempts: number) => ({
    contractId: req.contractId,
    idempotencyKey: req.idempotencyKey,
    kind: req.kind,
    clauseId: req.clauseId,
    channel: 'email',
    recipient: req.recipient,
    subject: req.subject,
    body: req.body,
    status,
    attempts,
  });

  /** Finds the outbox row of `req`, or records it (a concurrent insert of the same key is read back). */
  async function record(req: NoticeRequest, status: 'pending' | 'failed' = 'pending'): Promise<NoticeRow> {
    const found = await db.notice.findUnique({ where: { idempotencyKey: req.idempotencyKey } });
    if (found) return found;
    try {
      return await db.notice.create({ data: newRow(req, status, 0) });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return db.notice.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    }
  }

  /**
   * The row an attempt to send `req` works on, with this attempt counted: a new notice is recorded
   * with attempts = 1 in one statement (the common case: one write before the mail goes out); an
   * existing one (a retry) is read back and, unless already sent, its attempts incremented.
   *
   * The common case is one plain `INSERT … ON CONFLICT DO NOTHING RETURNING id` (the same SQL on
   * SQLite and PostgreSQL) rather than `notice.create`: every Prisma model query costs ~2–3 ms of
   * CPU in this process against ~0.5 ms for the raw statement (issue 18; scripts/bench-notices.ts),
   * and two of them per notice were half its cost. The row written is the one `newRow` describes,
   * with createdAt set here as Prisma's @default(now()) would (a Date parameter is stored in the
   * same encoding as Prisma's own writes: test/notices/outbox.test.ts reads it back through Prisma).
   * The same statement returns the contract's personal-data key, which opening the sealed text
   * needs next (one statement fewer per notice).
   */
  async function claim(req: NoticeRequest): Promise<ClaimedNotice> {
    const row = newRow(req, 'pending', 1);
    const createdAt = new Date();
    const inserted = await db.$queryRaw<{ id: number; dataKey: string | null }[]>`
      INSERT INTO "Notice" ("contractId", "idempotencyKey", "kind", "clauseId", "channel", "recipient", "subject", "body", "status", "attempts", "createdAt")
      VALUES (${row.contractId}, ${row.idempotencyKey}, ${row.kind}, ${row.clauseId}, ${row.channel}, ${row.recipient}, ${row.subject}, ${row.body}, ${row.status}, ${row.attempts}, ${createdAt})
      ON CONFLICT ("idempotencyKey") DO NOTHING
      RETURNING "id", (SELECT "key" FROM "ContractDataKey" WHERE "contractId" = ${row.contractId}) AS "dataKey"`;
    if (inserted.length === 1) {
      const { id, dataKey } = inserted[0]!;
      return { ...row, id: Number(id), sentAt: null, messageId: null, smtpResponse: null, dataKey };
    }
    // Recorded before (a retry, or the same notice from another worker): read back and count the attempt.
    const found = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    if (found.status === 'sent' && found.sentAt) return found;
    return db.notice.update({ where: { id: found.id }, data: { attempts: { increment: 1 } } });
  }

  /** The proof written back after the SMTP server accepted the mail (one raw statement; see `claim`). */
  async function markSent(id: number, r: { messageId: string; response: string }): Promise<NoticeProof> {
    const sentAt = await now();
    const changed = await db.$executeRaw`
      UPDATE "Notice" SET "status" = 'sent', "sentAt" = ${sentAt}, "messageId" = ${r.messageId}, "smtpResponse" = ${r.response}, "lastError" = NULL
      WHERE "id" = ${id}`;
    if (changed !== 1) throw new Error(`notice ${id}: the outbox row to record its delivery is missing (${changed} rows updated)`);
    return proofOf({ id, sentAt, messageId: r.messageId, smtpResponse: r.response });
  }

  return {
    async sendNotice(req: NoticeRequest): Promise<NoticeProof> {
      const notice = await claim(req);
      // Checked first: a retry after a successful send whose completion was lost sends nothing.
      if (notice.status === 'sent' && notice.sentAt) return proofOf(notice);

      // The stored text is what goes out. The request's HTML is its rendering of the same text;
      // if the stored text differs (recorded by an earlier template), HTML is derived from it.
      // Issue 16: personal values arrive and are stored sealed with the contract's data key; they
      // are opened only here, for the mail itself (the HTML is then rendered from the opened text).
      const pd = personalData(db);
      if (notice.dataKey) pd.remember(notice.contractId, notice.dataKey);
      const sealed = hasSealed(notice.recipient) || hasSealed(notice.subject) || hasSealed(notice.body);
      const to = await pd.openText(notice.recipient);
      const subject = await pd.openText(notice.subject);
      const text = await pd.openText(notice.body);
      const sameText = notice.subject === req.subject && notice.body === req.body;
      const html = sameText && req.html && !sealed ? req.html : textToHtml(subject, text);

      let r: { messageId: string; response: string };
      try {
        r = await mailer.send(
          {
            to,
            subject,
            text,
            html,
            messageId: messageIdFor(notice.idempotencyKey),
            headers: { 'X-Yakkan-Notice': notice.idempotencyKey, 'X-Yakkan-Clause': notice.clauseId },
          },
          { signal: attemptSignal() },
        );
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        await db.notice.update({ where: { id: notice.id }, data: { lastError: message } });
        if (e instanceof SmtpError && e.permanent) {
          throw ApplicationFailure.create({
            type: SMTP_PERMANENT_FAILURE,
            nonRetryable: true,
            message: `${notice.clauseId} ${notice.kind} to ${notice.recipient} refused permanently: ${message}`,
          });
        }
        throw e;
      }
      return markSent(notice.id, r);
    },

    async escalateNotice({ request, error }: NoticeEscalation): Promise<EscalationResult<NoticeProof>> {
      let notice = await record(request, 'failed');
      // It did get through after all (e.g. an attempt that outlived its timeout): nothing to escalate.
      if (notice.status === 'sent' && notice.sentAt) {
        return { id: notice.id, escalatedAt: '', alerted: false, deliveredProof: proofOf(notice) };
      }
      if (notice.status !== 'failed' || notice.lastError !== error) {
        notice = await db.notice.update({ where: { id: notice.id }, data: { status: 'failed', lastError: error } });
      }
      // Idempotent: ops are alerted once per notice.
      if (notice.escalatedAt) return { id: notice.id, escalatedAt: notice.escalatedAt.toISOString(), alerted: !!opsAlertEmail };
      let alerted = false;
      if (opsAlertEmail) {
        // A failure here is retried by the workflow's escalation policy; the row already says 'failed'.
        await mailer.send({
          to: opsAlertEmail,
          subject: `[yakkan] 通知の配信に失敗しました: ${notice.clauseId} ${notice.kind}（契約番号 ${notice.contractId}）`,
          // Personal values opened for ops (issue 16).
          text: await personalData(db).openText([
            '再試行期間内に配信できなかった通知があります。内容を確認し、別の手段（電話・郵送等）での通知をご検討ください。',
            '',
            `契約番号: ${notice.contractId}`,
            `通知: ${notice.kind}（${notice.clauseId}）`,
            `宛先: ${notice.recipient}`,
            `件名: ${notice.subject}`,
            `試行回数: ${notice.attempts}`,
            `最後のエラー: ${error}`,
            `outbox key: ${notice.idempotencyKey}`,
            `outbox id: ${notice.id}`,
          ].join('\n')),
          headers: { 'X-Yakkan-Alert': notice.idempotencyKey },
        });
        alerted = true;
      } else {
        console.warn(`[yakkan] notice ${notice.idempotencyKey} undeliverable and OPS_ALERT_EMAIL is not set: ${error}`);
      }
      const escalated = await db.notice.update({ where: { id: notice.id }, data: { escalatedAt: await now() } });
      return { id: notice.id, escalatedAt: escalated.escalatedAt!.toISOString(), alerted };
    },
  };
}

/** The running activity attempt's cancellation (timeout, cancel), when called as an activity. */
function attemptSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // called directly (tests, scripts): nothing to cancel it
  }
}

/**
 * Message-ID derived from the outbox key: should a copy ever be sent twice (an SMTP acceptance
 * whose recording was lost), both carry the same Message-ID and mail clients show one.
 */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}.notice@yakkan.localhost>`;
}

function proofOf(n: { id: number; sentAt: Date | null; messageId: string | null; smtpResponse: string | null }): NoticeProof {
  return {
    noticeId: n.id,
    sentAt: (n.sentAt ?? new Date(0)).toISOString(),
    messageId: n.messageId ?? undefined,
    response: n.smtpResponse ?? undefined,
    delivered: true,
  };
}
