/**
 * The HTTP API: turns requests into Temporal client calls and database reads, nothing more.
 * Built here without listening (api/main.ts listens) so tests drive it without a port.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { getPlan } from '../rules/plans.js';
import { getTerms } from '../rules/terms/index.js';
import { currentTermsVersion, termsRules } from '../rules/contract-rules.js';
import { CONTRACT_TASK_QUEUE, getContract, type ContractInput } from '../workflows/contract-messages.js';
import type { contractWorkflow } from '../workflows/contract.js';
import { assertCanRead, authenticate, requireRole, type KeyTable } from './auth.js';
import { HttpError, errorHandler } from './errors.js';
import { contractIdOf } from './contract-id.js';
import { IDEMPOTENCY_HEADER, MEMO_REQUEST, idFromKey, idempotencyKeyOf, requestHash } from './idempotency.js';
import { openApiDocument } from './openapi.js';
import { readableContract } from './readable-contract.js';
import { renderReferencePage } from './reference-page.js';
import { DEFAULT_CALL_LIMITS, read, write, type CallLimits } from './temporal-calls.js';
import { billingRouter } from './billing-routes.js';
import { commandRouter } from './commands.js';
import { lifecycleRouter } from './lifecycle-routes.js';
import { auditRoutes } from './audit-routes.js';
import { codecRouter } from './codec-routes.js';
import { announcementRouter } from './announcement-routes.js';
import { noticesRouter } from './notices-routes.js';
import { pagesRouter } from './pages/router.js';
import { SessionStore, loadSession } from './pages/session.js';
import { personalData } from '../activities/personal-data.js';
import { PERSONAL_CUSTOMER_FIELDS } from '../model/personal-data.js';
import { applicationBody, listQuery, type ApplicationBody } from './schemas.js';

export interface AppDeps {
  client: Client;
  db: Db;
  keys: KeyTable;
  taskQueue?: string;
  now?: () => Date;
  /** How long a command and a read may wait for Temporal (default 20 s / 10 s). */
  limits?: CallLimits;
  /** CODEC_CORS_ORIGINS: the Web UI origins that may call /codec from a browser (default none). */
  codecCorsOrigins?: readonly string[];
  /** The pages' sign-in sessions (default: a new store); shared with the codec server at /ui/codec. */
  sessions?: SessionStore;
}

/** Largest request body (JSON); a larger one is a 413. */
export const BODY_LIMIT = '100kb';

/**
 * HTTP-level bounds for the listening server (api/main.ts, worker/dev.ts): a client that sends its
 * headers or body too slowly is cut off (Node answers 408), so no connection is held for ever.
 * The Temporal calls inside a request have their own, shorter bounds (api/temporal-calls.ts).
 */
export function boundServer(server: import('node:http').Server): void {
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
}

