/**
 * The holiday table a contract is formed on (issue 18, patch accept-calendar-reuse-v1): the table
 * read when the application arrives is kept at the accept while a read would cover the same years,
 * and read again, beside the acceptance notice, when the accept falls in a later JST year. On the
 * time-skipping server, in a file of its own: the tables read here reach Y+5, and
 * @holiday-jp/holiday_jp covers years up to 2050, so these tests must not inherit a clock other
 * files have moved decades ahead.
 */
import { describe, expect, test } from 'vitest';
import { activityOfEvent } from '../../audit/history-facts.js';
import { acceptApplication, getContract, requestCancellation } from '../../workflows/contract-messages.js';
import { tasksAccepting } from '../helpers/history.js';
import { refusalOf } from '../helpers/refusal.js';
import { nextYear, sleepUntil, withApplication, withContract } from '../helpers/timeline.js';
import { corporateCustomer, useWorld } from '../helpers/world.js';

const world = useWorld('time-skipping');

describe('NGN-11 formation and the holiday table (issue 18: accept-calendar-reuse-v1)', () => {
  test('NGN-11: an application of Y-12-25 accepted on (Y+1)-01-06 reads the holiday table again at the accept, beside its notice, and runs on the new years', async () => {
    const Y = await nextYear(world);
    await withApplication(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-12-25`, async (h) => {
      // The application reads the table of the JST year it arrives in: Y-1 … Y+4 (last year,
      // and CALENDAR_YEARS_AHEAD = 4 years ahead). Accepted in Y+1, a read covers Y … Y+5, so
      // the table in hand is not current and the accept reads it again.
      await sleepUntil(world, `${Y + 1}-01-06`);
      const view = await h.executeUpdate(acceptApplication, { args: [{ serviceStartDate: `${Y + 1}-01-06` }] });
      expect(view.status).toBe('active');

      const events = (await h.fetchHistory()).events ?? [];
      const reads = events.filter((e) => activityOfEvent(e) === 'loadCalendar');
      expect(reads).toHaveLength(2); // the application's and the accept's
      // The accept's read is in the workflow task that accepted the update, beside the notice.
      const accepting = tasksAccepting(events, 'acceptApplication');
      expect(accepting.map((t) => t.accepts)).toEqual([1]);
      expect(accepting[0]!.activities).toEqual(expect.arrayContaining(['sendNotice', 'loadCalendar']));

      // It runs on the new table: a cancellation on (Y+5)-06-30 is within it (until (Y+5)-12-31);
      // on the application's table (until (Y+4)-12-31) it would be refused as beyond the calendar.
      const cancelled = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y + 5}-06-30` }] });
      expect(cancelled.endDate).toBe(`${Y + 5}-06-30`);
    });
  });

  test('NGN-11: an accept in the JST year of the application keeps the table read when the application arrived (one read in the history)', async () => {
    const Y = await nextYear(world);
    await withContract(world, 'NGN', 'ngn-vpn-standard', corporateCustomer(), `${Y}-03-02`, async (h) => {
      const events = (await h.fetchHistory()).events ?? [];
      expect(events.filter((e) => activityOfEvent(e) === 'loadCalendar')).toHaveLength(1);
      // Applied and accepted on Y-03-02: the table covers Y-1 … Y+4, so a cancellation in Y+5 is
      // beyond it and refused, and nothing changes.
      const refused = await refusalOf(h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y + 5}-06-30` }] }));
      expect(refused?.type).toBe('InvalidCommand');
      expect(refused?.details?.field).toBe('desiredDate');
      expect(refused?.message).toContain(`beyond the business calendar (until ${Y + 4}-12-31)`);
      expect((await h.query(getContract)).endDate).toBeUndefined();
    });
  });
});
