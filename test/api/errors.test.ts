/**
 * Refusal types are listed once (workflows/refusal-types.ts): each one a workflow throws reaches
 * the caller with its own status, its code and the field and facts from the failure's details.
 */
import { describe, expect, test } from 'vitest';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { toHttpError } from '../../api/errors.js';
import { REFUSAL_STATUS } from '../../workflows/refusal-types.js';

const refused = (type: string, details?: Record<string, string>) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, nonRetryable: true, message: `${type} said no`, details: details ? [details] : undefined }));

describe('refusals → HTTP', () => {
  test('the refusal types and their statuses', () => {
    expect(REFUSAL_STATUS).toEqual({
      InvalidCommand: 422,
      CommandConflict: 409,
      LateNotice: 422,
      NoticeUndeliverable: 503,
      IdempotencyKeyReused: 422,
      CommandFailed: 500,
    });
  });

  test.each(Object.entries(REFUSAL_STATUS))('%s answers %i with its snake_case code and message', (type, status) => {
    const h = toHttpError(refused(type));
    expect({ status: h.status, code: h.code, message: h.message, field: h.field }).toEqual({
      status,
      code: type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(),
      message: `${type} said no`,
      field: undefined,
    });
  });

  test('NGN-39: a LateNotice carries its field and the deadline it missed', () => {
    const h = toHttpError(refused('LateNotice', { field: 'note', deadline: '2027-02-28' }));
    expect({ status: h.status, code: h.code, field: h.field, extra: h.extra }).toEqual({ status: 422, code: 'late_notice', field: 'note', extra: { deadline: '2027-02-28' } });
  });

  test('a type not in the list is still a refusal (422), never a 500', () => {
    const h = toHttpError(refused('SomethingNew'));
    expect({ status: h.status, code: h.code }).toEqual({ status: 422, code: 'something_new' });
  });

  test('an update the server will not admit while the workflow task is retried (its worker was killed mid-task) is a 503 to retry, not a 500', () => {
    // What @temporalio/client throws (seen in test/faults/crash.test.ts): a ServiceError around the gRPC error.
    const details = 'Unable to perform workflow execution update due to Workflow Task in failed state.';
    const grpc = Object.assign(new Error(`9 FAILED_PRECONDITION: ${details}`), { code: 9, details, metadata: {} });
    const h = toHttpError(new ServiceError('Workflow Update failed', { cause: grpc }));
    expect({ status: h.status, code: h.code, retry: h.extra?.retryAfterSeconds }).toEqual({ status: 503, code: 'unavailable', retry: '5' });
    expect(h.message).toMatch(/not carried out; retry/);
    // Another failed precondition is not taken for it.
    const other = Object.assign(new Error('9 FAILED_PRECONDITION: something else'), { code: 9, details: 'something else', metadata: {} });
    expect(toHttpError(new ServiceError('Workflow Update failed', { cause: other })).status).toBe(500);
  });

  test('an unknown workflow is a 404 naming the contract', () => {
    const h = toHttpError(new WorkflowNotFoundError('not found', 'ctr-nope', undefined));
    expect({ status: h.status, code: h.code, message: h.message }).toEqual({ status: 404, code: 'not_found', message: 'contract ctr-nope does not exist' });
  });
});
