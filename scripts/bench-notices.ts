/**
 * Notice throughput (issue 18, goal 3): N notices through the real sendNotice activity — outbox row,
 * SMTP delivery, proof (SMTP response + message id) written back — to the local SMTP server
 * (worker/mail-sink.ts, in a process of its own like a real mail server) with `--concurrency`
 * activities at once, as the worker would run them.
 *
 *   npx tsx scripts/bench-notices.ts [N=2000] [--concurrency 50] [--connections 5] [--old 500]
 *
 * Baselines, measured in the same run against the same SMTP server:
 * - the pooled SMTP transport alone (mailer.send, no database): the ceiling for the outbox path;
 * - the transport before issue 18 (one new connection per mail, Nagle on), through the same
 *   sendNotice activity, on --old notices (one notice at a time it is ~25× slower).
 * Every notice is checked afterwards: row 'sent' with a 250 response and message id, and exactly
 * one message received per notice.
 *
 * The notices carry the customer's name and address sealed with the contract's data key, as the API
 * stores them (issue 16): each delivery reads that key and opens them, as in production.
 */
import nodemailer from 'nodemailer';
import { createSmtpMailer, SMTP_POOL, type Mailer } from '../activities/mailer.js';
import { createNoticeActivities } from '../activities/notices.js';
import type { NoticeRequest } from '../activities/types.js';
import type { Db } from '../db/client.js';
import { personalData } from '../activities/personal-data.js';
import { invoiceNotice } from '../notices/templates.js';
import { jstDateOf } from '../rules/calendar.js';
import { args, cpuMs, freshBenchDb, machine, pool, percentile, report, say, seedActiveContracts, spawnSink, type BenchRow, type ChildSink } from './bench-lib.js';

const a = args();
const N = a.n(0, 2000);
const CONCURRENCY = a.flag('concurrency', 50);
const CONNECTIONS = a.flag('connections', SMTP_POOL.maxConnections);
const OLD_N = Math.min(N, a.flag('old', 500));
const TARGET = 200;

/** The transport before issue 18: nodemailer from the URL, a new unpooled connection per mail, Nagle on. */
function unpooledMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(m) {
      const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers });
      return { messageId: String(info.messageId), response: String(info.response) };
    },
    close: () => transport.close(),
  };
}

/** The customer's name and address of each contract, sealed with its data key as the API stores them. */
const sealedParty = new Map<string, { name: string; email: string }>();

/** A monthly invoice notice as billing sends it (Japanese text + HTML, about 1.5 KB; sealed name and address). */
function request(contractId: string, i: number): NoticeRequest {
  const party = sealedParty.get(contractId);
  if (!party) throw new Error(`no sealed customer data for ${contractId}`);
  return {
    contractId,
    idempotencyKey: `${contractId}:2031-01:invoice:TNC-26:${i}`,
    recipient: party.email,
    ...invoiceNotice({
      contractId,
      customerName: party.name,
      termsTitle: 'TNC インターネット接続サービス基本約款（N）',
      clauseId: 'TNC-26',
      period: '2031-01',
      issuedOn: '2031-02-01',
      dueDate: '2031-02-28',
      lines: [
        { description: '月額料金 2031-01', amount: '4800', taxClass: 'taxable' },
        { description: '消費税（10%）', amount: '480', taxClass: 'consumption-tax' },
      ],
      total: '5280',
    }),
  };
}

async function contracts(db: Db, prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);
  const today = jstDateOf(Date.now());
  await seedActiveContracts(db, ids, { formedAt: new Date(), serviceStart: today, billingStart: today });
  const pd = personalData(db);
  for (const id of ids) sealedParty.set(id, { name: await pd.seal(id, 'ベンチ 太郎'), email: await pd.seal(id, `${id}@example.jp`) });
  return ids;
}

interface Run {
  perSecond: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU of this process (database + mailer) per item, ms. */
  cpuPerItem: number;
}

