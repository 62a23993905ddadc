/**
 * What a client may send, in one place: the plausible range of every kind of date, the maximum
 * length of every text field, the limits of numbers and addresses, and which characters a text may
 * hold. The API's zod schemas (api/schemas.ts, and so the OpenAPI document) and the contract
 * workflow's command guard (workflows/contract/guard.ts) both read this table, so a value the API
 * lets through is one the workflow can handle, and a value sent to the workflow by another route
 * is checked by the same rules.
 *
 * Why these ranges: notices show every date in 和暦 (notices/format.ts knows 令和, 平成 and 昭和, so
 * nothing before 1926-12-25), ISO dates have four-digit years (an instant late in 9999 UTC is
 * already 10000 in Asia/Tokyo), and the 約款 modelled here took effect in 2020 (NGN) and 2022
 * (TNC). A date a contract can meet lies well inside 2000-01-01 … 2099-12-31; anything outside is
 * a typo or an attack. Relative checks (not in the future, not before the application, after the
 * start) stay with each command's validator, which knows the contract.
 *
 * Pure: no clock, no I/O (test/rules/purity.test.ts).
 */

/** Kinds of date a command carries, each with its plausible range (inclusive, Asia/Tokyo). */
export const DATE_RANGES = {
  /** A moment (ISO instant with offset): an event that happened or is planned (violation, outage, suspension …). */
  instant: { earliest: '2000-01-01', latest: '2099-12-31' },
  /** A calendar day (YYYY-MM-DD): service start, cancellation day, payment day, effective date. */
  date: { earliest: '2000-01-01', latest: '2099-12-31' },
  /** A calendar month (YYYY-MM): the month of metered usage. */
  month: { earliest: '2000-01', latest: '2099-12' },
} as const;

export type DateKind = keyof typeof DATE_RANGES;

/** Maximum lengths in UTF-16 code units (what JavaScript's `length` and JSON Schema's maxLength count). */
export const TEXT_LIMITS = {
  /** Identifiers chosen by a client or derived from a contract id (contract, case, plan, invoice …). */
  id: 64,
  /** An invoice id is `<contract id>:<period or kind>:<n>`. */
  invoiceId: 128,
  /** Idempotency keys (the header and the body fields of payments and usage). */
  idempotencyKey: 128,
  /** Names of people and companies. */
  name: 200,
  /** One line: references, sources, authorities, legal bases. */
  line: 500,
  /** Reasons given for a decision (rejection, suspension, termination). */
  reason: 1000,
  /** Free text: descriptions, evidence, scope. */
  text: 2000,
  /** An announcement's summary. */
  summary: 4000,
  /** RFC 5321 §4.5.3.1: a path holds at most 256 octets with its brackets, so an address ≤ 254. */
  email: 254,
  /** RFC 5321 §4.5.3.1.1: local part ≤ 64 octets. */
  emailLocal: 64,
} as const;

/** Largest yen amount a client may send (12 digits: below 1 兆円). */
export const YEN_MAX_DIGITS = 12;
/** Largest decimal quantity (usage) as text. */
export const QUANTITY_MAX_LENGTH = 20;

/** How a field is checked. `multiline` texts may hold line breaks and tabs; other texts no control character at all. */
export type FieldRule =
  | { kind: DateKind }
  | { kind: 'text'; max: number; multiline?: boolean }
  | { kind: 'email' }
  | { kind: 'int'; min: number; max: number };

const id: FieldRule = { kind: 'text', max: TEXT_LIMITS.id };
const line: FieldRule = { kind: 'text', max: TEXT_LIMITS.line };
const reason: FieldRule = { kind: 'text', max: TEXT_LIMITS.reason, multiline: true };
const text: FieldRule = { kind: 'text', max: TEXT_LIMITS.text, multiline: true };

/**
 * Every field a contract command carries, by name (a name means the same thing in every command).
 * Fields not listed are enums, booleans or amounts with a pattern of their own; any text not listed
 * is held to DEFAULT_TEXT.
 */
