/**
 * Notice delivery through the contract workflow on the time-skipping server: the retry policy of
 * workflows/notify.ts runs on the server clock (activity retry backoff is skipped like timers), so
 * hours of SMTP outage pass in seconds against a real SMTP server and a real SQLite outbox.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { createNoticeActivities } from '../../activities/notices.js';
import type { ContractActivities } from '../../activities/types.js';
import { acceptApplication, getContract, rejectApplication } from '../../workflows/contract-messages.js';
import { application, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';
import { parseMail } from './mime.js';
import { tasksAccepting } from '../helpers/history.js';

const world = useWorld('time-skipping');
beforeAll(() => {
  world.defer('bring the SMTP sink back up', () => world.sink.setDown(false));
});

const OPS = 'ops-alerts@yakkan.test';
const serverNow = async () => new Date(await world.env.currentTimeMs());

/** The real activities, with notice escalation alerting OPS (as OPS_ALERT_EMAIL would). */
const withOpsAlerts = (a: ContractActivities): ContractActivities => ({
  ...a,
  ...createNoticeActivities({ db: world.db, mailer: world.mailer, now: serverNow, opsAlertEmail: OPS }),
});

async function startNgn(taskQueue: string) {
  const customer = corporateCustomer();
  const input = application('NGN', 'ngn-vpn-standard', customer, await world.env.currentTimeMs());
  const handle = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
  return { input, handle, email: customer.email };
}

const mailsTo = (to: string) => world.sink.messages.filter((m) => m.to.includes(to));

async function terminate(handle: WorkflowHandle | undefined) {
  await handle?.terminate('test finished').catch(() => undefined);
}

/**
 * Runs `body` with a worker on a task queue of its own and an NGN application started there; the
 * SMTP sink is up again and the contract terminated afterwards, also after a failure.
 */
async function withNgnApplication(
  options: Parameters<typeof world.worker>[1],
  body: (s: Awaited<ReturnType<typeof startNgn>>) => Promise<void>,
): Promise<void> {
  const taskQueue = uniqueId('tq');
  const worker = await world.worker(taskQueue, options);
  let handle: WorkflowHandle | undefined;
  try {
    await worker.runUntil(async () => {
      const s = await startNgn(taskQueue);
      handle = s.handle;
      await body(s);
    });
  } finally {
    world.sink.setDown(false);
    await terminate(handle);
  }
}

