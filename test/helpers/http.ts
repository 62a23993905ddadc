/** A handler (an express app or any request listener) served on an ephemeral localhost port. */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  server: Server;
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

export function listenLocal(handler: RequestListener): Promise<LocalServer> {
  return new Promise((ok, fail) => {
    const server = createServer(handler);
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ok({ server, base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
