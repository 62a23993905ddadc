import { describe, expect, it } from 'vitest';
import {
  BusinessCalendar,
  JST_OFFSET_MS,
  YEAR_END_BREAK,
  addDays,
  addMonthsClamped,
  dayCountedPeriod,
  dayOfWeek,
  daysBetween,
  earliestDateAfterNotice,
  endOfMonth,
  firstOfNextMonth,
  isValidIsoDate,
  jstDateOf,
  jstMidnightIso,
  jstMidnightMs,
  latestCancellationNoticeDay,
  minimumTerm,
  monthKey,
  monthsBetween,
  nonRenewalDeadline,
  startOfMonth,
  toEpochMs,
  toJstIso,
} from '../../rules/calendar.js';
import { defaultCalendarData, japaneseHolidays } from '../../rules/holidays-jp.js';

const cal = new BusinessCalendar(defaultCalendarData(2024, 2030));

describe('calendar: JST instants and dates', () => {
  it.each([
    ['2025-04-01T10:00+09:00', '2025-04-01'],
    ['2025-03-31T15:00:00Z', '2025-04-01'], // 00:00 JST
    ['2025-03-31T14:59:59.999Z', '2025-03-31'],
    ['2025-04-01', '2025-04-01'],
  ])('jstDateOf(%s) = %s', (instant, date) => {
    expect(jstDateOf(instant)).toBe(date);
  });

  it('jstDateOf accepts epoch ms', () => {
    expect(jstDateOf(Date.UTC(2025, 11, 31, 15, 0))).toBe('2026-01-01');
    expect(jstDateOf(Date.UTC(2025, 11, 31, 14, 59))).toBe('2025-12-31');
  });

  it('refuses instants without an offset (they would be read in the host zone)', () => {
    expect(() => jstDateOf('2025-04-01T10:00')).toThrow(RangeError);
    expect(() => jstDateOf('yesterday')).toThrow(RangeError);
    expect(() => jstDateOf(Number.NaN)).toThrow(RangeError);
  });

  it('jstMidnightMs / jstMidnightIso / toJstIso', () => {
    expect(JST_OFFSET_MS).toBe(32_400_000);
    expect(jstMidnightMs('2025-04-12')).toBe(Date.parse('2025-04-12T00:00:00+09:00'));
    expect(jstMidnightMs('2025-04-12')).toBe(Date.UTC(2025, 3, 11, 15, 0));
    expect(jstMidnightIso('2025-04-12')).toBe('2025-04-12T00:00:00+09:00');
    expect(toJstIso(jstMidnightMs('2025-04-12'))).toBe('2025-04-12T00:00:00.000+09:00');
    expect(toEpochMs('2025-04-12')).toBe(jstMidnightMs('2025-04-12'));
    expect(toEpochMs('2025-04-12T09:30+09:00')).toBe(Date.UTC(2025, 3, 12, 0, 30));
  });
});

