/**
 * The HTTP API: turns requests into Temporal client calls and database reads, nothing more.
 * Built here without listening (api/main.ts listens) so tests drive it without a port.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { getPlan } from '../rules/plans.js';
import { getTerms } from '../rules/terms/index.js';
import { currentTermsVersion, termsRules } from '../rules/contract-rules.js';
import { CONTRACT_TASK_QUEUE, getContract, type ContractInput } from '../workflows/contract-messages.js';
import type { contractWorkflow } from '../workflows/contract.js';
import { assertCanRead, authenticate, requireRole, type KeyTable } from './auth.js';
import { HttpError, errorHandler } from './errors.js';
import { billingRouter } from './billing-routes.js';
import { commandRouter } from './commands.js';
import { lifecycleRouter } from './lifecycle-routes.js';
import { auditRoutes } from './audit-routes.js';
import { announcementRouter } from './announcement-routes.js';
import { noticesRouter } from './notices-routes.js';
import { pagesRouter } from './pages/router.js';
import { applicationBody, listQuery, type ApplicationBody } from './schemas.js';

export interface AppDeps {
  client: Client;
  db: Db;
  keys: KeyTable;
  taskQueue?: string;
  now?: () => Date;
}


export function buildApp({ client, db, keys, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date() }: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  // The pages for browsers (api/pages/): signed in by a session cookie, CSRF-checked; never an API key in a URL.
  app.get('/', (_req, res) => res.redirect(303, '/ui'));
  app.use('/ui', pagesRouter({ client, db, keys, taskQueue, now }));

  // Authenticate before parsing any body: without a valid key every request is a 401.
  app.use(authenticate(keys));
  app.use(express.json({ limit: '100kb' }));
  const ops = requireRole('ops');
  const readAll = requireRole('ops', 'auditor');
  const anyRole = requireRole('ops', 'auditor', 'customer');

  app.post(
    '/contracts',
    ops,
    async (req, res) => {
      const body = applicationBody.parse(req.body);
      checkApplication(body);
      const appliedAt = now();
      const contractId = body.contractId ?? `ctr-${randomUUID()}`;
      // A closed contract (rejected, ended) keeps its id: its row must never be overwritten by a new run.
      if (body.contractId && (await db.contract.findUnique({ where: { id: contractId }, select: { id: true } }))) {
        throw new HttpError(409, 'already_exists', `contract ${contractId} already exists`, 'contractId');
      }
      const input: ContractInput = {
        contractId,
        terms: body.terms,
        termsVersion: currentTermsVersion(body.terms, appliedAt.toISOString()),
        planId: body.planId,
        customer: body.customer,
        channel: body.channel ?? (body.terms === 'NGN' ? 'form' : 'online'),
        appliedAt: appliedAt.toISOString(),
        ...(body.contractPeriodMonths !== undefined ? { contractPeriodMonths: body.contractPeriodMonths } : {}),
      };
      await client.workflow.start<typeof contractWorkflow>('contractWorkflow', {
        taskQueue,
        workflowId: contractId,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
      });
      res.status(201).location(`/contracts/${contractId}`).json({ contractId, status: 'applied', termsVersion: input.termsVersion });
    },
  );

  app.get(
    '/contracts',
    readAll,
    async (req, res) => {
      const q = listQuery.parse(req.query);
      const rows = await db.contract.findMany({
        where: {
          status: q.status,
          terms: q.terms,
          ...(q.deadlineBefore ? { nextDeadline: { lte: new Date(q.deadlineBefore).toISOString() } } : {}),
          ...(q.nonRenewalFrom || q.nonRenewalTo ? { nonRenewalDeadline: { gte: q.nonRenewalFrom, lte: q.nonRenewalTo } } : {}),
        },
        orderBy: q.nonRenewalFrom || q.nonRenewalTo ? [{ nonRenewalDeadline: 'asc' }, { id: 'asc' }] : [{ nextDeadline: 'asc' }, { id: 'asc' }],
        take: q.limit,
      });
      res.json({ contracts: rows });
    },
  );

  app.get(
    '/contracts/:id',
    anyRole,
    async (req, res) => {
      const id = String(req.params.id);
      const view = await client.workflow.getHandle(id).query(getContract);
      assertCanRead(req.principal, view.customerId, id);
      res.json(view);
    },
  );

  app.get(
    '/contracts/:id/ledger',
    anyRole,
    async (req, res) => {
      const id = String(req.params.id);
      const contract = await db.contract.findUnique({ where: { id } });
      if (!contract) throw new HttpError(404, 'not_found', `contract ${id} does not exist`);
      assertCanRead(req.principal, contract.customerId, id);
      const entries = await db.ledgerEntry.findMany({ where: { contractId: id }, orderBy: { id: 'asc' } });
      res.json({ contractId: id, entries });
    },
  );

  app.use(commandRouter({ client, db }));
  app.use(billingRouter({ db }));
  app.use(lifecycleRouter({ db }));
  app.use(noticesRouter({ db }));
  app.use(announcementRouter({ client, db, taskQueue, now }));

  app.use('/audit', auditRoutes({ client, db, now }));
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorHandler());
  return app;
}

/** Checks an application against its 約款 and plan before any workflow starts (nothing changes on refusal). */
function checkApplication(body: ApplicationBody): void {
  const plan = getPlan(body.planId);
  if (!plan || plan.terms !== body.terms) {
    throw new HttpError(422, 'unknown_plan', `plan ${body.planId} does not exist under ${body.terms}`, 'planId');
  }
  const rules = termsRules(body.terms);
  if (rules.corporateDomesticOnly && (body.customer.kind !== 'corporate' || !body.customer.domestic)) {
    throw new HttpError(
      422,
      'applicant_not_eligible',
      'NGN-10: only a domestic corporation (国内法人) may apply under the NGN-VPN 約款',
      body.customer.kind !== 'corporate' ? 'customer.kind' : 'customer.domestic',
    );
  }
  if (body.contractPeriodMonths !== undefined) {
    const renewal = getTerms(body.terms).renewal;
    if (!renewal.value) {
      throw new HttpError(422, 'invalid_command', `contractPeriodMonths: ${body.terms} contracts have no fixed period (${renewal.clause})`, 'contractPeriodMonths');
    }
    if (body.contractPeriodMonths < rules.minimumTermMonths) {
      throw new HttpError(
        422,
        'invalid_command',
        `contractPeriodMonths: the first period cannot be shorter than the ${rules.minimumTermMonths}-month minimum term (${getTerms(body.terms).minimumTerm.clause})`,
        'contractPeriodMonths',
      );
    }
  }
  if (plan.customerKind !== 'any' && plan.customerKind !== body.customer.kind) {
    throw new HttpError(422, 'plan_not_available', `plan ${plan.id} is for ${plan.customerKind} customers`, 'customer.kind');
  }
}
