/**
 * Errors as JSON: { error: { status, code, message, field? } }. Each known failure maps to its own
 * status; anything unknown is a 500 that is logged, never silently swallowed.
 */
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
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

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ZodError) {
    const issue = e.issues[0]!;
    const field = issue.path.join('.') || undefined;
    return new HttpError(400, 'invalid_request', `${field ?? 'body'}: ${issue.message}`, field);
  }
  if (e instanceof SyntaxError && 'body' in e) {
    return new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  if (e instanceof WorkflowNotFoundError) {
    return new HttpError(404, 'not_found', `contract ${e.workflowId ?? ''} does not exist`.replace('  ', ' '));
  }
  if (e instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpError(409, 'already_exists', `contract ${e.workflowId} already exists`, 'contractId');
  }
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
    const f = e.cause;
    // A refusal type not in workflows/refusal-types.ts is still the workflow refusing the command: 422.
    const status = isRefusalType(f.type) ? REFUSAL_STATUS[f.type] : 422;
    const { field, ...extra } = (f.details?.[0] ?? {}) as { field?: string } & Record<string, string>;
    return new HttpError(status, f.type ? snake(f.type) : 'refused', f.message, field, extra);
  }
  return new HttpError(500, 'internal', 'internal error');
}

function snake(s: string): string {
  return s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export function errorHandler(log: (msg: string, e: unknown) => void = (m, e) => console.error(m, e)) {
  return (e: unknown, req: Request, res: Response, _next: NextFunction) => {
    const h = toHttpError(e);
    if (h.status >= 500) log(`${req.method} ${req.path} failed`, e);
    const body: Record<string, unknown> = { status: h.status, code: h.code, message: h.message };
    if (h.field) body.field = h.field;
    if (h.extra) Object.assign(body, h.extra);
    res.status(h.status).json({ error: body });
  };
}