export function buildApp({ client, db, keys, taskQueue = CONTRACT_TASK_QUEUE, now = () => new Date(), limits = DEFAULT_CALL_LIMITS, codecCorsOrigins = [], sessions = new SessionStore() }: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  // The API's reference: the OpenAPI 3.1 document generated from the routes' own zod schemas, and a page rendering it.
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(renderReferencePage(openApiDocument()));
  });

  // The pages for browsers (api/pages/): signed in by a session cookie, CSRF-checked; never an API key in a URL.
  app.get('/', (_req, res) => res.redirect(303, '/ui'));
  // The codec server for the Temporal Web UI (issue 16), for a browser signed in to the pages: the
  // session cookie (Path=/ui) reaches it here; only CODEC_CORS_ORIGINS may call it cross-origin.
  const codecs = client.options?.loadedDataConverter?.payloadCodecs ?? [];
  app.use('/ui/codec', codecRouter({ codecs, keys, corsOrigins: codecCorsOrigins, session: loadSession(sessions) }));
  app.use('/ui', openPersonalDataInPages(db), pagesRouter({ client, db, keys, taskQueue, now, sessions }));

  // The codec server for the Temporal Web UI (issue 16): its own CORS (a preflight carries no key),
  // then the same keys; the codec is the client's, so it decodes what the workers encode.
  app.use('/codec', codecRouter({ codecs, keys, corsOrigins: codecCorsOrigins }));

  // Authenticate before reading any body: without a valid key every request is a 401.
  app.use(authenticate(keys));
  // Issue 16: personal values come back from the workflow and the tables sealed; every JSON answer
  // shows them opened (or as （削除済み） once the contract's key is destroyed).
  app.use(openPersonalData(db));
  app.use(requireJsonBody);
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  const ops = requireRole('ops');
  const readAll = requireRole('ops', 'auditor');
  const anyRole = requireRole('ops', 'auditor', 'customer');

  app.post(
    '/contracts',
    ops,
    async (req, res) => {
      const body = applicationBody.parse(req.body ?? {});
      checkApplication(body);
      const hash = requestHash('POST /contracts', '', body);
      const key = idempotencyKeyOf(req, hash, now());
      res.setHeader(IDEMPOTENCY_HEADER, key.key);
      const appliedAt = now();
      // The contract id: the caller's, else derived from the idempotency key (a retry names the same contract).
      const contractId = body.contractId ?? idFromKey('ctr', key);
      const termsVersion = currentTermsVersion(body.terms, appliedAt.toISOString());
      const answer = (version: string) =>
        res.status(201).location(`/contracts/${contractId}`).json({ contractId, status: 'applied', termsVersion: version });
      // The first answer again when this very request already started the contract; 409 for anything else.
      const replay = async (): Promise<void> => {
        const first = await startedBy(client, limits, contractId);
        if (first?.request === hash) return void answer(first.termsVersion ?? termsVersion);
        if (body.contractId) throw new HttpError(409, 'already_exists', `contract ${contractId} already exists`, 'contractId');
        throw new HttpError(422, 'idempotency_key_reused', `the ${IDEMPOTENCY_HEADER} ${key.key} was already used for a different application`, IDEMPOTENCY_HEADER);
      };
      // A closed contract (rejected, ended) keeps its id: its row must never be overwritten by a new run.
      if (await db.contract.findUnique({ where: { id: contractId }, select: { id: true } })) return replay();
      const input: ContractInput = {
        contractId,
        terms: body.terms,
        termsVersion,
        planId: body.planId,
        // Issue 16: the personal fields enter the workflow (and its history) only sealed with the
        // contract's data key, which the TNC-37.5 / NGN-43 deletion destroys.
        customer: await personalData(db).sealFields(contractId, body.customer, PERSONAL_CUSTOMER_FIELDS),
        channel: body.channel ?? (body.terms === 'NGN' ? 'form' : 'online'),
        appliedAt: appliedAt.toISOString(),
        ...(body.contractPeriodMonths !== undefined ? { contractPeriodMonths: body.contractPeriodMonths } : {}),
      };
      try {
        await write(client, limits, key.key, `the application ${contractId}`, () =>
          client.workflow.start<typeof contractWorkflow>('contractWorkflow', {
            taskQueue,
            workflowId: contractId,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            memo: { [MEMO_REQUEST]: hash, termsVersion },
            args: [input],
          }),
        );
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) return replay();
        throw e;
      }
      answer(termsVersion);
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
      const id = contractIdOf(req);
      // A customer's key: the ownership check on the database row comes before any workflow call.
      if (req.principal?.role === 'customer') await readableContract(db, req);
      const view = await read(client, limits, () => client.workflow.getHandle(id).query(getContract));
      assertCanRead(req.principal, view.customerId, id);
      res.json(view);
    },
  );

  app.get(
    '/contracts/:id/ledger',
    anyRole,
    async (req, res) => {
      const contract = await readableContract(db, req);
      const entries = await db.ledgerEntry.findMany({ where: { contractId: contract.id }, orderBy: { id: 'asc' } });
      res.json({ contractId: contract.id, entries });
    },
  );

  app.use(commandRouter({ client, db, limits, now }));
  app.use(billingRouter({ db }));
  app.use(lifecycleRouter({ db }));
  app.use(noticesRouter({ db }));
  app.use(announcementRouter({ client, db, taskQueue, now, limits }));

  app.use('/audit', auditRoutes({ client, db, now, limits }));
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${safePath(req.path)}`)));
  app.use(errorHandler());
  return app;
}

/** The path as it may be echoed back: bounded, no control characters. */
function safePath(p: string): string {
  return p.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

/**
 * A request with a body must say it is JSON: anything else is a 415 before the body is read (a
 * missing body is read as {}). The charset, if given, must be UTF-8 (express.json answers 415 too).
 */
/** Wraps res.json: the body's sealed personal values are opened before it is sent (activities/personal-data.ts). */
function openPersonalData(db: Db) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const json = res.json.bind(res);
    res.json = ((body: unknown) => {
      if (!JSON.stringify(body ?? null).includes('⟦pd1:')) return json(body);
      personalData(db)
        .openDeep(body)
        .then((opened) => json(opened), next);
      return res;
    }) as typeof res.json;
    next();
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Wraps res.send for the pages: sealed personal values in a page are opened, HTML-escaped. */
function openPersonalDataInPages(db: Db) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      if (typeof body !== 'string' || !body.includes('⟦pd1:')) return send(body);
      personalData(db)
        .openText(body, (v) => v.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!))
        .then((opened) => send(opened), next);
      return res;
    }) as typeof res.send;
    next();
  };
}

function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is(['application/json', 'application/*+json'])) return next();
  next(new HttpError(415, 'unsupported_media_type', `the body must be JSON (Content-Type: application/json), not ${JSON.stringify(String(req.headers['content-type'] ?? 'none').slice(0, 80))}`));
}

/** The request hash and terms version an earlier start recorded in the workflow's memo, if this contract exists. */
async function startedBy(client: Client, limits: CallLimits, contractId: string): Promise<{ request?: string; termsVersion?: string } | undefined> {
  try {
    const d = await read(client, limits, () => client.workflow.getHandle(contractId).describe());
    const memo = (d.memo ?? {}) as Record<string, unknown>;
    return { request: typeof memo[MEMO_REQUEST] === 'string' ? memo[MEMO_REQUEST] : undefined, termsVersion: typeof memo.termsVersion === 'string' ? memo.termsVersion : undefined };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
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
