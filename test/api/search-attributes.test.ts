/**
 * Listing contracts by 約款, status and deadline (issue 4 item 7), on the dev server with a real
 * worker and database: Temporal visibility over the workflow's search attributes (what the
 * Temporal UI's search box and `temporal workflow list --query` use), and the API's list over the
 * contract rows, both answering "contracts whose NGN-39 non-renewal deadline is this week".
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { addDays, jstMidnightMs, nonRenewalDeadline } from '../../rules/calendar.js';
import { acceptApplication } from '../../workflows/contract-messages.js';
import { application, corporateCustomer, useWorld, uniqueId } from '../helpers/world.js';
import { listenLocal } from '../helpers/http.js';

const OPS = 'ops-key-sa-5e0c91d2b7';
const world = useWorld('dev-server');
let base: string;
const taskQueue = uniqueId('tq-sa');

beforeAll(async () => {
  await world.runWorker(taskQueue);
  const api = await listenLocal(buildApp({ client: world.env.client, db: world.db, keys: parseApiKeys(`${OPS}=ops`), taskQueue }));
  world.defer('close the API server', () => api.close());
  base = api.base;
});

async function ids(query: string): Promise<string[]> {
  const out: string[] = [];
  for await (const w of world.env.client.workflow.list({ query })) out.push(w.workflowId);
  return out;
}

/** 00:00 JST of `date`, as the instant a visibility query compares with. */
const jstStart = (date: string) => new Date(jstMidnightMs(date)).toISOString();

async function list(query: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}/contracts?${query}`, { headers: { authorization: `Bearer ${OPS}` } });
  return { status: r.status, body: await r.json() };
}

describe('search attributes and the contract list', () => {
  test('NGN-39: an active NGN contract is found by its non-renewal deadline week, its next deadline, 約款 and status — in Temporal and through the API', async () => {
    const input = application('NGN', 'ngn-vpn-standard', corporateCustomer(), Date.now());
    const h = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: input.contractId, args: [input] });
    try {
      const v = await h.executeUpdate(acceptApplication, { args: [{}] });
      // NGN-17/39: the first period is the minimum term; its deadline is one month before its end.
      const deadline = nonRenewalDeadline(v.period!.end, 1);
      expect(v.nonRenewalDeadline).toBe(deadline);
      const weekOf = (d: string) => `YakkanNonRenewalDeadline >= "${jstStart(addDays(d, -3))}" AND YakkanNonRenewalDeadline < "${jstStart(addDays(d, 4))}"`;
      const thisWeek = `YakkanTerms = "NGN" AND YakkanStatus = "active" AND ${weekOf(deadline)}`;
      await expect.poll(() => ids(thisWeek), { timeout: 15_000, interval: 250 }).toContain(input.contractId);
      // a week earlier or later: not listed
      expect(await ids(`${weekOf(addDays(deadline, -7))} AND WorkflowId = "${input.contractId}"`)).toEqual([]);
      expect(await ids(`${weekOf(addDays(deadline, 7))} AND WorkflowId = "${input.contractId}"`)).toEqual([]);
      // the next deadline is the first month close: listed before the day after it, not before it
      const next = Date.parse(v.nextDeadline!.at);
      expect(v.nextDeadline!.kind).toMatch(/^month-close:/);
      const around = (from: number, to: number) =>
        `YakkanNextDeadline >= "${new Date(from).toISOString()}" AND YakkanNextDeadline < "${new Date(to).toISOString()}" AND WorkflowId = "${input.contractId}"`;
      expect(await ids(around(next - 3600_000, next + 3600_000))).toEqual([input.contractId]);
      expect(await ids(around(next - 7200_000, next - 3600_000))).toEqual([]);
      expect(await ids(`YakkanStatus = "applied" AND WorkflowId = "${input.contractId}"`)).toEqual([]);
      expect(await ids(`YakkanTerms = "TNC" AND WorkflowId = "${input.contractId}"`)).toEqual([]);

      // The API lists the same contract from the database by its deadline week.
      const hit = await list(`terms=NGN&status=active&nonRenewalFrom=${addDays(deadline, -3)}&nonRenewalTo=${addDays(deadline, 3)}`);
      expect(hit.status).toBe(200);
      expect(hit.body.contracts.filter((c: any) => c.id === input.contractId).map((c: any) => c.nonRenewalDeadline)).toEqual([deadline]);
      const miss = await list(`nonRenewalFrom=${addDays(deadline, 1)}&nonRenewalTo=${addDays(deadline, 7)}`);
      expect(miss.body.contracts.map((c: any) => c.id)).not.toContain(input.contractId);
    } finally {
      await h.terminate('test finished');
    }
  });

  test.each([
    ['nonRenewalTo=2026-02-30', 'nonRenewalTo'],
    ['nonRenewalFrom=2026-12-01&nonRenewalTo=2026-11-30', 'nonRenewalTo'],
    ['nonRenewalFrom=next-week', 'nonRenewalFrom'],
  ])('GET /contracts?%s is refused with 400 naming %s', async (query, field) => {
    const r = await list(query);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ status: 400, code: 'invalid_request', field });
  });
});
