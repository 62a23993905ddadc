/** Announcement lead times (pure): the rule the API checks before starting and the workflow checks again. */
import { describe, expect, test } from 'vitest';
import { announcementLead } from '../../workflows/fanout-messages.js';

describe('announcement lead (clear days: the notice day and the effective day are both excluded)', () => {
  test('TNC-24: abolition announced 2026-04-01 needs 60 clear days → earliest 2026-06-01', () => {
    expect(announcementLead('TNC', 'abolition', '2026-04-01')).toEqual({ leadDays: 60, clause: 'TNC-24', earliest: '2026-06-01' });
  });
  test('NGN-38 (decided: 60 days, as TNC-24): abolition announced 2026-12-31 → earliest 2027-03-02', () => {
    expect(announcementLead('NGN', 'abolition', '2026-12-31')).toEqual({ leadDays: 60, clause: 'NGN-38', earliest: '2027-03-02' });
  });
  test('NGN-2 / TNC-3 (decided: 30 days): terms change announced 2026-04-01 → earliest 2026-05-02', () => {
    expect(announcementLead('NGN', 'terms-change', '2026-04-01')).toEqual({ leadDays: 30, clause: 'NGN-2', earliest: '2026-05-02' });
    expect(announcementLead('TNC', 'terms-change', '2026-04-01')).toEqual({ leadDays: 30, clause: 'TNC-3', earliest: '2026-05-02' });
  });
});
