/**
 * A real SMTP server for the embedded default and for tests: accepts every message on localhost,
 * keeps it in memory and, when a directory is given, writes it as an .eml file. `npm start` points
 * the worker at it so notices are really delivered over SMTP without an outside mail server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  receivedAt: Date;
}

export interface MailSink {
  port: number;
  url: string;
  messages: ReceivedMail[];
  /** SMTP sessions (TCP connections) opened to this server so far. */
  readonly connections: number;
  /** While true, the server refuses every message with a 421 (to test retries). */
  setDown(down: boolean): void;
  /** Holds each message this long before accepting it (to test a slow server); 0 = at once. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startMailSink(opts: { port?: number; dir?: string } = {}): Promise<MailSink> {
  const messages: ReceivedMail[] = [];
  let down = false;
  let latencyMs = 0;
  let connections = 0;
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      connections += 1;
      cb();
    },
    onRcptTo(_address, _session, cb) {
      if (down) return cb(Object.assign(new Error('mail sink is down'), { responseCode: 421 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          receivedAt: new Date(),
        };
        const accept = () => {
          messages.push(mail);
          if (opts.dir) writeFileSync(join(opts.dir, `${Date.now()}-${messages.length}.eml`), raw);
          cb();
        };
        if (latencyMs > 0) setTimeout(accept, latencyMs);
        else accept();
      });
    },
  });
  // A client that vanishes mid-session (a worker killed with SIGKILL) is its problem, not the sink's:
  // without a listener the connection error would be thrown out of the process.
  server.on('error', (e: Error & { code?: string }) => {
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') console.warn(`[mail-sink] ${e.message}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    setDown(d) {
      down = d;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