export const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  // dates
  serviceStartDate: { kind: 'date' },
  billingStartDate: { kind: 'date' },
  desiredDate: { kind: 'date' },
  paidOn: { kind: 'date' },
  effectiveDate: { kind: 'date' },
  announcedOn: { kind: 'date' },
  month: { kind: 'month' },
  occurredAt: { kind: 'instant' },
  startsAt: { kind: 'instant' },
  endsAt: { kind: 'instant' },
  startedAt: { kind: 'instant' },
  recognisedAt: { kind: 'instant' },
  restoredAt: { kind: 'instant' },
  disclosureAt: { kind: 'instant' },
  observedAt: { kind: 'instant' },
  endedAt: { kind: 'instant' },
  requestedAt: { kind: 'instant' },
  disclosedAt: { kind: 'instant' },
  until: { kind: 'date' },
  courseEndsOn: { kind: 'date' },
  // identifiers
  id,
  contractId: id,
  customerId: id,
  violationId: id,
  suspensionId: id,
  outageId: id,
  disclosureId: id,
  alertId: id,
  announcementId: id,
  batchId: id,
  planId: id,
  newPlanId: id,
  optionId: id,
  demandId: id,
  partId: id,
  addOnId: id,
  newTermsVersion: { kind: 'text', max: 32 },
  invoiceId: { kind: 'text', max: TEXT_LIMITS.invoiceId },
  idempotencyKey: { kind: 'text', max: TEXT_LIMITS.idempotencyKey },
  // people and addresses
  name: { kind: 'text', max: TEXT_LIMITS.name },
  email: { kind: 'email' },
  faultContactEmail: { kind: 'email' },
  address: { kind: 'text', max: TEXT_LIMITS.line },
  carrier: { kind: 'text', max: TEXT_LIMITS.name },
  // one-line texts
  reference: { kind: 'text', max: 200 },
  userRef: { kind: 'text', max: 200 },
  authority: line,
  legalBasis: line,
  source: line,
  // free texts
  reason,
  emergencyReason: reason,
  denyReason: reason,
  what: text,
  purpose: text,
  description: text,
  evidence: text,
  scope: text,
  whyNotPrior: text,
  detail: text,
  note: text,
  summary: { kind: 'text', max: TEXT_LIMITS.summary, multiline: true },
  // numbers
  act: { kind: 'int', min: 1, max: 99 },
  grounds: { kind: 'int', min: 1, max: 99 },
  measure: { kind: 'int', min: 1, max: 99 },
  defaultMeasure: { kind: 'int', min: 1, max: 99 },
  designatedDays: { kind: 'int', min: 1, max: 365 },
  item: { kind: 'int', min: 1, max: 99 },
  priority: { kind: 'int', min: -1000, max: 1000 },
  contractPeriodMonths: { kind: 'int', min: 1, max: 120 },
  periodDays: { kind: 'int', min: 1, max: 365 },
  applicationGround: { kind: 'int', min: 1, max: 9 },
};

/** A text field nobody listed: one line of at most 500 characters. */
export const DEFAULT_TEXT: FieldRule = line;
/** Most items an array in a command may hold (rejection grounds …). */
export const MAX_ARRAY_ITEMS = 20;

// ---- checks (each returns what is wrong, or undefined) ------------------------------------------

/** Control characters: C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F). Line breaks and tabs are allowed in multiline text. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** JSON Schema patterns for texts (what OpenAPI can state): no control character, or none but \t \n \r. */
const SINGLE_LINE_CLASS = '\\u0000-\\u001f\\u007f-\\u009f';
const MULTILINE_CLASS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
export const SINGLE_LINE_PATTERN = `^[^${SINGLE_LINE_CLASS}]*$`;
export const MULTILINE_PATTERN = `^[^${MULTILINE_CLASS}]*$`;
/** The same, holding at least one character that is not white space (a required text). */
export const SINGLE_LINE_REQUIRED_PATTERN = `^[^${SINGLE_LINE_CLASS}]*[^\\s${SINGLE_LINE_CLASS}][^${SINGLE_LINE_CLASS}]*$`;
export const MULTILINE_REQUIRED_PATTERN = `^[^${MULTILINE_CLASS}]*[^\\s${MULTILINE_CLASS}][^${MULTILINE_CLASS}]*$`;

/** Shapes of the date kinds inside their range's years (2000–2099), as JSON Schema patterns. */
const DAY = '20\\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
export const DATE_PATTERN = `^${DAY}$`;
export const MONTH_PATTERN = '^20\\d{2}-(0[1-9]|1[0-2])$';
export const INSTANT_PATTERN = `^${DAY}T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$`;

/** Whether `s` is well-formed UTF-16 (no lone surrogate): only such text can be stored and sent as UTF-8. */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

export function checkText(value: unknown, max: number, multiline = false): string | undefined {
  if (typeof value !== 'string') return 'must be text';
  if (!isWellFormedText(value)) return 'is not well-formed Unicode (a lone UTF-16 surrogate)';
  if ((multiline ? CONTROL_EXCEPT_LAYOUT : CONTROL).test(value)) {
    return multiline ? 'holds a control character (only line breaks and tabs are allowed)' : 'holds a control character';
  }
  if (value.length > max) return `is longer than ${max} characters`;
  return undefined;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const JST_OFFSET_MS = 9 * 3_600_000;

function isCalendarDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function rangeText(kind: DateKind): string {
  const r = DATE_RANGES[kind];
  return `${r.earliest} … ${r.latest}`;
}

/** The JST calendar day of an epoch instant. */
function jstDay(ms: number): string {
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}

export function checkDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a date YYYY-MM-DD';
  const m = DATE_RE.exec(value);
  if (!m || !isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) return `not a calendar date (YYYY-MM-DD): ${JSON.stringify(value.slice(0, 40))}`;
  const r = DATE_RANGES.date;
  if (value < r.earliest || value > r.latest) return `${value} is outside the plausible range ${rangeText('date')}`;
  return undefined;
}

