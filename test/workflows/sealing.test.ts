/**
 * Issue 16 on the Temporal CLI dev server with its histories in a SQLite file (as `npm start` keeps
 * them in data/temporal.db): a TNC contract applied through the API, with a TNC-14 address change
 * and a TNC-45 malware alert. The customer's name, address, e-mail, the new address and the IP
 * address are in none of the bytes of the Temporal server's database file, nor in the histories
 * decrypted with the payload key (they hold the sealed tokens); the customer still receives the
 * TNC-45 alert with the IP address, and the API answers with the values.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { fetchContractHistory } from '../../audit/export.js';
import { decodeHistoryPayloads } from '../../audit/payloads.js';
import { listenLocal } from '../helpers/http.js';
import { testPayloadCodec, uniqueId, useWorld } from '../helpers/world.js';
import { parseMail } from '../notices/mime.js';

const temporalDir = mkdtempSync(join(tmpdir(), 'yakkan-temporal-db-'));
const world = useWorld('dev-server', { temporalDbFile: join(temporalDir, 'temporal.db') });
const OPS = 'sealing-ops-key-0123456789';

describe('personal values sealed before they reach a workflow (issue 16; TNC-14, TNC-45)', () => {
  test('TNC-45 TNC-14: the Temporal server\'s SQLite file and the decrypted histories hold no name, address, e-mail or IP address; the alert mail and the API show them', async () => {
    const suffix = uniqueId('x').slice(2);
    const secrets = {
      name: `封緘 花子${suffix}`,
      email: `sealed-${suffix}@example.jp`,
      address: `大阪府大阪市封緘町${suffix}`,
      newAddress: `京都府京都市転居町${suffix}`,
      ip: '203.0.113.47',
    };
    const all = Object.values(secrets);
    const taskQueue = uniqueId('tq');
    const api = await listenLocal(buildApp({ client: world.env.client, db: world.db, keys: parseApiKeys(`${OPS}=ops`), taskQueue }));
    world.defer('close the API', () => api.close());
    const call = async (path: string, body?: object) => {
      const r = await fetch(`${api.base}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${OPS}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, json: (await r.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
    };
    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      const applied = await call('/contracts', {
        terms: 'TNC',
        planId: 'tnc-home-1g',
        customer: { id: `C-${suffix}`, name: secrets.name, email: secrets.email, kind: 'consumer', address: secrets.address },
      });
      expect(applied.status, JSON.stringify(applied.json)).toBe(201);
      const id = applied.json.contractId as string;
      const accepted = await call(`/contracts/${id}/accept`, {});
      expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
      const moved = await call(`/contracts/${id}/contractor-change`, { kind: 'address-change', address: secrets.newAddress, evidence: '住民票の写し' });
      expect(moved.status, JSON.stringify(moved.json)).toBe(200);
      const alert = await call(`/contracts/${id}/malware-alerts`, {
        ipAddress: secrets.ip,
        observedAt: new Date(Date.now() - 3600_000).toISOString(),
        source: 'JPCERT/CC',
        detail: 'ボットネットへの通信を観測',
      });
      expect(alert.status, JSON.stringify(alert.json)).toBe(201);
      // The API answers with the value (opened from its seal).
      expect(alert.json.ipAddress).toBe(secrets.ip);

      // TNC-45: the customer got the alert, with the IP address, at the address they gave.
      await expect
        .poll(() => world.sink.messages.filter((m) => m.raw.includes(`${id}:`) && parseMail(m.raw).text?.includes(secrets.ip)).length, { timeout: 20_000 })
        .toBe(1);
      const mail = world.sink.messages.find((m) => parseMail(m.raw).text?.includes(secrets.ip))!;
      expect(mail.to).toEqual([secrets.email]);

      // The histories, decrypted with the payload key: tokens, no values.
      const runs = (await fetchContractHistory(world.env.client, id)).runs;
      const decoded = JSON.stringify(await decodeHistoryPayloads(runs, [testPayloadCodec()]), (_k, v: unknown) =>
        typeof v === 'string' && /^[A-Za-z0-9+/]{8,}={0,2}$/.test(v) ? Buffer.from(v, 'base64').toString('utf8') : v,
      );
      expect(decoded).toContain('⟦pd1:');
      for (const s of all) expect(decoded.includes(s), `decrypted history holds ${s}`).toBe(false);
    });

    // The Temporal server's database file (and its write-ahead log, if any): not one of the values.
    // A rollback journal (temporal.db-journal) lives only while the server commits: one listed here
    // may be gone when it is read, its pages then being in temporal.db itself.
    const readIfThere = (f: string): Buffer[] => {
      try {
        return [readFileSync(join(temporalDir, f))];
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    };
    const files = readdirSync(temporalDir).filter((f) => f.startsWith('temporal.db'));
    const bytes = Buffer.concat(files.flatMap(readIfThere));
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const s of all) expect(bytes.includes(Buffer.from(s)), `the Temporal server's SQLite file holds ${s}`).toBe(false);
    // It does hold the contract (so the search looked at the right file).
    expect(bytes.includes(Buffer.from('tnc-home-1g')) || bytes.includes(Buffer.from('contractWorkflow'))).toBe(true);
  });
});
