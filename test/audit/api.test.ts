/**
 * The auditor API over real HTTP on the Temporal CLI dev server (a real server: update events are in
 * history), with a real worker, SQLite and SMTP sink: history export, report (JSON and HTML) and
 * live replay for the auditor and ops roles; 403 for a customer key, 404 for an unknown contract,
 * 401 without a key. Also the CLI's `replay --query` against the server's visibility.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { jstDateOf } from '../../rules/calendar.js';
import { freshDb } from '../helpers/db.js';
import { corporateCustomer, payloadKeysSpec, useWorld, uniqueId } from '../helpers/world.js';
import { runAuditCli } from '../helpers/cli.js';
import { listenLocal } from '../helpers/http.js';

const KEY = {
  ops: 'audit-ops-key-52c7e0a9b1',
  auditor: 'audit-auditor-key-0d9f4e27c3',
  customer: 'audit-customer-key-8b31a6f5d2',
};
const CUSTOMER = 'CUST-AUDIT';

const world = useWorld('dev-server');
let base: string;
let contractId: string;
const taskQueue = uniqueId('tq-audit');

interface Reply {
  status: number;
  type: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON or HTML from the API
}

async function call(method: 'GET' | 'POST', path: string, key?: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, type, body: type.includes('json') ? JSON.parse(text) : text };
}

beforeAll(async () => {
  await world.runWorker(taskQueue);
  const app = buildApp({
    client: world.env.client,
    db: world.db,
    keys: parseApiKeys(`${KEY.ops}=ops,${KEY.auditor}=auditor,${KEY.customer}=customer:${CUSTOMER}`),
    taskQueue,
  });
  const api = await listenLocal(app);
  world.defer('close the API server', () => api.close());
  base = api.base;

  // One NGN contract of the customer, applied and accepted through the API.
  const customer = { ...corporateCustomer(CUSTOMER), email: `${uniqueId('audit')}@example.co.jp` };
  const applied = await call('POST', '/contracts', KEY.ops, { terms: 'NGN', planId: 'ngn-vpn-standard', customer });
  expect(applied.status).toBe(201);
  contractId = applied.body.contractId;
  world.defer(`terminate ${contractId}`, () =>
    world.env.client.workflow.getHandle(contractId).terminate('audit test finished').catch(() => undefined),
  );
  const accepted = await call('POST', `/contracts/${contractId}/accept`, KEY.ops, { serviceStartDate: jstDateOf(Date.now()) });
  expect(accepted.status).toBe(200);
});

describe('auditor endpoints', () => {
  test('NGN-11: GET /audit/contracts/:id/history returns every run as proto-JSON with the accepted update in it', async () => {
    const r = await call('GET', `/audit/contracts/${contractId}/history`, KEY.auditor);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ format: 'yakkan.history-export/1', contractId, complete: true, chainVerified: true });
    expect(r.body.runs).toHaveLength(1);
    const run = r.body.runs[0];
    expect(run).toMatchObject({ n: 1, status: 'Running', workflowType: 'contractWorkflow', taskQueue });
    expect(run.file).toBe(`${contractId}.1.${run.runId}.json`);
    const types: string[] = run.history.events.map((e: { eventType: string }) => e.eventType);
    expect(types[0]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED');
  });

  test('NGN-11 NGN-17: GET /audit/contracts/:id/report gives the JSON report; ?format=html the page without a mismatch banner', async () => {
    const r = await call('GET', `/audit/contracts/${contractId}/report`, KEY.auditor);
    expect(r.status).toBe(200);
    expect(r.body.mismatches).toEqual([]);
    expect(r.body.contract).toMatchObject({ terms: 'NGN', planId: 'ngn-vpn-standard', customerId: CUSTOMER, status: 'active' });
    expect(r.body.notices.map((n: { kind: string; clauseId: string; proof: string }) => [n.kind, n.clauseId, n.proof])).toEqual([['acceptance', 'NGN-11', 'delivered']]);
    const accept = r.body.timeline.find((e: { kind: string; title: string }) => e.kind === 'update' && e.title.includes('acceptApplication'));
    expect(accept.clauseIds).toEqual(['NGN-11']);
    expect(r.body.deadlines.find((d: { kind: string }) => d.kind === 'minimum-term-end')).toMatchObject({ clauseIds: ['NGN-17'], status: 'pending' });
    expect(r.body.reconciliation.totals.text).toMatchObject({ ledger: '¥0', open: '¥0' });

    const html = await call('GET', `/audit/contracts/${contractId}/report?format=html`, KEY.ops);
    expect(html.status).toBe(200);
    expect(html.type).toContain('text/html');
    expect(html.body).toContain(`Audit report — ${contractId}`);
    expect(html.body).not.toContain('class="banner bad"');
    expect(html.body).toContain('<span class="clause">NGN-11</span>');
  });

  test('POST /audit/replay replays the live history against the running code', async () => {
    const r = await call('POST', '/audit/replay', KEY.auditor, { contractId });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ contractId, ok: true, replayed: 1, failed: 0 });
    expect(r.body.runs).toEqual([{ contractId, n: 1, runId: expect.any(String), source: 'temporal', ok: true }]);
  });

  test('a customer key gets 403 on every audit endpoint, even for its own contract; no key gets 401', async () => {
    for (const [method, path, body] of [
      ['GET', `/audit/contracts/${contractId}/history`],
      ['GET', `/audit/contracts/${contractId}/report`],
      ['GET', `/audit/contracts/${contractId}/report?format=html`],
      ['POST', '/audit/replay', { contractId }],
    ] as const) {
      const r = await call(method, path, KEY.customer, body);
      expect([path, r.status, r.body.error?.code]).toEqual([path, 403, 'forbidden']);
      const anon = await call(method, path, undefined, body);
      expect([path, anon.status]).toEqual([path, 401]);
    }
  });

  test('an unknown contract is 404 on every audit endpoint; a bad replay body is 400', async () => {
    const unknown = 'ctr-does-not-exist';
    for (const [method, path, body] of [
      ['GET', `/audit/contracts/${unknown}/history`],
      ['GET', `/audit/contracts/${unknown}/report`],
      ['GET', `/audit/contracts/${unknown}/report?format=html`],
      ['POST', '/audit/replay', { contractId: unknown }],
    ] as const) {
      const r = await call(method, path, KEY.auditor, body);
      expect([path, r.status, r.body.error?.code, r.body.error?.message]).toEqual([path, 404, 'not_found', `contract ${unknown} does not exist`]);
    }
    const bad = await call('POST', '/audit/replay', KEY.ops, { id: contractId });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
    const fmt = await call('GET', `/audit/contracts/${contractId}/report?format=pdf`, KEY.ops);
    expect([fmt.status, fmt.body.error.field]).toEqual([400, 'format']);
  });
});

// The CLI reads the payloads with the test worlds' key (issue 16), as an auditor sets YAKKAN_PAYLOAD_KEYS.
const runCli = (args: string[], env: Record<string, string> = {}) => runAuditCli(args, { TEMPORAL_ADDRESS: world.env.address, YAKKAN_PAYLOAD_KEYS: payloadKeysSpec(), ...env });

describe('audit CLI against the server', () => {
  test('replay --query "WorkflowId=…" finds the contract through visibility and prints [1/1] … run 1 ok', async () => {
    const query = `WorkflowId='${contractId}'`;
    // Visibility is eventually consistent: wait until the server lists the workflow.
    for (let i = 0; i < 100; i++) {
      let found = false;
      for await (const _w of world.env.client.workflow.list({ query })) found = true;
      if (found) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const out = await runCli(['replay', '--query', query]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')).toEqual([
      `1 workflow(s) match ${query}`,
      `[1/1] ${contractId} run 1 ok`,
      expect.stringMatching(/^replayed 1 run\(s\) of 1 contract\(s\) in [\d.]+s: 1 ok, 0 failed$/),
      '',
    ]);
  });

  test('NGN-11: report <id> prints the JSON report and exits 1 on mismatches (here: a database without the contract\'s rows); --html --out writes the page', async () => {
    const { db, url } = freshDb();
    await db.$disconnect();
    const json = await runCli(['report', contractId], { DATABASE_URL: url });
    expect(json.code).toBe(1);
    expect(json.stderr).toContain(`${contractId}: 2 mismatch(es):\n  contract-missing-from-db: the workflow saved contract ${contractId} but the database has no contract row\n  notice-missing-from-db: history delivered notice acceptance (NGN-11)`);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ contractId, ok: false, contract: { terms: 'NGN', customerId: CUSTOMER } });
    expect(report.timeline.some((e: { title: string; clauseIds: string[] }) => e.title.includes('acceptApplication') && e.clauseIds.includes('NGN-11'))).toBe(true);

    const file = join(mkdtempSync(join(tmpdir(), 'yakkan-report-')), 'report.html');
    const html = await runCli(['report', contractId, '--html', '--out', file], { DATABASE_URL: url });
    expect(html.code).toBe(1);
    expect(html.stderr).toContain(`${contractId}: report written to ${file}\n`);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain(`Audit report — ${contractId}`);
    expect(page).toContain('2 mismatches found');

    const usage = await runCli(['report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('report needs exactly one contract id');
  });
});
