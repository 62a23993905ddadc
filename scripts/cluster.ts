/**
 * `npm run cluster`: yakkan as a production-shaped cluster on this machine (scripts/cluster/
 * topology.ts): PostgreSQL 15, the Temporal server v1.29.1 on it, the Web UI, two workers and two
 * API processes behind one address. Ctrl-C stops all of it; data stays in data/cluster/ and the
 * next start carries on.
 *
 *   npm run cluster [-- --workers 2 --apis 2 --shards 4 --api-port 3000 --temporal-port 7233
 *                      --ui-port 8233 --postgres-port 5433 --smtp-port 2525 --no-ui]
 *
 * Environment (runtime/config.ts): YAKKAN_API_KEYS (else keys generated in data/cluster/api-keys),
 * YAKKAN_PAYLOAD_KEYS (else a key generated in data/cluster/payload-keys),
 * SMTP_URL (else a local SMTP server keeps notices in data/cluster/mail/), MAIL_FROM, and
 * INVOICE_REGISTRATION_NUMBERS (required: the workers issue qualified invoices, JP-INVOICE).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseApiKeys } from '../api/auth.js';
import { checkedAtStart, loadConfigOrExit } from '../runtime/config.js';
import { devPayloadKeys, formatPayloadKeys } from '../runtime/payload-codec.js';
import { MiB, portIsFree } from './cluster/processes.js';
import { DEFAULT_PORTS, startCluster, type ClusterPorts } from './cluster/topology.js';

const say = (line: string) => console.log(`[cluster] ${line}`);

const { values: flags } = checkedAtStart(() =>
  parseArgs({
    options: {
      workers: { type: 'string', default: '2' },
      apis: { type: 'string', default: '2' },
      shards: { type: 'string', default: '4' },
      'api-port': { type: 'string' },
      'temporal-port': { type: 'string' },
      'ui-port': { type: 'string' },
      'postgres-port': { type: 'string' },
      'smtp-port': { type: 'string' },
      'no-ui': { type: 'boolean', default: false },
    },
    strict: true,
  }),
);

function count(name: string, value: string | undefined, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be an integer 1–${max}; got "${value}"`);
    process.exit(2);
  }
  return n;
}

const workers = count('workers', flags.workers, 8);
const apis = count('apis', flags.apis, 8);
const shards = count('shards', flags.shards, 16_384);
const config = loadConfigOrExit();

const port = (name: string, fallback: number) => (flags[name as keyof typeof flags] === undefined ? fallback : count(name, String(flags[name as keyof typeof flags]), 65_535));
const apiPort = port('api-port', DEFAULT_PORTS.api);
const frontend = port('temporal-port', DEFAULT_PORTS.frontend);
// The other Temporal ports keep their distance from the frontend's, as in Temporal's own configs.
const shift = frontend - DEFAULT_PORTS.frontend;
const ports: ClusterPorts = {
  ...DEFAULT_PORTS,
  api: apiPort,
  apiProcesses: Array.from({ length: apis }, (_, i) => apiPort + 1 + i),
  frontend,
  frontendHttp: DEFAULT_PORTS.frontendHttp + shift,
  history: DEFAULT_PORTS.history + shift,
  matching: DEFAULT_PORTS.matching + shift,
  worker: DEFAULT_PORTS.worker + shift,
  frontendMembership: DEFAULT_PORTS.frontendMembership + shift,
  historyMembership: DEFAULT_PORTS.historyMembership + shift,
  matchingMembership: DEFAULT_PORTS.matchingMembership + shift,
  workerMembership: DEFAULT_PORTS.workerMembership + shift,
  ui: port('ui-port', DEFAULT_PORTS.ui),
  postgres: port('postgres-port', DEFAULT_PORTS.postgres),
  smtp: port('smtp-port', DEFAULT_PORTS.smtp),
};

// Every port is checked before anything starts, so a clash leaves nothing behind.
const wanted: [string, number][] = [
  ['API', ports.api],
  ...ports.apiProcesses.map((p, i): [string, number] => [`API process ${i + 1}`, p]),
  ['Temporal frontend', ports.frontend],
  ['Temporal frontend HTTP', ports.frontendHttp],
  ['Temporal history', ports.history],
  ['Temporal matching', ports.matching],
  ['Temporal worker service', ports.worker],
  ['Temporal membership (frontend)', ports.frontendMembership],
  ['Temporal membership (history)', ports.historyMembership],
  ['Temporal membership (matching)', ports.matchingMembership],
  ['Temporal membership (worker)', ports.workerMembership],
  ['PostgreSQL', ports.postgres],
  ...(flags['no-ui'] ? [] : [['Temporal UI', ports.ui] as [string, number]]),
  ...(config.smtpUrl ? [] : [['SMTP server', ports.smtp] as [string, number]]),
];
const busy: string[] = [];
for (const [what, p] of wanted) if (!(await portIsFree(p))) busy.push(`${what} ${p}`);
if (busy.length > 0) {
  console.error(`[cluster] ports in use: ${busy.join(', ')}. Is npm start or another cluster running? Stop it, or choose ports (see scripts/cluster.ts).`);
  process.exit(2);
}
if ([ports.frontendMembership, ports.historyMembership, ports.matchingMembership, ports.workerMembership].some((p) => p >= 32_768)) {
  console.error('[cluster] Temporal membership ports must be below 32768: choose a lower --temporal-port');
  process.exit(2);
}

const numbers = config.activities.invoiceRegistrationNumbers;
if (!numbers) {
  console.error(
    '[cluster] INVOICE_REGISTRATION_NUMBERS is not set: the workers issue qualified invoices (JP-INVOICE) and need the registration number of each 約款, e.g. INVOICE_REGISTRATION_NUMBERS=NGN=T1234567890123,TNC=T9876543210987 npm run cluster',
  );
  process.exit(2);
}

const dir = resolve('data/cluster');
mkdirSync(dir, { recursive: true });
const keySpec = config.apiKeys ?? generatedKeys(resolve(dir, 'api-keys'));
checkedAtStart(() => parseApiKeys(keySpec));
// Issue 16: the payload keys of the workers and API processes: YAKKAN_PAYLOAD_KEYS, else one generated once in data/cluster/payload-keys.
const payloadKeys = formatPayloadKeys(config.payloadKeys ?? checkedAtStart(() => devPayloadKeys(resolve(dir, 'payload-keys'))!));

let stopping = false;
const started = Date.now();
const cluster = await startCluster({
  dir,
  ports,
  apiKeys: keySpec,
  payloadKeys,
  workers,
  historyShards: shards,
  ui: !flags['no-ui'],
  smtpUrl: config.smtpUrl,
  mailFrom: config.mailFrom,
  invoiceRegistrationNumbers: Object.entries(numbers)
    .map(([terms, n]) => `${terms}=${n}`)
    .join(','),
  say,
  onExit: (proc) => {
    say(`${proc.name} (pid ${proc.pid}) exited: ${proc.exitText}; its log: ${proc.logFile}`);
    if (['postgres', 'temporal-server'].includes(proc.name) && !stopping) void stop(1);
  },
}).catch((e: Error) => {
  console.error(`[cluster] could not start: ${e.message}`);
  process.exit(1);
});

say(`up in ${Math.round((Date.now() - started) / 1000)} s`);
say(`API          ${cluster.apiUrl}  (→ ${cluster.apis.map((a, i) => `${a.name} :${ports.apiProcesses[i]}`).join(', ')})`);
if (cluster.uiUrl) say(`Temporal UI  ${cluster.uiUrl}/namespaces/${cluster.namespace}/workflows`);
say(`Temporal     ${cluster.temporalAddress}  (namespace ${cluster.namespace}, server v1.29.1 on PostgreSQL)`);
say(`PostgreSQL   ${cluster.databaseUrl}`);
say(`workers      ${cluster.workers.map((w) => `${w.name} (pid ${w.pid})`).join(', ')}`);
say(`notices      ${cluster.sink ? `${cluster.sink.url}, kept in data/cluster/mail/` : config.smtpUrl}`);
say(`API keys     ${keySpec.split(',').map((e) => `${e.split('=')[1]}: ${e.split('=')[0]}`).join('  ')}`);
say(`logs         ${cluster.logDir}/`);
const memory = cluster.memory();
const mib = (b: number) => Math.round(b / MiB);
say(
  `memory (PSS) ${memory.map((m) => `${m.name} ${mib(m.pss)}`).join(', ')} MiB; ` +
    `total ${mib(memory.reduce((s, m) => s + m.pss, 0))} MiB (RSS sum ${mib(memory.reduce((s, m) => s + m.rss, 0))} MiB) + this process ${mib(process.memoryUsage().rss)} MiB`,
);
say('Ctrl-C stops everything.');

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await cluster.stop();
  say('stopped');
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

/** Keys generated once: an ops and an auditor key. */
function generatedKeys(file: string): string {
  if (!existsSync(file)) {
    const k = () => randomBytes(18).toString('base64url');
    writeFileSync(file, `${k()}=ops,${k()}=auditor\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
