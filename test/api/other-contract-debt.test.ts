/**
 * NGN-37 1項(2): the provider may stop a contract when the contractor has not paid a debt under
 * ANOTHER contract with it, after its due date — with the same prior notice as any NGN-37 stoppage.
 * The API checks the other contract's invoice in the database (same contractor, unpaid, overdue)
 * before the contract's workflow sees the command; the workflow records the debt with the stoppage.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../api/app.js';
import { parseApiKeys } from '../../api/auth.js';
import { addDays, jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import { corporateCustomer, uniqueId, useWorld } from '../helpers/world.js';
import { listenLocal } from '../helpers/http.js';

const OPS = 'ops-key-37-2-a91c0d55e2';
const world = useWorld('dev-server');
const taskQueue = uniqueId('tq-37-2');
let base: string;

beforeAll(async () => {
  await world.runWorker(taskQueue);
  const api = await listenLocal(buildApp({ client: world.env.client, db: world.db, keys: parseApiKeys(`${OPS}=ops`), taskQueue }));
  world.defer('close the API server', () => api.close());
  base = api.base;
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${OPS}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API
}

async function activeContract(customerId: string): Promise<string> {
  const c = await post('/contracts', { terms: 'NGN', planId: 'ngn-vpn-standard', customer: { ...corporateCustomer(customerId), email: `${uniqueId('m')}@example.co.jp` } });
  expect(c.status).toBe(201);
  expect((await post(`/contracts/${c.body.contractId}/accept`, {})).status).toBe(200);
  return c.body.contractId as string;
}

/** An invoice of `contractId` as the billing activity writes it (the other contract's debt). */
async function invoice(contractId: string, dueDate: string, total: string, paid?: string): Promise<string> {
  const id = `${contractId}:${uniqueId('inv')}`;
  await world.db.invoice.create({
    data: { id, contractId, period: '2026-10', issuedOn: '2026-11-01', dueDate, taxableTotal: '50000', taxTotal: '5000', outOfScopeTotal: '0', creditTotal: '0', total, clauseId: 'NGN-19', workflowId: contractId, runId: 'r1' },
  });
  if (paid) await world.db.payment.create({ data: { contractId, invoiceId: id, idempotencyKey: uniqueId('pay'), amount: paid, method: 'bank-transfer', paidOn: dueDate } });
  return id;
}

describe('NGN-37 1項(2): a stoppage grounded on a debt under another contract of the same contractor', () => {
  test('NGN-37.2: an overdue invoice of the contractor\'s other contract grounds a stoppage of this one, with 7 days of notice; another contractor\'s, a paid or a not-yet-due invoice does not', async () => {
    const today = jstDateOf(Date.now());
    const [a, b] = [await activeContract('CUST-37-2'), await activeContract('CUST-37-2')];
    const stranger = await activeContract('CUST-OTHER');
    const overdue = await invoice(b, addDays(today, -10), '55000');
    const paid = await invoice(b, addDays(today, -10), '55000', '55000');
    const notDue = await invoice(b, addDays(today, 5), '55000');
    const strangers = await invoice(stranger, addDays(today, -10), '55000');
    // NGN-37 2項: prior notice; the catalog's 7 days count from tomorrow, so the stop may start at
    // 00:00 JST eight days from today.
    const startsAt = new Date(jstMidnightMs(addDays(today, 8))).toISOString();
    const body = (otherContract: object) => ({ clauseId: 'NGN-37', reason: '他の契約に係る料金の未払い（第37条1項(2)）', startsAt, otherContract });

    const wrongOwner = await post(`/contracts/${a}/suspensions`, body({ contractId: stranger, invoiceId: strangers }));
    expect(wrongOwner).toMatchObject({ status: 422, body: { error: { field: 'otherContract.contractId' } } });
    const settled = await post(`/contracts/${a}/suspensions`, body({ contractId: b, invoiceId: paid }));
    expect(settled).toMatchObject({ status: 422, body: { error: { field: 'otherContract.invoiceId' } } });
    const early = await post(`/contracts/${a}/suspensions`, body({ contractId: b, invoiceId: notDue }));
    expect(early).toMatchObject({ status: 422, body: { error: { field: 'otherContract.invoiceId' } } });
    expect(await world.db.notice.count({ where: { contractId: a, kind: 'suspension' } })).toBe(0); // refusals changed nothing

    const ok = await post(`/contracts/${a}/suspensions`, body({ contractId: b, invoiceId: overdue }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ clauseId: 'NGN-37', status: 'scheduled', startsAt, otherContractDebt: { contractId: b, invoiceId: overdue, dueDate: addDays(today, -10) } });
    const n = await world.db.notice.findFirstOrThrow({ where: { contractId: a, kind: 'suspension' } });
    expect(n.body).toContain('他の契約に係る料金の未払い');
    expect(n.body).toContain('事前にご通知いたします');
  });
});
