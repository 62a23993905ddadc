/**
 * Notice delivery by SMTP (NGN-49 / TNC-5: electronic notices). Configured by SMTP_URL, e.g.
 * smtp://user:pass@mail.example.jp:587; the SMTP server's response and message id are the proof.
 *
 * Mails go out as multipart/alternative (plain text + HTML) over a small pool of kept-open SMTP
 * connections (SMTP_MAX_CONNECTIONS, default 5) with TCP_NODELAY set on each socket:
 * - a new connection costs a TCP handshake, the greeting, EHLO (and STARTTLS/AUTH where used), and on
 *   many servers a reverse DNS lookup of the client (the local sink's takes ~150 ms here); a kept
 *   connection sends the next mail with MAIL/RCPT/DATA only (a few ms locally);
 * - without TCP_NODELAY a small command written right after another waits for the peer's delayed ACK
 *   (Nagle's algorithm), which adds tens of ms per exchange.
 * Concurrency is bounded: at most `maxConnections` mails are handed to the pool at once; the others
 * wait their turn here, in order, until a connection is free, the activity attempt is cancelled
 * (`signal`), or `queueTimeoutMs` passes (then the attempt fails, retryable) — a mail never sits in
 * a queue past its activity's start-to-close timeout. SMTP timeouts are kept under that timeout
 * too, so an attempt does not outlive its activity attempt and a retry does not run beside a
 * still-connected earlier attempt.
 */
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** HTML alternative of `text`. */
  html?: string;
  /** Message-ID to use (e.g. derived from the outbox key, so a resend carries the same id). */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface SendOptions {
  /**
   * Ends the wait for a free connection when aborted (the activity attempt was cancelled or timed
   * out), so an attempt that never got a connection never sends after its retry has started.
   */
  signal?: AbortSignal;
}

export interface Mailer {
  send(mail: OutgoingMail, options?: SendOptions): Promise<{ messageId: string; response: string }>;
  close(): void;
}

/** A refusal by the SMTP server, with its reply code; 5xx is permanent (RFC 5321 §4.2.1). */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly responseCode: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
  /** 5xx: retrying the same mail will not help (unknown mailbox, policy refusal, auth failure). */
  get permanent(): boolean {
    return this.responseCode !== undefined && this.responseCode >= 500 && this.responseCode < 600;
  }
}

/**
 * SMTP timeouts (ms), once a mail has a connection: 10 + 10 + 25 (idle) s. The wait for a free
 * connection before that (SMTP_POOL.queueTimeoutMs, or until the attempt is cancelled) keeps the
 * whole attempt within the 1-minute start-to-close of the delivery activity.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 25_000 } as const;

/** Pool defaults: SMTP_MAX_CONNECTIONS (runtime/config.ts) overrides maxConnections. */
export const SMTP_POOL = {
  /** Mails in flight at once, one per kept-open connection. */
  maxConnections: 5,
  /** Mails sent over one connection before it is replaced (some servers limit mails per session). */
  maxMessages: 100,
  /** How long a mail may wait for a free connection before the attempt fails (retryable). */
  queueTimeoutMs: 20_000,
} as const;

export interface SmtpMailerOptions {
  /** Mails in flight at once (= connections kept open). Default SMTP_POOL.maxConnections. */
  maxConnections?: number;
  /** Mails per connection before it is replaced. Default SMTP_POOL.maxMessages. */
  maxMessages?: number;
  /** Longest wait for a free connection. Default SMTP_POOL.queueTimeoutMs. */
  queueTimeoutMs?: number;
}

/** What the mailer is doing now, and has done (for benchmarks and tests). */
export interface SmtpMailerStats {
  /** TCP connections opened so far (every one with TCP_NODELAY). */
  connectionsOpened: number;
  /** Mails handed to SMTP right now (≤ maxConnections). */
  inFlight: number;
  /** Mails waiting for a free connection right now. */
  waiting: number;
  /** The most mails that were ever in flight at once. */
  peakInFlight: number;
}

export interface SmtpMailer extends Mailer {
  stats(): SmtpMailerStats;
}

/**
 * The transport options from an smtp:// or smtps:// URL (query parameters as nodemailer reads them,
 * e.g. `?tls.rejectUnauthorized=false`), with the SMTP timeouts unless the URL sets them.
 */
