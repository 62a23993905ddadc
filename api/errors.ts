/**
 * Errors as JSON: { error: { status, code, message, field?, … } }. Each known failure maps to its own
 * status and says what was wrong; a malformed request is a 4xx (400 bad encoding or JSON, 413 too
 * large, 415 unsupported media type, charset or Content-Encoding); the workflow service not
 * answering is a 503/504 that says whether the outcome is known; anything else is a 500 with a
 * reference that is logged. No response carries a stack trace or a server path.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSAL_STATUS, isRefusalType } from '../workflows/refusal-types.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra facts for the caller, e.g. the deadline a late notice missed. */
    readonly extra?: Record<string, string>,
  ) {
    super(message);
  }
}

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) the client may see. */
const GRPC = { CANCELLED: 1, UNKNOWN: 2, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14 } as const;

/** The gRPC status code behind an error of the Temporal client, if any. */
export function grpcCode(e: unknown): number | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur instanceof Error; i++) {
    if (isGrpcServiceError(cur)) return cur.code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True when the server refused to admit an update because the contract's last workflow task failed
 * or timed out and is being retried (its worker stopped in the middle of it, for one): the update
 * never entered the workflow, so nothing was changed, and it can be sent again shortly.
 */
export function isWorkflowTaskRetrying(e: unknown): boolean {
  if (grpcCode(e) !== GRPC.FAILED_PRECONDITION) return false;
  for (let cur: unknown = e, i = 0; i < 5 && cur instanceof Error; i++, cur = (cur as { cause?: unknown }).cause) {
    if (/workflow task in failed state/i.test(cur.message)) return true;
  }
  return false;
}

/** True when the Temporal service did not answer in time or could not be reached (the outcome is unknown). */
export function isUnreachable(e: unknown): boolean {
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const code = grpcCode(e);
  if (code !== undefined) return ([GRPC.CANCELLED, GRPC.DEADLINE_EXCEEDED, GRPC.UNAVAILABLE, GRPC.RESOURCE_EXHAUSTED, GRPC.UNKNOWN] as number[]).includes(code);
  return e instanceof ServiceError;
}

export function isTimeout(e: unknown): boolean {
  return e instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpcCode(e) === GRPC.DEADLINE_EXCEEDED || e instanceof CallTimeout;
}

/** Our own bound on a Temporal call (api/temporal-calls.ts). */
export class CallTimeout extends Error {}

/** body-parser's error types (http-errors with `type`), by what the client did wrong. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'payload_too_large', 'the request body is larger than the limit'],
  'entity.parse.failed': [400, 'invalid_json', 'the request body is not valid JSON'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'the Content-Encoding is not supported (identity, gzip, deflate or br)'],
  'charset.unsupported': [415, 'unsupported_charset', 'the charset is not supported (send UTF-8)'],
  'request.aborted': [400, 'request_aborted', 'the request body was not received completely'],
  'request.size.invalid': [400, 'invalid_request', 'the request body is shorter or longer than its Content-Length'],
  'entity.verify.failed': [400, 'invalid_request', 'the request body could not be verified'],
  'parameters.too.many': [413, 'payload_too_large', 'the request has too many parameters'],
};

interface StatusError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
}

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ZodError) {
    const issue = e.issues[0]!;
    const field = issue.path.join('.') || undefined;
    return new HttpError(400, 'invalid_request', `${field ?? 'body'}: ${issue.message}`, field);
  }
  if (e instanceof WorkflowNotFoundError) {
    return new HttpError(404, 'not_found', `contract ${e.workflowId ?? ''} does not exist`.replace('  ', ' '));
  }
  if (e instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpError(409, 'already_exists', `contract ${e.workflowId} already exists`, 'contractId');
  }
  if (e instanceof QueryNotRegisteredError) {
    return new HttpError(404, 'not_found', 'no such contract');
  }
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
    const f = e.cause;
    // A refusal type not in workflows/refusal-types.ts is still the workflow refusing the command: 422.
    const status = isRefusalType(f.type) ? REFUSAL_STATUS[f.type] : 422;
    const { field, ...extra } = (f.details?.[0] ?? {}) as { field?: string } & Record<string, string>;
    return new HttpError(status, f.type ? snake(f.type) : 'refused', f.message, field, extra);
  }
  if (isWorkflowTaskRetrying(e)) {
    return new HttpError(503, 'unavailable', 'the contract is recovering from an interrupted workflow task; the command was not carried out; retry it', undefined, {
      retryAfterSeconds: '5',
    });
  }
  if (isUnreachable(e)) {
    return isTimeout(e)
      ? new HttpError(504, 'timeout', 'the contract did not answer in time; nothing was changed by this request; retry it')
      : new HttpError(503, 'unavailable', 'the workflow service cannot be reached; nothing was changed by this request; retry it', undefined, { retryAfterSeconds: '5' });
  }
  const se = (e ?? {}) as StatusError;
  const type = typeof se.type === 'string' ? se.type : undefined;
  if (type && BODY_ERRORS[type]) {
    const [status, code, message] = BODY_ERRORS[type];
    return new HttpError(status, code, message);
  }
  if (e instanceof URIError) return new HttpError(400, 'bad_encoding', 'the path holds malformed percent-encoding');
  const status = Number(se.status ?? se.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    // http-errors raised while reading the request (e.g. a body that is not valid gzip).
    return new HttpError(status, status === 415 ? 'unsupported_media_type' : 'bad_request', se.expose === true && e instanceof Error ? oneLine(e.message) : 'the request could not be read');
  }
  return new HttpError(500, 'internal', 'internal error');
}

function snake(s: string): string {
  return s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A message fit for a response: one line, bounded, no file paths. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/(\/[\w.-]+){2,}/g, '…').slice(0, 300);
}

export function errorHandler(log: (msg: string, e: unknown) => void = (m, e) => console.error(m, e)) {
  return (e: unknown, req: Request, res: Response, _next: NextFunction) => {
    let h = toHttpError(e);
    if (h.status >= 500 && h.code === 'internal') {
      // The log has the details; the caller gets a reference to quote, never the stack.
      const ref = randomUUID();
      log(`${req.method} ${req.path} failed (reference ${ref})`, e);
      h = new HttpError(500, 'internal', `internal error (reference ${ref})`, undefined, { reference: ref });
    } else if (h.status >= 500) {
      log(`${req.method} ${req.path}: ${h.status} ${h.code}`, h.message);
    }
    const body: Record<string, unknown> = { status: h.status, code: h.code, message: h.message };
    if (h.field) body.field = h.field;
    if (h.extra) Object.assign(body, h.extra);
    if (res.headersSent) return res.end();
    if (h.status === 503 || h.status === 429) res.setHeader('Retry-After', h.extra?.retryAfterSeconds ?? '5');
    res.status(h.status).json({ error: body });
  };
}
