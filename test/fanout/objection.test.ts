/**
 * TNC-3 on the time-skipping server: a terms change is announced to every TNC contract; the one
 * whose customer objects in writing before the effective date ends on that date, the others move
 * to the change on that date. Dates are anchored to next year (Y) so they lie in the server's future.
 */
import { expect, test } from 'vitest';
import { jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { getContract, objectToTermsChange } from '../../workflows/contract-messages.js';
import { announcementWorkflowId, type AnnouncementProgress, type AnnouncementWorkflowInput } from '../../workflows/fanout-messages.js';
import { useWorld, uniqueId } from '../helpers/world.js';
import { createContracts, openScope, resultInRealTime } from './fixtures.js';

const world = useWorld('time-skipping');

/** Moves the server clock to 10:00 JST on `date` (must be in the future). */
async function sleepUntil(date: string) {
  const now = await world.env.currentTimeMs();
  const target = jstMidnightMs(date) + 10 * 3600_000;
  if (target < now) throw new Error(`sleepUntil(${date}) is in the past`);
  await world.env.sleep(target - now);
}

test('TNC-3: terms change announced Y-03-02 for Y-04-02 (30 clear days); the contract objecting on Y-03-20 ends on Y-04-02, the other two move to the change on Y-04-02', async () => {
  const Y = Number(jstDateOf(await world.env.currentTimeMs()).slice(0, 4)) + 1;
  const scope = await openScope(world);
  try {
    await scope.run(async () => {
      await sleepUntil(`${Y}-03-02`);
      const [a, objector, c] = await createContracts(world, scope, 3, 'TNC');
      const announcementId = uniqueId('tc');
      const input: AnnouncementWorkflowInput = {
        announcementId,
        kind: 'terms-change',
        terms: 'TNC',
        effectiveDate: `${Y}-04-02`,
        newTermsVersion: '2022-07-01',
        summary: '第42条（損害賠償）の改定',
        announcedOn: `${Y}-03-02`,
      };
      const workflowId = announcementWorkflowId(announcementId);
      scope.started.push(workflowId);
      const h = await world.env.client.workflow.start('announcementWorkflow', { taskQueue: scope.taskQueue, workflowId, args: [input] });
      const result = await resultInRealTime<AnnouncementProgress>(world, h);
      expect(result).toMatchObject({ total: 3, done: 3, failed: [], pending: 0 });

      await sleepUntil(`${Y}-03-20`);
      const after = await objector!.executeUpdate(objectToTermsChange, { args: [{ announcementId }] });
      expect([after.endDate, after.endReason]).toEqual([`${Y}-04-02`, 'terms-objection']);

      await sleepUntil(`${Y}-04-04`);
      const ended = await objector!.query(getContract);
      expect([ended.status, ended.endDate, ended.endReason]).toEqual(['ended', `${Y}-04-02`, 'terms-objection']);
      for (const other of [a!, c!]) {
        const v = await other.query(getContract);
        expect(v.status).toBe('active');
        expect(v.endDate).toBeUndefined();
        // Each notice was delivered on 03-02: 30 clear days (03-03 … 04-01) allow 04-02, the announced date.
        expect(v.announcements).toEqual([
          expect.objectContaining({ id: announcementId, kind: 'terms-change', effectiveDate: `${Y}-04-02`, newTermsVersion: '2022-07-01', objected: false, applied: true, ownLead: true, effectiveOn: `${Y}-04-02` }),
        ]);
      }
    });
  } finally {
    await scope.close();
  }
});