function transportOptions(url: string): Record<string, unknown> {
  const fromUrl = parseConnectionUrl(url) as Record<string, unknown>;
  return { ...SMTP_TIMEOUTS, ...fromUrl };
}

export function createSmtpMailer(url: string, from: string, options: SmtpMailerOptions = {}): SmtpMailer {
  const maxConnections = options.maxConnections ?? SMTP_POOL.maxConnections;
  const queueTimeoutMs = options.queueTimeoutMs ?? SMTP_POOL.queueTimeoutMs;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new Error(`maxConnections must be a positive integer; got ${maxConnections}`);
  const base = transportOptions(url);
  const connectionTimeout = Number(base.connectionTimeout);
  const stats: SmtpMailerStats = { connectionsOpened: 0, inFlight: 0, waiting: 0, peakInFlight: 0 };

  /**
   * Opens the TCP connection for a pooled SMTP session with TCP_NODELAY (nodemailer never sets it);
   * nodemailer then runs the session over it (greeting, EHLO, STARTTLS or implicit TLS for smtps).
   */
  const getSocket = (o: { host?: string; port?: number; secure?: boolean }, done: (err: Error | null, socketOptions?: { connection: Socket }) => void) => {
    const port = o.port ?? (o.secure ? 465 : 587);
    const socket = connect({ host: o.host ?? 'localhost', port, noDelay: true });
    stats.connectionsOpened += 1;
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      done(err);
    };
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`Connection timeout: no TCP connection to ${o.host}:${port} within ${connectionTimeout} ms`), { code: 'ETIMEDOUT' })),
      connectionTimeout,
    );
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      done(null, { connection: socket });
    });
  };

  const transport = nodemailer.createTransport({
    ...base,
    pool: true,
    maxConnections,
    maxMessages: options.maxMessages ?? SMTP_POOL.maxMessages,
    getSocket,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  // A pooled connection that fails while idle is dropped and replaced by the pool; its error is
  // reported to the mail it was carrying, if any. Nothing to do here but not crash on the event.
  transport.on('error', () => undefined);

  // ---- bounded concurrency: a FIFO of waiters for one of maxConnections slots -------------------
  let closed = false;
  const waiters: { grant: () => void; refuse: (e: Error) => void }[] = [];
  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (closed) return Promise.reject(new SmtpError('the mailer is closed', undefined, 'ECLOSED'));
    if (signal?.aborted) return Promise.reject(new SmtpError('cancelled before a connection was free', undefined, 'ECANCELLED'));
    if (stats.inFlight < maxConnections) {
      stats.inFlight += 1;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const leave = (e: Error) => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        stats.waiting = waiters.length;
        done();
        reject(e);
      };
      const onAbort = () => leave(new SmtpError('cancelled while waiting for a free SMTP connection', undefined, 'ECANCELLED'));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter = {
        grant: () => {
          done();
          resolve();
        },
        refuse: (e: Error) => {
          done();
          reject(e);
        },
      };
      const timer = setTimeout(
        () => leave(new SmtpError(`no free SMTP connection within ${queueTimeoutMs} ms (${maxConnections} busy)`, undefined, 'EQUEUETIMEOUT')),
        queueTimeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
      stats.waiting = waiters.length;
    });
  };
  const release = () => {
    const next = waiters.shift();
    stats.waiting = waiters.length;
    if (next) next.grant(); // the slot passes on: inFlight unchanged
    else stats.inFlight -= 1;
  };

  return {
    async send(mail, options = {}) {
      await acquire(options.signal);
      try {
        if (closed) throw new SmtpError('the mailer was closed', undefined, 'ECLOSED');
        const info = await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
          ...(mail.messageId ? { messageId: mail.messageId } : {}),
          headers: mail.headers,
        });
        return { messageId: String(info.messageId), response: String(info.response) };
      } catch (e) {
        if (e instanceof SmtpError) throw e;
        const err = e as Error & { responseCode?: number; code?: string };
        throw new SmtpError(err.message ?? String(e), err.responseCode, err.code);
      } finally {
        release();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of waiters.splice(0)) w.refuse(new SmtpError('the mailer was closed', undefined, 'ECLOSED'));
      stats.waiting = 0;
      transport.close(); // idle connections now; busy ones after their mail
    },
    stats: () => ({ ...stats }),
  };
}
