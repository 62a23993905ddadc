/**
 * The API's OpenAPI 3.1 document, generated from the very zod schemas the routes parse with (the
 * command table api/commands.ts, api/schemas.ts, the query schemas of the read routes), so it cannot
 * drift from what the API accepts. Served at GET /openapi.json and rendered at GET /docs; fuzzed by
 * Schemathesis in `npm test` (test/api/openapi-fuzz.test.ts).
 *
 * Every operation lists every status it can answer: its success, the JSON error shape for each
 * refusal (400 invalid, 401, 403, 404, 409, 413, 415, 422), 500 (a bug: internal or command_failed),
 * and 503/504 when the workflow service does not answer (for writes: outcome_unknown, retry with the
 * same Idempotency-Key).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { FIELD_RULES, TEXT_LIMITS } from '../rules/limits.js';
import { announcementBody, settlementBody } from './announcement-routes.js';
import { codecBody } from './codec-routes.js';
import { COMMANDS } from './commands.js';
import { carrierQuery, noticesQuery } from './notices-routes.js';
import { applicationBody, listQuery } from './schemas.js';

const CONTRACT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$';

const errorBody = z
  .object({
    error: z
      .object({
        status: z.number().int(),
        code: z.string().meta({ description: 'snake_case reason, e.g. invalid_request, late_notice, outcome_unknown' }),
        message: z.string(),
        field: z.string().optional().meta({ description: 'the field (or header) that was wrong' }),
      })
      .catchall(z.string())
      .meta({ description: 'extra facts are strings: deadline, idempotencyKey, outcome, reference …' }),
  })
  .meta({ id: 'Error' });

const anyObject = z.object({}).catchall(z.unknown());

const ERRORS: Record<number, string> = {
  400: 'the request is malformed: a field (named), bad JSON, bad percent-encoding, bad gzip or a bad Idempotency-Key',
  401: 'no API key, or not `Authorization: Bearer <key>`, or an unknown key',
  403: 'the key lacks the role',
  404: 'no such contract (or not the caller\'s), case or route',
  409: 'the command conflicts with the contract\'s state, or an id already exists',
  413: 'the body is larger than its limit: 100 kB of JSON, 4 MB for the codec endpoints (/codec/decode, /codec/encode)',
  415: 'the body is not JSON, or its charset or Content-Encoding is not supported',
  422: 'the contract refuses the command (late notice, invalid value, reused Idempotency-Key …), or the codec server cannot decrypt a payload',
  500: 'a bug: `internal` (with a reference) or `command_failed` (the contract carries on)',
  503: 'the workflow service cannot be reached, or (`unavailable`) the contract is recovering from an interrupted workflow task and nothing was changed; for a write `outcome_unknown`: retry with the same Idempotency-Key',
  504: 'no answer in time; for a write `outcome_unknown`: retry with the same Idempotency-Key',
};

type Responses = RouteConfig['responses'];

function errorResponses(): Responses {
  return Object.fromEntries(Object.entries(ERRORS).map(([status, description]) => [status, { description, content: { 'application/json': { schema: errorBody } } }]));
}

function json(status: number, description: string, schema: z.ZodType = anyObject): Responses {
  return { [status]: { description, content: { 'application/json': { schema } } }, ...errorResponses() };
}

const contractIdParam = z.string().regex(new RegExp(CONTRACT_ID_PATTERN)).meta({ description: 'the contract id (= its workflow id)' });
const idempotencyHeader = z
  .string()
  .regex(new RegExp(`^[\\x21-\\x7e]{8,${TEXT_LIMITS.idempotencyKey}}$`))
  .optional()
  .meta({ description: 'names this request: the same request again with the same key returns the first outcome and changes nothing. Default: derived from the request and the day (Asia/Tokyo).' });

/** `:name` → `{name}`. */
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

function pathParams(path: string, params: Readonly<Record<string, string>> = {}) {
  const shape: Record<string, z.ZodType> = {};
  for (const [, name] of path.matchAll(/:(\w+)/g)) {
    if (name === 'id') shape.id = contractIdParam;
    else {
      const rule = FIELD_RULES[params[name!] ?? ''];
      shape[name!] = z.string().min(1).max(rule && rule.kind === 'text' ? rule.max : 64);
    }
  }
  return z.object(shape);
}

