/** Request bodies, validated with zod; a failure reports the field that was wrong. */
import { z } from 'zod';

/** A calendar date that exists (2026-02-30 is refused). */
const isoDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const applicationBody = z.strictObject({
  contractId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'must be 3–64 letters, digits, _ or -').optional(),
  terms: z.enum(['NGN', 'TNC']),
  planId: z.string().min(1),
  channel: z.enum(['form', 'online', 'other']).optional(),
  /** NGN-39: the first contract period in months as the application states it (default: the minimum term). */
  contractPeriodMonths: z.number().int().min(1).max(120).optional(),
  customer: z.strictObject({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    email: z.email(),
    kind: z.enum(['corporate', 'consumer']),
    domestic: z.boolean().default(true),
    /** NGN-52: fault contact for outage notices. */
    faultContactEmail: z.email().optional(),
    /** 住所 / 所在地 (NGN-14 / TNC-14 changes update it). */
    address: z.string().trim().min(1).max(500).optional(),
  }),
});
export type ApplicationBody = z.infer<typeof applicationBody>;

const paymentMethod = z.enum(['bank-transfer', 'bank-debit', 'credit-card', 'other']);

export const acceptBody = z.strictObject({
  serviceStartDate: isoDate.optional(),
  billingStartDate: isoDate.optional(),
  /** NGN-41.1: the plan's recurring add-ons the contract starts with (each a part that can be cancelled alone). */
  addOns: z.array(z.strictObject({ addOnId: z.string().min(1).max(64), partId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, _ or -').optional() })).max(50).optional(),
  /** TNC-27: the payment method registered with the application. */
  paymentMethod: paymentMethod.optional(),
});

export const rejectBody = z.strictObject({
  grounds: z.array(z.number().int()).min(1, 'at least one rejection ground is required'),
  reason: z.string().trim().min(1, 'a written reason is required'),
});

export const listQuery = z.strictObject({
  status: z.enum(['applied', 'rejected', 'active', 'ended']).optional(),
  terms: z.enum(['NGN', 'TNC']).optional(),
  deadlineBefore: z.iso.datetime({ offset: true }).optional(),
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
  note: z.string().max(2000).optional(),
});

const yenAmount = z.string().regex(/^\d+$/, 'must be whole yen as a string of digits, e.g. "12345"');
const decimalQuantity = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number as a string, e.g. "1.5"');

export const paymentBody = z.strictObject({
  invoiceId: z.string().min(1),
  amount: yenAmount,
  method: paymentMethod,
  paidOn: isoDate,
  reference: z.string().max(200).optional(),
  idempotencyKey: z.string().min(8).max(128).optional(),
});

export const usageBody = z.strictObject({
  optionId: z.string().min(1),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
  quantity: decimalQuantity,
  idempotencyKey: z.string().min(8).max(128).optional(),
});

export const surchargeBody = z.strictObject({
  evadedAmount: yenAmount,
  description: z.string().trim().min(1, 'say what was evaded').max(500),
});

export const dispatchBody = z.strictObject({
  cost: yenAmount,
  description: z.string().trim().min(1, 'say what the dispatch found').max(500),
});

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO instant with offset, e.g. 2027-04-01T10:00:00+09:00' });

export const violationBody = z.strictObject({
  violationId: z.string().min(1).max(64).optional(),
  clauseId: z.enum(['NGN-25', 'NGN-27', 'TNC-40']),
  act: z.number().int().min(1),
  userRef: z.string().max(200).optional(),
  occurredAt: instant,
  designatedDays: z.number().int().min(1).max(365).optional(),
  defaultMeasure: z.number().int().min(1).max(6).optional(),
  description: z.string().trim().min(1, 'say what happened').max(2000),
});

export const measureBody = z.strictObject({ measure: z.number().int().min(1).max(6) });

export const suspensionBody = z.strictObject({
  clauseId: z.enum(['NGN-36', 'NGN-37', 'TNC-39', 'TNC-41']),
  /** The clause's item, e.g. TNC-39 (1) maintenance … (4) a TNC-38 restriction (TNC-26.2 exempts (1) and (2)). */
  item: z.number().int().min(1).max(9).optional(),
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
  startsAt: instant,
  endsAt: instant.optional(),
  emergency: z.boolean().optional(),
  /** 緊急やむを得ないとき: why prior notice was impossible (required with emergency). */
  emergencyReason: z.string().trim().min(1).max(1000).optional(),
  /** NGN-37 1項(2): an overdue invoice of another contract of the same contractor (the API checks it). */
  otherContract: z.strictObject({ contractId: z.string().min(1).max(128), invoiceId: z.string().min(1).max(200) }).optional(),
});

export const outageBody = z.strictObject({
  outageId: z.string().min(1).max(64).optional(),
  startedAt: instant,
  recognisedAt: instant,
  cause: z.enum(['provider-fault', 'force-majeure', 'restriction-or-suspension', 'third-party-hacking', 'carrier-failure', 'carrier-repair-data-loss', 'other-not-attributable']),
  grossNegligence: z.boolean().optional(),
  description: z.string().trim().min(1).max(2000),
});

export const restoreBody = z.strictObject({ restoredAt: instant });

/** NGN-46: a disclosure demanded by a government body or court under a law. */
export const disclosureBody = z.strictObject({
  disclosureId: z.string().min(1).max(64).optional(),
  authority: z.string().trim().min(1).max(500),
  legalBasis: z.string().trim().min(1).max(500),
  scope: z.string().trim().min(1).max(2000),
  disclosureAt: instant,
  whyNotPrior: z.string().trim().min(1).max(2000).optional(),
});

/** TNC-45: the third party's report matched to this contract. */
export const malwareAlertBody = z.strictObject({
  alertId: z.string().min(1).max(64).optional(),
  ipAddress: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }),
  observedAt: instant,
  source: z.string().trim().min(1).max(500),
  detail: z.string().trim().min(1).max(2000),
});

/** NGN-40 (1)–(10), NGN-42 (1)–(5), TNC-18 1項/2項 (item = paragraph); the workflow checks the ground's precondition. */
export const terminationBody = z.strictObject({
  clauseId: z.enum(['NGN-40', 'NGN-42', 'TNC-18']),
  item: z.number().int().min(1).max(10),
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
  demandId: z.string().min(1).max(64).optional(),
  paymentDefault: z.enum(['cannot-pay', 'refuses-to-pay']).optional(),
  applicationGround: z.number().int().min(1).max(9).optional(),
});

/** NGN-48: a disclosure to another carrier that asked (the kinds of data, never the data). */
export const carrierDisclosureBody = z.strictObject({
  disclosureId: z.string().min(1).max(64).optional(),
  carrier: z.string().trim().min(1).max(200),
  requestedAt: z.iso.datetime({ offset: true }),
  items: z.array(z.enum(['name', 'address', 'communication-history'])).min(1).max(3),
  disclosedAt: z.iso.datetime({ offset: true }),
  purpose: z.string().trim().min(1).max(2000),
});

/** NGN-40 (6): a demand (催告) with a stated period. */
export const demandBody = z.strictObject({
  demandId: z.string().min(1).max(64).optional(),
  clauseId: z.enum(['NGN-40']),
  what: z.string().trim().min(1, 'say what must be performed or cured').max(2000),
  periodDays: z.number().int().min(1).max(365).optional(),
});

export const priorityBody = z.strictObject({ priority: z.number().int().min(-1000).max(1000) });
export const emptyBody = z.strictObject({});
export const planChangeBody = z.strictObject({ newPlanId: z.string().min(1) });
/** NGN-13.2 / TNC-15: refuse a change request on the application grounds (1)–(9). */
export const planChangeRefusalBody = z.strictObject({
  newPlanId: z.string().min(1),
  grounds: z.array(z.number().int()).min(1, 'at least one ground is required'),
  reason: z.string().trim().min(1, 'a written reason is required').max(2000),
});
/** TNC-19: docomo's notice that the docomo-billed course is cancelled. */
export const carrierCourseEndBody = z.strictObject({
  courseEndsOn: isoDate,
  reference: z.string().trim().min(1, "docomo's reference for its notice is required").max(200),
});
/** NGN-41.1: cancel one part on its desired date. */
export const partCancellationBody = z.strictObject({ desiredDate: isoDate });
/** NGN-43.3: the erasure certificate of an ended part. */
export const partErasureBody = z.strictObject({ equipmentReturned: z.boolean() });
/** JP-INVOICE: a correction (修正・返還) of an open invoice, issued as a new invoice. */
export const invoiceCorrectionBody = z.strictObject({
  reason: z.string().trim().min(1, 'a correction states its reason').max(1000),
  lines: z
    .array(
      z.strictObject({
        description: z.string().trim().min(1, 'say what is corrected').max(500),
        taxClass: z.enum(['taxable', 'out-of-scope']),
        amount: z.string().regex(/^-?\d+$/, 'must be whole yen as a string of digits, negative for a return (返還), e.g. "-5000"'),
      }),
    )
    .min(1, 'a correction has at least one line')
    .max(50),
});
export const contractorChangeBody = z.strictObject({
  kind: z.enum(['name-change', 'address-change', 'payment-method-change', 'succession', 'transfer']),
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().optional(),
  address: z.string().trim().min(1).max(500).optional(),
  customerId: z.string().min(1).max(64).optional(),
  evidence: z.string().trim().min(1, 'the change needs its evidence (書類)').max(2000),
  /** TNC-14: marriage, adoption or TNC-13 succession. */
  nameChangeGround: z.enum(['marriage', 'adoption', 'succession']).optional(),
  paymentMethod: z.enum(['bank-transfer', 'bank-debit', 'credit-card', 'other']).optional(),
  /** NGN-15: a request signed by both parties, and the provider's decision on it. */
  jointlySigned: z.boolean().optional(),
  decision: z.enum(['approve', 'deny']).optional(),
  denyReason: z.string().trim().min(1).max(2000).optional(),
});
export const erasureBody = z.strictObject({ equipmentReturned: z.boolean() });
export const faultContactBody = z.strictObject({ email: z.email() });
export const forceMajeureBody = z.strictObject({
  startedAt: z.iso.datetime({ offset: true }),
  description: z.string().trim().min(1).max(2000),
});
export const endBody = z.strictObject({ endedAt: z.iso.datetime({ offset: true }) });
export const invalidMethodBody = z.strictObject({ reason: z.string().trim().min(1, 'say what was invalid').max(1000) });

/** TNC-3: a written objection to the terms change announced under this id. */
export const objectionBody = z.strictObject({
  announcementId: z.string().min(1),
});
