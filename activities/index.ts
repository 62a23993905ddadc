/**
 * Activity implementations: every side effect of yakkan (database, mail, clock) lives here.
 * Built from injected dependencies so tests and entry points share one Prisma client per process.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { defaultCalendarData } from '../rules/holidays-jp.js';
import { getTerms, type TermsId } from '../rules/terms/index.js';
import type {
  ContractActivities,
  FanoutActivities,
  ContractProjection,
} from './types.js';
import type { Mailer } from './mailer.js';
import { createNoticeActivities } from './notices.js';
import { createBillingActivities } from './billing.js';
import { createFanoutActivities } from './fanout.js';
import { createCarrierActivities } from './carrier.js';
import { isUniqueViolation } from './prisma-errors.js';
import { ERASED, personalData } from './personal-data.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  /**
   * Clock for the moments the 約款 tie to the real world (TNC-12 database entry, notice sent).
   * Wall time in production; time-skipping tests pass the test server's clock.
   */
  now?: () => Date | Promise<Date>;
  /** One Temporal Client per process: fan-out activities deliver updates to contract workflows with it. */
  client?: Client;
  /**
   * OPS_ALERT_EMAIL (runtime/config.ts): where undecided applications (NGN-11) and undeliverable
   * notices and carrier messages are reported. Unset: they are only marked in the database.
   */
  opsAlertEmail?: string;
  /** CARRIER_WEBHOOK_URL / CARRIER_WEBHOOK_SECRET (runtime/config.ts). Unset: carrier notices are escalated. */
  carrierWebhookUrl?: string;
  carrierWebhookSecret?: string;
  /** INVOICE_REGISTRATION_NUMBERS (runtime/config.ts): JP-INVOICE registration number per terms id. */
  invoiceRegistrationNumbers?: Readonly<Record<string, string>>;
  /**
   * The archive of delivered mail this process keeps (npm start's data/mail/, a test's sink), if
   * any: the deletion (TNC-37.5 / NGN-43) removes the contract's messages from it.
   */
  mailArchive?: { eraseContract(contractId: string): Promise<number> };
}

