/**
 * Every command on a contract, as one table: the path, the workflow update it runs, the schema of
 * its body, the path parameters it copies into the update's argument, the role that may send it and
 * the status of success. One loop mounts them all, so every command answers the same way:
 *
 *   400 invalid_request   the body does not match its schema (naming the field); nothing changes
 *   403 forbidden         the key lacks the role
 *   404 not_found         no such contract
 *   409 command_conflict  the contract exists but its workflow is closed (rejected or ended)
 *   4xx/5xx               the workflow's own refusal, by type (workflows/refusal-types.ts)
 *
 * Reads, POST /contracts (which starts a workflow) and the fan-outs are ordinary routes elsewhere.
 */
import { Decimal } from 'decimal.js';
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import { jstDateOf } from '../rules/calendar.js';
import {
  acceptApplication,
  alertMalware,
  applyMeasure,
  changeContractor,
  cureDemand,
  recordCarrierDisclosure,
  resendAnnouncement,
  issueDemand,
  changePlan,
  chargeDispatch,
  chargeSurcharge,
  cancelPart,
  correctInvoice,
  endCarrierCourse,
  endForceMajeure,
  giveNonRenewalNotice,
  liftSuspension,
  objectToTermsChange,
  pauseService,
  recordCure,
  recordDisclosure,
  recordPayment,
  refusePlanChange,
  registerFaultContact,
  rejectApplication,
  reportForceMajeure,
  reportOutage,
  reportPaymentMethodInvalid,
  reportUsage,
  reportViolation,
  requestCancellation,
  restoreOutage,
  resumeService,
  scheduleSuspension,
  setQueuePriority,
  submitErasureCertificate,
  submitPartErasureCertificate,
  terminateByProvider,
} from '../workflows/contract-messages.js';
import { FIELD_RULES, checkField } from '../rules/limits.js';
import { requireRole, type Role } from './auth.js';
import { contractIdOf } from './contract-id.js';
import { IDEMPOTENCY_HEADER, commandUpdateId, idempotencyKeyOf, requestHash, type IdempotencyKey } from './idempotency.js';
import { DEFAULT_CALL_LIMITS, write, type CallLimits } from './temporal-calls.js';
import { HttpError } from './errors.js';
import { personalData } from '../activities/personal-data.js';
import { PERSONAL_PAYLOAD_FIELDS } from '../model/personal-data.js';

import {
  acceptBody,
  cancelBody,
  carrierCourseEndBody,
  invoiceCorrectionBody,
  partCancellationBody,
  partErasureBody,
  planChangeRefusalBody,
  contractorChangeBody,
  disclosureBody,
  dispatchBody,
  emptyBody,
  endBody,
  erasureBody,
  faultContactBody,
  forceMajeureBody,
  invalidMethodBody,
  malwareAlertBody,
  measureBody,
  nonRenewalBody,
  objectionBody,
  outageBody,
  paymentBody,
  planChangeBody,
  priorityBody,
  rejectBody,
  restoreBody,
  surchargeBody,
  suspensionBody,
  terminationBody,
  demandBody,
  carrierDisclosureBody,
  usageBody,
  violationBody,
} from './schemas.js';

/** One row of the table. `:id` in the path is the contract id, which is the workflow id. */
/** The field names of one entry of PERSONAL_PAYLOAD_FIELDS. */
const personalFieldsOf = <T extends object>(fields: T) => Object.keys(fields) as (keyof T & string)[];

export interface ContractCommand {
  path: string;
  update: UpdateDefinition<unknown, [object]>;
  /** Schema of the JSON body; a missing body is read as {}. */
  body: z.ZodType<object>;
  /** Path parameters copied into the update's argument, e.g. { vid: 'violationId' }. */
  params: Readonly<Record<string, string>>;
  role: Role;
  status: 200 | 201;
  /**
   * Facts the workflow cannot read itself, checked in the database before the update is sent
   * (e.g. NGN-37 1項(2): the overdue invoice of another contract of the same contractor).
   */
  resolve?: (db: Db, contractId: string, args: object) => Promise<object>;
  /**
   * Personal fields of the argument (model/personal-data.ts PERSONAL_PAYLOAD_FIELDS), sealed with the
   * contract's data key before the update is sent, so the workflow's history holds them only sealed
   * (issue 16; TNC-37.5 / NGN-43 crypto-shredding).
   */
  personal?: readonly string[];
}