export function checkMonth(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a month YYYY-MM';
  const m = MONTH_RE.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return `not a month (YYYY-MM): ${JSON.stringify(value.slice(0, 40))}`;
  const r = DATE_RANGES.month;
  if (value < r.earliest || value > r.latest) return `${value} is outside the plausible range ${rangeText('month')}`;
  return undefined;
}

/** An ISO instant with an explicit offset whose Asia/Tokyo day lies in DATE_RANGES.instant. */
export function checkInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be an ISO instant with offset, e.g. 2027-04-01T10:00:00+09:00';
  const m = INSTANT_RE.exec(value);
  const bad = `not an ISO instant with offset (e.g. 2027-04-01T10:00:00+09:00): ${JSON.stringify(value.slice(0, 40))}`;
  if (!m) return bad;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (!isCalendarDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return bad;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return bad;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return bad;
  const day = jstDay(ms);
  const r = DATE_RANGES.instant;
  if (day < r.earliest || day > r.latest) return `${value} is outside the plausible range ${rangeText('instant')} (Asia/Tokyo)`;
  return undefined;
}

/** RFC 5321 limits and a plain address shape (the API's schema checks the full syntax). */
export function checkEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be an e-mail address';
  const t = checkText(value, TEXT_LIMITS.email);
  if (t) return t;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || /\s/.test(value)) return `not an e-mail address: ${JSON.stringify(value.slice(0, 60))}`;
  if (at > TEXT_LIMITS.emailLocal) return `the local part (before @) is longer than ${TEXT_LIMITS.emailLocal} characters (RFC 5321)`;
  return undefined;
}

export function checkInt(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
  if (value < min || value > max) return `must be from ${min} to ${max}`;
  return undefined;
}

export function checkField(rule: FieldRule, value: unknown): string | undefined {
  switch (rule.kind) {
    case 'date':
      return checkDate(value);
    case 'month':
      return checkMonth(value);
    case 'instant':
      return checkInstant(value);
    case 'email':
      return checkEmail(value);
    case 'int':
      return checkInt(value, rule.min, rule.max);
    case 'text':
      return checkText(value, rule.max, rule.multiline);
  }
}

/** What is wrong with a command's argument, naming the field (dotted path), or undefined. */
export interface FieldProblem {
  field: string;
  message: string;
}

const MAX_DEPTH = 4;

/**
 * Checks every field of a command's argument against FIELD_RULES: dates in range, texts
 * well-formed and within their length, numbers within bounds, arrays bounded, nesting shallow.
 * Fields of a kind the table does not know (enums, booleans, amounts) are left to the command.
 */
/**
 * `accepted`: values taken as they are without a check (the workflow's guard passes the personal
 * values the API sealed after checking them, issue 16).
 */
export function checkCommandFields(arg: unknown, path = '', depth = 0, accepted?: (value: unknown) => boolean): FieldProblem | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg !== 'object') return { field: path || 'body', message: 'must be an object' };
  if (depth > MAX_DEPTH) return { field: path || 'body', message: 'is nested too deeply' };
  for (const [key, value] of Object.entries(arg as Record<string, unknown>)) {
    const field = path ? `${path}.${key}` : key;
    if (value === undefined || value === null) continue;
    const keyProblem = checkText(key, TEXT_LIMITS.id);
    if (keyProblem) return { field: path || 'body', message: `a field name ${keyProblem}` };
    const rule = FIELD_RULES[key];
    if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY_ITEMS) return { field, message: `holds more than ${MAX_ARRAY_ITEMS} items` };
      for (const [i, item] of value.entries()) {
        const p = checkValue(rule, item, `${field}.${i}`, depth, accepted);
        if (p) return p;
      }
      continue;
    }
    const p = checkValue(rule, value, field, depth, accepted);
    if (p) return p;
  }
  return undefined;
}

function checkValue(rule: FieldRule | undefined, value: unknown, field: string, depth: number, accepted?: (value: unknown) => boolean): FieldProblem | undefined {
  if (value !== null && typeof value === 'object') return checkCommandFields(value, field, depth + 1, accepted);
  if (accepted?.(value)) return undefined;
  if (rule) {
    const message = checkField(rule, value);
    return message ? { field, message } : undefined;
  }
  if (typeof value === 'string') {
    const message = checkField(DEFAULT_TEXT, value);
    return message ? { field, message } : undefined;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { field, message: 'must be a finite number' };
  return undefined;
}
