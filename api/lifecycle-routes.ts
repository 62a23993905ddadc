/**
 * Ops commands over a contract's life beyond formation: the application queue (NGN-11), pause and
 * resume (TNC-16), plan changes (NGN-13 / TNC-15), contractor changes (NGN-14/15, TNC-13), the
 * erasure certificate (NGN-43) and force majeure (NGN-40 (10)). Writes are workflow updates.
 */
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { changeContractor, registerFaultContact, changePlan, endForceMajeure, pauseService, reportForceMajeure, resumeService, setQueuePriority, submitErasureCertificate } from '../workflows/contract-messages.js';
import { requireRole } from './auth.js';
import { contractorChangeBody, emptyBody, erasureBody, faultContactBody, forceMajeureBody, planChangeBody, priorityBody, endBody } from './schemas.js';
import { route } from './route.js';


export function lifecycleRouter({ client, db }: { client: Client; db: Db }): Router {
  const r = Router();
  const ops = requireRole('ops');
  const readAll = requireRole('ops', 'auditor');
  const contract = (req: Request) => client.workflow.getHandle(String(req.params.id));

  /** NGN-11: open applications in processing order (priority, then order of receipt). */
  r.get('/applications', readAll, route(async (_req, res) => {
    const rows = await db.contract.findMany({
      where: { status: 'applied' },
      orderBy: [{ queuePriority: 'desc' }, { appliedAt: 'asc' }, { id: 'asc' }],
      select: { id: true, terms: true, planId: true, customerId: true, customerName: true, appliedAt: true, queuePriority: true, escalatedAt: true },
    });
    res.json({ applications: rows.map((row, i) => ({ position: i + 1, ...row })) });
  }));
  r.post('/contracts/:id/priority', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(setQueuePriority, { args: [priorityBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/pause', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(pauseService, { args: [emptyBody.parse(req.body ?? {})] }));
  }));
  r.post('/contracts/:id/resume', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(resumeService, { args: [emptyBody.parse(req.body ?? {})] }));
  }));
  r.post('/contracts/:id/plan-change', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(changePlan, { args: [planChangeBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/contractor-change', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(changeContractor, { args: [contractorChangeBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/fault-contact', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(registerFaultContact, { args: [faultContactBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/erasure-certificate', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(submitErasureCertificate, { args: [erasureBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/force-majeure', ops, route(async (req, res) => {
    res.status(201).json(await contract(req).executeUpdate(reportForceMajeure, { args: [forceMajeureBody.parse(req.body)] }));
  }));
  r.post('/contracts/:id/force-majeure/end', ops, route(async (req, res) => {
    res.json(await contract(req).executeUpdate(endForceMajeure, { args: [endBody.parse(req.body)] }));
  }));
  return r;
}
