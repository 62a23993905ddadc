/**
 * Japanese national holidays from `@holiday-jp/holiday_jp` (国民の祝日・振替休日・国民の休日).
 *
 * SIDE-EFFECT LAYER ONLY: the holiday table is package data that can change between releases, so a
 * workflow must never read it directly (a replay could see a different table). Activities call
 * `defaultCalendarData()` once and pass the result into the workflow, where history records it.
 * No other module under rules/ imports this file.
 */
import holidayJp from '@holiday-jp/holiday_jp';
import { YEAR_END_BREAK, type CalendarData, type IsoDate } from './calendar.js';

function coveredYears(): { first: number; last: number } {
  const keys = Object.keys(holidayJp.holidays).sort();
  const first = Number(keys[0]?.slice(0, 4));
  const last = Number(keys[keys.length - 1]?.slice(0, 4));
  return { first, last };
}

/** Holidays in [fromYear, toYear] (inclusive), sorted 'YYYY-MM-DD'. Throws outside the package's data range. */
export function japaneseHolidays(fromYear: number, toYear: number): IsoDate[] {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
    throw new RangeError(`japaneseHolidays: bad year range ${fromYear}..${toYear}`);
  }
  const { first, last } = coveredYears();
  if (fromYear < first || toYear > last) {
    throw new RangeError(`japaneseHolidays: @holiday-jp/holiday_jp covers ${first}..${last}, asked ${fromYear}..${toYear}`);
  }
  return Object.keys(holidayJp.holidays)
    .filter((d) => {
      const y = Number(d.slice(0, 4));
      return y >= fromYear && y <= toYear;
    })
    .sort();
}

/** Holidays for the range plus the year-end break 12/29–1/3 (CLAUSES.md 営業日 convention). */
export function defaultCalendarData(fromYear: number, toYear: number): CalendarData {
  return { holidays: japaneseHolidays(fromYear, toYear), closedMonthDays: [...YEAR_END_BREAK], extraClosedDays: [] };
}
