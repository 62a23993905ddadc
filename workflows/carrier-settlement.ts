/**
 * TNC-42.2 carrier settlement: what the provider received from the carrier for a carrier-caused
 * outage is split over the affected contracts' TNC-42.1 claims (`allocateCarrierCompensation`:
 * claims in full when they fit, otherwise pro rata with the largest remainder, so the shares sum
 * exactly to min(floor(received), total claims)). The split is computed once, here, as pure code;
 * each contract then gets its share through its `grantCarrierShare` update, with the same bounded
 * concurrency and per-contract failure isolation as the announcement fan-out.
 *
 * Workflow id: carrier-settlement-<batchId>; a second start with that id is refused.
 */
import { allHandlersFinished, condition, continueAsNew, isCancellation, setHandler } from '@temporalio/workflow';
import { allocateCarrierCompensation, sumYen } from '../rules/money.js';
import { invalid } from './refusals.js';
import { DEFAULT_CONCURRENCY, delivery, failureMessage, forEachBounded } from './announcement.js';
import {
  getSettlementProgress,
  type SettlementCursor,
  type SettlementProgress,
  type SettlementShare,
  type SettlementWorkflowInput,
} from './fanout-messages.js';

export const DEFAULT_CHUNK_SIZE = 500;

export async function carrierSettlementWorkflow(input: SettlementWorkflowInput): Promise<SettlementProgress> {
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_CONCURRENCY));
  const chunkSize = Math.max(1, Math.floor(input.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const cursor: SettlementCursor = input.resume ?? { amounts: allocate(input), next: 0, done: 0, failed: [], run: 1 };
  const totalClaims = sumYen(input.claims.map((c) => c.claim)).toFixed(0);
  const allocated = sumYen(cursor.amounts).toFixed(0);
  /** Indexes settled during this run (earlier runs' indexes are all below cursor.next). */
  const settledNow = new Set<number>();
  let finished = false;

  const progress = (): SettlementProgress => {
    const failedBy = new Map(cursor.failed.map((f) => [f.contractId, f.error]));
    const shares: SettlementShare[] = input.claims.map((c, i) => {
      const amount = cursor.amounts[i] ?? '0';
      const base = { contractId: c.contractId, claim: c.claim, amount };
      if (i >= cursor.next && !settledNow.has(i)) return { ...base, status: 'pending' };
      const error = failedBy.get(c.contractId);
      if (error !== undefined) return { ...base, status: 'failed', error };
      return { ...base, status: amount === '0' ? 'nothing-to-grant' : 'granted' };
    });
    const total = input.claims.length;
    return {
      batchId: input.batchId,
      received: input.received,
      totalClaims,
      allocated,
      total,
      done: cursor.done,
      failed: [...cursor.failed],
      pending: Math.max(0, total - cursor.done - cursor.failed.length),
      finished,
      run: cursor.run,
      shares,
    };
  };
  setHandler(getSettlementProgress, progress);

  const end = Math.min(cursor.next + chunkSize, input.claims.length);
  const indexes = Array.from({ length: end - cursor.next }, (_, k) => cursor.next + k);
  await forEachBounded(indexes, concurrency, async (i) => {
    const claim = input.claims[i]!;
    const amount = cursor.amounts[i] ?? '0';
    try {
      // A zero share (a zero claim) has nothing to grant: no update is sent.
      if (amount !== '0') {
        await delivery.deliverCarrierShare(claim.contractId, {
          batchId: input.batchId,
          amount,
          received: input.received,
          description:
            `TNC-42.2: 通信事業者の責による障害の損害賠償（当社が受領した ${input.received}円を請求額の割合で按分、` +
            `請求額 ${claim.claim}円に対し ${amount}円）`,
        });
      }
      cursor.done += 1;
    } catch (e) {
      if (isCancellation(e)) throw e;
      cursor.failed.push({ contractId: claim.contractId, error: failureMessage(e) });
    } finally {
      settledNow.add(i);
    }
  });
  cursor.next = end;

  if (end < input.claims.length) {
    await condition(allHandlersFinished);
    await continueAsNew<typeof carrierSettlementWorkflow>({ ...input, resume: { ...cursor, run: cursor.run + 1 } });
  }
  finished = true;
  await condition(allHandlersFinished);
  return progress();
}

/** The TNC-42.2 split, decided once on the first run (whole yen strings, parallel to the claims). */
function allocate(input: SettlementWorkflowInput): string[] {
  if (input.claims.length === 0) invalid('claims', 'at least one claim is required');
  const seen = new Set<string>();
  input.claims.forEach((c, i) => {
    if (seen.has(c.contractId)) invalid(`claims.${i}.contractId`, `contract ${c.contractId} is claimed twice`);
    seen.add(c.contractId);
  });
  try {
    return allocateCarrierCompensation(
      input.received,
      input.claims.map((c) => c.claim),
    ).map((d) => d.toFixed(0));
  } catch (e) {
    // RangeError from the money rules: a negative or fractional amount.
    return invalid('claims', e instanceof Error ? e.message : String(e));
  }
}