describe('calendar: date arithmetic', () => {
  it.each([
    ['2025-12-31', 1, '2026-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2025-01-01', 365, '2026-01-01'],
  ])('addDays(%s, %i) = %s', (d, n, out) => expect(addDays(d, n)).toBe(out));

  it.each([
    ['2026-03-31', -1, '2026-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-10-31', 2, '2025-12-31'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2025-05-15', -17, '2023-12-15'],
    ['2025-05-15', 0, '2025-05-15'],
  ])('addMonthsClamped(%s, %i) = %s', (d, n, out) => expect(addMonthsClamped(d, n)).toBe(out));

  it('month helpers', () => {
    expect(startOfMonth('2025-02-17')).toBe('2025-02-01');
    expect(endOfMonth('2024-02-17')).toBe('2024-02-29');
    expect(endOfMonth('2025-02-17')).toBe('2025-02-28');
    expect(firstOfNextMonth('2025-12-31')).toBe('2026-01-01');
    expect(firstOfNextMonth('2025-01-31')).toBe('2025-02-01');
    expect(monthKey('2025-07-09')).toBe('2025-07');
    expect(monthsBetween('2026-02-28', '2026-06-30')).toBe(4);
    expect(daysBetween('2025-04-01', '2025-05-01')).toBe(30);
    expect(daysBetween('2025-05-01', '2025-04-01')).toBe(-30);
    expect(dayOfWeek('2026-04-27')).toBe(1); // Monday
  });

  it.each([
    ['2025-02-29', false],
    ['2024-02-29', true],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['2025-04-31', false],
    ['2025-04-30', true],
    ['', false],
  ])('isValidIsoDate(%s) = %s', (s, ok) => expect(isValidIsoDate(s)).toBe(ok));
});

describe('calendar: 営業日 (business days)', () => {
  it('holiday data includes substitute holidays and GW 2026', () => {
    const h = japaneseHolidays(2026, 2026);
    expect(h).toEqual(expect.arrayContaining(['2026-04-29', '2026-05-03', '2026-05-04', '2026-05-05', '2026-05-06']));
    expect(YEAR_END_BREAK).toEqual(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);
  });

  it.each([
    ['2026-04-27', true], // Mon
    ['2026-04-29', false], // 昭和の日
    ['2026-05-06', false], // 振替休日
    ['2026-05-09', false], // Sat
    ['2026-05-10', false], // Sun
    ['2025-12-29', false], // year-end break (Mon)
    ['2026-01-02', false], // year-end break (Fri)
    ['2026-01-05', true],
    ['2025-12-26', true],
  ])('isBusinessDay(%s) = %s', (d, ok) => expect(cal.isBusinessDay(d)).toBe(ok));

  it.each([
    ['2025-12-26', 1, '2026-01-05'],
    ['2026-01-05', -1, '2025-12-26'],
    ['2026-05-08', -5, '2026-04-27'],
    ['2026-04-28', 2, '2026-05-01'],
    ['2026-05-02', 1, '2026-05-07'],
    ['2026-05-02', 0, '2026-05-02'],
  ])('addBusinessDays(%s, %i) = %s', (d, n, out) => expect(cal.addBusinessDays(d, n)).toBe(out));

  it('nextBusinessDayOnOrAfter / previousBusinessDayOnOrBefore', () => {
    expect(cal.nextBusinessDayOnOrAfter('2026-05-02')).toBe('2026-05-07');
    expect(cal.nextBusinessDayOnOrAfter('2026-05-07')).toBe('2026-05-07');
    expect(cal.previousBusinessDayOnOrBefore('2026-05-06')).toBe('2026-05-01');
  });

  it('extraClosedDays are honoured', () => {
    const c = new BusinessCalendar({ ...defaultCalendarData(2026, 2026), extraClosedDays: ['2026-04-28'] });
    expect(c.isBusinessDay('2026-04-28')).toBe(false);
    expect(c.addBusinessDays('2026-05-08', -5)).toBe('2026-04-24');
  });
});

describe('民法 第140–143条 dayCountedPeriod (NGN-25 cure window)', () => {
  it('violation 2025-04-01T10:00+09:00, 10 days → through 04-11, measures from 04-12 00:00 JST', () => {
    const p = dayCountedPeriod('2025-04-01T10:00+09:00', 10);
    expect(p.lastDay).toBe('2025-04-11');
    expect(p.endsAtMs).toBe(Date.parse('2025-04-12T00:00+09:00'));
  });
  it('a period starting exactly at 00:00 JST counts its first day (第140条 ただし書)', () => {
    const p = dayCountedPeriod('2025-04-01T00:00+09:00', 10);
    expect(p.lastDay).toBe('2025-04-10');
    expect(p.endsAtMs).toBe(Date.parse('2025-04-11T00:00+09:00'));
  });
  it('epoch ms input and bare date (event during that day) input', () => {
    expect(dayCountedPeriod(Date.parse('2025-04-01T23:59:59+09:00'), 10).lastDay).toBe('2025-04-11');
    expect(dayCountedPeriod('2025-04-01', 10).lastDay).toBe('2025-04-11');
    expect(dayCountedPeriod('2025-12-25T12:00+09:00', 14).endsAtMs).toBe(Date.parse('2026-01-09T00:00+09:00'));
  });
});

describe('NGN-17 minimum term from the month after service start', () => {
  it.each([
    ['2025-03-15', 12, '2025-04-01', '2026-03-31'],
    ['2025-06-20', 12, '2025-07-01', '2026-06-30'],
    ['2025-03-01', 12, '2025-04-01', '2026-03-31'],
    ['2025-12-31', 12, '2026-01-01', '2026-12-31'],
    ['2024-01-10', 1, '2024-02-01', '2024-02-29'],
  ])('service start %s, %i months → %s … %s', (s, m, start, end) => {
    expect(minimumTerm(s, m)).toEqual({ start, end });
  });
});

describe('NGN-39 non-renewal deadline (1 month before the expiry instant, 24:00 of the last day)', () => {
  // Expiry = 00:00 JST of the day after the period end; one month before it; the deadline is the
  // last day ending on or before that instant (CLAUSES.md NGN-39, revised 2026-12-01):
  // 09-30 → 10-01 → 09-01 → 08-31; 06-30 → 07-01 → 06-01 → 05-31; 03-31 → 04-01 → 03-01 → 02-28/29.
  it.each([
    ['2026-03-31', 1, '2026-02-28'],
    ['2028-03-31', 1, '2028-02-29'],
    ['2026-06-30', 1, '2026-05-31'],
    ['2026-09-30', 1, '2026-08-31'],
    ['2026-12-31', 1, '2026-11-30'],
  ])('period end %s, %i month → %s', (end, lead, out) => expect(nonRenewalDeadline(end, lead)).toBe(out));
});

describe('NGN-41 latest cancellation notice day (1 month and 5 business days)', () => {
  it('desired 2026-06-08 → 2026-05-08 → 2026-04-27 (GW, 昭和の日, 5/6 振替休日 skipped)', () => {
    expect(latestCancellationNoticeDay(cal, '2026-06-08', 1, 5)).toBe('2026-04-27');
  });
  it.each([
    ['2026-03-31', '2026-02-20'], // 02-28 (Sat) → back 5: 27,26,25,24,20 (02-23 天皇誕生日)
    ['2026-02-05', '2025-12-22'], // 01-05 → back over the year-end break (12-29–01-03 closed): 26,25,24,23,22
    ['2025-12-15', '2025-11-10'], // 11-15 (Sat) → 14,13,12,11,10
  ])('desired %s → %s', (desired, out) => {
    expect(latestCancellationNoticeDay(cal, desired, 1, 5)).toBe(out);
  });
  it('leadBusinessDays 0 falls back to a business day on or before', () => {
    expect(latestCancellationNoticeDay(cal, '2026-06-06', 1, 0)).toBe('2026-05-01');
  });
});

describe('TNC-24 / NGN-38 earliest abolition date after notice (60 clear days)', () => {
  it.each([
    ['2025-04-01', 60, '2025-06-01'],
    ['2025-12-31', 60, '2026-03-02'],
    ['2025-04-01', 0, '2025-04-02'],
  ])('notice %s, %i days → %s', (n, d, out) => expect(earliestDateAfterNotice(n, d)).toBe(out));
  it('exactly 60 whole days lie strictly between notice and abolition', () => {
    expect(daysBetween('2025-04-01', earliestDateAfterNotice('2025-04-01', 60)) - 1).toBe(60);
  });
});
