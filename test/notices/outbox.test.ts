/**
 * The notice outbox activities against a real SQLite database and real SMTP servers (NGN-49 /
 * TNC-5): one row per notice, delivered once as text + HTML with the SMTP proof kept; the stored
 * text is what goes out (a template change never rewrites a recorded notice); permanent SMTP
 * refusals are not retried; escalation marks the row and alerts ops exactly once.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../db/client.js';
import { createSmtpMailer, type Mailer, type OutgoingMail } from '../../activities/mailer.js';
import { createNoticeActivities, messageIdFor } from '../../activities/notices.js';
import { personalData } from '../../activities/personal-data.js';
import type { NoticeRequest } from '../../activities/types.js';
import { acceptanceNotice, rejectionNotice } from '../../notices/templates.js';
import type { MailSink } from '../../worker/mail-sink.js';
import { useWorld, uniqueId } from '../helpers/world.js';
import { parseMail } from './mime.js';

const world = useWorld('no-temporal');
let db: Db;
let sink: MailSink;
let mailer: Mailer;
/** Every mail handed to the SMTP mailer, as the activity built it. */
const handed: OutgoingMail[] = [];
const clock = { at: new Date('2026-04-27T01:00:00Z') };
const now = () => clock.at;
const OPS = 'ops@yakkan.test';

beforeAll(() => {
  db = world.db;
  sink = world.sink;
  const real = world.mailer;
  mailer = { send: (m) => (handed.push(m), real.send(m)), close: () => real.close() };
});

const party = { customerName: '株式会社テスト商事', termsTitle: 'プライベート IP サービス NGN-VPN 約款' };

async function contract(): Promise<{ id: string; email: string }> {
  const id = uniqueId('ctr-ngn');
  const email = `${id}@example.co.jp`;
  await db.contract.create({
    data: {
      id,
      terms: 'NGN',
      termsVersion: '2020-02-01',
      planId: 'ngn-vpn-standard',
      customerId: uniqueId('cust'),
      customerName: party.customerName,
      customerEmail: email,
      customerKind: 'corporate',
      channel: 'form',
      status: 'applied',
      appliedAt: new Date('2026-04-20T00:00:00Z'),
    },
  });
  return { id, email };
}

function acceptance(c: { id: string; email: string }, serviceStart = '2026-05-01'): NoticeRequest {
  return {
    contractId: c.id,
    idempotencyKey: `${c.id}:acceptance:NGN-11`,
    recipient: c.email,
    ...acceptanceNotice({ ...party, contractId: c.id, serviceStart, clauseId: 'NGN-11' }),
  };
}

const mailsTo = (to: string) => sink.messages.filter((m) => m.to.includes(to));

