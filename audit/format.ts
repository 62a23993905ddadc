/** Display formats of the audit report: yen with separators, instants in JST. Pure. */
import { Decimal } from 'decimal.js';

/**
 * '1234567' → '¥1,234,567'; '-5000' → '-¥5,000'; '0.05' → '¥0.05' (fractions kept exactly as
 * stored: the report never rounds). Throws on anything that is not a plain decimal string.
 */
export function formatYen(amount: string | Decimal): string {
  const d = Decimal.isDecimal(amount) ? amount : new Decimal(checkDecimal(amount));
  const [int, frac] = d.abs().toFixed().split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${d.isNegative() && !d.isZero() ? '-' : ''}¥${grouped}${frac ? `.${frac}` : ''}`;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
export function isDecimalString(s: unknown): s is string {
  return typeof s === 'string' && DECIMAL.test(s.trim());
}
function checkDecimal(s: string): string {
  if (!isDecimalString(s)) throw new RangeError(`not a decimal amount: ${JSON.stringify(s)}`);
  return s.trim();
}

/** ISO instant → 'YYYY-MM-DD HH:mm:ss JST' (Asia/Tokyo has no DST: UTC+9). */
export function formatJst(iso: string | undefined | null): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = new Date(ms + 9 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)} JST`;
}

/** ISO instant → its Asia/Tokyo calendar date. */
export function jstDate(iso: string): string {
  return new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 10);
}
