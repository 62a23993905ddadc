/**
 * Announcement fan-out on the Temporal CLI dev server (updates): NGN-38 / TNC-24 abolition and
 * NGN-2 / TNC-3 terms-change notices reach every active contract through its `announce` update,
 * with bounded concurrency, per-contract failure isolation and continue-as-new between pages;
 * the API refuses a lead that is too short and records TNC-3 objections.
 */
import { describe, expect, test } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { addDays, jstDateOf } from '../../rules/calendar.js';
import { getContract } from '../../workflows/contract-messages.js';
import {
  announcementWorkflowId,
  getProgress,
  type AnnouncementProgress,
  type AnnouncementWorkflowInput,
} from '../../workflows/fanout-messages.js';
import { useWorld, uniqueId } from '../helpers/world.js';
import { AUDITOR_KEY, createContracts, eventually, openScope, startApi } from './fixtures.js';

const world = useWorld('dev-server');

const todayJst = () => jstDateOf(Date.now());

describe('announcement fan-out (NGN-38 / TNC-24 abolition, NGN-2 / TNC-3 terms change)', () => {
  test('TNC-24: an abolition reaches 30 TNC contracts in pages of 10 (continue-as-new); the terminated one fails by name, the other 29 get their notice', async () => {
    const scope = await openScope(world);
    try {
      await scope.run(async () => {
        const handles = await createContracts(world, scope, 30, 'TNC');
        const gone = handles[17]!;
        await gone.terminate('test: this contract workflow is no longer running');

        const announcedOn = todayJst();
        const effectiveDate = addDays(announcedOn, 61); // TNC-24: 60 clear days
        const announcementId = uniqueId('ann');
        const input: AnnouncementWorkflowInput = {
          announcementId,
          kind: 'abolition',
          terms: 'TNC',
          effectiveDate,
          summary: 'TNC 光 ホーム 1G の提供を終了します',
          announcedOn,
          pageSize: 10,
          concurrency: 5,
        };
        const workflowId = announcementWorkflowId(announcementId);
        scope.started.push(workflowId);
        const h = await world.env.client.workflow.start('announcementWorkflow', { taskQueue: scope.taskQueue, workflowId, args: [input] });
        const result = (await h.result()) as AnnouncementProgress;

        expect(result).toMatchObject({ total: 30, done: 29, pending: 0, finished: true });
        expect(result.failed).toHaveLength(1);
        expect(result.failed[0]!.contractId).toBe(gone.workflowId);
        expect(result.failed[0]!.error).toMatch(/ContractNotRunning|no running contract workflow/);
        // 30 contracts in pages of 10: runs 1–3 deliver a full page each and continue as new; run 4 lists nothing.
        expect(result.run).toBe(4);
        expect(await h.query(getProgress)).toMatchObject({ total: 30, done: 29, pending: 0, finished: true, run: 4 });

        // The notices: one per reached contract, sent, citing TNC-24; none for the terminated contract.
        // Delivery ends when each contract has accepted the update; each then sends its notice itself.
        const sentNotices = () => scope.db.notice.findMany({ where: { idempotencyKey: { contains: `:announcement:${announcementId}:` }, status: 'sent' } });
        await expect.poll(async () => (await sentNotices()).length, { timeout: 30_000 }).toBe(29);
        const notices = await scope.db.notice.findMany({ where: { idempotencyKey: { contains: `:announcement:${announcementId}:` } } });
        expect(notices).toHaveLength(29);
        expect(notices.every((n) => n.status === 'sent' && n.clauseId === 'TNC-24')).toBe(true);
        expect(notices.map((n) => n.contractId)).not.toContain(gone.workflowId);

        // Each running contract holds the announcement and ends the day before the abolition date.
        for (const c of handles.filter((x) => x !== gone)) {
          const v = await c.query(getContract);
          expect(v.announcements?.map((a) => a.id)).toEqual([announcementId]);
          expect([v.endDate, v.endReason]).toEqual([addDays(effectiveDate, -1), 'abolition']);
        }

        // The workflow id is the announcement: a second start is refused, even after it completed.
        await expect(
          world.env.client.workflow.start('announcementWorkflow', {
            taskQueue: scope.taskQueue,
            workflowId,
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      });
    } finally {
      await scope.close();
    }
  });

  test('TNC-24 / NGN-38 API: abolition 59 clear days ahead is refused with the earliest date, 60 clear days is accepted (202 + Location); same request again → the first answer, same id with another body → 409', async () => {
    const scope = await openScope(world);
    // "Today" for the lead check is the API's injected clock: 2026-04-01 JST.
    const api = await startApi(world, scope, () => new Date('2026-04-01T10:00:00+09:00'));
    try {
      await scope.run(async () => {
        for (const terms of ['TNC', 'NGN'] as const) {
          const clause = terms === 'TNC' ? 'TNC-24' : 'NGN-38';
          const early = await api.call('POST', '/announcements', {
            kind: 'abolition',
            terms,
            effectiveDate: '2026-05-31', // 59 clear days after 2026-04-01
            summary: 'サービス廃止',
          });
          expect(early.status).toBe(422);
          expect(early.json.error).toMatchObject({ code: 'notice_too_late', field: 'effectiveDate', earliest: '2026-06-01', clause });
          expect(early.json.error.message).toContain(clause);

          const id = uniqueId(`abol-${terms.toLowerCase()}`);
          const ok = await api.call('POST', '/announcements', {
            announcementId: id,
            kind: 'abolition',
            terms,
            effectiveDate: '2026-06-01', // 60 clear days
            summary: 'サービス廃止',
          });
          scope.started.push(announcementWorkflowId(id));
          expect(ok.status).toBe(202);
          expect(ok.headers.get('location')).toBe(`/announcements/${id}`);
          expect(ok.json).toMatchObject({ announcementId: id, announcedOn: '2026-04-01', earliest: '2026-06-01' });

          // The same request again is a retry: the first answer, nothing started twice (issue 15).
          const retry = await api.call('POST', '/announcements', {
            announcementId: id,
            kind: 'abolition',
            terms,
            effectiveDate: '2026-06-01',
            summary: 'サービス廃止',
          });
          expect(retry.status).toBe(202);
          expect(retry.json).toEqual(ok.json);
          // Another announcement under the same id is refused.
          const again = await api.call('POST', '/announcements', {
            announcementId: id,
            kind: 'abolition',
            terms,
            effectiveDate: '2026-06-02',
            summary: 'サービス廃止（別の日）',
          });
          expect(again.status).toBe(409);
          expect(again.json.error).toMatchObject({ code: 'already_exists', field: 'announcementId' });

          // No contracts in this scope's database: the run finishes at once with nothing to reach.
          const progress = await eventually(
            () => api.call('GET', `/announcements/${id}`, undefined, AUDITOR_KEY),
            (r) => r.json.status === 'COMPLETED',
          );
          expect(progress.json).toMatchObject({ announcementId: id, total: 0, done: 0, failed: [], pending: 0, finished: true });
        }
      });
    } finally {
      await api.close();
      await scope.close();
    }
  });

  test('NGN-2 / TNC-3 API: a terms change needs 30 clear days (29 refused); an unknown newTermsVersion is refused by field; an unknown announcement is 404', async () => {
    const scope = await openScope(world);
    const api = await startApi(world, scope, () => new Date('2026-04-01T10:00:00+09:00'));
    try {
      const early = await api.call('POST', '/announcements', {
        kind: 'terms-change',
        terms: 'TNC',
        effectiveDate: '2026-05-01', // 29 clear days after 2026-04-01
        newTermsVersion: '2022-07-01',
        summary: '約款改定',
      });
      expect(early.status).toBe(422);
      expect(early.json.error).toMatchObject({ code: 'notice_too_late', field: 'effectiveDate', earliest: '2026-05-02', clause: 'TNC-3' });

      const unknown = await api.call('POST', '/announcements', {
        kind: 'terms-change',
        terms: 'NGN',
        effectiveDate: '2026-06-01',
        newTermsVersion: '2099-01-01',
        summary: '約款改定',
      });
      expect(unknown.status).toBe(422);
      expect(unknown.json.error).toMatchObject({ code: 'unknown_terms_version', field: 'newTermsVersion', known: '2020-02-01' });

      const missing = await api.call('GET', '/announcements/no-such-announcement');
      expect(missing.status).toBe(404);
      const customer = await api.call('POST', '/announcements', { kind: 'abolition', terms: 'TNC', effectiveDate: '2026-06-01', summary: 'x' }, AUDITOR_KEY);
      expect(customer.status).toBe(403);
    } finally {
      await api.close();
      await scope.close();
    }
  });

  test('TNC-3: after a terms-change announcement through the API, a contract that objects before the effective date ends on that date; a second objection is refused', async () => {
    const scope = await openScope(world);
    const api = await startApi(world, scope); // real clock: the contract checks the objection against workflow time
    try {
      await scope.run(async () => {
        const handles = await createContracts(world, scope, 3, 'TNC');
        const announcedOn = todayJst();
        const effectiveDate = addDays(announcedOn, 31); // 30 clear days (TNC-3, decided)
        const id = uniqueId('tc');
        const started = await api.call('POST', '/announcements', {
          announcementId: id,
          kind: 'terms-change',
          terms: 'TNC',
          effectiveDate,
          newTermsVersion: '2022-07-01',
          summary: '第42条の改定',
        });
        expect(started.status).toBe(202);
        scope.started.push(announcementWorkflowId(id));
        const done = await eventually(
          () => api.call('GET', `/announcements/${id}`),
          (r) => r.json.status === 'COMPLETED',
        );
        expect(done.json).toMatchObject({ total: 3, done: 3, failed: [], pending: 0 });

        const objector = handles[1]!;
        // The fan-out is done when each contract accepted the update; the notice follows from there.
        await expect.poll(async () => (await objector.query(getContract)).announcements?.[0]?.noticeSentAt, { timeout: 30_000 }).toBeDefined();
        const objected = await api.call('POST', `/contracts/${objector.workflowId}/objections`, { announcementId: id });
        expect(objected.status).toBe(200);
        expect(objected.json).toMatchObject({ status: 'active', endDate: effectiveDate, endReason: 'terms-objection' });
        // Its notice was delivered today, 31 days ahead: its own effective date is the announced one.
        expect(objected.json.announcements).toEqual([
          expect.objectContaining({ id, kind: 'terms-change', effectiveDate, newTermsVersion: '2022-07-01', objected: true, applied: false, ownLead: true, effectiveOn: effectiveDate }),
        ]);

        // The same request again is a retry: the first outcome. A second objection under a key of its own is refused.
        const retried = await api.call('POST', `/contracts/${objector.workflowId}/objections`, { announcementId: id });
        expect(retried.status).toBe(200);
        expect(retried.json).toEqual(objected.json);
        const twice = await api.call('POST', `/contracts/${objector.workflowId}/objections`, { announcementId: id }, undefined, 'second-objection-01');
        expect(twice.status).toBe(409);
        const wrong = await api.call('POST', `/contracts/${handles[0]!.workflowId}/objections`, { announcementId: 'no-such-change' });
        expect(wrong.status).toBe(422);
        expect(wrong.json.error.field).toBe('announcementId');

        // The others keep running under the change: no end date, the change still to apply.
        for (const other of [handles[0]!, handles[2]!]) {
          const v = await other.query(getContract);
          expect(v.endDate).toBeUndefined();
          expect(v.announcements?.[0]).toMatchObject({ id, objected: false, applied: false });
        }
      });
    } finally {
      await api.close();
      await scope.close();
    }
  });

  test('NGN-2: a terms change reaches every NGN contract; the one whose notice failed is listed for ops, keeps its terms, and takes the change from its own delivered notice once resent', async () => {
    const scope = await openScope(world);
    const api = await startApi(world, scope);
    let failFor: string | undefined;
    try {
      const worker = await world.worker(scope.taskQueue, {
        db: scope.db,
        wrapActivities: (a) => ({
          ...a,
          async sendNotice(req) {
            if (req.contractId === failFor && req.kind === 'terms-change') {
              throw ApplicationFailure.create({ type: 'SmtpPermanentFailure', nonRetryable: true, message: '550 5.1.1 mailbox unavailable' });
            }
            return a.sendNotice(req);
          },
        }),
      });
      await worker.runUntil(async () => {
        const handles = await createContracts(world, scope, 3, 'NGN');
        failFor = handles[2]!.workflowId;
        const announcedOn = todayJst();
        const effectiveDate = addDays(announcedOn, 31); // NGN-2 (decided 30 days), counted in clear days
        const id = uniqueId('ngn2');
        const started = await api.call('POST', '/announcements', { announcementId: id, kind: 'terms-change', terms: 'NGN', effectiveDate, newTermsVersion: '2020-02-01', summary: '第19条（料金の支払方法）の改定' });
        expect(started.status).toBe(202);
        scope.started.push(announcementWorkflowId(id));
        await eventually(() => api.call('GET', `/announcements/${id}`), (r) => r.json.status === 'COMPLETED');
        const notices = () => scope.db.notice.findMany({ where: { idempotencyKey: { contains: `:announcement:${id}:` } } });
        await expect.poll(async () => (await notices()).filter((n) => n.status !== 'pending').length, { timeout: 30_000 }).toBe(3);
        const byContract = new Map((await notices()).map((n) => [n.contractId, n]));
        expect(byContract.get(handles[0]!.workflowId)).toMatchObject({ status: 'sent', clauseId: 'NGN-2' });
        expect(byContract.get(failFor)).toMatchObject({ status: 'failed' });

        // Ops see the contract the change does not reach on the announced date.
        const late = await api.call('GET', `/announcements/${id}/late`, undefined, AUDITOR_KEY);
        expect(late.status).toBe(200);
        expect(late.json).toMatchObject({ announcementId: id, kind: 'terms-change', terms: 'NGN', effectiveDate, contracts: [{ contractId: failFor, notice: 'failed', effectiveOn: null }] });
        const pending = await handles[2]!.query(getContract);
        expect(pending.announcements?.[0]).toMatchObject({ id, ownLead: true, applied: false });
        expect(pending.announcements?.[0]?.effectiveOn).toBeUndefined();
        expect((await handles[0]!.query(getContract)).announcements?.[0]).toMatchObject({ effectiveOn: effectiveDate });

        // Delivery works again; ops resend. Delivered today, its own lead allows the announced date.
        failFor = undefined;
        const resent = await api.call('POST', `/contracts/${handles[2]!.workflowId}/announcements/${id}/resend`, {});
        expect(resent).toMatchObject({ status: 200, json: { noticeSent: true, effectiveOn: effectiveDate } });
        const after = await api.call('GET', `/announcements/${id}/late`, undefined, AUDITOR_KEY);
        expect(after.json.contracts).toEqual([]);
      });
    } finally {
      await api.close();
      await scope.close();
    }
  });
});
