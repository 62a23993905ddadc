/**
 * Notice delivery by SMTP (NGN-49 / TNC-5: electronic notices). Configured by SMTP_URL, e.g.
 * smtp://user:pass@mail.example.jp:587; the SMTP server's response and message id are the proof.
 */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; response: string }>;
  close(): void;
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      const info = await transport.sendMail({ from, ...mail });
      return { messageId: String(info.messageId), response: String(info.response) };
    },
    close() {
      transport.close();
    },
  };
}