describe('NGN-49 / TNC-5 notice outbox and SMTP delivery', () => {
  test('NGN-11: the acceptance notice is recorded once and delivered once as text + HTML; the SMTP response and message id are the proof', async () => {
    const acts = createNoticeActivities({ db, mailer, now });
    const c = await contract();
    const req = acceptance(c);
    const proof = await acts.sendNotice(req);
    const again = await acts.sendNotice(req); // a retry, or a replayed request: nothing is sent twice

    expect(again).toEqual(proof);
    expect(proof).toMatchObject({ delivered: true, sentAt: '2026-04-27T01:00:00.000Z', messageId: messageIdFor(req.idempotencyKey) });
    expect(proof.response).toMatch(/^250 /);
    const rows = await db.notice.findMany({ where: { contractId: c.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', attempts: 1, kind: 'acceptance', clauseId: 'NGN-11', channel: 'email', lastError: null });
    expect(rows[0]!.smtpResponse).toBe(proof.response);

    const mails = mailsTo(c.email);
    expect(mails).toHaveLength(1);
    const m = parseMail(mails[0]!.raw);
    expect(m.contentType).toMatch(/^multipart\/alternative/);
    expect(m.subject).toBe(req.subject);
    expect(m.headers.get('x-yakkan-notice')).toBe(req.idempotencyKey);
    expect(m.headers.get('x-yakkan-clause')).toBe('NGN-11');
    expect(m.headers.get('message-id')).toBe(messageIdFor(req.idempotencyKey));
    expect(m.text).toBe(req.body);
    expect(m.text).toContain('令和8年5月1日（2026-05-01）');
    expect(m.html).toBe(req.html);
  });

  test('NGN-49: the outbox row written by the delivery reads back through Prisma like one Prisma wrote — dates in the same stored form, found by date ranges', async () => {
    // sendNotice writes its row and the proof with plain SQL (issue 18); the API, the pages and the
    // audit read them through Prisma, so the stored form must be Prisma's own.
    const acts = createNoticeActivities({ db, mailer, now });
    const c = await contract();
    const req = acceptance(c);
    const before = new Date();
    const proof = await acts.sendNotice(req);
    const row = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    expect(row).toMatchObject({ id: proof.noticeId, contractId: c.id, status: 'sent', attempts: 1, recipient: c.email, subject: req.subject, body: req.body });
    expect(row.sentAt).toEqual(clock.at); // the activity's clock, 2026-04-27T01:00:00Z
    expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(row.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    // Range filters compare the stored form: a raw-written date must sort with Prisma-written ones.
    const inRange = await db.notice.findMany({ where: { contractId: c.id, sentAt: { gte: clock.at, lt: new Date(clock.at.getTime() + 1) }, createdAt: { gte: before } } });
    expect(inRange.map((n) => n.id)).toEqual([row.id]);
    // A row Prisma writes for the same contract, beside it: the same stored encoding of a date.
    const other = await db.notice.create({
      data: { contractId: c.id, idempotencyKey: `${c.id}:prisma-written`, kind: 'k', clauseId: 'NGN-49', channel: 'email', recipient: 'r', subject: 's', body: 'b', status: 'sent', sentAt: clock.at },
    });
    const stored = await db.$queryRawUnsafe<{ id: number; sentAt: string; createdAt: string }[]>(
      `SELECT "id", CAST("sentAt" AS TEXT) AS "sentAt", CAST("createdAt" AS TEXT) AS "createdAt" FROM "Notice" WHERE "id" IN (${row.id}, ${other.id}) ORDER BY "id"`,
    );
    expect(stored).toHaveLength(2);
    expect(stored[0]!.sentAt).toBe(stored[1]!.sentAt);
    const shape = (t: string) => t.replace(/\d/g, '9');
    expect(shape(stored[0]!.createdAt)).toBe(shape(stored[1]!.createdAt));
  });

  test('NGN-49: a notice whose name and address are sealed (issue 16) goes out opened — the key read with the outbox insert — and stays sealed in the outbox', async () => {
    const acts = createNoticeActivities({ db, mailer, now });
    const c = await contract();
    const pd = personalData(db);
    const sealedName = await pd.seal(c.id, '山田 花子');
    const sealedEmail = await pd.seal(c.id, c.email);
    const req: NoticeRequest = {
      contractId: c.id,
      idempotencyKey: `${c.id}:acceptance:NGN-11`,
      recipient: sealedEmail,
      ...acceptanceNotice({ ...party, customerName: sealedName, contractId: c.id, serviceStart: '2026-05-01', clauseId: 'NGN-11' }),
    };
    expect(req.body).toContain(sealedName);
    await acts.sendNotice(req);
    const mails = mailsTo(c.email);
    expect(mails).toHaveLength(1);
    const m = parseMail(mails[0]!.raw);
    expect(m.text).toContain('山田 花子');
    expect(m.text).not.toContain('⟦pd1:');
    expect(m.html).toContain('山田 花子');
    const row = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    expect([row.recipient, row.body.includes(sealedName), row.body.includes('山田 花子')]).toEqual([sealedEmail, true, false]);
  });

  test('NGN-12: a template change never rewrites a notice already sent — the stored text stays and nothing is resent', async () => {
    const acts = createNoticeActivities({ db, mailer, now });
    const c = await contract();
    const v1 = {
      contractId: c.id,
      idempotencyKey: `${c.id}:rejection:NGN-12`,
      recipient: c.email,
      ...rejectionNotice({ ...party, contractId: c.id, grounds: [{ code: 3, label: '国内法人でない' }], reason: '登記事項証明書が提出されていない', clauseId: 'NGN-12' }),
    };
    await acts.sendNotice(v1);
    const stored = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: v1.idempotencyKey } });

    // A new template version renders the same notice differently; the request carries the new text.
    const v2 = { ...v1, subject: `${v1.subject}（改訂）`, body: `${v1.body}\n改訂後の文面`, html: '<p>改訂後</p>' };
    const proof = await acts.sendNotice(v2);
    const after = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: v1.idempotencyKey } });
    expect(after).toEqual(stored);
    expect(after.body).toBe(v1.body);
    expect(after.body).not.toContain('改訂後の文面');
    expect(proof.noticeId).toBe(stored.id);
    expect(mailsTo(c.email)).toHaveLength(1);
  });

  test('NGN-11: a notice recorded under the old template but not yet sent goes out with its stored text (and HTML from that text)', async () => {
    const acts = createNoticeActivities({ db, mailer, now });
    const c = await contract();
    const v1 = acceptance(c);
    sink.setDown(true);
    await expect(acts.sendNotice(v1)).rejects.toThrow(/421/);
    sink.setDown(false);
    const v2 = { ...v1, body: `${v1.body}\n新しい文面`, html: '<p>新しい文面</p>' };
    await acts.sendNotice(v2);
    const row = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: v1.idempotencyKey } });
    expect(row).toMatchObject({ status: 'sent', attempts: 2, body: v1.body });
    const out = handed.filter((h) => h.to === c.email);
    expect(out).toHaveLength(2); // the refused attempt and the delivered one
    expect(out.every((h) => h.text === v1.body)).toBe(true);
    expect(out[1]!.html).not.toContain('新しい文面');
    expect(out[1]!.html).toContain('サービス開始日');
    const m = parseMail(mailsTo(c.email)[0]!.raw);
    expect(m.text).toBe(v1.body);
  });

  test('NGN-11: SMTP 421 (server down) is a retryable failure; the attempt and the error are recorded on the row', async () => {
    const acts = createNoticeActivities({ db, mailer, now });
    const c = await contract();
    sink.setDown(true);
    try {
      const e = await acts.sendNotice(acceptance(c)).catch((x: unknown) => x);
      expect(e).not.toBeInstanceOf(ApplicationFailure);
      expect(String((e as Error).message)).toMatch(/421/);
    } finally {
      sink.setDown(false);
    }
    const row = await db.notice.findFirstOrThrow({ where: { contractId: c.id } });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
    expect(row.lastError).toMatch(/421 mail sink is down/);
  });

  test('NGN-12: SMTP 550 (mailbox unknown) is permanent: SmtpPermanentFailure, non-retryable', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_a, _s, cb) {
        cb(Object.assign(new Error('5.1.1 mailbox unknown'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((ok) => refusing.listen(0, '127.0.0.1', () => ok()));
    const port = (refusing.server.address() as { port: number }).port;
    const m = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'yakkan-test <notices@yakkan.test>');
    try {
      const acts = createNoticeActivities({ db, mailer: m, now });
      const c = await contract();
      const e = await acts.sendNotice(acceptance(c)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ApplicationFailure);
      expect((e as ApplicationFailure).type).toBe('SmtpPermanentFailure');
      expect((e as ApplicationFailure).nonRetryable).toBe(true);
      expect((e as ApplicationFailure).message).toMatch(/NGN-11 acceptance .* refused permanently: .*550/);
    } finally {
      m.close();
      await new Promise<void>((ok) => refusing.close(() => ok()));
    }
  });
});

