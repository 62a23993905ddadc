/**
 * The application queue (NGN-11), read from the database. The commands over a contract's life
 * (priority, pause and resume, plan and contractor changes, erasure, force majeure) are in
 * api/commands.ts.
 */
import { Router } from 'express';
import type { Db } from '../db/client.js';
import { requireRole } from './auth.js';


export function lifecycleRouter({ db }: { db: Db }): Router {
  const r = Router();
  const readAll = requireRole('ops', 'auditor');

  /** NGN-11: open applications in processing order (priority, then order of receipt). */
  r.get('/applications', readAll, async (_req, res) => {
    const rows = await db.contract.findMany({
      where: { status: 'applied' },
      orderBy: [{ queuePriority: 'desc' }, { appliedAt: 'asc' }, { id: 'asc' }],
      select: { id: true, terms: true, planId: true, customerId: true, customerName: true, appliedAt: true, queuePriority: true, escalatedAt: true },
    });
    res.json({ applications: rows.map((row, i) => ({ position: i + 1, ...row })) });
  });
  return r;
}