export function createActivities({
  db,
  mailer,
  now = () => new Date(),
  client,
  opsAlertEmail,
  carrierWebhookUrl,
  carrierWebhookSecret,
  invoiceRegistrationNumbers,
  mailArchive,
}: ActivityDeps): ContractActivities & FanoutActivities {
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
        nonRenewalDeadline: p.nonRenewalDeadline ?? null,
        endedAt: p.endedAt ? new Date(p.endedAt) : null,
        queuePriority: p.queuePriority ?? 0,
      };
      // One plain upsert (the same SQL on SQLite and PostgreSQL) instead of `contract.upsert`: the
      // projection is written after every change of every contract (each month close, each
      // command), and a Prisma model query costs several times the statement's CPU (issue 18).
      // The columns are the model's less escalatedAt, which only escalateApplication sets; updatedAt
      // is set here as Prisma's @updatedAt would. test/db/projection.test.ts reads it back through Prisma.
      const updatedAt = new Date();
      await db.$executeRaw`
        INSERT INTO "Contract" ("id", "terms", "termsVersion", "planId", "customerId", "customerName", "customerEmail", "customerKind", "channel", "status",
          "appliedAt", "formedAt", "serviceStart", "billingStart", "nextDeadline", "nextDeadlineKind", "nonRenewalDeadline", "endedAt", "queuePriority", "updatedAt")
        VALUES (${p.id}, ${data.terms}, ${data.termsVersion}, ${data.planId}, ${data.customerId}, ${data.customerName}, ${data.customerEmail}, ${data.customerKind}, ${data.channel}, ${data.status},
          ${data.appliedAt}, ${data.formedAt}, ${data.serviceStart}, ${data.billingStart}, ${data.nextDeadline}, ${data.nextDeadlineKind}, ${data.nonRenewalDeadline}, ${data.endedAt}, ${data.queuePriority}, ${updatedAt})
        ON CONFLICT ("id") DO UPDATE SET
          "terms" = excluded."terms", "termsVersion" = excluded."termsVersion", "planId" = excluded."planId", "customerId" = excluded."customerId",
          "customerName" = excluded."customerName", "customerEmail" = excluded."customerEmail", "customerKind" = excluded."customerKind",
          "channel" = excluded."channel", "status" = excluded."status", "appliedAt" = excluded."appliedAt", "formedAt" = excluded."formedAt",
          "serviceStart" = excluded."serviceStart", "billingStart" = excluded."billingStart", "nextDeadline" = excluded."nextDeadline",
          "nextDeadlineKind" = excluded."nextDeadlineKind", "nonRenewalDeadline" = excluded."nonRenewalDeadline", "endedAt" = excluded."endedAt",
          "queuePriority" = excluded."queuePriority", "updatedAt" = excluded."updatedAt"`;
    },

    async escalateApplication({ contractId, appliedAt, businessDays }) {
      const at = await now();
      const row = await db.contract.findUniqueOrThrow({ where: { id: contractId } });
      if (row.escalatedAt) return { escalatedAt: row.escalatedAt.toISOString() };
      if (opsAlertEmail) {
        // The clause of the contract's own 約款 that decides formation (NGN-11 order of receipt, TNC-12).
        const clause = getTerms(row.terms as TermsId, row.termsVersion).formation.clause;
        await mailer.send({
          to: opsAlertEmail,
          subject: `[yakkan] 未処理の申込み ${contractId}（${businessDays}営業日経過, ${clause}）`,
          // The name is opened for ops (issue 16); the alert names the contract, so the deletion finds it in a mail archive.
          text: `申込み ${contractId}（${await personalData(db).openText(row.customerName)}、${row.terms} ${row.planId}）は ${appliedAt} の受付から ${businessDays} 営業日を過ぎても承諾・拒否されていません。`,
          headers: { 'X-Yakkan-Clause': clause, 'X-Yakkan-Alert': `${contractId}:undecided-application` },
        });
      }
      await db.contract.update({ where: { id: contractId }, data: { escalatedAt: at } });
      return { escalatedAt: at.toISOString() };
    },

    async reportCommandFailure({ contractId, update, updateId, error, rolledBack }) {
      const at = await now();
      const { workflowExecution } = Context.current().info;
      const idempotencyKey = `${contractId}:command-failed:${updateId}`;
      const existing = await db.contractEvent.findUnique({ where: { idempotencyKey } });
      if (existing) return { recorded: false, alerted: false };
      const row = await db.contract.findUnique({ where: { id: contractId }, select: { id: true } });
      let alerted = false;
      if (opsAlertEmail) {
        await mailer.send({
          to: opsAlertEmail,
          subject: `[yakkan] コマンド失敗 ${contractId}: ${update}`,
          text:
            `契約 ${contractId} のコマンド ${update}（update id ${updateId}）がワークフロー内部のエラーで失敗しました。\n` +
            `エラー: ${error}\n` +
            (rolledBack ? '契約の状態はコマンド前に戻しました。' : '他の処理が並行していたため、契約の状態はそのままです。') +
            '契約は動作を続けています。',
          messageId: `<command-failed.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@yakkan>`,
          headers: { 'X-Yakkan-Alert': 'command-failed' },
        });
        alerted = true;
      }
      // The timeline row needs the contract row (a failure before the first save is only mailed).
      if (row) {
        await db.contractEvent
          .create({
            data: {
              contractId,
              idempotencyKey,
              kind: 'command-failed',
              at: at.toISOString(),
              data: JSON.stringify({ update, updateId, error, rolledBack }),
              workflowId: workflowExecution?.workflowId ?? contractId,
              runId: workflowExecution?.runId ?? '',
            },
          })
          .catch((e: unknown) => {
            if (!isUniqueViolation(e)) throw e;
          });
      }
      return { recorded: !!row, alerted };
    },

    async erasePersonalData(contractId) {
      // Issue 16 (crypto-shredding): destroying the contract's data key makes every sealed copy of
      // its personal data unreadable — in Temporal's histories, exports and these tables alike.
      // What was stored or rendered in clear is removed here: the row's name and e-mail (contracts
      // applied before sealing), the rendered PDFs of its notices, the mail archive's copies.
      await personalData(db).destroy(contractId);
      const r = await db.contract.updateMany({
        where: { id: contractId, NOT: { customerEmail: '' } },
        data: { customerName: ERASED, customerEmail: '' },
      });
      await db.notice.updateMany({ where: { contractId, NOT: { pdf: null } }, data: { pdf: null, pdfSha256: null, pdfRenderedAt: null } });
      await mailArchive?.eraseContract(contractId);
      return { erased: r.count > 0 };
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

    ...createNoticeActivities({ db, mailer, now, opsAlertEmail }),
    ...createBillingActivities({ db, registrationNumbers: invoiceRegistrationNumbers }),
    ...createFanoutActivities({ db, client }),
    ...createCarrierActivities({ db, mailer, now, webhookUrl: carrierWebhookUrl, webhookSecret: carrierWebhookSecret, opsAlertEmail }),
  };
}

