/**
 * The whole system on the embedded defaults, one command (`npm start`):
 *   Temporal dev server (SQLite-persisted in data/temporal.db, Web UI on), migrations on the SQLite
 *   database, a local SMTP server that keeps notices as .eml files in data/mail/ (unless SMTP_URL
 *   points elsewhere), the worker and the API, all on 127.0.0.1. Ctrl-C stops all of them.
 * Payloads are encrypted (issue 16) with YAKKAN_PAYLOAD_KEYS, else with a development key generated
 * once and kept in data/dev-payload-keys (losing that file makes the histories unreadable).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../db/client.js';
import { migrateDeploy } from '../db/migrate.js';
import { createSmtpMailer } from '../activities/mailer.js';
import { boundServer, buildApp } from '../api/app.js';
import { parseApiKeys } from '../api/auth.js';
import { checkedAtStart, loadConfigOrExit } from '../runtime/config.js';
import { EncryptionCodec, devPayloadKeys, payloadDataConverter } from '../runtime/payload-codec.js';
import { startMailSink, type MailSink } from './mail-sink.js';
import { createWorker } from './worker.js';
import { SEARCH_ATTRIBUTE_FLAGS, registerSearchAttributes } from './search-attributes.js';
import { DEV_SERVER_SETTING_FLAGS } from './server-settings.js';
import { useWriteAheadLog } from './sqlite.js';

const config = loadConfigOrExit();
const UI_PORT = config.temporalUiPort;
const [host, portText] = config.temporalAddress.split(':');
const temporalPort = Number(portText ?? '7233');
const CLI = resolve('.temporal/bin/temporal');
mkdirSync('data', { recursive: true });
// Checked before anything is started, so a bad key list leaves no server behind.
const keySpec = devKeys();
const keys = checkedAtStart(() => parseApiKeys(keySpec));
/** The payload codec: YAKKAN_PAYLOAD_KEYS, else the key generated once in data/dev-payload-keys. */
const DEV_PAYLOAD_KEYS_FILE = 'data/dev-payload-keys';
/** The dev server's Web UI decodes payloads through the API's codec server (issue 16). */
const CODEC_ENDPOINT = `http://127.0.0.1:${config.apiPort}/ui/codec`;
const CODEC_ORIGINS = config.codecCorsOrigins ?? [`http://127.0.0.1:${UI_PORT}`, `http://localhost:${UI_PORT}`];
const payloadCodec = new EncryptionCodec(config.payloadKeys ?? checkedAtStart(() => devPayloadKeys(resolve(DEV_PAYLOAD_KEYS_FILE))!));

function say(msg: string) {
  console.log(`[yakkan] ${msg}`);
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((ok, fail) => {
    const attempt = () => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.end();
        ok();
      });
      s.on('error', () => {
        s.destroy();
        if (Date.now() > deadline) fail(new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

/** Dev API keys: YAKKAN_API_KEYS, else keys generated once and kept in data/dev-api-keys. */
function devKeys(): string {
  if (config.apiKeys) return config.apiKeys;
  const file = resolve('data/dev-api-keys');
  if (!existsSync(file)) {
    const k = () => randomBytes(18).toString('base64url');
    writeFileSync(file, `${k()}=ops,${k()}=auditor\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

let temporal: ChildProcess | undefined;
let stopEphemeral: (() => Promise<void>) | undefined;
if (existsSync(CLI)) {
  say(`starting Temporal dev server on ${host}:${temporalPort} (history in data/temporal.db)`);
  temporal = spawn(
    CLI,
    [
      'server', 'start-dev',
      '--ip', host ?? '127.0.0.1',
      '--port', String(temporalPort),
      '--ui-port', String(UI_PORT),
      '--ui-codec-endpoint', CODEC_ENDPOINT,
      '--db-filename', 'data/temporal.db',
      '--log-level', 'warn',
      ...SEARCH_ATTRIBUTE_FLAGS,
      ...DEV_SERVER_SETTING_FLAGS,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  temporal.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[yakkan] Temporal dev server exited (${code ?? signal}); stopping`);
      void stop(1);
    }
  });
  await waitForPort(temporalPort, 60_000);
} else {
  say('no .temporal/bin/temporal (Go missing): using the SDK-downloaded dev server');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ip: host, port: temporalPort, uiPort: UI_PORT, dbFilename: 'data/temporal.db', extraArgs: ['--ui-codec-endpoint', CODEC_ENDPOINT, ...DEV_SERVER_SETTING_FLAGS] },
  });
  stopEphemeral = () => env.teardown();
}

