/**
 * Fan-out activities: list the contracts an announcement reaches (NGN-2 / NGN-38 / TNC-3 / TNC-24)
 * and deliver one update to one contract workflow (announce, grantCarrierShare for TNC-42.2)
 * through the process's Temporal Client.
 *
 * Failures are split in two: a contract that cannot take the update at all (no running workflow,
 * or its validator refused) fails non-retryably so the fan-out records it at once; anything else
 * (connection trouble, a contract worker that is slow or away) is thrown as is and retried by the
 * workflow's bounded retry policy.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { announce, grantCarrierShare } from '../workflows/contract-messages.js';
import type { FanoutActivities } from './types.js';

export interface FanoutDeps {
  db: Db;
  /** One Client per process, injected by the entry point; falls back to the worker's own client. */
  client?: Client;
}

export function createFanoutActivities({ db, client }: FanoutDeps): FanoutActivities {
  const clientOf = (): Client => client ?? Context.current().client;

  /** Runs one update against a contract workflow and classifies its failure. */
  async function deliver<R>(contractId: string, what: string, run: (c: Client) => Promise<R>): Promise<R> {
    const c = clientOf();
    try {
      // The activity's cancellation (timeout, workflow cancelled) aborts the waiting RPC.
      return await c.withAbortSignal(Context.current().cancellationSignal, () => run(c));
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) {
        throw ApplicationFailure.create({
          type: 'ContractNotRunning',
          nonRetryable: true,
          message: `contract ${contractId}: no running contract workflow to take ${what} (${e.message})`,
        });
      }
      if (e instanceof WorkflowUpdateFailedError) {
        const cause = e.cause;
        const reason =
          cause instanceof ApplicationFailure ? `${cause.type ?? 'ApplicationFailure'}: ${cause.message}` : (cause?.message ?? e.message);
        throw ApplicationFailure.create({
          type: 'UpdateRefused',
          nonRetryable: true,
          message: `contract ${contractId}: ${what} refused: ${reason}`,
        });
      }
      throw e;
    }
  }

  return {
    async countAnnouncementTargets(terms) {
      return db.contract.count({ where: { terms, status: 'active' } });
    },

    async listAnnouncementTargets({ terms, after, limit }) {
      const rows = await db.contract.findMany({
        where: { terms, status: 'active', ...(after !== undefined ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: limit,
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    async deliverAnnouncement(contractId, a) {
      // Same update id on every attempt: a retry attaches to the update already accepted instead
      // of sending a second one (announce is idempotent per announcementId anyway).
      // Wait until the contract has ACCEPTED the update (validated and recorded in its history), not
      // until its notice is sent: the notice needs an activity slot on the same workers, and holding
      // this slot while waiting for it could exhaust the slots when several fan-outs run at once.
      // Once accepted, the contract durably sends the notice itself (retries, escalation).
      return deliver(contractId, `announcement ${a.announcementId}`, async (c) => {
        await c.workflow.getHandle(contractId).startUpdate(announce, {
          args: [a],
          updateId: `announce:${a.announcementId}`,
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
        return { accepted: true as const };
      });
    },

    async deliverCarrierShare(contractId, s) {
      return deliver(contractId, `TNC-42.2 carrier share ${s.batchId}`, (c) =>
        c.workflow.getHandle(contractId).executeUpdate(grantCarrierShare, { args: [s], updateId: `carrier-share:${s.batchId}` }),
      );
    },
  };
}
