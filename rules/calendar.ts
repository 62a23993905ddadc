/**
 * Asia/Tokyo calendar arithmetic for the 約款 rules.
 *
 * Pure and deterministic: no clock reads, no I/O, no randomness. Safe to import from Temporal
 * workflow code. Holiday data is passed in (`CalendarData`); the side-effect layer builds it with
 * `rules/holidays-jp.ts`.
 *
 * Asia/Tokyo has a fixed +09:00 offset and no DST, so a JST calendar date is the UTC calendar date
 * of (instant + 9h). Dates are `'YYYY-MM-DD'` strings; internally they become "epoch days"
 * (days since 1970-01-01) so that every step is integer arithmetic.
 */

/** A JST calendar date, `'YYYY-MM-DD'`. */
export type IsoDate = string;

export const JST_OFFSET_MS = 9 * 3600_000;
export const DAY_MS = 86_400_000;

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO instant with an explicit offset (or Z). Offset-less date-times are refused: they would be read in the host's zone. */
const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number; // 1..31
}

function daysInMonthOf(y: number, m: number): number {
  // Day 0 of the next month is the last day of month m. Date.UTC is a pure function.
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function parse(date: IsoDate): Ymd {
  const m = ISO_DATE_RE.exec(date);
  if (!m) throw new RangeError(`Not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonthOf(y, mo)) {
    throw new RangeError(`Not a calendar date: ${date}`);
  }
  return { y, m: mo, d };
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function format(y: number, m: number, d: number): IsoDate {
  if (y < 0 || y > 9999) throw new RangeError(`Year out of range: ${y}`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function toEpochDay(date: IsoDate): number {
  const { y, m, d } = parse(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromEpochDay(day: number): IsoDate {
  const dt = new Date(day * DAY_MS);
  return format(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}

export function isValidIsoDate(s: string): boolean {
  if (typeof s !== 'string') return false;
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
}

function instantToMs(instant: string | number): number {
  if (typeof instant === 'number') {
    if (!Number.isFinite(instant)) throw new RangeError(`Not a finite epoch ms: ${instant}`);
    return instant;
  }
  if (!ISO_INSTANT_RE.test(instant)) {
    throw new RangeError(`Not an ISO instant with offset (e.g. 2025-04-01T10:00+09:00): ${JSON.stringify(instant)}`);
  }
  const ms = Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`Unparseable instant: ${instant}`);
  return ms;
}

/** Epoch ms of an instant given as ISO string (with offset) or epoch ms. A bare 'YYYY-MM-DD' means 00:00 JST of that day. */
export function toEpochMs(instant: string | number): number {
  if (typeof instant === 'string' && ISO_DATE_RE.test(instant)) return jstMidnightMs(instant);
  return instantToMs(instant);
}

/** The JST calendar date of an instant. A bare 'YYYY-MM-DD' is returned unchanged (validated). */
export function jstDateOf(instant: string | number): IsoDate {
  if (typeof instant === 'string' && ISO_DATE_RE.test(instant)) {
    parse(instant);
    return instant;
  }
  const ms = instantToMs(instant);
  return fromEpochDay(Math.floor((ms + JST_OFFSET_MS) / DAY_MS));
}

/** Epoch ms of `date` 00:00 JST. */
export function jstMidnightMs(date: IsoDate): number {
  return toEpochDay(date) * DAY_MS - JST_OFFSET_MS;
}

/** `'YYYY-MM-DDT00:00:00+09:00'`. */
export function jstMidnightIso(date: IsoDate): string {
  parse(date);
  return `${date}T00:00:00+09:00`;
}

/** Epoch ms as an ISO string in JST, e.g. '2025-04-12T00:00:00.000+09:00'. */
export function toJstIso(ms: number): string {
  const shifted = new Date(ms + JST_OFFSET_MS).toISOString(); // '...Z' but wall-clock JST
  return `${shifted.slice(0, -1)}+09:00`;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return fromEpochDay(toEpochDay(date) + n);
}

/**
 * Add calendar months; when the target month is shorter the day is clamped to its last day
 * (民法 第143条2項 ただし書: no corresponding day → last day of that month).
 * 2026-03-31 −1 → 2026-02-28; 2024-01-31 +1 → 2024-02-29.
 */
export function addMonthsClamped(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`addMonthsClamped: n must be an integer, got ${n}`);
  const { y, m, d } = parse(date);
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12);
  const nm = idx - ny * 12 + 1;
  return format(ny, nm, Math.min(d, daysInMonthOf(ny, nm)));
}

export function startOfMonth(date: IsoDate): IsoDate {
  const { y, m } = parse(date);
  return format(y, m, 1);
}

export function endOfMonth(date: IsoDate): IsoDate {
  const { y, m } = parse(date);
  return format(y, m, daysInMonthOf(y, m));
}

export function firstOfNextMonth(date: IsoDate): IsoDate {
  return addMonthsClamped(startOfMonth(date), 1);
}

/** Number of days in the month containing `date`. */
export function daysInMonth(date: IsoDate): number {
  const { y, m } = parse(date);
  return daysInMonthOf(y, m);
}

/** `to − from` in days (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** 'YYYY-MM'. */
export function monthKey(date: IsoDate): string {
  parse(date);
  return date.slice(0, 7);
}

/** Months from the month of `from` to the month of `to` (calendar-month index difference). */
export function monthsBetween(from: IsoDate, to: IsoDate): number {
  const a = parse(from);
  const b = parse(to);
  return b.y * 12 + b.m - (a.y * 12 + a.m);
}

// ---------------------------------------------------------------------------------------------
// Business days (営業日)
// ---------------------------------------------------------------------------------------------

export interface CalendarData {
  /** National holidays and substitute holidays (国民の祝日・振替休日・国民の休日), 'YYYY-MM-DD'. */
  holidays: IsoDate[];
  /** Days closed every year, 'MM-DD' (e.g. the year-end break 12-29 … 01-03). */
  closedMonthDays: string[];
  /** One-off closures, 'YYYY-MM-DD'. */
  extraClosedDays?: IsoDate[];
}

/** 年末年始 (12/29–1/3): not a business day under either 約款's 営業日 convention (CLAUSES.md). */
export const YEAR_END_BREAK: string[] = ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'];

/** Guard against calendar data that closes (almost) every day. */
const MAX_CLOSED_RUN = 3660;

export class BusinessCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly closedMonthDays: ReadonlySet<string>;
  private readonly extraClosed: ReadonlySet<string>;

  constructor(data: CalendarData) {
    for (const h of data.holidays) parse(h);
    for (const md of data.closedMonthDays) {
      if (!/^\d{2}-\d{2}$/.test(md)) throw new RangeError(`closedMonthDays entries are 'MM-DD', got ${JSON.stringify(md)}`);
    }
    for (const x of data.extraClosedDays ?? []) parse(x);
    this.holidays = new Set(data.holidays);
    this.closedMonthDays = new Set(data.closedMonthDays);
    this.extraClosed = new Set(data.extraClosedDays ?? []);
  }

  /** Not Saturday/Sunday, not a holiday, not a closed month-day, not an extra closed day. */
  isBusinessDay(date: IsoDate): boolean {
    const dow = dayOfWeek(date);
    if (dow === 0 || dow === 6) return false;
    if (this.holidays.has(date)) return false;
    if (this.closedMonthDays.has(date.slice(5))) return false;
    if (this.extraClosed.has(date)) return false;
    return true;
  }

  /**
   * Move `n` business days away from `date`, counting only business days strictly after
   * (n > 0) or strictly before (n < 0) `date`. `date` itself need not be a business day.
   * n = 0 returns `date` unchanged.
   */
  addBusinessDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n)) throw new RangeError(`addBusinessDays: n must be an integer, got ${n}`);
    const step = n >= 0 ? 1 : -1;
    let remaining = Math.abs(n);
    let day = toEpochDay(date);
    let run = 0;
    while (remaining > 0) {
      day += step;
      if (this.isBusinessDay(fromEpochDay(day))) {
        remaining--;
        run = 0;
      } else if (++run > MAX_CLOSED_RUN) {
        throw new RangeError('Calendar data closes every day; no business day found');
      }
    }
    return fromEpochDay(day);
  }

  nextBusinessDayOnOrAfter(date: IsoDate): IsoDate {
    return this.isBusinessDay(date) ? date : this.addBusinessDays(date, 1);
  }

  previousBusinessDayOnOrBefore(date: IsoDate): IsoDate {
    return this.isBusinessDay(date) ? date : this.addBusinessDays(date, -1);
  }
}

// ---------------------------------------------------------------------------------------------
// Periods and deadlines
// ---------------------------------------------------------------------------------------------

/**
 * A period of `days` days under 民法 第140–143条.
 *
 * - 第140条 初日不算入: the first day is not counted unless the period starts exactly at 00:00 JST.
 * - 第141条: the period ends at the end (24:00 JST) of its last day → `endsAtMs` = next day 00:00 JST.
 *
 * `start` is an instant (ISO string with offset, or epoch ms). A bare 'YYYY-MM-DD' means "an event
 * during that day" (time unknown), so that day is not counted — the reading CLAUSES.md uses for the
 * NGN-25 cure window ("10 days after a violation on 04-01 runs through 04-11").
 *
 * Example: violation 2025-04-01T10:00+09:00, 10 days → lastDay 2025-04-11,
 * endsAtMs = 2025-04-12T00:00+09:00.
 */
export function dayCountedPeriod(start: string | number, days: number): { lastDay: IsoDate; endsAtMs: number } {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`dayCountedPeriod: days must be a positive integer, got ${days}`);
  let firstCounted: IsoDate;
  if (typeof start === 'string' && ISO_DATE_RE.test(start)) {
    firstCounted = addDays(start, 1);
  } else {
    const ms = instantToMs(start);
    const day = jstDateOf(ms);
    firstCounted = ms === jstMidnightMs(day) ? day : addDays(day, 1);
  }
  const lastDay = addDays(firstCounted, days - 1);
  return { lastDay, endsAtMs: jstMidnightMs(addDays(lastDay, 1)) };
}

/**
 * NGN-17: the minimum term is counted from the 1st of the month after the service start date
 * (サービス利用開始日の翌月から起算) and lasts `months` months.
 * 2025-03-15, 12 → 2025-04-01 … 2026-03-31; 2025-06-20 → 2025-07-01 … 2026-06-30.
 * A start on the 1st still counts from the next month (the text says 翌月 without exception).
 */
export function minimumTerm(serviceStart: IsoDate, months: number): { start: IsoDate; end: IsoDate } {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`minimumTerm: months must be a positive integer, got ${months}`);
  const start = firstOfNextMonth(serviceStart);
  const end = addDays(addMonthsClamped(start, months), -1);
  return { start, end };
}

/**
 * NGN-39: a written non-renewal notice must arrive at least `leadMonths` month(s) before expiry
 * (利用期間満了の１ヶ月前までに). Read from the expiry instant, 24:00 JST of the period's last day
 * (民法 第141条): `leadMonths` calendar months before that instant (day clamped) is 00:00 of some
 * day, and the deadline is the last whole day ending on or before it. The reading in the
 * customer's favour (CLAUSES.md revised 2026-12-01):
 *   period ending 2026-09-30 → expiry 10-01 00:00 → 09-01 00:00 → deadline 2026-08-31;
 *   2026-03-31 → 02-28; 2026-06-30 → 05-31; 2026-12-31 → 11-30; 2028-03-31 → 2028-02-29.
 * (The earlier "last day − 1 month, clamped" gave 08-30 for 09-30, one day stricter than the text.)
 */
export function nonRenewalDeadline(periodEnd: IsoDate, leadMonths: number): IsoDate {
  if (!Number.isInteger(leadMonths) || leadMonths < 0) throw new RangeError(`nonRenewalDeadline: leadMonths must be ≥ 0, got ${leadMonths}`);
  const expiry = addDays(periodEnd, 1);
  return addDays(addMonthsClamped(expiry, -leadMonths), -1);
}

/**
 * NGN-41: cancellation by form at least 1 month and 5 business days (1ヶ月と5営業日) before the
 * desired date. Latest notice day = (desired − `leadMonths` calendar months, day clamped), then back
 * `leadBusinessDays` business days (counting business days strictly before that day).
 * Example: desired 2026-06-08 → 2026-05-08 → 2026-04-27 (5/6 振替休日, 5/3–5/5, 4/29 昭和の日 skipped).
 * With leadBusinessDays = 0 the result is moved back to a business day on or before.
 */
export function latestCancellationNoticeDay(
  cal: BusinessCalendar,
  desired: IsoDate,
  leadMonths: number,
  leadBusinessDays: number,
): IsoDate {
  if (!Number.isInteger(leadBusinessDays) || leadBusinessDays < 0) {
    throw new RangeError(`latestCancellationNoticeDay: leadBusinessDays must be ≥ 0, got ${leadBusinessDays}`);
  }
  if (!Number.isInteger(leadMonths) || leadMonths < 0) {
    throw new RangeError(`latestCancellationNoticeDay: leadMonths must be ≥ 0, got ${leadMonths}`);
  }
  const monthBack = addMonthsClamped(desired, -leadMonths);
  return leadBusinessDays === 0 ? cal.previousBusinessDayOnOrBefore(monthBack) : cal.addBusinessDays(monthBack, -leadBusinessDays);
}

/**
 * TNC-24 (and NGN-38 by the catalog's decision): notice must be given "at least `leadDays` days
 * before" the day the service is suspended/abolished (休止または廃止される日の60日前までに).
 *
 * Which day counts: neither the notice day (民法 第140条, 初日不算入) nor the abolition day is
 * part of the lead; `leadDays` whole days must lie strictly between them (中60日, the reading
 * used for "…日前までに" deadlines such as 会社法 第299条). The returned date is the first day on
 * which the service may be unavailable; the last day of service may be `notice + leadDays`.
 * Example: notice 2025-04-01, 60 → 2025-06-01 (04-02 … 05-31 are the 60 clear days).
 * This is the conservative side: it is never earlier than a literal "notice + 60".
 */
export function earliestDateAfterNotice(noticeDate: IsoDate, leadDays: number): IsoDate {
  if (!Number.isInteger(leadDays) || leadDays < 0) throw new RangeError(`earliestDateAfterNotice: leadDays must be ≥ 0, got ${leadDays}`);
  return addDays(noticeDate, leadDays + 1);
}
