/** Field checks shared by the contract's update validators (refusals name the field). */
import { invalid } from '../refusals.js';

/** An ISO instant with offset (e.g. 2027-04-01T10:00:00+09:00), as epoch ms; undefined when optional and absent. */
export function instantField(field: string, value: string | undefined, opts: { optional?: boolean } = {}): number | undefined {
  if (value === undefined) {
    if (opts.optional) return undefined;
    invalid(field, 'is required');
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    invalid(field, `not an ISO instant with offset (e.g. 2027-04-01T10:00:00+09:00): ${value}`);
  }
  return Date.parse(value);
}

/** A required, non-blank text of at most `max` characters. */
export function textField(field: string, value: unknown, max = 500): void {
  if (typeof value !== 'string' || !value.trim()) invalid(field, 'is required');
  if (value.length > max) invalid(field, `is longer than ${max} characters`);
}
