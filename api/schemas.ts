/**
 * Request bodies and queries, validated with zod; a failure reports the field that was wrong. Every
 * limit comes from rules/limits.ts (the one table the workflow's command guard also checks), and the
 * OpenAPI document (api/openapi.ts) is generated from these very schemas.
 */
import { z } from 'zod';
import {
  DATE_PATTERN,
  DATE_RANGES,
  FIELD_RULES,
  MAX_ARRAY_ITEMS,
  INSTANT_PATTERN,
  MONTH_PATTERN,
  MULTILINE_PATTERN,
  MULTILINE_REQUIRED_PATTERN,
  SINGLE_LINE_REQUIRED_PATTERN,
  QUANTITY_MAX_LENGTH,
  SINGLE_LINE_PATTERN,
  TEXT_LIMITS,
  YEN_MAX_DIGITS,
  checkDate,
  checkEmail,
  checkInstant,
  checkMonth,
  isWellFormedText,
} from '../rules/limits.js';
import { RESERVED_ID_PREFIXES } from './contract-id.js';

/** Text of field `name` (its maximum length and line rule from FIELD_RULES), well-formed Unicode; `required`: trimmed, not blank. */
export function text(name: string, opts: { required?: string } = {}) {
  const rule = FIELD_RULES[name];
  if (!rule || rule.kind !== 'text') throw new Error(`rules/limits.ts has no text rule for ${name}`);
  const multiline = !!rule.multiline;
  const required = opts.required !== undefined;
  const base = required ? z.string().trim().min(1, opts.required) : z.string();
  const pattern = required ? (multiline ? MULTILINE_REQUIRED_PATTERN : SINGLE_LINE_REQUIRED_PATTERN) : multiline ? MULTILINE_PATTERN : SINGLE_LINE_PATTERN;
  return base
    .max(rule.max, `must be at most ${rule.max} characters`)
    .regex(new RegExp(pattern), multiline ? 'holds a control character (only line breaks and tabs are allowed)' : 'holds a control character')
    .refine(isWellFormedText, 'is not well-formed Unicode (a lone UTF-16 surrogate)');
}

/** A required text: trimmed, then not empty (as the workflow validators read it). */
export function requiredText(name: string, message = 'must not be empty') {
  return text(name, { required: message });
}

