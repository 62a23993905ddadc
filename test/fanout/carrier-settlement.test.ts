/**
 * TNC-42.2 carrier settlement on the Temporal CLI dev server: the received amount is split over
 * the claims by largest remainder (shares sum exactly to min(received, total claims)), and each
 * contract gets its share through its `grantCarrierShare` update, one failure not blocking the rest.
 */
import { describe, expect, test } from 'vitest';
import { getContract } from '../../workflows/contract-messages.js';
import { settlementWorkflowId, type SettlementProgress, type SettlementWorkflowInput } from '../../workflows/fanout-messages.js';
import { useWorld, uniqueId } from '../helpers/world.js';
import { AUDITOR_KEY, createContracts, eventually, openScope, startApi } from './fixtures.js';

const world = useWorld('dev-server');

describe('TNC-42.2 carrier settlement', () => {
  test('TNC-42.2: 1,000 yen received over claims 1,000 / 2,000 / 3,000 → shares 167 / 333 / 500 (largest remainder, sum exactly 1,000), each contract holds its credit', async () => {
    const scope = await openScope(world);
    const api = await startApi(world, scope);
    try {
      await scope.run(async () => {
        const [a, b, c] = await createContracts(world, scope, 3, 'TNC');
        const [ngn] = await createContracts(world, scope, 1, 'NGN');
        const claims = [
          { contractId: a!.workflowId, claim: '1000' },
          { contractId: b!.workflowId, claim: '2000' },
          { contractId: c!.workflowId, claim: '3000' },
        ];

        // Refused before anything starts: an NGN contract (NGN-33.3 excludes carrier failures), an unknown id, a duplicate.
        const withNgn = await api.call('POST', '/carrier-settlements', { received: '1000', claims: [...claims, { contractId: ngn!.workflowId, claim: '10' }] });
        expect(withNgn.status).toBe(422);
        expect(withNgn.json.error).toMatchObject({ code: 'not_tnc', field: 'claims.3.contractId' });
        const unknown = await api.call('POST', '/carrier-settlements', { received: '1000', claims: [{ contractId: 'ctr-nobody', claim: '10' }] });
        expect(unknown.json.error).toMatchObject({ code: 'unknown_contract', field: 'claims.0.contractId' });
        const twice = await api.call('POST', '/carrier-settlements', { received: '1000', claims: [claims[0], claims[0]] });
        expect(twice.json.error).toMatchObject({ code: 'duplicate_claim', field: 'claims.1.contractId' });

        const batchId = uniqueId('cs');
        scope.started.push(settlementWorkflowId(batchId));
        const started = await api.call('POST', '/carrier-settlements', { batchId, received: '1000', claims });
        expect(started.status).toBe(202);
        expect(started.headers.get('location')).toBe(`/carrier-settlements/${batchId}`);
        // The same request again is a retry: the first answer. Another batch under the same id is refused.
        const retry = await api.call('POST', '/carrier-settlements', { batchId, received: '1000', claims });
        expect(retry.status).toBe(202);
        expect(retry.json).toEqual(started.json);
        const again = await api.call('POST', '/carrier-settlements', { batchId, received: '999', claims });
        expect(again.status).toBe(409);

        const done = await eventually(
          () => api.call('GET', `/carrier-settlements/${batchId}`, undefined, AUDITOR_KEY),
          (r) => r.json.status === 'COMPLETED',
        );
        const p = done.json as SettlementProgress;
        // 1000 × 1/6 = 166.67, × 2/6 = 333.33, × 3/6 = 500: floors 166 + 333 + 500 = 999; the one yen left goes to the largest remainder (0.67).
        expect(p.shares.map((s) => [s.claim, s.amount, s.status])).toEqual([
          ['1000', '167', 'granted'],
          ['2000', '333', 'granted'],
          ['3000', '500', 'granted'],
        ]);
        expect(p).toMatchObject({ received: '1000', totalClaims: '6000', allocated: '1000', total: 3, done: 3, failed: [], pending: 0 });

        for (const [h, amount] of [[a!, '-167'], [b!, '-333'], [c!, '-500']] as const) {
          const v = await h.query(getContract);
          const credit = v.pendingLines.filter((l) => l.idempotencyKey === `${h.workflowId}:carrier:${batchId}`);
          expect(credit.map((l) => [l.clauseId, l.kind, l.taxClass, l.amount])).toEqual([['TNC-42.2', 'credit', 'out-of-scope', amount]]);
        }
      });
    } finally {
      await api.close();
      await scope.close();
    }
  });

  test('TNC-42.2: claims that fit in what was received are paid in full; one share per run (continue-as-new); a contract that is no longer running is reported failed and the others are granted', async () => {
    const scope = await openScope(world);
    try {
      await scope.run(async () => {
        const [a, gone, c] = await createContracts(world, scope, 3, 'TNC');
        await gone!.terminate('test: not running');
        const batchId = uniqueId('cs');
        const input: SettlementWorkflowInput = {
          batchId,
          received: '10000',
          claims: [
            { contractId: a!.workflowId, claim: '1000' },
            { contractId: gone!.workflowId, claim: '500' },
            { contractId: c!.workflowId, claim: '2000' },
          ],
          chunkSize: 1,
          concurrency: 1,
        };
        const workflowId = settlementWorkflowId(batchId);
        scope.started.push(workflowId);
        const h = await world.env.client.workflow.start('carrierSettlementWorkflow', { taskQueue: scope.taskQueue, workflowId, args: [input] });
        const p = (await h.result()) as SettlementProgress;

        // Total claims 3,500 ≤ 10,000 received: each claim in full (allocated = min(received, claims) = 3,500).
        expect(p.shares.map((s) => [s.contractId, s.amount, s.status])).toEqual([
          [a!.workflowId, '1000', 'granted'],
          [gone!.workflowId, '500', 'failed'],
          [c!.workflowId, '2000', 'granted'],
        ]);
        expect(p).toMatchObject({ allocated: '3500', totalClaims: '3500', total: 3, done: 2, pending: 0, finished: true, run: 3 });
        expect(p.failed).toEqual([{ contractId: gone!.workflowId, error: expect.stringMatching(/ContractNotRunning|no running contract workflow/) }]);
        const v = await c!.query(getContract);
        expect(v.pendingLines.find((l) => l.idempotencyKey === `${c!.workflowId}:carrier:${batchId}`)?.amount).toBe('-2000');
      });
    } finally {
      await scope.close();
    }
  });
});