async function timed(n: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<Run> {
  const latencies: number[] = [];
  const c0 = cpuMs();
  const t0 = performance.now();
  await pool(n, concurrency, async (i) => {
    const s = performance.now();
    await one(i);
    latencies.push(performance.now() - s);
  });
  const ms = performance.now() - t0;
  return { perSecond: (n / ms) * 1000, seconds: ms / 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerItem: (cpuMs() - c0) / n };
}

/** Every notice of `ids` is sent with proof, and the SMTP server got exactly one message per notice. */
async function verify(db: Db, sink: ChildSink, prefix: string, ids: string[], receivedBefore: number): Promise<void> {
  const sent = await db.notice.count({ where: { contractId: { startsWith: `${prefix}-` }, status: 'sent', messageId: { not: null }, smtpResponse: { startsWith: '250' } } });
  if (sent !== ids.length) throw new Error(`only ${sent} of ${ids.length} notices are recorded as sent with a 250 response and message id`);
  await sink.waitFor(receivedBefore + ids.length, 5000);
  if (sink.received() !== receivedBefore + ids.length) throw new Error(`the SMTP server received ${sink.received() - receivedBefore} messages for ${ids.length} notices`);
}

const { db, drop } = await freshBenchDb({ wal: !a.has('no-wal') });
// The SMTP server runs in a process of its own, as a mail server would: its CPU is not the sender's.
const sink = await spawnSink();
const from = 'yakkan-bench <notices@yakkan.bench>';
const pooled = createSmtpMailer(sink.url, from, { maxConnections: CONNECTIONS });
const rows: BenchRow[] = [];
try {
  say(`notices: N = ${N}, ${CONCURRENCY} activities at once, ${CONNECTIONS} SMTP connections, ${machine()}`);
  // Warm-up (connections open, Prisma and the template paths compiled), not counted.
  const warm = await contracts(db, 'warm', 50);
  await timed(50, 10, (i) => createNoticeActivities({ db, mailer: pooled, now: () => new Date() }).sendNotice(request(warm[i]!, i)));
  await sink.waitFor(50, 5000);

  // Baseline 1: the pooled transport alone.
  sealedParty.set('raw', { name: 'ベンチ 太郎', email: 'raw@example.jp' });
  const rawMail = request('raw', 0);
  const r0 = sink.received();
  const raw = await timed(N, CONCURRENCY, (i) =>
    pooled.send({ to: `raw${i}@example.jp`, subject: rawMail.subject, text: rawMail.body, html: rawMail.html, messageId: `<raw-${i}@yakkan.bench>` }),
  );
  await sink.waitFor(r0 + N, 5000);
  say(`pooled SMTP alone: ${raw.perSecond.toFixed(0)} mails/s (p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms), ${raw.cpuPerItem.toFixed(2)} ms CPU per mail`);

  // Baseline 2: the same activity with the transport before issue 18 (warmed up first, like the pooled one).
  const oldIds = await contracts(db, 'unpooled', OLD_N);
  const old = unpooledMailer(sink.url, from);
  const oldActs = createNoticeActivities({ db, mailer: old, now: () => new Date() });
  const oldWarm = await contracts(db, 'warm-old', 20);
  const w0 = sink.received();
  await timed(20, 10, (i) => oldActs.sendNotice(request(oldWarm[i]!, i)));
  await sink.waitFor(w0 + 20, 5000);
  const o0 = sink.received();
  const before = await timed(OLD_N, CONCURRENCY, (i) => oldActs.sendNotice(request(oldIds[i]!, i)));
  await verify(db, sink, 'unpooled', oldIds, o0);
  say(
    `sendNotice with the transport before #18 (a connection per mail, Nagle on): ${before.perSecond.toFixed(1)} notices/s over ${OLD_N} ` +
      `(p50 ${before.p50.toFixed(1)} ms), ${before.cpuPerItem.toFixed(2)} ms CPU per notice`,
  );
  // The figure: sendNotice with the pooled mailer (the worker's configuration).
  const ids = await contracts(db, 'pooled', N);
  const acts = createNoticeActivities({ db, mailer: pooled, now: () => new Date() });
  const stats0 = pooled.stats();
  const f0 = sink.received();
  const fig = await timed(N, CONCURRENCY, (i) => acts.sendNotice(request(ids[i]!, i)));
  await verify(db, sink, 'pooled', ids, f0);
  const stats1 = pooled.stats();
  say(
    `sendNotice (outbox + pooled SMTP + proof): ${fig.perSecond.toFixed(0)} notices/s in ${fig.seconds.toFixed(1)} s ` +
      `(p50 ${fig.p50.toFixed(1)} ms, p99 ${fig.p99.toFixed(1)} ms), ${fig.cpuPerItem.toFixed(2)} ms CPU per notice; ` +
      `${stats1.connectionsOpened - stats0.connectionsOpened} connections opened, at most ${stats1.peakInFlight} mails in flight`,
  );

  // One at a time: the latency of one notice, each transport (what an accept waits for).
  const seqIds = await contracts(db, 'seq', 40);
  const seqPooled = await timed(20, 1, (i) => acts.sendNotice(request(seqIds[i]!, i)));
  const seqOld = await timed(20, 1, (i) => oldActs.sendNotice(request(seqIds[20 + i]!, 20 + i)));
  old.close();
  say(`one notice at a time: pooled p50 ${seqPooled.p50.toFixed(1)} ms, before #18 p50 ${seqOld.p50.toFixed(1)} ms`);

  rows.push(
    {
      bench: 'notices',
      figure: `notices delivered/s (sendNotice: outbox + SMTP + proof), N=${N}, ${CONCURRENCY} at once`,
      value: fig.perSecond,
      unit: '/s',
      baseline: `pooled SMTP alone (no database), ${CONNECTIONS} connections`,
      baselineValue: raw.perSecond,
      better: 'higher',
      target: `≥ ${TARGET}/s`,
      met: fig.perSecond >= TARGET,
    },
    {
      bench: 'notices',
      figure: 'notices delivered/s, pooled + TCP_NODELAY',
      value: fig.perSecond,
      unit: '/s',
      baseline: `transport before #18 (connection per mail), N=${OLD_N}`,
      baselineValue: before.perSecond,
      better: 'higher',
    },
    {
      bench: 'notices',
      figure: 'one notice at a time (sendNotice), p50 latency',
      value: seqPooled.p50,
      unit: 'ms',
      baseline: 'transport before #18',
      baselineValue: seqOld.p50,
      better: 'lower',
    },
    {
      bench: 'notices',
      figure: 'sender CPU per notice (database + mailer)',
      value: fig.cpuPerItem,
      unit: 'ms',
      baseline: 'pooled SMTP alone, per mail',
      baselineValue: raw.cpuPerItem,
      better: 'lower',
    },
  );
} finally {
  pooled.close();
  await sink.stop();
  await drop();
}
report(rows);