describe('NGN-49 delivery retries and escalation (workflows/notify.ts)', () => {
  test('NGN-11: SMTP down for an hour loses nothing — exactly one acceptance notice arrives once it is back, the row is sent with attempts > 1', async () => {
    await withNgnApplication({}, async (s) => {
      const t0 = await world.env.currentTimeMs();
      world.sink.setDown(true);
      const accepted = s.handle.executeUpdate(acceptApplication, { args: [{}] });
      accepted.catch(() => undefined);

      await world.env.sleep('1 hour');
      const during = await world.db.notice.findFirstOrThrow({ where: { contractId: s.input.contractId } });
      expect(during.status).toBe('pending');
      expect(during.attempts).toBeGreaterThan(5);
      expect(during.lastError).toMatch(/421/);
      expect(mailsTo(s.email)).toHaveLength(0);

      world.sink.setDown(false);
      await world.env.sleep('20 minutes'); // the next retry comes at most 15 minutes later
      const view = await accepted;
      expect(view.status).toBe('active');

      const mails = mailsTo(s.email);
      expect(mails).toHaveLength(1);
      expect(parseMail(mails[0]!.raw).headers.get('x-yakkan-notice')).toBe(`${s.input.contractId}:acceptance:NGN-11`);
      const row = await world.db.notice.findFirstOrThrow({ where: { contractId: s.input.contractId } });
      expect(row.status).toBe('sent');
      expect(row.attempts).toBeGreaterThan(1);
      expect(row.attempts).toBe(during.attempts + 1);
      expect(row.smtpResponse).toMatch(/^250 /);
      expect(row.escalatedAt).toBeNull();
      // NGN-11: formed when the notice was sent — after the hour of outage, on the server clock.
      const sentMs = row.sentAt!.getTime();
      expect(sentMs - t0).toBeGreaterThan(3600_000);
      expect(sentMs - t0).toBeLessThan(3600_000 + 20 * 60_000);
      expect(view.formedAt).toBe(row.sentAt!.toISOString());
    });
  });

  test('NGN-12: a rejection notice that never gets through in 2 hours is escalated — row failed + escalatedAt, one alert to ops, and the contract is still rejected', async () => {
    await withNgnApplication({ wrapActivities: withOpsAlerts }, async (s) => {
      const t0 = await world.env.currentTimeMs();
      world.sink.setDown(true);
      const rejected = s.handle.executeUpdate(rejectApplication, { args: [{ grounds: [3], reason: '国内法人であることを確認できない' }] });
      rejected.catch(() => undefined);

      // Past the 2-hour delivery window; the alert mail cannot go out either while SMTP is down.
      await world.env.sleep('125 minutes');
      const failed = await world.db.notice.findFirstOrThrow({ where: { contractId: s.input.contractId } });
      expect(failed.status).toBe('failed');
      expect(failed.escalatedAt).toBeNull();
      expect(failed.attempts).toBeGreaterThanOrEqual(10);
      expect(failed.attempts).toBeLessThanOrEqual(20);

      world.sink.setDown(false); // the escalation's retry now gets the alert out
      await world.env.sleep('10 minutes');
      const view = await rejected;
      expect(view.status).toBe('rejected');

      const row = await world.db.notice.findFirstOrThrow({ where: { contractId: s.input.contractId } });
      expect(row.status).toBe('failed');
      expect(row.sentAt).toBeNull();
      expect(row.escalatedAt).not.toBeNull();
      expect(row.escalatedAt!.getTime() - t0).toBeGreaterThanOrEqual(2 * 3600_000);
      expect(row.lastError).toMatch(/421/);
      // Nothing reached the customer; ops got exactly one alert naming the notice.
      expect(mailsTo(s.email)).toHaveLength(0);
      const alerts = mailsTo(OPS).filter((m) => m.raw.includes(`${s.input.contractId}:rejection:NGN-12`));
      expect(alerts).toHaveLength(1);
      expect(parseMail(alerts[0]!.raw).subject).toContain('NGN-12 rejection');
      // The workflow did not crash: it keeps running with the rejection recorded.
      expect((await s.handle.query(getContract)).rejection?.grounds).toEqual([3]);
    });
  });

  test('NGN-11: an acceptance notice that never gets through in 2 hours forms no contract — the accept fails, the application stays open, and a later accept forms it when its notice is sent', async () => {
    await withNgnApplication({}, async (s) => {
      world.sink.setDown(true);
      const first = s.handle.executeUpdate(acceptApplication, { args: [{}] });
      first.catch(() => undefined);

      // The delivery window is 2 hours (workflows/notify.ts); past it the notice is escalated and
      // NGN-11 (契約は承諾の通知を発した時に成立) leaves the contract unformed.
      await world.env.sleep('125 minutes');
      const refused = (await first.then(() => undefined, (e: unknown) => e)) as { cause?: { message?: string } } | undefined;
      expect(refused?.cause?.message).toMatch(/NGN-11: the acceptance notice could not be sent .*the contract is not formed/);
      const open = await s.handle.query(getContract);
      expect(open.status).toBe('applied');
      expect(open.formedAt).toBeUndefined();

      world.sink.setDown(false);
      const view = await s.handle.executeUpdate(acceptApplication, { args: [{}] });
      expect(view.status).toBe('active');
      const row = await world.db.notice.findFirstOrThrow({ where: { contractId: s.input.contractId } });
      expect(row.status).toBe('sent');
      expect(view.formedAt).toBe(row.sentAt!.toISOString());
      expect(mailsTo(s.email)).toHaveLength(1);

      // Issue 18: each accept starts its acceptance notice in the workflow task that accepted the
      // update (the events after one WorkflowTaskCompleted: the update accepted, then its commands;
      // with local-notices-v1 each later attempt of the undeliverable notice is a local activity in
      // a task of its own). The holiday table is not read again: both accepts fall in the JST year
      // of the application, whose table the contract read when it started (accept-calendar-reuse-v1;
      // an accept in a later year reads it beside the notice: test/workflows/lifecycle.test.ts).
      const events = (await s.handle.fetchHistory()).events ?? [];
      const accepting = tasksAccepting(events, 'acceptApplication');
      expect(accepting.map((t) => t.accepts)).toEqual([1, 1]); // the failed accept's and the second one's
      for (const t of accepting) {
        expect(t.activities).toContain('sendNotice');
        expect(t.activities).not.toContain('loadCalendar');
      }
      // The workflow keeps running: nothing the first accept left behind failed it.
      expect((await s.handle.describe()).status.name).toBe('RUNNING');
    });
  });

  test('NGN-11: a retry after a successful send whose completion was lost sends no second copy', async () => {
    let lost = 0;
    const options: Parameters<typeof world.worker>[1] = {
      wrapActivities: (a) => ({
        ...a,
        async sendNotice(req) {
          const proof = await a.sendNotice(req);
          if (lost++ === 0) throw new Error('worker crashed before reporting the completion');
          return proof;
        },
      }),
    };
    await withNgnApplication(options, async (s) => {
      const update = s.handle.executeUpdate(acceptApplication, { args: [{}] });
      update.catch(() => undefined);
      await world.env.sleep('1 minute');
      const view = await update;
      expect(lost).toBe(2);
      expect(mailsTo(s.email)).toHaveLength(1);
      const row = await world.db.notice.findFirstOrThrow({ where: { contractId: s.input.contractId } });
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      expect(view.formedAt).toBe(row.sentAt!.toISOString());
    });
  });
});