/**
 * A row, type-checked: the body's output plus the path parameters must make the update's argument.
 * (A body schema that lacks a field the update needs, or a parameter naming no field, fails to compile.)
 */
function command<Args extends object, Ret, P extends Record<string, keyof Args & string> = Record<never, never>>(row: {
  path: string;
  update: UpdateDefinition<Ret, [Args]>;
  body: z.ZodType<Omit<Args, P[keyof P]>>;
  params?: P;
  role: Role;
  status: 200 | 201;
  resolve?: ContractCommand['resolve'];
  personal?: readonly (keyof Args & string)[];
}): ContractCommand {
  return { ...row, params: row.params ?? {} };
}

export const COMMANDS: readonly ContractCommand[] = [
  // Formation and end: NGN-11 / TNC-12 acceptance, NGN-12 / TNC-12 rejection, NGN-41 / TNC-17 cancellation, NGN-39 non-renewal
  command({ path: '/contracts/:id/accept', update: acceptApplication, body: acceptBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/reject', update: rejectApplication, body: rejectBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/cancel', update: requestCancellation, body: cancelBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/non-renewal', update: giveNonRenewalNotice, body: nonRenewalBody, role: 'ops', status: 200 }),

  // Billing: payments (TNC-27), usage (NGN-19 3項), NGN-20 surcharges, NGN-29 dispatch fees
  command({ path: '/contracts/:id/payments', update: recordPayment, body: paymentBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/usage', update: reportUsage, body: usageBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/surcharges', update: chargeSurcharge, body: surchargeBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/dispatches', update: chargeDispatch, body: dispatchBody, role: 'ops', status: 201 }),
  // JP-INVOICE: a correction (修正・返還) is a new invoice naming the invoice it corrects
  command({ path: '/contracts/:id/invoices/:iid/corrections', update: correctInvoice, body: invoiceCorrectionBody, params: { iid: 'invoiceId' }, role: 'ops', status: 201 }),

  // Breaches (NGN-25/27, TNC-40), suspensions (NGN-36/37, TNC-39/41), outages (NGN-33, TNC-42),
  // disclosures (NGN-46), malware alerts (TNC-45), termination by the provider (NGN-40/42, TNC-18)
  command({ path: '/contracts/:id/violations', update: reportViolation, body: violationBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/violations/:vid/cure', update: recordCure, body: emptyBody, params: { vid: 'violationId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/violations/:vid/measures', update: applyMeasure, body: measureBody, params: { vid: 'violationId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/suspensions', update: scheduleSuspension, body: suspensionBody, role: 'ops', status: 201, resolve: otherContractDebt }),
  command({ path: '/contracts/:id/suspensions/:sid/lift', update: liftSuspension, body: emptyBody, params: { sid: 'suspensionId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/outages', update: reportOutage, body: outageBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/outages/:oid/restore', update: restoreOutage, body: restoreBody, params: { oid: 'outageId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/disclosures', update: recordDisclosure, body: disclosureBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/carrier-disclosures', update: recordCarrierDisclosure, body: carrierDisclosureBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/malware-alerts', update: alertMalware, body: malwareAlertBody, role: 'ops', status: 201, personal: personalFieldsOf(PERSONAL_PAYLOAD_FIELDS.malwareAlert) }),
  command({ path: '/contracts/:id/termination', update: terminateByProvider, body: terminationBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/announcements/:aid/resend', update: resendAnnouncement, body: emptyBody, params: { aid: 'announcementId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/demands', update: issueDemand, body: demandBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/demands/:did/cure', update: cureDemand, body: emptyBody, params: { did: 'demandId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/payment-method-invalid', update: reportPaymentMethodInvalid, body: invalidMethodBody, role: 'ops', status: 201 }),

  // Life beyond formation: NGN-11 queue, TNC-16 pause/resume, NGN-13 / TNC-15 plan change,
  // NGN-14/15 / TNC-13 contractor change, NGN-52 fault contact, NGN-43 erasure, NGN-40 (10) force majeure
  command({ path: '/contracts/:id/priority', update: setQueuePriority, body: priorityBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/pause', update: pauseService, body: emptyBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/resume', update: resumeService, body: emptyBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/plan-change', update: changePlan, body: planChangeBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/plan-change/refusal', update: refusePlanChange, body: planChangeRefusalBody, role: 'ops', status: 200 }),
  // TNC-19: docomo's notice ends the docomo-billed course; the value plan continues
  command({ path: '/contracts/:id/carrier-course-end', update: endCarrierCourse, body: carrierCourseEndBody, role: 'ops', status: 200 }),
  // NGN-41.1 partial cancellation of one part; NGN-43.3 its erasure certificate
  command({ path: '/contracts/:id/parts/:pid/cancel', update: cancelPart, body: partCancellationBody, params: { pid: 'partId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/parts/:pid/erasure-certificate', update: submitPartErasureCertificate, body: partErasureBody, params: { pid: 'partId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/contractor-change', update: changeContractor, body: contractorChangeBody, role: 'ops', status: 200, personal: personalFieldsOf(PERSONAL_PAYLOAD_FIELDS.contractorChange) }),
  command({ path: '/contracts/:id/fault-contact', update: registerFaultContact, body: faultContactBody, role: 'ops', status: 200, personal: personalFieldsOf(PERSONAL_PAYLOAD_FIELDS.faultContact) }),
  command({ path: '/contracts/:id/erasure-certificate', update: submitErasureCertificate, body: erasureBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/force-majeure', update: reportForceMajeure, body: forceMajeureBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/force-majeure/end', update: endForceMajeure, body: endBody, role: 'ops', status: 200 }),

  // TNC-3: a written objection to an announced terms change (the contract checks the announcement and the date)
  command({ path: '/contracts/:id/objections', update: objectToTermsChange, body: objectionBody, role: 'ops', status: 200 }),
];

/**
 * NGN-37 1項(2): a stoppage grounded on a debt under another contract of the same contractor. The
 * other contract's invoice must exist, belong to the same customer, be unpaid and past its due date.
 */
async function otherContractDebt(db: Db, contractId: string, args: object): Promise<object> {
  const { otherContract, ...rest } = args as { otherContract?: { contractId: string; invoiceId: string } };
  if (!otherContract) return rest;
  const field = 'otherContract';
  const [self, other, invoice] = await Promise.all([
    db.contract.findUnique({ where: { id: contractId }, select: { customerId: true } }),
    db.contract.findUnique({ where: { id: otherContract.contractId }, select: { customerId: true } }),
    db.invoice.findUnique({ where: { id: otherContract.invoiceId }, include: { payments: { select: { amount: true } } } }),
  ]);
  if (!self) throw new HttpError(404, 'not_found', `contract ${contractId} does not exist`);
  if (!other || other.customerId !== self.customerId || otherContract.contractId === contractId) {
    throw new HttpError(422, 'invalid_command', `${field}.contractId: ${otherContract.contractId} is not another contract of this contractor`, `${field}.contractId`);
  }
  if (!invoice || invoice.contractId !== otherContract.contractId) {
    throw new HttpError(422, 'invalid_command', `${field}.invoiceId: no invoice ${otherContract.invoiceId} on contract ${otherContract.contractId}`, `${field}.invoiceId`);
  }
  const paid = invoice.payments.reduce((sum, p) => sum.plus(p.amount), new Decimal(0));
  const today = jstDateOf(Date.now());
  if (paid.gte(invoice.total) || !(invoice.dueDate < today)) {
    throw new HttpError(422, 'invalid_command', `${field}.invoiceId: invoice ${invoice.id} is not an overdue debt (due ${invoice.dueDate}, paid ${paid.toFixed()} of ${invoice.total})`, `${field}.invoiceId`);
  }
  return { ...rest, otherContractDebt: { contractId: otherContract.contractId, invoiceId: invoice.id, dueDate: invoice.dueDate } };
}

export interface CommandRouterDeps {
  client: Client;
  db: Db;
  limits?: CallLimits;
  /** The API's clock: the day a derived Idempotency-Key is scoped to. */
  now?: () => Date;
}

/**
 * Mounts every command of the table: POST path → role → contract id → body → idempotency key →
 * update on the contract's workflow, bounded in time. The update id carries the request's hash and
 * its Idempotency-Key (api/idempotency.ts), so a retry returns the first outcome; the key used is
 * echoed in the Idempotency-Key response header.
 */
export function commandRouter({ client, db, limits = DEFAULT_CALL_LIMITS, now = () => new Date() }: CommandRouterDeps): Router {
  const r = Router();
  for (const c of COMMANDS) {
    r.post(c.path, requireRole(c.role), async (req, res) => {
      const id = contractIdOf(req);
      const body = c.body.parse(req.body ?? {});
      const fromPath = Object.fromEntries(Object.entries(c.params).map(([param, field]) => [field, pathParam(req, param, field)]));
      const result = await sendCommand({ client, db, limits, now }, c, id, { ...body, ...fromPath }, req, (key) => res.setHeader(IDEMPOTENCY_HEADER, key));
      res.status(c.status).json(result);
    });
  }
  return r;
}

/**
 * Sends one command of the table to a contract (the API's routes and the pages' forms): the request's
 * hash and Idempotency-Key (header, or derived from the request and the day, so a form sent twice
 * is one command), the command's own check against the database (`resolve`), then the update,
 * bounded in time. `announceKey` hears the key used (the API echoes it in its response header).
 */
export async function sendCommand(
  deps: Required<CommandRouterDeps>,
  c: ContractCommand,
  id: string,
  args: object,
  req: Request,
  announceKey: (key: string) => void = () => undefined,
): Promise<unknown> {
  const hash = requestHash(`POST ${c.path}`, id, args);
  const key = idempotencyKeyOf(req, hash, deps.now());
  announceKey(key.key);
  const checked = c.resolve ? await c.resolve(deps.db, id, args) : args;
  // Sealed after the request hash (a retry hashes the same) and the checks, just before the update.
  const resolved = c.personal?.length ? await personalData(deps.db).sealFields(id, checked, c.personal as (keyof typeof checked)[]) : checked;
  return updateContract(deps.client, deps.db, deps.limits, id, c.update as UpdateDefinition<unknown, [object]>, resolved, key, commandUpdateId(key, hash));
}

/** A path parameter copied into the update (a case id): the field's limits apply, as for the body. */
function pathParam(req: Request, param: string, field: string): string {
  const value = String(req.params[param] ?? '');
  const problem = checkField(FIELD_RULES[field] ?? { kind: 'text', max: 64 }, value);
  if (problem || value.length === 0) throw new HttpError(404, 'not_found', `${field} ${JSON.stringify(value.slice(0, 80))} does not exist`, field);
  return value;
}

/**
 * Runs an update on a contract's workflow. The server answers "not found" both for an unknown
 * workflow and for a closed one; the database tells them apart: a contract that exists but is
 * closed (rejected, ended) is a 409 conflict, an unknown one a 404.
 */
async function updateContract<Ret, Args extends object>(
  client: Client,
  db: Db,
  limits: CallLimits,
  id: string,
  update: UpdateDefinition<Ret, [Args]>,
  args: Args,
  key: IdempotencyKey,
  updateId: string,
): Promise<Ret> {
  try {
    return await write(client, limits, key.key, `${update.name} on contract ${id}`, () =>
      client.workflow.getHandle(id).executeUpdate(update, { args: [args], updateId }),
    );
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
    const row = await db.contract.findUnique({ where: { id }, select: { status: true } });
    if (!row) throw new HttpError(404, 'not_found', `contract ${id} does not exist`);
    throw new HttpError(409, 'command_conflict', `contract ${id} is ${row.status}; it takes no further commands`);
  }
}
