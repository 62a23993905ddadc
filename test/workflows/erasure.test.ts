/**
 * Issue 16 (TNC-37.5 / NGN-43): after the deletion, no personal data of the contract can be read
 * anywhere, while every history still replays and the audit report still reconciles the money.
 *
 * An NGN contract applied through the API (which seals the customer's name, address, e-mail and the
 * NGN-52 fault contact with the contract's own data key) ends under NGN-42 and reaches the deletion
 * 90 days later (the NGN retention the catalog decides). Then the yakkan database (every row of the
 * contract, and the raw bytes of the SQLite file), the Temporal histories of every run (raw bytes,
 * and decrypted with the payload key), a history export, the audit report (JSON and HTML) and the
 * mail archive are searched for the values: none is found. Before the deletion the same searches
 * find them where they belong (API answers, the delivered mail), so the searches can see them.
 *
 * Not covered here: the Temporal server's own SQLite file (the time-skipping server keeps its
 * histories in memory); what it stores is the payloads checked here in raw bytes.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { writeExport, fetchContractHistory } from '../../audit/export.js';
import { historyBytes, historyFromJson } from '../../audit/history-json.js';
import { contractReport } from '../../audit/load.js';
import { decodeHistoryPayloads } from '../../audit/payloads.js';
import { replayLiveContract, replayOptions } from '../../audit/replay.js';
import { renderReportHtml } from '../../audit/report-html.js';
import { ERASED } from '../../activities/personal-data.js';
import { getContract, terminateByProvider } from '../../workflows/contract-messages.js';
import { listenLocal } from '../helpers/http.js';
import { nextYear, sleepUntil } from '../helpers/timeline.js';
import { testPayloadCodec, uniqueId, useWorld } from '../helpers/world.js';
import { parseMail } from '../notices/mime.js';

const mailDir = mkdtempSync(join(tmpdir(), 'yakkan-erasure-mail-'));
const world = useWorld('time-skipping', { mailDir });
const OPS = 'erasure-ops-key-0123456789';

/** Every string a JSON-ish value holds, and the decoded text of its base64 payload data, joined. */
function decodedHistoryText(runs: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.metadata && typeof o.data === 'string') parts.push(Buffer.from(o.data, 'base64').toString('utf8'));
      Object.values(o).forEach(walk);
    } else if (typeof v === 'string') parts.push(v);
  };
  walk(runs);
  return parts.join('\n');
}

/** Every row of the contract in every table of the yakkan database, as JSON. */
async function dbRows(contractId: string): Promise<string> {
  const db = world.db;
  const where = { contractId };
  const rows = await Promise.all([
    db.contract.findMany({ where: { id: contractId } }),
    db.ledgerEntry.findMany({ where }),
    db.invoice.findMany({ where }),
    db.payment.findMany({ where }),
    db.usageRecord.findMany({ where }),
    db.contractEvent.findMany({ where }),
    db.carrierMessage.findMany({ where }),
    db.notice.findMany({ where }),
    db.contractDataKey.findMany({ where }),
  ]);
  return JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
}