/** Identifiers a client chooses (contract, case, batch ids): 3–64 letters, digits, _ or -. */
export const clientId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'must be 3–64 letters, digits, _ or -');
/** The same shape with a shorter minimum (part ids such as `s1`). */
function clientIdOf(min: number) {
  return z.string().regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{${min - 1},63}$`), `must be ${min}–64 letters, digits, _ or -`);
}

const plausible = (kind: keyof typeof DATE_RANGES) => `${DATE_RANGES[kind].earliest} … ${DATE_RANGES[kind].latest}`;

/** A calendar date that exists and lies in the plausible range (2026-02-30 and 1900-01-01 are refused). */
export const isoDate = z
  .string()
  .regex(new RegExp(DATE_PATTERN), `must be a date YYYY-MM-DD in ${plausible('date')}`)
  .superRefine((v, ctx) => {
    const problem = checkDate(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: `a calendar day YYYY-MM-DD, ${plausible('date')}` });

/** An ISO instant with offset whose day (Asia/Tokyo) lies in the plausible range. */
export const instant = z
  .string()
  .regex(new RegExp(INSTANT_PATTERN), `must be an ISO instant with offset in ${plausible('instant')}, e.g. 2027-04-01T10:00:00+09:00`)
  .superRefine((v, ctx) => {
    const problem = checkInstant(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: `an ISO instant with offset (e.g. 2027-04-01T10:00:00+09:00), Asia/Tokyo day ${plausible('instant')}` });

export const monthField = z
  .string()
  .regex(new RegExp(MONTH_PATTERN), `must be a month YYYY-MM in ${plausible('month')}`)
  .superRefine((v, ctx) => {
    const problem = checkMonth(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: `a calendar month, ${plausible('month')}` });

/** An e-mail address within RFC 5321 limits (local part ≤ 64, all ≤ 254). */
export const email = z
  .email()
  .max(TEXT_LIMITS.email, `must be at most ${TEXT_LIMITS.email} characters (RFC 5321)`)
  .superRefine((v, ctx) => {
    const problem = checkEmail(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Whole yen as digits (at most 12: below 1 兆円). */
export const yenAmount = z
  .string()
  .regex(new RegExp(`^\\d{1,${YEN_MAX_DIGITS}}$`), `must be whole yen as a string of at most ${YEN_MAX_DIGITS} digits, e.g. "12345"`);

const decimalQuantity = z
  .string()
  .max(QUANTITY_MAX_LENGTH)
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal number as a string, e.g. "1.5"');

/** A whole number in the range FIELD_RULES gives the field. */
export function int(name: string) {
  const rule = FIELD_RULES[name];
  if (!rule || rule.kind !== 'int') throw new Error(`rules/limits.ts has no int rule for ${name}`);
  return z.number().int().min(rule.min).max(rule.max);
}

export const applicationBody = z.strictObject({
  contractId: clientId
    .refine((id) => !RESERVED_ID_PREFIXES.some((p) => id.startsWith(p)), `must not start with ${RESERVED_ID_PREFIXES.join(' or ')} (ids of other workflows)`)
    .optional(),
  terms: z.enum(['NGN', 'TNC']),
  planId: requiredText('planId'),
  /** NGN-39: the first contract period in months as the application states it (default: the minimum term). */
  contractPeriodMonths: int('contractPeriodMonths').optional(),
  channel: z.enum(['form', 'online', 'other']).optional(),
  customer: z.strictObject({
    id: requiredText('id'),
    name: requiredText('name'),
    email,
    kind: z.enum(['corporate', 'consumer']),
    domestic: z.boolean().default(true),
    /** NGN-52: fault contact for outage notices. */
    faultContactEmail: email.optional(),
    /** 住所 / 所在地 (NGN-14 / TNC-14 changes update it). */
    address: requiredText('address').optional(),
  }),
});
export type ApplicationBody = z.infer<typeof applicationBody>;

const paymentMethod = z.enum(['bank-transfer', 'bank-debit', 'credit-card', 'other']);

export const acceptBody = z.strictObject({
  serviceStartDate: isoDate.optional(),
  billingStartDate: isoDate.optional(),
  /** NGN-41.1: the plan's recurring add-ons the contract starts with (each a part that can be cancelled alone). */
  addOns: z
    .array(z.strictObject({ addOnId: requiredText('addOnId'), partId: clientIdOf(1).optional() }))
    .max(MAX_ARRAY_ITEMS)
    .optional(),
  /** TNC-27: the payment method registered with the application. */
  paymentMethod: paymentMethod.optional(),
});

export const rejectBody = z.strictObject({
  grounds: z.array(int('grounds')).min(1, 'at least one rejection ground is required').max(9),
  reason: requiredText('reason', 'a written reason is required'),
});

export const listQuery = z.strictObject({
  status: z.enum(['applied', 'rejected', 'active', 'ended']).optional(),
  terms: z.enum(['NGN', 'TNC']).optional(),
  deadlineBefore: instant.optional(),
  /** NGN-39: contracts whose non-renewal deadline is on or after / on or before these days (JST). */
  nonRenewalFrom: isoDate.optional(),
  nonRenewalTo: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).superRefine((q, ctx) => {
  if (q.nonRenewalFrom && q.nonRenewalTo && q.nonRenewalFrom > q.nonRenewalTo) {
    ctx.addIssue({ code: 'custom', path: ['nonRenewalTo'], message: `must not be before nonRenewalFrom (${q.nonRenewalFrom})` });
  }
});

export const cancelBody = z.strictObject({
  desiredDate: isoDate,
});

export const nonRenewalBody = z.strictObject({
  note: text('note').optional(),
});

const idempotencyKeyField = text('idempotencyKey').min(8, 'must be at least 8 characters');

export const paymentBody = z.strictObject({
  invoiceId: requiredText('invoiceId'),
  amount: yenAmount,
  method: paymentMethod,
  paidOn: isoDate,
  reference: text('reference').optional(),
  idempotencyKey: idempotencyKeyField.optional(),
});

export const usageBody = z.strictObject({
  optionId: requiredText('optionId'),
  month: monthField,
  quantity: decimalQuantity,
  idempotencyKey: idempotencyKeyField.optional(),
});

export const surchargeBody = z.strictObject({
  evadedAmount: yenAmount,
  description: requiredText('description', 'say what was evaded'),
});

export const dispatchBody = z.strictObject({
  cost: yenAmount,
  description: requiredText('description', 'say what the dispatch found'),
});

export const violationBody = z.strictObject({
  violationId: requiredText('violationId').optional(),
  clauseId: z.enum(['NGN-25', 'NGN-27', 'TNC-40']),
  act: int('act'),
  userRef: text('userRef').optional(),
  occurredAt: instant,
  designatedDays: int('designatedDays').optional(),
  defaultMeasure: z.number().int().min(1).max(6).optional(),
  description: requiredText('description', 'say what happened'),
});

export const measureBody = z.strictObject({ measure: z.number().int().min(1).max(6) });

export const suspensionBody = z.strictObject({
  clauseId: z.enum(['NGN-36', 'NGN-37', 'TNC-39', 'TNC-41']),
  /** The clause's item, e.g. TNC-39 (1) maintenance … (4) a TNC-38 restriction (TNC-26.2 exempts (1) and (2)). */
  item: z.number().int().min(1).max(9).optional(),
  reason: requiredText('reason', 'a reason is required'),
  startsAt: instant,
  endsAt: instant.optional(),
  emergency: z.boolean().optional(),
  /** 緊急やむを得ないとき: why prior notice was impossible (required with emergency). */
  emergencyReason: requiredText('emergencyReason').optional(),
  /** NGN-37 1項(2): an overdue invoice of another contract of the same contractor (the API checks it). */
  otherContract: z.strictObject({ contractId: requiredText('contractId'), invoiceId: requiredText('invoiceId') }).optional(),
});

export const outageBody = z.strictObject({
  outageId: requiredText('outageId').optional(),
  startedAt: instant,
  recognisedAt: instant,
  cause: z.enum(['provider-fault', 'force-majeure', 'restriction-or-suspension', 'third-party-hacking', 'carrier-failure', 'carrier-repair-data-loss', 'other-not-attributable']),
  grossNegligence: z.boolean().optional(),
  description: requiredText('description'),
});

export const restoreBody = z.strictObject({ restoredAt: instant });

/** NGN-46: a disclosure demanded by a government body or court under a law. */
export const disclosureBody = z.strictObject({
  disclosureId: requiredText('disclosureId').optional(),
  authority: requiredText('authority'),
  legalBasis: requiredText('legalBasis'),
  scope: requiredText('scope'),
  disclosureAt: instant,
  whyNotPrior: requiredText('whyNotPrior').optional(),
});

/** TNC-45: the third party's report matched to this contract. */
export const malwareAlertBody = z.strictObject({
  alertId: requiredText('alertId').optional(),
  ipAddress: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }),
  observedAt: instant,
  source: requiredText('source'),
  detail: requiredText('detail'),
});

/** NGN-40 (1)–(10), NGN-42 (1)–(5), TNC-18 1項/2項 (item = paragraph); the workflow checks the ground's precondition. */
export const terminationBody = z.strictObject({
  clauseId: z.enum(['NGN-40', 'NGN-42', 'TNC-18']),
  item: z.number().int().min(1).max(10),
  reason: requiredText('reason', 'a reason is required'),
  demandId: requiredText('demandId').optional(),
  paymentDefault: z.enum(['cannot-pay', 'refuses-to-pay']).optional(),
  applicationGround: int('applicationGround').optional(),
});

/** NGN-48: a disclosure to another carrier that asked (the kinds of data, never the data). */
export const carrierDisclosureBody = z.strictObject({
  disclosureId: requiredText('disclosureId').optional(),
  carrier: requiredText('carrier'),
  requestedAt: instant,
  items: z.array(z.enum(['name', 'address', 'communication-history'])).min(1).max(3),
  disclosedAt: instant,
  purpose: requiredText('purpose'),
});

/** NGN-40 (6): a demand (催告) with a stated period. */
export const demandBody = z.strictObject({
  demandId: requiredText('demandId').optional(),
  clauseId: z.enum(['NGN-40']),
  what: requiredText('what', 'say what must be performed or cured'),
  periodDays: int('periodDays').optional(),
});

export const priorityBody = z.strictObject({ priority: int('priority') });
export const emptyBody = z.strictObject({});
export const planChangeBody = z.strictObject({ newPlanId: requiredText('newPlanId') });
/** NGN-13.2 / TNC-15: refuse a change request on the application grounds (1)–(9). */
export const planChangeRefusalBody = z.strictObject({
  newPlanId: requiredText('newPlanId'),
  grounds: z.array(int('grounds')).min(1, 'at least one ground is required').max(9),
  reason: requiredText('reason', 'a written reason is required'),
});
/** TNC-19: docomo's notice that the docomo-billed course is cancelled. */
export const carrierCourseEndBody = z.strictObject({
  courseEndsOn: isoDate,
  reference: requiredText('reference', "docomo's reference for its notice is required"),
});
/** NGN-41.1: cancel one part on its desired date. */
export const partCancellationBody = z.strictObject({ desiredDate: isoDate });
/** NGN-43.3: the erasure certificate of an ended part. */
export const partErasureBody = z.strictObject({ equipmentReturned: z.boolean() });
/** JP-INVOICE: a correction (修正・返還) of an open invoice, issued as a new invoice. */
export const invoiceCorrectionBody = z.strictObject({
  reason: requiredText('reason', 'a correction states its reason'),
  lines: z
    .array(
      z.strictObject({
        description: requiredText('description', 'say what is corrected'),
        taxClass: z.enum(['taxable', 'out-of-scope']),
        amount: z
          .string()
          .regex(
            new RegExp(`^-?\\d{1,${YEN_MAX_DIGITS}}$`),
            `must be whole yen as a string of at most ${YEN_MAX_DIGITS} digits, negative for a return (返還), e.g. "-5000"`,
          ),
      }),
    )
    .min(1, 'a correction has at least one line')
    .max(MAX_ARRAY_ITEMS),
});
export const contractorChangeBody = z.strictObject({
  kind: z.enum(['name-change', 'address-change', 'payment-method-change', 'succession', 'transfer']),
  name: requiredText('name').optional(),
  email: email.optional(),
  address: requiredText('address').optional(),
  customerId: requiredText('customerId').optional(),
  evidence: requiredText('evidence', 'the change needs its evidence (書類)'),
  /** TNC-14: marriage, adoption or TNC-13 succession. */
  nameChangeGround: z.enum(['marriage', 'adoption', 'succession']).optional(),
  paymentMethod: paymentMethod.optional(),
  /** NGN-15: a request signed by both parties, and the provider's decision on it. */
  jointlySigned: z.boolean().optional(),
  decision: z.enum(['approve', 'deny']).optional(),
  denyReason: requiredText('denyReason').optional(),
});
export const erasureBody = z.strictObject({ equipmentReturned: z.boolean() });
export const faultContactBody = z.strictObject({ email });
export const forceMajeureBody = z.strictObject({
  startedAt: instant,
  description: requiredText('description'),
});
export const endBody = z.strictObject({ endedAt: instant });
export const invalidMethodBody = z.strictObject({ reason: requiredText('reason', 'say what was invalid') });

/** TNC-3: a written objection to the terms change announced under this id. */
export const objectionBody = z.strictObject({
  announcementId: requiredText('announcementId'),
});