function build() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'an API key of YAKKAN_API_KEYS' });
  const write = (method: 'post', path: string, summary: string, body: z.ZodType, status: number, response: z.ZodType = anyObject, params?: Record<string, string>) =>
    registry.registerPath({
      method,
      path: openApiPath(path),
      summary,
      request: {
        ...(path.includes(':') ? { params: pathParams(path, params) } : {}),
        headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
        body: { required: true, content: { 'application/json': { schema: body } } },
      },
      responses: json(status, 'done (or, for a retry, the first outcome); the key used is in the Idempotency-Key header', response),
    });
  const get = (path: string, summary: string, query?: z.ZodObject, responses?: Responses) =>
    registry.registerPath({
      method: 'get',
      path: openApiPath(path),
      summary,
      request: { ...(path.includes(':') ? { params: pathParams(path) } : {}), ...(query ? { query } : {}) },
      responses: responses ?? json(200, 'the data'),
    });

  write('post', '/contracts', 'apply under a 約款 and plan (NGN-10, TNC-11); the contract id is the caller\'s or derived from the Idempotency-Key', applicationBody, 201,
    z.object({ contractId: z.string(), status: z.literal('applied'), termsVersion: z.string() }));
  get('/contracts', 'list contracts by status, terms, next deadline, NGN-39 non-renewal deadline', listQuery);
  get('/contracts/:id', 'the contract\'s live state (workflow query); a customer key reads only its own');
  get('/contracts/:id/ledger', 'ledger entries with clause id and tax class');
  for (const c of COMMANDS) write('post', c.path, `contract command ${c.update.name} (role ${c.role})`, c.body, c.status, anyObject, c.params);
  get('/contracts/:id/invoices', 'invoices with their lines and payments');
  get('/contracts/:id/payments', 'payments');
  get('/contracts/:id/balance', 'balance and reconciliation of ledger, invoices and payments (flags charges that look doubled)');
  get('/contracts/:id/ledger.csv', 'the ledger as CSV', undefined, {
    200: { description: 'CSV (UTF-8 with BOM)', content: { 'text/csv': { schema: z.string() } } },
    ...errorResponses(),
  });
  get('/contracts/:id/notices', 'notices (customer: sent ones only)');
  registry.registerPath({
    method: 'get',
    path: '/contracts/{id}/notices/{noticeId}',
    summary: 'one notice with its delivery proof',
    request: { params: z.object({ id: contractIdParam, noticeId: z.string().min(1).max(64) }) },
    responses: json(200, 'the notice'),
  });
  get('/applications', 'open applications in processing order (NGN-11)');
  get('/notices', 'notices across contracts by delivery status', noticesQuery);
  get('/carrier-messages', 'docomo notifications by delivery status', carrierQuery);
  write('post', '/announcements', 'abolition (NGN-38 / TNC-24), suspension of the whole service (TNC-24 休止) or terms change (NGN-2 / TNC-3) to every active contract', announcementBody, 202);
  registry.registerPath({
    method: 'get',
    path: '/announcements/{id}',
    summary: 'fan-out progress',
    request: { params: z.object({ id: z.string().regex(new RegExp(CONTRACT_ID_PATTERN)) }) },
    responses: json(200, 'progress'),
  });
  registry.registerPath({
    method: 'get',
    path: '/announcements/{id}/late',
    summary: 'NGN-38 / TNC-24, NGN-2 / TNC-3: the contracts on which the announcement does not take effect on its date (notice failed, not delivered yet, or delivered too late for the lead)',
    request: { params: z.object({ id: z.string().regex(new RegExp(CONTRACT_ID_PATTERN)) }) },
    responses: json(200, 'the late contracts with their own effective day'),
  });
  write('post', '/carrier-settlements', 'TNC-42.2: split what the carrier paid pro rata', settlementBody, 202);
  registry.registerPath({
    method: 'get',
    path: '/carrier-settlements/{id}',
    summary: 'settlement progress',
    request: { params: z.object({ id: z.string().regex(new RegExp(CONTRACT_ID_PATTERN)) }) },
    responses: json(200, 'progress'),
  });
  get('/audit/contracts/:id/history', 'every continue-as-new run\'s history as proto-JSON (stack traces removed)');
  get('/audit/contracts/:id/report', 'the audit report', z.strictObject({ format: z.enum(['json', 'html']).optional() }), {
    200: { description: 'the report (JSON, or HTML with format=html)', content: { 'application/json': { schema: anyObject }, 'text/html': { schema: z.string() } } },
    ...errorResponses(),
  });
  registry.registerPath({
    method: 'post',
    path: '/audit/replay',
    summary: 'replay a contract\'s live histories against the running code',
    request: { body: { required: true, content: { 'application/json': { schema: z.strictObject({ contractId: z.string().regex(new RegExp(CONTRACT_ID_PATTERN)) }) } } } },
    responses: json(200, 'one outcome per run'),
  });

  for (const [op, summary] of [
    ['decode', 'codec server (Temporal Web UI remote codec, issue 16): decrypt payloads; ops or auditor (also at /ui/codec with the pages\' sign-in cookie)'],
    ['encode', 'codec server: encrypt payloads with the current key of YAKKAN_PAYLOAD_KEYS; ops'],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path: `/codec/${op}`,
      summary,
      request: { body: { required: true, content: { 'application/json': { schema: codecBody } } } },
      responses: json(200, 'the payloads in the same shape', codecBody),
    });
  }

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'yakkan API',
      version: '1',
      description:
        'Telecom service contracts under Japanese terms of service (約款) as durable Temporal workflows. ' +
        'Every write takes an Idempotency-Key; every error is JSON `{ error: { status, code, message, field? } }`.',
    },
    security: [{ bearer: [] }],
  });
  // Public: the health check and the reference itself.
  const open = { security: [], responses: { 200: { description: 'ok' } } };
  document.paths = {
    ...document.paths,
    '/health': { get: { summary: 'liveness', ...open } },
    '/openapi.json': { get: { summary: 'this document', ...open } },
    '/docs': { get: { summary: 'this document as a page', ...open } },
  };
  return document;
}

let cached: ReturnType<typeof build> | undefined;
/** The document, built once per process. */
export function openApiDocument() {
  cached ??= build();
  return cached;
}
