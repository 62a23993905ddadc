/**
 * Notice delivery by SMTP (NGN-49 / TNC-5: electronic notices). Configured by SMTP_URL, e.g.
 * smtp://user:pass@mail.example.jp:587; the SMTP server's response and message id are the proof.
 *
 * Mails go out as multipart/alternative (plain text + HTML). SMTP timeouts are kept well under the
 * activity's start-to-close timeout, so an attempt never outlives its activity attempt and a retry
 * never runs beside a still-connected earlier attempt.
 */
import nodemailer from 'nodemailer';

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

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; response: string }>;
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

/** SMTP timeouts (ms): together below the 1-minute start-to-close of the delivery activity. */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/** Adds the SMTP timeouts to the URL's query (nodemailer reads options from it) unless already set. */
function withTimeouts(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  for (const [k, v] of Object.entries(SMTP_TIMEOUTS)) if (!u.searchParams.has(k)) u.searchParams.set(k, String(v));
  return u.toString();
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(withTimeouts(url));
  return {
    async send(mail) {
      try {
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
        const err = e as Error & { responseCode?: number; code?: string };
        throw new SmtpError(err.message ?? String(e), err.responseCode, err.code);
      }
    },
    close() {
      transport.close();
    },
  };
}