say(`applying migrations to ${config.databaseUrl}`);
migrateDeploy(config.databaseUrl);
const db = createDb(config.databaseUrl);
await useWriteAheadLog(db, config.databaseUrl); // SQLite: commits append to a log instead of syncing the file

let sink: MailSink | undefined;
let smtpUrl = config.smtpUrl;
if (!smtpUrl) {
  sink = await startMailSink({ port: config.devSmtpPort, dir: resolve('data/mail') });
  smtpUrl = sink.url;
  say(`local SMTP server on ${sink.url}; delivered notices are kept in data/mail/`);
}
const mailer = createSmtpMailer(smtpUrl, config.mailFrom, { maxConnections: config.smtpMaxConnections });

// One Client for the process: the API and the fan-out activities share it.
const connection = await Connection.connect({ address: config.temporalAddress });
const client = new Client({ connection, namespace: config.namespace, dataConverter: payloadDataConverter(payloadCodec) });
// Idempotent: adds what a data/temporal.db from an older start lacks.
await registerSearchAttributes(connection, config.namespace);
const nativeConnection = await NativeConnection.connect({ address: config.temporalAddress });
if (!config.activities.invoiceRegistrationNumbers) {
  say('INVOICE_REGISTRATION_NUMBERS is not set: invoices show no registration number (not 適格請求書, JP-INVOICE); fine for development only');
}
const worker = await createWorker({ connection: nativeConnection, payloadCodec, namespace: config.namespace, db, mailer, client, tuning: config.worker, ...config.activities, mailArchive: sink });
const workerRun = worker.run();

const server = buildApp({ client, db, keys, codecCorsOrigins: CODEC_ORIGINS }).listen(config.apiPort, '127.0.0.1');
boundServer(server);
await new Promise<void>((ok) => server.once('listening', () => ok()));

say(`API          http://127.0.0.1:${config.apiPort}`);
say(`Pages        http://127.0.0.1:${config.apiPort}/ui  (sign in with one of the keys below)`);
say(`Temporal UI  http://127.0.0.1:${UI_PORT}/namespaces/${config.namespace}/workflows`);
say(`Temporal     ${config.temporalAddress}`);
say(`Codec server ${CODEC_ENDPOINT}  (sign in at /ui with an ops or auditor key, then turn on "Include cross-origin credentials" in the Temporal UI's codec settings; see the README)`);
say(`Payload key  ${payloadCodec.encryptingKeyId} (${config.payloadKeys ? 'YAKKAN_PAYLOAD_KEYS' : DEV_PAYLOAD_KEYS_FILE}; histories hold ciphertext)`);
say(`API keys     ${keySpec.split(',').map((e) => `${e.split('=')[1]}: ${e.split('=')[0]}`).join('  ')}`);
say('Ctrl-C stops everything.');

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await new Promise<void>((ok) => server.close(() => ok()));
  if (worker.getState() === 'RUNNING') worker.shutdown(); // the Worker may already drain on SIGINT itself
  await workerRun.catch((e) => console.error(e));
  await connection.close();
  await nativeConnection.close();
  mailer.close();
  await sink?.close();
  await db.$disconnect();
  if (temporal && temporal.exitCode === null) {
    temporal.kill('SIGTERM');
    await new Promise((ok) => temporal!.once('exit', ok));
  }
  await stopEphemeral?.();
  say('stopped');
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
