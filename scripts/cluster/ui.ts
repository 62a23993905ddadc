/**
 * The Temporal Web UI for the cluster: the UI server (github.com/temporalio/ui-server/v2 v2.42.1,
 * the version the CLI v1.5.1 embeds, built from the Go module proxy with the UI's files inside)
 * pointed at the cluster's frontend.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { childEnvironment } from '../../runtime/config.js';
import { spawnLogged, waitFor, type Proc } from './processes.js';

export const TEMPORAL_UI_SERVER = resolve('.temporal/bin/temporal-ui-server');

export interface UiServer {
  proc: Proc;
  url: string;
  stop(): Promise<void>;
}

export function uiServerBuilt(): boolean {
  return existsSync(TEMPORAL_UI_SERVER);
}

export async function startUiServer(o: { dir: string; logDir: string; port: number; temporalAddress: string; namespace: string }): Promise<UiServer> {
  if (!uiServerBuilt()) throw new Error(`the Temporal UI server is not built at ${TEMPORAL_UI_SERVER}: run bash scripts/cluster-setup.sh (needs Go)`);
  const dir = resolve(o.dir);
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'cluster.yaml'),
    [
      '# Written by scripts/cluster/ui.ts.',
      `temporalGrpcAddress: ${o.temporalAddress}`,
      'host: 127.0.0.1',
      `port: ${o.port}`,
      'publicPath: ""',
      'enableUi: true',
      `defaultNamespace: ${o.namespace}`,
      'notifyOnNewVersion: false',
      'refreshInterval: 1m',
      'cors:',
      '  cookieInsecure: true',
      '  allowOrigins: []',
      '',
    ].join('\n'),
  );
  const proc = spawnLogged('temporal-ui', TEMPORAL_UI_SERVER, ['--root', dir, '--config', 'config', '--env', 'cluster', 'start'], {
    env: childEnvironment({}),
    logDir: o.logDir,
  });
  const url = `http://127.0.0.1:${o.port}`;
  await waitFor(`the Temporal UI on ${url}`, 60_000, async () => {
    const r = await fetch(`${url}/`);
    return r.ok;
  }, proc);
  return { proc, url, stop: async () => void (await proc.stop('SIGTERM', 10_000)) };
}
