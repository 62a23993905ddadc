/**
 * Issue 16 on a real server (the Temporal CLI dev server): with the payload codec, what Temporal
 * holds of a contract's workflow — run input, update arguments and results, activity inputs (the
 * rendered notices among them) — is ciphertext; the customer's name, address and e-mail appear in
 * none of its bytes, and everything decodes with the key. A second key rotates; a client with the
 * wrong key, or without the old one, fails naming the key.
 */
import { describe, expect, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyBytes, type History } from '../../audit/history-json.js';
import { replayLiveContract, replayOptions } from '../../audit/replay.js';
import { EncryptionCodec, PayloadDecryptionError, isEncrypted, payloadDataConverter, payloadKeyId } from '../../runtime/payload-codec.js';
import { acceptApplication, getContract, registerFaultContact } from '../../workflows/contract-messages.js';
import { PATCHES } from '../../workflows/contract/patches.js';
import { TEST_PAYLOAD_KEYS, application, uniqueId, useWorld, type World } from '../helpers/world.js';

const world = useWorld('dev-server');

/**
 * Every payload in a fetched history (inputs, results, update arguments, failures' details …) except
 * search attributes: those the server must read to index them (YakkanTerms, YakkanStatus, the
 * deadlines, the SDK's TemporalChangeVersion), so no codec touches them; they hold no personal data
 * (the raw-bytes check covers them). Two kinds of marker details are written by the SDK's core,
 * never through a codec, and are set apart in `core`: a patch marker's (`core_patch`), which must
 * name one of our patch ids, and a local activity marker's `data` (`core_local_activity`, issue 18),
 * which must hold only the core's bookkeeping (sequence, attempt, activity id and type, times); the
 * local activity's `result` (its arguments and result, activities/local.ts) goes through the codec
 * and is checked with the rest.
 */
interface CorePayloads {
  patches: Payload[];
  localActivityData: Payload[];
}

function payloadsOf(v: unknown, out: Payload[] = [], core: CorePayloads = { patches: [], localActivityData: [] }): Payload[] {
  if (Array.isArray(v)) for (const x of v) payloadsOf(x, out, core);
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o = v as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && (o.metadata as Record<string, unknown>).encoding instanceof Uint8Array) out.push(o as Payload);
    else if (o.markerName === 'core_patch') payloadsOf(o.details, core.patches);
    else if (o.markerName === 'core_local_activity') {
      const { data, ...rest } = (o.details ?? {}) as Record<string, unknown>;
      payloadsOf(data, core.localActivityData);
      payloadsOf(rest, out, core);
      payloadsOf(o.failure, out, core);
    } else for (const [k, x] of Object.entries(o)) if (k !== 'searchAttributes') payloadsOf(x, out, core);
  }
  return out;
}

const json = (p: Payload) => JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;

/** The patch ids in the history's patch markers; every marker payload must be a JSON object naming one of PATCHES. */
function patchIdsOf(history: unknown): string[] {
  const core: CorePayloads = { patches: [], localActivityData: [] };
  payloadsOf(history, [], core);
  return core.patches.map((p) => {
    const id = json(p).id;
    expect(Object.values(PATCHES) as unknown[], `a patch marker holds ${String(id)}`).toContain(id);
    return String(id);
  });
}

/** The local activity types in the history's local activity markers; their clear `data` must hold the core's fields only. */
function localActivityTypesOf(history: unknown): string[] {
  const core: CorePayloads = { patches: [], localActivityData: [] };
  payloadsOf(history, [], core);
  return core.localActivityData.map((p) => {
    const d = json(p);
    const fields = ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'backoff', 'original_schedule_time'];
    expect(Object.keys(d).filter((k) => !fields.includes(k)), 'fields of a local activity marker').toEqual([]);
    return String(d.activity_type);
  });
}

const customer = () => {
  const id = uniqueId('cust');
  return { id, name: '株式会社暗号化検証', email: `${id}@crypt.example.co.jp`, kind: 'corporate' as const, domestic: true, address: '東京都千代田区暗号町1-2-3' };
};

async function contract(w: World, taskQueue: string) {
  const c = customer();
  const input = application('NGN', 'ngn-vpn-standard', c, await w.env.currentTimeMs());
  const h = await w.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
  await h.executeUpdate(acceptApplication, { args: [{}] });
  return { h, c, contractId: input.contractId };
}

const clientWith = (codec: EncryptionCodec) => new Client({ connection: world.env.connection, dataConverter: payloadDataConverter(codec) });

