/**
 * The auditor's HTML report in a real browser (Debian chromium driven by playwright-core): a
 * reconciled contract shows the green banner and its clause-cited notice; once the database holds
 * an invoice its ledger does not explain, reloading shows the red mismatch banner first.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { loadConfig } from '../../runtime/config.js';
import { corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';
import { listenLocal } from '../helpers/http.js';

const CHROMIUM = loadConfig().chromiumPath;
const OPS = 'browser-ops-key-7c1d2e9f0a';
const AUDITOR = 'browser-auditor-key-3b8a4f61';

const world = useWorld('dev-server');
let base: string;
let browser: Browser;
const taskQueue = uniqueId('tq-browser');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
  await world.runWorker(taskQueue);
  const app = buildApp({ client: world.env.client, db: world.db, keys: parseApiKeys(`${OPS}=ops,${AUDITOR}=auditor`), taskQueue });
  const api = await listenLocal(app);
  world.defer('close the API server', () => api.close());
  base = api.base;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  world.defer('close the browser', () => browser.close());
});

async function ops(path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPS}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return res.json() as Promise<{ contractId: string }>;
}

describe('auditor HTML report in chromium', () => {
  test('NGN-11: the report page shows the green banner and the notice with its clause; an unexplained invoice turns it red', async () => {
    const { contractId } = await ops('/contracts', { terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporateCustomer() });
    await ops(`/contracts/${contractId}/accept`, {});
    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${AUDITOR}` } });
    try {
      const res = await page.goto(`${base}/audit/contracts/${contractId}/report?format=html`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.locator('.banner.good').isVisible()).toBe(true);
      expect(await page.locator('.banner.bad').count()).toBe(0);
      const text = await page.locator('body').innerText();
      expect(text).toContain(contractId);
      expect(text).toContain('NGN-11');

      // An invoice the ledger does not explain (no lines) must be shown prominently.
      await world.db.invoice.create({
        data: {
          id: `${contractId}:forged`, contractId, period: 'forged', issuedOn: '2026-01-01', dueDate: '2026-01-31',
          taxableTotal: '100', taxTotal: '0', outOfScopeTotal: '0', creditTotal: '0', total: '100', clauseId: 'NGN-19',
          workflowId: contractId, runId: 'forged',
        },
      });
      await page.reload();
      const banner = page.locator('.banner.bad[role=alert]');
      await expect.poll(() => banner.isVisible()).toBe(true);
      expect(await banner.innerText()).toContain(`${contractId}:forged`);
      // runs in the page (tsconfig has no DOM lib, so the browser global is typed here)
      type Win = { getComputedStyle(el: unknown): { backgroundColor: string } };
      expect(await banner.evaluate((el) => (globalThis as unknown as Win).getComputedStyle(el).backgroundColor)).toBe('rgb(198, 40, 40)');
      // first thing on the page: above every table
      const [bannerY, tableY] = await Promise.all([banner.boundingBox(), page.locator('table').first().boundingBox()]);
      expect(bannerY!.y).toBeLessThan(tableY?.y ?? Number.POSITIVE_INFINITY);
      const dir = resolve('data/screenshots');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: resolve(dir, 'audit-report-mismatch.png'), fullPage: true });
    } finally {
      await page.close();
      await world.env.client.workflow.getHandle(contractId).terminate('test finished');
    }
  });
});