describe('escalation of an undeliverable notice to ops', () => {
  test('NGN-11: escalateNotice marks the row failed with escalatedAt and mails ops once; a repeated call alerts nobody again', async () => {
    const acts = createNoticeActivities({ db, mailer, now, opsAlertEmail: OPS });
    const c = await contract();
    const req = acceptance(c);
    sink.setDown(true);
    await acts.sendNotice(req).catch(() => undefined);
    sink.setDown(false);
    const before = mailsTo(OPS).length;

    clock.at = new Date('2026-04-27T03:00:00Z');
    const r = await acts.escalateNotice({ request: req, error: 'delivery window of 2 hours ran out: 421 mail sink is down' });
    const r2 = await acts.escalateNotice({ request: req, error: 'delivery window of 2 hours ran out: 421 mail sink is down' });
    clock.at = new Date('2026-04-27T01:00:00Z');

    expect(r).toEqual({ id: expect.any(Number), escalatedAt: '2026-04-27T03:00:00.000Z', alerted: true });
    expect(r2.escalatedAt).toBe(r.escalatedAt);
    const row = await db.notice.findUniqueOrThrow({ where: { id: r.id } });
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
    expect(row.escalatedAt?.toISOString()).toBe('2026-04-27T03:00:00.000Z');
    expect(row.lastError).toContain('421');
    const alerts = mailsTo(OPS).slice(before);
    expect(alerts).toHaveLength(1);
    const a = parseMail(alerts[0]!.raw);
    expect(a.subject).toContain('NGN-11 acceptance');
    expect(a.subject).toContain(c.id);
    expect(a.text).toContain(req.idempotencyKey);
    expect(a.text).toContain(c.email);
    expect(mailsTo(c.email)).toHaveLength(0);
  });

  test('NGN-11: when SMTP is still down the alert fails and escalation throws (retried), with the row already failed; it succeeds later', async () => {
    const acts = createNoticeActivities({ db, mailer, now, opsAlertEmail: OPS });
    const c = await contract();
    const req = acceptance(c);
    sink.setDown(true);
    try {
      await expect(acts.escalateNotice({ request: req, error: 'x' })).rejects.toThrow(/421/);
    } finally {
      sink.setDown(false);
    }
    // The row did not exist yet (delivery failed before recording): it is created as failed.
    const row = await db.notice.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
    expect(row).toMatchObject({ status: 'failed', escalatedAt: null, lastError: 'x' });
    const r = await acts.escalateNotice({ request: req, error: 'x' });
    expect(r.alerted).toBe(true);
    expect((await db.notice.findUniqueOrThrow({ where: { id: row.id } })).escalatedAt).not.toBeNull();
  });

  test('NGN-11: without OPS_ALERT_EMAIL the notice is still marked failed + escalated (visible in GET /notices?status=failed)', async () => {
    const acts = createNoticeActivities({ db, mailer, now, opsAlertEmail: undefined });
    const c = await contract();
    const before = sink.messages.length;
    const r = await acts.escalateNotice({ request: acceptance(c), error: 'x' });
    expect(r.alerted).toBe(false);
    expect(sink.messages.length).toBe(before);
    expect(await db.notice.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({ status: 'failed', escalatedAt: expect.any(Date) });
  });

  test('NGN-11: a notice that was delivered after all is not escalated; its proof is returned', async () => {
    const acts = createNoticeActivities({ db, mailer, now, opsAlertEmail: OPS });
    const c = await contract();
    const req = acceptance(c);
    const proof = await acts.sendNotice(req);
    const before = mailsTo(OPS).length;
    const r = await acts.escalateNotice({ request: req, error: 'timeout' });
    expect(r.deliveredProof).toEqual(proof);
    expect(mailsTo(OPS).length).toBe(before);
    expect(await db.notice.findUniqueOrThrow({ where: { id: proof.noticeId } })).toMatchObject({ status: 'sent', escalatedAt: null });
  });
});
