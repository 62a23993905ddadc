/**
 * Refusals thrown by update validators. A refused update never enters history, and the API maps
 * the failure type to its status (the types and statuses are listed once, in refusal-types.ts)
 * and reports the field that was wrong.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { RefusalType } from './refusal-types.js';
import { isSealed } from '../model/personal-data.js';

function refuse(type: RefusalType, message: string, details?: Record<string, string>): never {
  throw ApplicationFailure.create({ type, nonRetryable: true, message, ...(details ? { details: [details] } : {}) });
}

export function invalid(field: string, message: string): never {
  refuse('InvalidCommand', `${field}: ${message}`, { field });
}

export function conflict(message: string): never {
  refuse('CommandConflict', message);
}

/** A notice that arrived after its deadline; the deadline it missed travels in the details. */
export function lateNotice(field: string, message: string, deadline: string): never {
  refuse('LateNotice', message, { field, deadline });
}

/** The notice a command depends on was not delivered (ops were alerted); the command did not happen. */
export function undeliverable(message: string): never {
  refuse('NoticeUndeliverable', message);
}

/** Refuses `value` unless it looks like one e-mail address (the API checks the full syntax). */
export function requireEmail(field: string, value: unknown): void {
  // A sealed address (issue 16: the API checked it, then sealed it with the contract's data key) passes.
  if (isSealed(value)) return;
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(value)) invalid(field, `not an email address: ${String(value)}`);
}
