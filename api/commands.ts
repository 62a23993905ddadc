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
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import {
  acceptApplication,
  alertMalware,
  applyMeasure,
  changeContractor,
  changePlan,
  chargeDispatch,
  chargeSurcharge,
  endForceMajeure,
  giveNonRenewalNotice,
  liftSuspension,
  objectToTermsChange,
  pauseService,
  recordCure,
  recordDisclosure,
  recordPayment,
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
  terminateByProvider,
} from '../workflows/contract-messages.js';
import { FIELD_RULES, checkField } from '../rules/limits.js';
import { requireRole, type Role } from './auth.js';
import { contractIdOf } from './contract-id.js';
import { IDEMPOTENCY_HEADER, commandUpdateId, idempotencyKeyOf, requestHash, type IdempotencyKey } from './idempotency.js';
import { DEFAULT_CALL_LIMITS, write, type CallLimits } from './temporal-calls.js';
import { HttpError } from './errors.js';
import {
  acceptBody,
  cancelBody,
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
  usageBody,
  violationBody,
} from './schemas.js';

/** One row of the table. `:id` in the path is the contract id, which is the workflow id. */
export interface ContractCommand {
  path: string;
  update: UpdateDefinition<unknown, [object]>;
  /** Schema of the JSON body; a missing body is read as {}. */
  body: z.ZodType<object>;
  /** Path parameters copied into the update's argument, e.g. { vid: 'violationId' }. */
  params: Readonly<Record<string, string>>;
  role: Role;
  status: 200 | 201;
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

  // Breaches (NGN-25/27, TNC-40), suspensions (NGN-36/37, TNC-39/41), outages (NGN-33, TNC-42),
  // disclosures (NGN-46), malware alerts (TNC-45), termination by the provider (NGN-40/42, TNC-18)
  command({ path: '/contracts/:id/violations', update: reportViolation, body: violationBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/violations/:vid/cure', update: recordCure, body: emptyBody, params: { vid: 'violationId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/violations/:vid/measures', update: applyMeasure, body: measureBody, params: { vid: 'violationId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/suspensions', update: scheduleSuspension, body: suspensionBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/suspensions/:sid/lift', update: liftSuspension, body: emptyBody, params: { sid: 'suspensionId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/outages', update: reportOutage, body: outageBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/outages/:oid/restore', update: restoreOutage, body: restoreBody, params: { oid: 'outageId' }, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/disclosures', update: recordDisclosure, body: disclosureBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/malware-alerts', update: alertMalware, body: malwareAlertBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/termination', update: terminateByProvider, body: terminationBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/payment-method-invalid', update: reportPaymentMethodInvalid, body: invalidMethodBody, role: 'ops', status: 201 }),

  // Life beyond formation: NGN-11 queue, TNC-16 pause/resume, NGN-13 / TNC-15 plan change,
  // NGN-14/15 / TNC-13 contractor change, NGN-52 fault contact, NGN-43 erasure, NGN-40 (10) force majeure
  command({ path: '/contracts/:id/priority', update: setQueuePriority, body: priorityBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/pause', update: pauseService, body: emptyBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/resume', update: resumeService, body: emptyBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/plan-change', update: changePlan, body: planChangeBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/contractor-change', update: changeContractor, body: contractorChangeBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/fault-contact', update: registerFaultContact, body: faultContactBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/erasure-certificate', update: submitErasureCertificate, body: erasureBody, role: 'ops', status: 200 }),
  command({ path: '/contracts/:id/force-majeure', update: reportForceMajeure, body: forceMajeureBody, role: 'ops', status: 201 }),
  command({ path: '/contracts/:id/force-majeure/end', update: endForceMajeure, body: endBody, role: 'ops', status: 200 }),

  // TNC-3: a written objection to an announced terms change (the contract checks the announcement and the date)
  command({ path: '/contracts/:id/objections', update: objectToTermsChange, body: objectionBody, role: 'ops', status: 200 }),
];

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
      const args = { ...body, ...fromPath };
      const hash = requestHash(`POST ${c.path}`, id, args);
      const key = idempotencyKeyOf(req, hash, now());
      res.setHeader(IDEMPOTENCY_HEADER, key.key);
      const result = await updateContract(client, db, limits, id, c.update, args, key, commandUpdateId(key, hash));
      res.status(c.status).json(result);
    });
  }
  return r;
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