describe('payloads encrypted at rest (issue 16; TNC-37.5, NGN-43)', () => {
  test('the history read raw from the server holds ciphertext only: no name, address or e-mail; with the key it all decodes', async () => {
    const taskQueue = uniqueId('tq');
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      const { h, c } = await contract(world, taskQueue);
      await h.executeUpdate(registerFaultContact, { args: [{ email: `fault-${c.id}@crypt.example.co.jp` }] });
      const view = await h.query(getContract);
      expect(view.status).toBe('active');
      // NGN-11: the acceptance notice was sent (its rendered text went through an activity input).
      await expect.poll(async () => world.db.notice.count({ where: { contractId: h.workflowId, status: 'sent' } }), { timeout: 20_000 }).toBeGreaterThan(0);

      const history = (await h.fetchHistory()) as History;
      const bytes = historyBytes(history);
      for (const secret of [c.name, c.email, c.address, `fault-${c.id}@crypt.example.co.jp`]) {
        expect(bytes.includes(Buffer.from(secret)), `raw history bytes contain ${secret}`).toBe(false);
      }
      const payloads = payloadsOf(history);
      // Run input, update args and results, activity inputs and results, local activities' results
      // (the rendered notice among them): at least one payload for each of these places.
      const events = history.events ?? [];
      const updates = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      expect(updates).toBeGreaterThanOrEqual(2);
      expect(payloads.length).toBeGreaterThanOrEqual(1 + 2 * updates + localActivityTypesOf(history).length);
      expect(payloads.filter((p) => !isEncrypted(p)).map((p) => Buffer.from(p.metadata!.encoding!).toString())).toEqual([]);
      expect(new Set(payloads.map(payloadKeyId))).toEqual(new Set(['test-1']));
      // A new contract records usage-tracked-close-v1 at its start; its marker holds that id only.
      expect(patchIdsOf(history)).toContain(PATCHES.usageTrackedClose);
      // Issue 18: the projection save, the holiday-table read and the acceptance notice ran as local
      // activities; what they wrote is in the markers' encrypted results, checked above.
      expect(new Set(localActivityTypesOf(history))).toEqual(new Set(['saveContractLocal', 'loadCalendarLocal', 'sendNoticeLocal']));

      // The positive control: decrypted with the key, the same history holds all of them.
      const codec = new EncryptionCodec(TEST_PAYLOAD_KEYS);
      const clear = Buffer.concat((await codec.decode(payloads)).map((p) => Buffer.from(p.data ?? new Uint8Array())));
      for (const secret of [c.name, c.email, c.address, `fault-${c.id}@crypt.example.co.jp`]) expect(clear.includes(Buffer.from(secret)), secret).toBe(true);

      // And a replay of the live history through the codec passes.
      const outcomes = await replayLiveContract(world.env.client, h.workflowId, await replayOptions(undefined, [codec]));
      expect(outcomes.map((o) => o.ok)).toEqual([true]);
    });
  });

  test('rotation: a new first key encrypts new payloads while the old key still decrypts the old; without the old key, or with a wrong one, reading fails naming the key', async () => {
    const taskQueue = uniqueId('tq');
    const old = await world.worker(taskQueue);
    let h!: WorkflowHandle;
    await old.runUntil(async () => {
      ({ h } = await contract(world, taskQueue));
    });
    // The keys after rotation: k2 first (encrypts), test-1 kept (decrypts the older payloads).
    const rotatedKeys = [{ id: 'k2', key: randomBytes(32) }, ...TEST_PAYLOAD_KEYS];
    const rotated = new EncryptionCodec(rotatedKeys);
    const rotatedClient = clientWith(rotated);
    const worker = await world.worker(taskQueue, { dataConverter: payloadDataConverter(rotated) });
    await worker.runUntil(async () => {
      const handle = rotatedClient.workflow.getHandle(h.workflowId);
      const view = await handle.executeUpdate(registerFaultContact, { args: [{ email: 'rotated@crypt.example.co.jp' }] });
      expect(view.faultContact?.email).toBe('rotated@crypt.example.co.jp');
      const ids = payloadsOf(await handle.fetchHistory()).map(payloadKeyId);
      expect(new Set(ids)).toEqual(new Set(['test-1', 'k2']));
      expect((await handle.query(getContract)).status).toBe('active');

      // Only the new key: the old payloads cannot be read, and the error names the key they need.
      const onlyNew = await replayLiveContract(rotatedClient, h.workflowId, await replayOptions(undefined, [new EncryptionCodec([rotatedKeys[0]!])]));
      expect(onlyNew.every((o) => !o.ok)).toBe(true);
      expect(onlyNew[0]!.error?.summary).toContain('payload encrypted with key "test-1", which YAKKAN_PAYLOAD_KEYS does not hold (the configured keys are "k2")');

      // A wrong key under the right id: the client cannot read the query's (encrypted) answer.
      const wrong = clientWith(new EncryptionCodec([{ id: 'k2', key: randomBytes(32) }, { id: 'test-1', key: randomBytes(32) }]));
      const e = await wrong.workflow.getHandle(h.workflowId).query(getContract).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PayloadDecryptionError);
      expect((e as Error).message).toContain('does not decrypt: the key "k2" configured is not the one it was encrypted with');
    });
  });
});
