/**
 * Ops commands for breaches, suspensions, outages and termination by the provider. Each is an
 * update on the contract workflow: a refused command never enters history and answers with the
 * status, the reason and the field (and the deadline where one was missed).
 */
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { alertMalware, applyMeasure, liftSuspension, recordDisclosure, recordCure, reportOutage, reportPaymentMethodInvalid, reportViolation, restoreOutage, scheduleSuspension, terminateByProvider } from '../workflows/contract-messages.js';
import { requireRole } from './auth.js';
import { disclosureBody, invalidMethodBody, malwareAlertBody, measureBody, outageBody, restoreBody, suspensionBody, terminationBody, violationBody } from './schemas.js';
import { route } from './route.js';


export function eventRouter({ client }: { client: Client }): Router {
  const r = Router();
  const ops = requireRole('ops');
  const contract = (req: Request) => client.workflow.getHandle(String(req.params.id));
  const param = (req: Request, name: string) => String(req.params[name]);

  r.post('/contracts/:id/violations', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(reportViolation, { args: [violationBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/violations/:vid/cure', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(recordCure, { args: [{ violationId: param(req, 'vid') }] }));
  }));
  r.post('/contracts/:id/violations/:vid/measures', ops, route(async (req, res) => {
    const { measure } = measureBody.parse(req.body);
    res.json(await contract(req).executeUpdate(applyMeasure, { args: [{ violationId: param(req, 'vid'), measure }] }));
  }));
  r.post('/contracts/:id/suspensions', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(scheduleSuspension, { args: [suspensionBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/suspensions/:sid/lift', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(liftSuspension, { args: [{ suspensionId: param(req, 'sid') }] }));
  }));
  r.post('/contracts/:id/outages', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(reportOutage, { args: [outageBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/disclosures', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(recordDisclosure, { args: [disclosureBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/malware-alerts', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(alertMalware, { args: [malwareAlertBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/outages/:oid/restore', ops, route(async (req, res) => {
    const { restoredAt } = restoreBody.parse(req.body);
    res.json(await contract(req).executeUpdate(restoreOutage, { args: [{ outageId: param(req, 'oid'), restoredAt }] }));
  }));
  r.post('/contracts/:id/termination', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(terminateByProvider, { args: [terminationBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/payment-method-invalid', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(reportPaymentMethodInvalid, { args: [invalidMethodBody.parse(req.body)] }));
  }));
  return r;
}