describe('TNC-37.5 / NGN-43: personal data that can really be erased (issue 16)', () => {
  test('NGN-43: after the deletion no name, address or e-mail is left in the database, the histories, an export, the audit report or the mail archive; the histories replay and the report reconciles', async () => {
    const suffix = uniqueId('x').slice(2);
    const secrets = {
      name: `株式会社消去確認${suffix}`,
      email: `erasure-${suffix}@example.co.jp`,
      address: `東京都千代田区消去町${suffix}`,
      fault: `fault-${suffix}@example.co.jp`,
    };
    const all = Object.values(secrets);
    const taskQueue = uniqueId('tq');
    let serverNow = await world.env.currentTimeMs();
    const api = await listenLocal(buildApp({ client: world.env.client, db: world.db, keys: parseApiKeys(`${OPS}=ops`), taskQueue, now: () => new Date(serverNow) }));
    world.defer('close the API', () => api.close());
    const call = async (method: string, path: string, body?: object) => {
      serverNow = await world.env.currentTimeMs();
      const r = await fetch(`${api.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${OPS}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, json: (await r.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
    };

    const worker = await world.worker(taskQueue);
    await worker.runUntil(async () => {
      const Y = await nextYear(world);
      await sleepUntil(world, `${Y}-04-01`);
      const applied = await call('POST', '/contracts', {
        terms: 'NGN',
        planId: 'ngn-vpn-standard',
        customer: { id: `C-${suffix}`, name: secrets.name, email: secrets.email, kind: 'corporate', address: secrets.address },
      });
      expect(applied.status).toBe(201);
      const id = applied.json.contractId as string;
      const accepted = await call('POST', `/contracts/${id}/accept`, { serviceStartDate: `${Y}-04-01` });
      expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
      const fc = await call('POST', `/contracts/${id}/fault-contact`, { email: secrets.fault });
      expect(fc.status, JSON.stringify(fc.json)).toBe(200);
      const h = world.env.client.workflow.getHandle(id);

      // Before the deletion: the API shows the values (opened), the mail went to the customer with them,
      // and yet the history — even decrypted with the payload key — holds them only sealed.
      const shown = await call('GET', `/contracts/${id}`);
      expect(shown.json.faultContact?.email).toBe(secrets.fault); // NGN-52, opened from its seal
      const listed = await call('GET', `/contracts?status=active`);
      expect(listed.json.contracts.find((c: { id: string }) => c.id === id)?.customerName).toBe(secrets.name);
      const mailOf = () => world.sink.messages.filter((m) => m.raw.includes(id)).map((m) => ({ ...parseMail(m.raw), to: m.to }));
      const acceptance = mailOf().find((m) => (m.text ?? '').includes(secrets.name));
      expect(acceptance?.to).toEqual([secrets.email]);
      expect(readdirSync(mailDir).length).toBeGreaterThan(0);
      const liveRuns = (await fetchContractHistory(world.env.client, id)).runs;
      const sealedOnly = decodedHistoryText(await decodeHistoryPayloads(liveRuns, [testPayloadCodec()]));
      expect(sealedOnly).toContain('⟦pd1:');
      for (const s of all) expect(sealedOnly.includes(s), `history (decrypted with the payload key) holds ${s}`).toBe(false);

      // The contract's data key, to look for it in the database file after its destruction.
      const dataKey = (await world.db.contractDataKey.findUniqueOrThrow({ where: { contractId: id } })).key!;
      expect(Buffer.from(dataKey, 'base64')).toHaveLength(32);

      // NGN-42 (1): terminated on 04-10; NGN's 90-day retention ends with day 90 (07-09), so the
      // personal data goes at 00:00 JST on 07-10.
      await sleepUntil(world, `${Y}-04-10`);
      await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-42', item: 1, reason: '反社会的勢力に該当することが判明' }] });
      await sleepUntil(world, `${Y}-07-15`);
      const view = await h.query(getContract);
      expect(view.aftermath?.personalDataDeletedOn).toBe(`${Y}-07-10`);

      // The yakkan database: every row of the contract, and the raw file.
      const rows = await dbRows(id);
      for (const s of all) expect(rows.includes(s), `database rows hold ${s}`).toBe(false);
      const key = await world.db.contractDataKey.findUniqueOrThrow({ where: { contractId: id } });
      expect([key.key, key.destroyedAt !== null]).toEqual([null, true]);
      const dbFile = world.dbUrl.replace(/^file:/, '');
      const raw = Buffer.concat([dbFile, `${dbFile}-wal`].flatMap((f) => { try { return [readFileSync(f)]; } catch { return []; } }));
      expect(raw.length).toBeGreaterThan(0);
      for (const s of all) expect(raw.includes(Buffer.from(s)), `the SQLite file holds ${s}`).toBe(false);
      // The destroyed key is not left behind in the file's free space or its write-ahead log either.
      expect(raw.includes(Buffer.from(dataKey)), 'the SQLite file still holds the destroyed key').toBe(false);

      // Every run's history: raw bytes, and decrypted with the payload key (the sealed values stay sealed).
      const runs = (await fetchContractHistory(world.env.client, id)).runs;
      expect(runs.length).toBeGreaterThanOrEqual(1);
      for (const r of runs) {
        const bytes = historyBytes(historyFromJson(r.history));
        for (const s of all) expect(bytes.includes(Buffer.from(s)), `raw history of run ${r.n} holds ${s}`).toBe(false);
      }
      const decrypted = decodedHistoryText(await decodeHistoryPayloads(runs, [testPayloadCodec()]));
      for (const s of all) expect(decrypted.includes(s), `decrypted history holds ${s}`).toBe(false);

      // An export (as an auditor keeps it): every file's bytes.
      const dir = mkdtempSync(join(tmpdir(), 'yakkan-erasure-export-'));
      world.defer('remove the export', () => rmSync(dir, { recursive: true, force: true }));
      const { files } = writeExport(dir, await fetchContractHistory(world.env.client, id));
      for (const f of files) for (const s of all) expect(readFileSync(f).includes(Buffer.from(s)), `${f} holds ${s}`).toBe(false);

      // The audit report: the values are gone, the money still reconciles.
      const report = await contractReport(world.env.client, world.db, id);
      const reportText = `${JSON.stringify(report)}\n${renderReportHtml(report)}`;
      for (const s of all) expect(reportText.includes(s), `the audit report holds ${s}`).toBe(false);
      expect(reportText).toContain(ERASED);
      expect(report.mismatches).toEqual([]);
      expect(await world.db.ledgerEntry.count({ where: { contractId: id } })).toBeGreaterThan(0);

      // The mail archive (memory and the .eml files): nothing of the contract is left.
      expect(mailOf()).toEqual([]);
      expect(readdirSync(mailDir)).toEqual([]); // only this contract's mail went there
      for (const f of readdirSync(mailDir)) {
        const mail = parseMail(readFileSync(join(mailDir, f), 'utf8'));
        const text = `${[...mail.headers.values()].join('\n')}\n${mail.subject}\n${mail.text ?? ''}\n${mail.html ?? ''}`;
        for (const s of all) expect(text.includes(s), `${f} holds ${s}`).toBe(false);
      }

      // The API now answers with the deletion marker where the values were.
      const after = JSON.stringify((await call('GET', `/contracts/${id}`)).json);
      for (const s of all) expect(after.includes(s)).toBe(false);

      // Every run still replays (through the payload codec; the sealed values are only strings to it).
      const outcomes = await replayLiveContract(world.env.client, id, await replayOptions(undefined, [testPayloadCodec()]));
      expect(outcomes.length).toBe(runs.length);
      expect(outcomes.filter((o) => !o.ok).map((o) => o.error?.summary)).toEqual([]);
      await h.terminate('test finished');
    });
  });
});
