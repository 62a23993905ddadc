/**
 * Formatting for Japanese notices (pure: no I/O, no clock). Dates are Asia/Tokyo calendar dates
 * ('YYYY-MM-DD') or instants (ISO strings), shown in 和暦 with the ISO form beside them so both a
 * reader and a machine can check them; yen with thousands separators.
 */
import { jstDateOf, toEpochMs, toJstIso } from '../rules/calendar.js';

export type IsoDate = string;

/** 2026-04-27 -> 2026年4月27日 (西暦). */
export function jaDate(date: IsoDate): string {
  const [y, m, d] = splitDate(date);
  return `${y}年${m}月${d}日`;
}

/**
 * Japanese eras from their first day (改元日). A date on or after `from` belongs to the era; year 1
 * is written 元年 as in official documents (令和元年5月1日).
 */
const ERAS: readonly { name: string; from: IsoDate }[] = [
  { name: '令和', from: '2019-05-01' },
  { name: '平成', from: '1989-01-08' },
  { name: '昭和', from: '1926-12-25' },
];

/** 2026-04-27 -> 令和8年4月27日; 2019-05-01 -> 令和元年5月1日; 2019-04-30 -> 平成31年4月30日. */
export function warekiDate(date: IsoDate): string {
  const [y, m, d] = splitDate(date);
  const era = ERAS.find((e) => date >= e.from);
  if (!era) throw new RangeError(`warekiDate: ${date} is before 昭和 (1926-12-25)`);
  const n = y - Number(era.from.slice(0, 4)) + 1;
  return `${era.name}${n === 1 ? '元' : n}年${m}月${d}日`;
}

/** 2026-04-27 -> 令和8年4月27日（2026-04-27）: 和暦 for the reader, ISO for the record. */
export function dateJa(date: IsoDate): string {
  return `${warekiDate(date)}（${date}）`;
}

/**
 * An instant in Asia/Tokyo: '2026-04-27T01:15:00Z' -> 令和8年4月27日 10時15分（2026-04-27T10:15+09:00）.
 */
export function instantJa(instant: string): string {
  const ms = toEpochMs(instant);
  const jst = toJstIso(ms); // YYYY-MM-DDTHH:mm:ss(.sss)+09:00
  const day = jstDateOf(ms);
  const hh = Number(jst.slice(11, 13));
  const mm = jst.slice(14, 16);
  return `${warekiDate(day)} ${hh}時${mm}分（${jst.slice(0, 16)}+09:00）`;
}

/**
 * Yen with separators: '12345' -> 12,345円, '-500' -> -500円, '1234.5' -> 1,234.5円.
 * The amount is a decimal string (rules/money.ts keeps money exact); nothing is rounded here.
 */
export function jaYen(amount: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(amount)) throw new RangeError(`jaYen: not a decimal amount: ${JSON.stringify(amount)}`);
  const negative = amount.startsWith('-');
  const digits = negative ? amount.slice(1) : amount;
  const [int, frac] = digits.split('.');
  const grouped = (int ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac ? '.' + frac : ''}円`;
}

/** Annual rate as a decimal string -> percent: '0.146' -> 年14.6%. */
export function jaAnnualRate(rate: string): string {
  if (!/^\d+(\.\d+)?$/.test(rate)) throw new RangeError(`jaAnnualRate: not a decimal rate: ${rate}`);
  // Shift the decimal point two places without floating point.
  const [int = '0', frac = ''] = rate.split('.');
  const padded = frac.padEnd(2, '0');
  const whole = String(Number(int + padded.slice(0, 2)));
  const rest = padded.slice(2).replace(/0+$/, '');
  return `年${whole}${rest ? '.' + rest : ''}%`;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function splitDate(date: IsoDate): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
