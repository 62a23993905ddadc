/**
 * The pooled SMTP mailer (activities/mailer.ts) against the real local SMTP server: mails share a
 * few kept-open connections opened by the mailer itself (with TCP_NODELAY), at most maxConnections
 * mails are in flight, a mail waits for a free connection only until its attempt is cancelled or
 * the wait bound passes (a retryable failure), a server refusal leaves the pool usable, and a
 * closed mailer refuses instead of hanging. Electronic notices: NGN-49 / TNC-5.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createSmtpMailer, SmtpError, type OutgoingMail, type SmtpMailer } from '../../activities/mailer.js';
import { useWorld } from '../helpers/world.js';
import { parseMail } from './mime.js';

const world = useWorld('no-temporal');
const FROM = 'yakkan-test <notices@yakkan.test>';
const open: SmtpMailer[] = [];

function mailer(options: Parameters<typeof createSmtpMailer>[2] = {}): SmtpMailer {
  const m = createSmtpMailer(world.sink.url, FROM, options);
  open.push(m);
  return m;
}

afterEach(() => {
  for (const m of open.splice(0)) m.close();
  world.sink.setLatency(0);
  world.sink.setDown(false);
});

const mail = (to: string, i: number): OutgoingMail => ({
  to,
  subject: `通知 ${i}`,
  text: `本文 ${i}`,
  html: `<p>本文 ${i}</p>`,
  messageId: `<mailer-test-${to}-${i}@yakkan.test>`,
});

const received = (to: string) => world.sink.messages.filter((m) => m.to.includes(to));

describe('NGN-49 / TNC-5: pooled SMTP delivery', () => {
  test('NGN-49: 60 notices sent at once arrive once each over at most 3 kept-open connections, never more than 3 in flight', async () => {
    const to = 'pool@example.jp';
    const m = mailer({ maxConnections: 3 });
    const connectionsBefore = world.sink.connections;
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => m.send(mail(to, i))));

    const got = received(to);
    expect(got).toHaveLength(60);
    expect(new Set(got.map((g) => parseMail(g.raw).headers.get('message-id'))).size).toBe(60);
    for (const r of results) expect(r.response).toMatch(/^250 /);
    const stats = m.stats();
    expect(stats.peakInFlight).toBeLessThanOrEqual(3);
    expect(stats.inFlight).toBe(0);
    expect(stats.waiting).toBe(0);
    // Every connection the server saw was opened by the mailer's own socket factory (TCP_NODELAY).
    expect(stats.connectionsOpened).toBeGreaterThanOrEqual(1);
    expect(stats.connectionsOpened).toBeLessThanOrEqual(3);
    expect(world.sink.connections - connectionsBefore).toBe(stats.connectionsOpened);
  });

  test('NGN-49: a second batch reuses the open connections (no new connection per mail)', async () => {
    const to = 'reuse@example.jp';
    const m = mailer({ maxConnections: 2 });
    await Promise.all(Array.from({ length: 4 }, (_, i) => m.send(mail(to, i))));
    const opened = m.stats().connectionsOpened;
    for (let i = 4; i < 14; i++) await m.send(mail(to, i));
    expect(received(to)).toHaveLength(14);
    expect(m.stats().connectionsOpened).toBe(opened);
  });

  test('NGN-49: a mail that finds every connection busy fails after the wait bound — a retryable SmtpError, nothing sent', async () => {
    const to = 'busy@example.jp';
    world.sink.setLatency(1500);
    const m = mailer({ maxConnections: 1, queueTimeoutMs: 200 });
    const first = m.send(mail(to, 1));
    const second = await m.send(mail(to, 2)).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(SmtpError);
    expect((second as SmtpError).code).toBe('EQUEUETIMEOUT');
    expect((second as SmtpError).permanent).toBe(false);
    await first;
    expect(received(to).map((r) => parseMail(r.raw).headers.get('message-id'))).toEqual([`<mailer-test-${to}-1@yakkan.test>`]);
  });

  test('NGN-49: a waiting mail whose activity attempt is cancelled leaves the queue at once and is never sent', async () => {
    const to = 'cancel@example.jp';
    world.sink.setLatency(800);
    const m = mailer({ maxConnections: 1, queueTimeoutMs: 30_000 });
    const first = m.send(mail(to, 1));
    const abort = new AbortController();
    const t0 = Date.now();
    const second = m.send(mail(to, 2), { signal: abort.signal }).catch((e: unknown) => e);
    setTimeout(() => abort.abort(), 50);
    const e = await second;
    expect(Date.now() - t0).toBeLessThan(700); // did not wait for the first mail's 800 ms
    expect(e).toBeInstanceOf(SmtpError);
    expect((e as SmtpError).code).toBe('ECANCELLED');
    await first;
    await new Promise((ok) => setTimeout(ok, 100));
    expect(received(to)).toHaveLength(1);
    expect(m.stats().waiting).toBe(0);
  });

  test('NGN-49: after the server refused with 421, the next mail goes through on the same mailer', async () => {
    const to = 'recover@example.jp';
    const m = mailer({ maxConnections: 2 });
    world.sink.setDown(true);
    const refused = await m.send(mail(to, 1)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SmtpError);
    expect((refused as SmtpError).responseCode).toBe(421);
    expect((refused as SmtpError).permanent).toBe(false);
    world.sink.setDown(false);
    const ok = await m.send(mail(to, 2));
    expect(ok.response).toMatch(/^250 /);
    expect(received(to)).toHaveLength(1);
  });

  test('a closed mailer refuses new mails with an SmtpError instead of leaving them pending', async () => {
    const m = mailer();
    m.close();
    const e = await m.send(mail('closed@example.jp', 1)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SmtpError);
    expect((e as SmtpError).code).toBe('ECLOSED');
  });

  test('a server that is not there is a retryable connection error, within the connection timeout', async () => {
    const m = createSmtpMailer('smtp://127.0.0.1:1', FROM);
    open.push(m);
    const e = await m.send(mail('nobody@example.jp', 1)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SmtpError);
    expect((e as SmtpError).permanent).toBe(false);
    expect((e as SmtpError).code).toBe('ECONNREFUSED');
  });
});
