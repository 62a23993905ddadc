/**
 * Regenerates the golden histories in test/histories/ from the current workflow code.
 *
 *   npx tsx scripts/regen-histories.ts [--only name,name] [--list]
 *
 * Each scenario drives one contract on the Java time-skipping server (as the lifecycle tests do:
 * a real worker, real activities on a scratch SQLite database, a real SMTP sink), checks that the
 * branch it is meant to record really happened (ledger figures, refusal types, status), exports
 * every run of its workflow and writes test/histories/<name>.json. All scenarios are recorded and
 * replayed against the same code before any file is written, so a failed run leaves the committed
 * goldens untouched. Files of other names (kept goldens of patched branches) are never touched.
 *
 * Run it only for an intended workflow change (docs/VERSIONING.md). Needs the Temporal servers of
 * scripts/setup.sh (.temporal/) and the generated Prisma client; nothing else.
 */
import { mkdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { migrateDeploy } from '../db/migrate.js';
import { jstDateOf, jstMidnightMs } from '../rules/calendar.js';
import {
  acceptApplication,
  announce,
  applyMeasure,
  cancelPart,
  changePlan,
  correctInvoice,
  endCarrierCourse,
  getContract,
  giveNonRenewalNotice,
  objectToTermsChange,
  recordCure,
  recordPayment,
  rejectApplication,
  reportOutage,
  reportViolation,
  requestCancellation,
  restoreOutage,
  submitPartErasureCertificate,
  terminateByProvider,
  type AcceptInput,
  type ContractInput,
  type Customer,
  type TermsId,
} from '../workflows/contract-messages.js';
import { fetchContractHistory } from '../audit/export.js';
import { decodeHistoryPayloads } from '../audit/payloads.js';
import { GOLDEN_FORMAT, serializeGolden, type GoldenFile } from '../audit/sources.js';
import { replayAll, replayOptions } from '../audit/replay.js';
import { application, createWorld, testPayloadCodec, type World } from '../test/helpers/world-core.js';
import { listenLocal } from '../test/helpers/http.js';

const OUT_DIR = resolve('test/histories');

interface Ctx {
  world: World;
  /** Year after the server's current one: scenario dates lie in its future. */
  Y: number;
  sleepUntil(date: string): Promise<void>;
  /** Moves the clock to an ISO instant. */
  sleepUntilInstant(iso: string): Promise<void>;
  /** Starts contract `name` and (unless `accept` is false) accepts it with service start `start` (and `acceptWith`). */
  start(a: { terms: TermsId; planId: string; customer: Customer; start: string; accept?: boolean; acceptWith?: AcceptInput }): Promise<WorkflowHandle>;
  invoices(): Promise<{ id: string; kind: string; billTo: string; total: string; dueDate: string }[]>;
  /** Notices recorded for the contract, oldest first. */
  notices(): Promise<{ kind: string; clauseId: string }[]>;
  ledger(): Promise<{ clauseId: string; kind: string; taxClass: string; amount: string; period: string | null }[]>;
  check(ok: boolean, what: string): void;
}

interface Scenario {
  name: string;
  description: string;
  clauses: string[];
  run(ctx: Ctx): Promise<void>;
}

const corporate = (id: string): Customer => ({ id, name: '株式会社ゴールデン商事', email: `${id}@example.co.jp`, kind: 'corporate', domestic: true });
const consumer = (id: string): Customer => ({ id, name: '金田 一郎', email: `${id}@example.jp`, kind: 'consumer', domestic: true });

async function refused(p: Promise<unknown>): Promise<ApplicationFailure | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  return e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure ? e.cause : undefined;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'ngn-accepted-monthly-billing',
    description:
      'NGN application accepted (NGN-11, formed when the acceptance notice is sent); three month closes post fee + tax on monthly invoices (NGN-19, NGN-23); the first invoice is paid on time, the second is not and gets the overdue reminder (NGN-21) with the prior notice of an NGN-37 (1) stoppage 7 days later (counted from the day after the notice).',
    clauses: ['NGN-11', 'NGN-17', 'NGN-19', 'NGN-21', 'NGN-23', 'NGN-37'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-1'), start: `${Y}-04-01` });
      await sleepUntil(`${Y}-05-20`);
      const inv = (await h.query(getContract)).openInvoices[0];
      check(!!inv, 'an April invoice is open on 05-20');
      await h.executeUpdate(recordPayment, { args: [{ invoiceId: inv!.id, amount: inv!.total, method: 'bank-transfer', paidOn: `${Y}-05-20` }] });
      await sleepUntil(`${Y}-07-02`);
      const rows = await ledger();
      check(rows.filter((r) => r.kind === 'fee' && r.amount === '50000' && r.clauseId === 'NGN-19').length === 3, 'three NGN-19 fees of 50,000');
      check(rows.filter((r) => r.kind === 'consumption-tax' && r.amount === '5000').length === 3, 'three NGN-23 tax lines of 5,000');
    },
  },
  {
    name: 'tnc-accepted-daily-proration',
    description:
      'TNC application accepted on the 11th (TNC-12, formed at database entry); fees owed from formation, so the first month is prorated by day (TNC-26, 円未満切り捨て), the next one billed whole.',
    clauses: ['TNC-12', 'TNC-26'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      await start({ terms: 'TNC', planId: 'tnc-home-1g', customer: consumer('golden-cust-2'), start: `${Y}-05-11` });
      await sleepUntil(`${Y}-07-02`);
      const rows = await ledger();
      // May 11–31 = 21 of 31 days: 5,000 × 21 / 31 = 3,387.09… → 3,387; June whole 5,000.
      check(rows.some((r) => r.period === `${Y}-05` && r.kind === 'fee' && r.amount === '3387'), 'May prorated to 3,387');
      check(rows.some((r) => r.period === `${Y}-06` && r.kind === 'fee' && r.amount === '5000'), 'June billed 5,000');
    },
  },
  {
    name: 'ngn-rejected',
    description: 'NGN application rejected on grounds (1) and (4) with a written reason (NGN-12); the rejection notice is sent and the workflow ends.',
    clauses: ['NGN-12'],
    async run({ Y, sleepUntil, start, check }) {
      await sleepUntil(`${Y}-03-02`);
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-3'), start: `${Y}-03-02`, accept: false });
      await h.executeUpdate(rejectApplication, { args: [{ grounds: [1, 4], reason: '申込書の記載内容に不備があり、確認が取れないため' }] });
      const v = await h.result();
      check(v.status === 'rejected', 'status rejected');
    },
  },
  {
    name: 'ngn-18-cancellation-inside-minimum-term',
    description:
      'NGN contract started 06-20 (minimum term 07-01 … next 06-30, NGN-17) cancelled on 07-10 for 08-31 (NGN-41 lead met); the final invoice bills August and the NGN-18 fee of 10 remaining months × 50,000 = 500,000 outside consumption tax.',
    clauses: ['NGN-17', 'NGN-18', 'NGN-41'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-4'), start: `${Y}-06-20` });
      await sleepUntil(`${Y}-07-10`);
      const v = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-08-31` }] });
      check(v.cancellation?.insideMinimumTerm === true, 'inside the minimum term');
      await sleepUntil(`${Y}-09-02`);
      check((await h.query(getContract)).status === 'ended', 'ended');
      const penalty = (await ledger()).filter((r) => r.kind === 'penalty');
      check(penalty.length === 1 && penalty[0]!.clauseId === 'NGN-18' && penalty[0]!.amount === '500000' && penalty[0]!.taxClass === 'out-of-scope', 'NGN-18 fee 500,000 out of scope');
    },
  },
  {
    name: 'ngn-41-late-cancellation-refused',
    description:
      'NGN cancellation requested on 05-10 for 05-31 is refused (NGN-41: 1 month + 5 business days, latest notice day in April); the refusal changes nothing and the next month close still bills.',
    clauses: ['NGN-41', 'NGN-19'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-5'), start: `${Y}-04-01` });
      await sleepUntil(`${Y}-05-10`);
      const f = await refused(h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-05-31` }] }));
      check(f?.type === 'LateNotice', 'refused as LateNotice');
      await sleepUntil(`${Y}-06-02`);
      check((await h.query(getContract)).endDate === undefined, 'no end date after the refusal');
      check((await ledger()).filter((r) => r.kind === 'fee').length === 2, 'April and May billed');
    },
  },
  {
    name: 'ngn-39-renewal-non-renewal-continue-as-new',
    description:
      'NGN contract started 09-10 (period 10-01 … next 09-30, NGN-17 minimum term). A non-renewal notice on next 09-05 is refused (NGN-39 deadline 08-31, one month before the expiry at 24:00 on 09-30) and on 10-01 the contract renews for 12 months; a notice on 10-05 for the renewed period is accepted (end date next 09-30). Thirteen month closes make a continue-as-new chain of two runs (12 closes per run).',
    clauses: ['NGN-39', 'NGN-17', 'NGN-19'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-6'), start: `${Y}-09-10` });
      await sleepUntil(`${Y + 1}-09-05`);
      const f = await refused(h.executeUpdate(giveNonRenewalNotice, { args: [{}] }));
      check(f?.type === 'LateNotice', 'late non-renewal refused');
      await sleepUntil(`${Y + 1}-10-01`);
      check((await h.query(getContract)).period?.renewals === 1, 'renewed once');
      await sleepUntil(`${Y + 1}-10-05`);
      const v = await h.executeUpdate(giveNonRenewalNotice, { args: [{ note: '書面受領' }] });
      check(v.endDate === `${Y + 2}-09-30` && v.nonRenewal?.deadline === `${Y + 2}-08-31`, 'ends at the renewed period end');
      check(v.run === 2, `continued as new once (run ${v.run})`);
      check((await ledger()).filter((r) => r.kind === 'fee').length === 13, '13 monthly fees (Y-09 … next Y-09)');
    },
  },
  {
    name: 'tnc-17-cancellation',
    description: 'TNC cancellation on 05-20 for the same day (TNC-17: no lead, no refund); the last month is billed by day up to 05-20 (TNC-26).',
    clauses: ['TNC-17', 'TNC-26'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'TNC', planId: 'tnc-home-1g', customer: consumer('golden-cust-7'), start: `${Y}-04-01` });
      await sleepUntil(`${Y}-05-20`);
      await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y}-05-20` }] });
      await sleepUntil(`${Y}-05-22`);
      check((await h.query(getContract)).status === 'ended', 'ended');
      // May 1–20: 5,000 × 20 / 31 = 3,225.80… → 3,225; no credit line (no refund).
      const rows = await ledger();
      check(rows.some((r) => r.period === `${Y}-05` && r.kind === 'fee' && r.amount === '3225'), 'May billed 3,225');
      check(!rows.some((r) => r.kind === 'credit'), 'no refund');
    },
  },
  {
    name: 'ngn-41-cancellation-after-minimum-term',
    description:
      'NGN contract started 01-10 (minimum term 02-01 … next 01-31, NGN-17) cancelled on next 02-10 for next 03-31 (NGN-41 lead met): outside the minimum term, so no NGN-18 fee; March is the last month billed. Fourteen month closes span two runs.',
    clauses: ['NGN-41', 'NGN-17', 'NGN-18', 'NGN-19'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-8'), start: `${Y}-01-10` });
      await sleepUntil(`${Y + 1}-02-10`);
      const v = await h.executeUpdate(requestCancellation, { args: [{ desiredDate: `${Y + 1}-03-31` }] });
      check(v.cancellation?.insideMinimumTerm === false && v.endDate === `${Y + 1}-03-31`, 'outside the minimum term, ends next 03-31');
      await sleepUntil(`${Y + 1}-04-02`);
      check((await h.query(getContract)).status === 'ended', 'ended');
      const rows = await ledger();
      check(!rows.some((r) => r.kind === 'penalty'), 'no NGN-18 fee');
      check(rows.some((r) => r.period === `${Y + 1}-03` && r.kind === 'fee' && r.amount === '50000'), 'March billed 50,000');
      check(!rows.some((r) => r.period === `${Y + 1}-04`), 'nothing billed for April');
    },
  },
  {
    name: 'ngn-25-violations-cure-and-measure',
    description:
      'Two NGN-25 violations reported on 04-01 at 11:00 (occurred 10:00, cure window to 04-11): V-1 is cured on 04-05 and closes; V-2 is not, and on 04-12 ops apply measure (2), stopping the contractor under NGN-25 itself; April is still billed in full (NGN-16.2).',
    clauses: ['NGN-25', 'NGN-16.2', 'NGN-19'],
    async run({ Y, sleepUntil, sleepUntilInstant, start, ledger, notices, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-9'), start: `${Y}-03-01` });
      await sleepUntilInstant(`${Y}-04-01T11:00:00+09:00`);
      for (const id of ['V-1', 'V-2']) {
        const v = await h.executeUpdate(reportViolation, {
          args: [{ violationId: id, clauseId: 'NGN-25', act: 3, occurredAt: `${Y}-04-01T10:00:00+09:00`, description: '第三者の通信の妨害' }],
        });
        check(v.cureLastDay === `${Y}-04-11`, `${id} cure window ends ${Y}-04-11`);
      }
      await sleepUntil(`${Y}-04-05`);
      check((await h.executeUpdate(recordCure, { args: [{ violationId: 'V-1' }] })).status === 'cured', 'V-1 cured');
      await sleepUntil(`${Y}-04-12`);
      check((await h.executeUpdate(applyMeasure, { args: [{ violationId: 'V-2', measure: 2 }] })).status === 'measured', 'V-2 measured');
      check((await h.query(getContract)).suspensions?.[0]?.clauseId === 'NGN-25', 'NGN-25 4項 (2) stop under its own clause');
      await sleepUntil(`${Y}-05-02`);
      check((await ledger()).some((r) => r.period === `${Y}-04` && r.kind === 'fee' && r.amount === '50000'), 'April billed 50,000');
      check((await notices()).filter((n) => n.kind === 'violation').length >= 2, 'violation notices sent');
    },
  },
  {
    name: 'ngn-33-outage-72h-credit',
    description:
      'NGN outage recognised 04-20 09:30 (provider fault): the 24-hour notice goes out on 04-21 09:30 (NGN-33.1); restored 04-23 09:30 after 72 hours, 3 × 90,000 ÷ 30 = 9,000 yen of damages (NGN-33.2, 不課税) netted on the April invoice.',
    clauses: ['NGN-33.1', 'NGN-33.2', 'NGN-52', 'NGN-19'],
    async run({ Y, sleepUntil, start, ledger, notices, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-90k', customer: corporate('golden-cust-10'), start: `${Y}-04-01` });
      await sleepUntil(`${Y}-04-20`);
      await h.executeUpdate(reportOutage, {
        args: [{ outageId: 'O-72h', startedAt: `${Y}-04-20T09:00:00+09:00`, recognisedAt: `${Y}-04-20T09:30:00+09:00`, cause: 'provider-fault', description: '収容ルータ故障' }],
      });
      await sleepUntil(`${Y}-04-23`);
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-72h', restoredAt: `${Y}-04-23T09:30:00+09:00` }] });
      check(o.credit?.amount === '9000' && o.credit.clauseId === 'NGN-33.2', 'credit 9,000 under NGN-33.2');
      check((await notices()).some((n) => n.kind === 'outage-24h' && n.clauseId === 'NGN-33.1'), 'the 24-hour notice');
      await sleepUntil(`${Y}-05-02`);
      check((await ledger()).some((r) => r.kind === 'credit' && r.amount === '-9000' && r.clauseId === 'NGN-33.2'), 'credit line -9,000');
    },
  },
  {
    name: 'tnc-3-terms-change-objection',
    description:
      'A TNC terms change announced for 06-01 (TNC-3); the customer objects on 05-31, so the contract ends on 06-01 and June is billed for one day: 5,000 × 1/30 = 166 (TNC-26, 円未満切り捨て).',
    clauses: ['TNC-3', 'TNC-26'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'TNC', planId: 'tnc-home-1g', customer: consumer('golden-cust-11'), start: `${Y}-04-01` });
      await h.executeUpdate(announce, { args: [{ announcementId: 'A-1', kind: 'terms-change', effectiveDate: `${Y}-06-01`, newTermsVersion: '2022-07-01', summary: '料金改定' }] });
      await sleepUntil(`${Y}-05-31`);
      const v = await h.executeUpdate(objectToTermsChange, { args: [{ announcementId: 'A-1' }] });
      check(v.endDate === `${Y}-06-01` && v.endReason === 'terms-objection', 'ends on the effective date');
      await sleepUntil(`${Y}-06-03`);
      check((await h.query(getContract)).status === 'ended', 'ended');
      check((await ledger()).some((r) => r.period === `${Y}-06` && r.kind === 'fee' && r.amount === '166'), 'June billed 166');
    },
  },
  // ---- issue 13: the branches of the patches in workflows/contract/patches.ts ----------------------
  {
    name: 'tnc-26-2-fee-exemption',
    description:
      'TNC outage recognised 04-10 09:00 (provider fault), restored 04-13 09:00: 3 days exempt under TNC-26.2 (5,000 × 3 ÷ 30 = 500 and its tax), the larger of it and TNC-42.1 damages (500); the April invoice computes its tax once: (5,000 − 500) × 10% = 450 (JP-INVOICE).',
    clauses: ['TNC-26.2', 'TNC-42.1', 'JP-INVOICE', 'TNC-26'],
    async run({ Y, sleepUntil, sleepUntilInstant, start, ledger, check }) {
      const h = await start({ terms: 'TNC', planId: 'tnc-home-1g', customer: consumer('golden-cust-12'), start: `${Y}-04-01` });
      await sleepUntilInstant(`${Y}-04-10T09:30:00+09:00`);
      await h.executeUpdate(reportOutage, { args: [{ outageId: 'O-3d', startedAt: `${Y}-04-10T09:00:00+09:00`, recognisedAt: `${Y}-04-10T09:00:00+09:00`, cause: 'provider-fault', description: '収容装置故障' }] });
      await sleepUntilInstant(`${Y}-04-13T10:00:00+09:00`);
      const o = await h.executeUpdate(restoreOutage, { args: [{ outageId: 'O-3d', restoredAt: `${Y}-04-13T09:00:00+09:00` }] });
      check(o.credit?.amount === '550' && o.credit.clauseId === 'TNC-26.2', 'exemption of 550 under TNC-26.2');
      await sleepUntil(`${Y}-05-02`);
      const rows = await ledger();
      check(rows.some((r) => r.kind === 'exemption' && r.amount === '-500'), 'exemption line −500');
      check(rows.some((r) => r.kind === 'consumption-tax' && r.amount === '450'), 'April tax 450, once');
    },
  },
  {
    name: 'ngn-13-2-plan-change-on-acceptance',
    description:
      'NGN plan change to the 90,000 plan accepted on 04-15: formed when its acceptance notice is sent (NGN-13.2), the contract continues as new under the new plan at once, and April is billed once at the new price (whole months: the plan in force on the last day).',
    clauses: ['NGN-13.2', 'NGN-19', 'JP-INVOICE'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-13'), start: `${Y}-04-01` });
      await sleepUntil(`${Y}-04-15`);
      const v = await h.executeUpdate(changePlan, { args: [{ newPlanId: 'ngn-vpn-90k' }] });
      check(v.pendingPlan?.from === `${Y}-04-15`, 'new price from 04-15');
      await sleepUntil(`${Y}-05-02`);
      check((await h.query(getContract)).planId === 'ngn-vpn-90k', 'on the 90k plan');
      check((await ledger()).some((r) => r.period === `${Y}-04` && r.kind === 'fee' && r.amount === '90000'), 'April billed 90,000');
    },
  },
  {
    name: 'ngn-40-termination-acceleration',
    description:
      'NGN contract terminated on 05-10 on a 第40条1項 ground (item 3): the April invoice (due 05-31) falls due on 05-10 and the final invoice on issue (NGN-40 2項, acceleration-by-ground-v1).',
    clauses: ['NGN-40', 'NGN-19', 'JP-INVOICE'],
    async run({ Y, sleepUntil, start, invoices, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-14'), start: `${Y}-04-01` });
      await sleepUntil(`${Y}-05-10`);
      await h.executeUpdate(terminateByProvider, { args: [{ clauseId: 'NGN-40', item: 3, reason: '解散の決議' }] });
      await sleepUntil(`${Y}-05-12`);
      const inv = await invoices();
      check(inv.find((i) => i.id.endsWith(`:${Y}-04`))?.dueDate === `${Y}-05-10`, 'April due 05-10');
      check(inv.find((i) => i.id.endsWith(':final'))?.dueDate === `${Y}-05-11`, 'final due on issue');
    },
  },
  {
    name: 'ngn-21-22-correction-no-interest-on-interest',
    description:
      'NGN contract with a site add-on: the April invoice (63,800) is corrected by a new invoice returning the site (−8,800, JP-INVOICE 修正・返還); 55,000 paid 10 days late bears 220 (NGN-21) on its own invoice due at month end (NGN-22); that invoice paid late bears nothing (no interest on interest).',
    clauses: ['JP-INVOICE', 'NGN-21', 'NGN-22', 'NGN-41.1'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-15'), start: `${Y}-04-01`, acceptWith: { addOns: [{ addOnId: 'ngn-site', partId: 'osaka' }] } });
      await sleepUntil(`${Y}-05-10`);
      const april = (await h.query(getContract)).openInvoices[0]!;
      const c = await h.executeUpdate(correctInvoice, { args: [{ invoiceId: april.id, reason: '大阪拠点は5月開通', lines: [{ description: '拠点接続 4月分', taxClass: 'taxable', amount: '-8000' }] }] });
      check(c.total === '-8800', 'correction −8,800');
      await sleepUntil(`${Y}-06-10`);
      const p = await h.executeUpdate(recordPayment, { args: [{ invoiceId: april.id, amount: '55000', method: 'bank-transfer', paidOn: `${Y}-06-10` }] });
      check(p.lateDamages?.amount === '220', 'late damages 220');
      await sleepUntil(`${Y}-07-20`);
      const q = await h.executeUpdate(recordPayment, { args: [{ invoiceId: p.lateDamages!.invoiceId, amount: '220', method: 'bank-transfer', paidOn: `${Y}-07-20` }] });
      check(q.lateDamages === undefined, 'no late damages on late damages');
      check((await ledger()).filter((r) => r.kind === 'interest').length === 1, 'one interest line');
    },
  },
  {
    name: 'ngn-41-1-partial-cancellation',
    description:
      'NGN contract with the Osaka site (8,000 a month) from 01-10; after the minimum term (ends next 01-31) the site alone is cancelled on next 02-01 for next 03-31 (NGN-41.1, NGN-41 lead): March bills it, April does not; the erasure certificate of the part is asked for on next 04-01 and received on next 04-10 (NGN-43.3). Two runs.',
    clauses: ['NGN-41.1', 'NGN-43.3', 'NGN-17', 'NGN-19'],
    async run({ Y, sleepUntil, start, ledger, check }) {
      const h = await start({ terms: 'NGN', planId: 'ngn-vpn-standard', customer: corporate('golden-cust-16'), start: `${Y}-01-10`, acceptWith: { addOns: [{ addOnId: 'ngn-site', partId: 'osaka' }] } });
      await sleepUntil(`${Y + 1}-02-01`);
      await h.executeUpdate(cancelPart, { args: [{ partId: 'osaka', desiredDate: `${Y + 1}-03-31` }] });
      await sleepUntil(`${Y + 1}-04-10`);
      await h.executeUpdate(submitPartErasureCertificate, { args: [{ partId: 'osaka', equipmentReturned: true }] });
      await sleepUntil(`${Y + 1}-05-02`);
      const rows = await ledger();
      check(rows.some((r) => r.period === `${Y + 1}-03` && r.kind === 'fee' && r.amount === '8000'), 'March bills the site');
      check(!rows.some((r) => r.period === `${Y + 1}-04` && r.kind === 'fee' && r.amount === '8000'), 'April does not');
      check((await h.query(getContract)).parts?.[0]?.erasure?.certificateOn === `${Y + 1}-04-10`, 'certificate received');
    },
  },
  {
    name: 'tnc-30-docomo-assignment-tnc-19',
    description:
      'TNC docomo-billed course from 04-11: April (3,200 + 320) is assigned to docomo through the signed carrier channel (TNC-30), no invoice to the customer; docomo ends the course on 05-20 (TNC-19): May is split between docomo (05-01 … 05-20) and the value plan invoiced by TNC (05-21 … 05-31).',
    clauses: ['TNC-30', 'TNC-26.4', 'TNC-19', 'JP-INVOICE'],
    async run({ Y, sleepUntil, start, invoices, check }) {
      const h = await start({ terms: 'TNC', planId: 'tnc-docomo', customer: consumer('golden-cust-17'), start: `${Y}-04-11` });
      await sleepUntil(`${Y}-05-20`);
      await h.executeUpdate(endCarrierCourse, { args: [{ courseEndsOn: `${Y}-05-20`, reference: 'DCM-CXL-0001' }] });
      await sleepUntil(`${Y}-06-02`);
      const inv = await invoices();
      check(inv.find((i) => i.id.endsWith(`:${Y}-04:assignment`))?.total === '3520', 'April assigned: 3,520');
      check(inv.find((i) => i.id.endsWith(`:${Y}-05:assignment`))?.total === '3405', 'May 1–20 assigned: 3,405');
      check(inv.find((i) => i.id.endsWith(`:${Y}-05`))?.total === '1873', 'May 21–31 invoiced: 1,873');
    },
  },
];

class ScenarioFailed extends Error {}

/** The latest year a scenario may start after (its dates, and 10 years of aftermath, stay inside the holiday table). */
const LAST_START_YEAR = 2035;

async function recordScenario(world: World, s: Scenario): Promise<GoldenFile> {
  const contractId = `golden-${s.name}`;
  const taskQueue = `golden-${s.name}-${randomUUID().slice(0, 8)}`;
  const worker = await world.worker(taskQueue);
  let handle: WorkflowHandle | undefined;
  const sleepUntil = async (date: string) => {
    const now = await world.env.currentTimeMs();
    const target = jstMidnightMs(date) + 10 * 3600_000; // 10:00 JST on that day
    if (target < now) throw new ScenarioFailed(`${s.name}: sleepUntil(${date}) is in the past`);
    await world.env.sleep(target - now);
  };
  const sleepUntilInstant = async (iso: string) => {
    const now = await world.env.currentTimeMs();
    if (Date.parse(iso) < now) throw new ScenarioFailed(`${s.name}: sleepUntilInstant(${iso}) is in the past`);
    await world.env.sleep(Date.parse(iso) - now);
  };
  const Y = Number(jstDateOf(await world.env.currentTimeMs()).slice(0, 4)) + 1;
  const ctx: Ctx = {
    world,
    Y,
    sleepUntil,
    sleepUntilInstant,
    async start({ terms, planId, customer, start, accept = true, acceptWith = {} }) {
      if (accept) await sleepUntil(start);
      // The tests' application, under the scenario's fixed contract id (the golden's workflow id).
      const input: ContractInput = { ...application(terms, planId, customer, await world.env.currentTimeMs()), contractId };
      handle = await world.env.client.workflow.start('contractWorkflow', { taskQueue, workflowId: contractId, args: [input] });
      if (accept) await handle.executeUpdate(acceptApplication, { args: [{ serviceStartDate: start, ...acceptWith }] });
      return handle;
    },
    ledger: () => world.db.ledgerEntry.findMany({ where: { contractId }, orderBy: { id: 'asc' } }),
    notices: () => world.db.notice.findMany({ where: { contractId }, orderBy: { id: 'asc' } }),
    invoices: () => world.db.invoice.findMany({ where: { contractId }, orderBy: { createdAt: 'asc' } }),
    check(ok, what) {
      if (!ok) throw new ScenarioFailed(`${s.name}: expected ${what}`);
    },
  };
  await worker.runUntil(async () => {
    try {
      await s.run(ctx);
    } finally {
      // A running workflow left without a worker would stall time skipping for the next scenario.
      if (handle && (await handle.describe()).status.name === 'RUNNING') await handle.terminate('golden history recorded');
    }
  });
  const ch = await fetchContractHistory(world.env.client, contractId);
  if (!ch.complete || !ch.chainVerified) throw new ScenarioFailed(`${s.name}: history chain: ${ch.problems.join('; ')}`);
  return {
    format: GOLDEN_FORMAT,
    name: s.name,
    description: s.description,
    clauses: s.clauses,
    workflowType: 'contractWorkflow',
    workflowId: contractId,
    recordedAt: new Date().toISOString(),
    recordedWith: { sdk: '@temporalio/worker 1.24.0', server: 'Temporal Java time-skipping test server (.temporal/test-server)' },
    // The world encrypts payloads with the test key (issue 16); a golden is kept decrypted, readable
    // in review and replayable without any key (the codec passes unencrypted payloads through).
    runs: await decodeHistoryPayloads(ch.runs.map((r) => ({ n: r.n, runId: r.runId, history: r.history })), [testPayloadCodec()]),
  };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const s of SCENARIOS) console.log(`${s.name}  [${s.clauses.join(' ')}]\n  ${s.description}`);
    return;
  }
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
  const unknown = only ? [...only].filter((n) => !SCENARIOS.some((s) => s.name === n)) : [];
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (see --list)`);
  const chosen = SCENARIOS.filter((s) => !only || only.has(s.name));

  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  // A scratch database of our own (never the test runs' directories, which vitest removes).
  const scratch = resolve('data/regen-histories', `run-${process.pid}-${Date.now()}`);
  mkdirSync(scratch, { recursive: true });
  const template = join(scratch, 'template.db');
  migrateDeploy(`file:${template}`);

  const goldens: GoldenFile[] = [];
  let world: World | undefined;
  // A local "docomo" answering 202, so the TNC-30 scenario records delivered carrier messages.
  const carrier = await listenLocal((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"accepted":true}');
    });
  });
  try {
    const newWorld = () =>
      createWorld('time-skipping', { dbTemplate: template, activities: { carrierWebhookUrl: `${carrier.base}/docomo`, carrierWebhookSecret: 'golden-carrier-secret' } });
    world = await newWorld();
    for (const s of chosen) {
      // Each scenario starts in the year after the server's clock, and some pass years (retention,
      // NGN-54 survival); the national holiday table ends in 2050, so a clock past LAST_START_YEAR
      // gets a new test server (its clock starts at today's date again).
      if (Number(jstDateOf(await world.env.currentTimeMs()).slice(0, 4)) > LAST_START_YEAR) {
        await world.close();
        world = await newWorld();
      }
      const t0 = Date.now();
      const g = await recordScenario(world, s);
      goldens.push(g);
      const events = g.runs.reduce((n, r) => n + r.history.events.length, 0);
      console.log(`recorded ${s.name}: ${g.runs.length} run(s), ${events} events (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    }
  } finally {
    await world?.close();
    await carrier.close();
    rmSync(scratch, { recursive: true, force: true });
    try {
      rmdirSync(dirname(scratch)); // only when no other run is using it
    } catch {
      /* not empty: another regen run is in progress */
    }
  }

  // Every new golden must replay against the code that recorded it before anything is written.
  let failed = 0;
  for await (const o of replayAll(
    goldens.map((g) => ({ contractId: g.workflowId, source: g.name, runs: g.runs })),
    await replayOptions(),
  )) {
    if (!o.ok) {
      failed++;
      console.error(`replay of ${o.source} run ${o.n} failed: ${o.error?.name}: ${o.error?.message}`);
    }
  }
  if (failed) throw new Error(`${failed} recorded run(s) do not replay; nothing written`);

  mkdirSync(OUT_DIR, { recursive: true });
  for (const g of goldens) {
    const file = join(OUT_DIR, `${g.name}.json`);
    const text = serializeGolden(g);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    console.log(`wrote ${file} (${(text.length / 1024).toFixed(0)} KiB)`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof ScenarioFailed ? `regen-histories: ${e.message}` : e);
    process.exit(1);
  },
);
