/**
 * How the contract workflow delivers a notice: through the outbox activity, with retries and
 * backoff. Deterministic workflow code; the delivery itself is the sendNotice activity.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ContractActivities, NoticeProof, NoticeRequest } from '../activities/types.js';

const { sendNotice } = proxyActivities<ContractActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function notify(req: NoticeRequest): Promise<NoticeProof> {
  return sendNotice(req);
}
