/**
 * Refusals thrown by update validators. A refused update never enters history, and the API maps
 * the failure type to its status (InvalidCommand 422, CommandConflict 409, LateNotice 422) and
 * reports the field that was wrong.
 */
import { ApplicationFailure } from '@temporalio/workflow';

export function invalid(field: string, message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidCommand', nonRetryable: true, message: `${field}: ${message}`, details: [{ field }] });
}

export function conflict(message: string): never {
  throw ApplicationFailure.create({ type: 'CommandConflict', nonRetryable: true, message });
}

/** A notice that arrived after its deadline; the deadline it missed travels in the details. */
export function lateNotice(field: string, message: string, deadline: string): never {
  throw ApplicationFailure.create({ type: 'LateNotice', nonRetryable: true, message, details: [{ field, deadline }] });
}

/** Refuses `value` unless it looks like one e-mail address (the API checks the full syntax). */
export function requireEmail(field: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(value)) invalid(field, `not an email address: ${String(value)}`);
}
