/**
 * One address in front of the API processes: a small HTTP proxy that hands requests round-robin
 * to the processes and, when one does not accept the connection (stopped, restarting), to the
 * next. A request is re-sent only when no byte of it reached a process, so a command is never
 * carried out twice by the proxy. Each answer says which process gave it (X-Yakkan-Api).
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Backend {
  name: string;
  port: number;
}

export interface ApiProxy {
  port: number;
  /** Requests answered by each backend, by name. */
  served: Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
/** A backend that refused a connection is skipped this long. */
const RESTING_MS = 2_000;

export async function startApiProxy(port: number, backends: readonly Backend[]): Promise<ApiProxy> {
  // A connection per request to the API processes: a kept-alive connection that the process closes
  // as idle just when the proxy reuses it fails with ECONNRESET, and then nobody can tell whether the
  // request was read (so it could not be re-sent safely). Measured: it happened under load.
  const agent = new Agent({ keepAlive: false, maxSockets: 256 });
  const served: Record<string, number> = Object.fromEntries(backends.map((b) => [b.name, 0]));
  const restingUntil = new Map<string, number>();
  let next = 0;

  const order = (): Backend[] => {
    const start = next++ % backends.length;
    const rotated = [...backends.slice(start), ...backends.slice(0, start)];
    const now = Date.now();
    return [...rotated.filter((b) => (restingUntil.get(b.name) ?? 0) <= now), ...rotated.filter((b) => (restingUntil.get(b.name) ?? 0) > now)];
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, candidates: Backend[]): void => {
    const b = candidates[0];
    if (!b) {
      fail(res, 502, 'no API process accepted the request');
      return;
    }
    const headers = { ...req.headers, 'content-length': String(body.length), 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    delete headers['transfer-encoding'];
    const out = request({ host: '127.0.0.1', port: b.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      served[b.name] = (served[b.name] ?? 0) + 1;
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-yakkan-api': b.name });
      answer.pipe(res);
    });
    let sent = false;
    out.on('socket', (s) => s.once('connect', () => (sent = true)));
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy(e);
        return;
      }
      // Not connected at all: nothing reached that process, so the next one may take it.
      if (!sent && (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET')) {
        restingUntil.set(b.name, Date.now() + RESTING_MS);
        forward(req, res, body, candidates.slice(1));
        return;
      }
      fail(res, 502, `API process ${b.name} failed while answering: ${e.message}`);
    });
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(res, 413, `request body over ${MAX_BODY} bytes`);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => forward(req, res, Buffer.concat(chunks), order()));
  });
  // Clients close their idle connections themselves (no idle timeout here), so the proxy never
  // closes a connection a client is just reusing: the same race, on the client's side.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0; // updates may wait on the workflow; the API processes bound their own waits
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    port,
    served,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { status, code: 'bad_gateway', message } }));
}
