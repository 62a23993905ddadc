/**
 * A real SMTP server for the embedded default and for tests: accepts every message on localhost,
 * keeps it in memory and, when a directory is given, writes it as an .eml file. `npm start` points
 * the worker at it so notices are really delivered over SMTP without an outside mail server.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  receivedAt: Date;
  /** The .eml file it was written to (when the sink has a directory). */
  file?: string;
}

/**
 * The notice key (X-Yakkan-Notice) or alert key (X-Yakkan-Alert) a message carries, unfolded; both
 * start with the contract id (`<contractId>:…`).
 */
export function yakkanKeyOf(raw: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^X-Yakkan-(?:Notice|Alert):[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
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
  /**
   * TNC-37.5 / NGN-43 (issue 16): removes every message about the contract (its notices and the
   * alerts about them) from memory and from the directory; returns how many.
   */
  eraseContract(contractId: string): Promise<number>;
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
          if (opts.dir) {
            mail.file = join(opts.dir, `${Date.now()}-${messages.length}.eml`);
            writeFileSync(mail.file, raw);
          }
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
    async eraseContract(contractId) {
      let n = 0;
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i]!;
        if (!yakkanKeyOf(m.raw)?.startsWith(`${contractId}:`)) continue;
        if (m.file) rmSync(m.file, { force: true });
        messages.splice(i, 1);
        n++;
      }
      return n;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
