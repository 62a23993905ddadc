/**
 * yakkan's configuration: every environment variable of the README's Configuration table, read and
 * validated here once at start (`loadConfig`) and passed down as settings. Nothing else in the
 * product reads `process.env` (test/runtime/config.test.ts keeps it so).
 *
 * An empty variable counts as unset. Every problem names its variable; all problems are reported
 * together in one ConfigError.
 */
import { isRegistrationNumber } from '../rules/invoice.js';
import { parsePayloadKeys, type PayloadKey } from './payload-codec.js';

/** What the activities need from the configuration (passed into createActivities / createWorker). */
export interface ActivitySettings {
  /** OPS_ALERT_EMAIL: where undeliverable notices and undecided applications (NGN-11) are reported. */
  opsAlertEmail?: string;
  /** CARRIER_WEBHOOK_URL: docomo notifications on the docomo-billed course (TNC-15/17/18/41). */
  carrierWebhookUrl?: string;
  /** CARRIER_WEBHOOK_SECRET: the HMAC-SHA256 key those notifications are signed with. */
  carrierWebhookSecret?: string;
  /**
   * INVOICE_REGISTRATION_NUMBERS: JP-INVOICE registration number (登録番号, T + 13 digits) of the
   * provider of each 約款, by terms id: `NGN=T1234567890123,TNC=T9876543210987`.
   */
  invoiceRegistrationNumbers?: Record<string, string>;
}

/** How the worker is sized (passed into createWorker as `tuning`). */
export interface WorkerSettings {
  /**
   * MAX_CACHED_WORKFLOWS: workflows kept in the worker's cache (~450 KiB of RSS each); unset: the
   * worker's deliberate default (worker/worker.ts DEFAULT_MAX_CACHED_WORKFLOWS), never the SDK's
   * heap-derived one.
   */
  maxCachedWorkflows?: number;
}

export interface Config {
  /** TEMPORAL_ADDRESS: host:port of the Temporal frontend. */
  temporalAddress: string;
  /** TEMPORAL_NAMESPACE */
  namespace: string;
  /** DATABASE_URL: a SQLite file URL (`file:…`) or a PostgreSQL URL (`postgresql://…`); see databaseKind. */
  databaseUrl: string;
  /** SMTP_URL; unset: `npm start` runs a local SMTP server, `npm run worker` refuses to start. */
  smtpUrl?: string;
  /** MAIL_FROM: the From of every notice. */
  mailFrom: string;
  /** API_PORT */
  apiPort: number;
  /** TEMPORAL_UI_PORT: the dev server's Web UI under `npm start`. */
  temporalUiPort: number;
  /** DEV_SMTP_PORT: the local SMTP server of `npm start` when SMTP_URL is unset. */
  devSmtpPort: number;
  /** YAKKAN_API_KEYS as written; api/auth.ts parseApiKeys checks the entries at start. */
  apiKeys?: string;
  /**
   * YAKKAN_PAYLOAD_KEYS: the AES-256-GCM keys of the payload codec (runtime/payload-codec.ts), the
   * first encrypts, all decrypt; unset: `npm start` uses data/dev-payload-keys, `npm run worker` and
   * `npm run api` refuse to start.
   */
  payloadKeys?: PayloadKey[];
  /**
   * CODEC_CORS_ORIGINS: the Web UI origins allowed to call the codec server (/codec/decode, /encode)
   * from a browser; unset: `npm start` allows its own UI (http://127.0.0.1:<TEMPORAL_UI_PORT> and
   * http://localhost:<TEMPORAL_UI_PORT>), a deployment none.
   */
  codecCorsOrigins?: string[];
  /** OPS_ALERT_EMAIL and CARRIER_WEBHOOK_URL / _SECRET, for the worker's activities. */
  activities: ActivitySettings;
  /** MAX_CACHED_WORKFLOWS, for the worker. */
  worker: WorkerSettings;
  /** SMTP_MAX_CONNECTIONS: SMTP connections the worker keeps open (= notices in flight at once); unset: 5. */
  smtpMaxConnections?: number;
  /** CHROMIUM_PATH: the browser of the audit report's browser test. */
  chromiumPath: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export const DEFAULT_DATABASE_URL = 'file:./data/yakkan.db';

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** The configuration is invalid: one line per variable, each naming the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads and validates every variable once; throws a ConfigError naming each bad one. */
export function loadConfig(env: Environment = process.env): Config {
  const r = new Reader(env);
  const config: Config = {
    temporalAddress: r.get('TEMPORAL_ADDRESS', '127.0.0.1:7233', hostPort),
    namespace: r.get('TEMPORAL_NAMESPACE', 'default', (v) => v),
    databaseUrl: r.get('DATABASE_URL', DEFAULT_DATABASE_URL, databaseUrl),
    smtpUrl: r.optional('SMTP_URL', urlWith(['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL')),
    mailFrom: r.get('MAIL_FROM', 'yakkan <notices@yakkan.localhost>', mailbox),
    apiPort: r.get('API_PORT', '3000', port),
    temporalUiPort: r.get('TEMPORAL_UI_PORT', '8233', port),
    devSmtpPort: r.get('DEV_SMTP_PORT', '2525', port),
    apiKeys: r.optional('YAKKAN_API_KEYS', (v) => v),
    payloadKeys: r.optional('YAKKAN_PAYLOAD_KEYS', payloadKeys),
    codecCorsOrigins: r.optional('CODEC_CORS_ORIGINS', origins),
    activities: {
      opsAlertEmail: r.optional('OPS_ALERT_EMAIL', email),
      carrierWebhookUrl: r.optional('CARRIER_WEBHOOK_URL', urlWith(['http:', 'https:'], 'an http:// or https:// URL')),
      carrierWebhookSecret: r.optional('CARRIER_WEBHOOK_SECRET', (v) => v),
      invoiceRegistrationNumbers: r.optional('INVOICE_REGISTRATION_NUMBERS', registrationNumbers),
    },
    worker: {
      maxCachedWorkflows: r.optional('MAX_CACHED_WORKFLOWS', integerIn(0, 1_000_000)),
    },
    smtpMaxConnections: r.optional('SMTP_MAX_CONNECTIONS', integerIn(1, 100)),
    chromiumPath: r.get('CHROMIUM_PATH', '/usr/bin/chromium', (v) => v),
  };
  // Half a webhook is a typo, not a choice: without both, every carrier notice is escalated.
  const { carrierWebhookUrl, carrierWebhookSecret } = config.activities;
  if (carrierWebhookUrl && !carrierWebhookSecret && !r.failed('CARRIER_WEBHOOK_SECRET')) {
    r.problem('CARRIER_WEBHOOK_SECRET', 'CARRIER_WEBHOOK_SECRET must be set when CARRIER_WEBHOOK_URL is (the notifications are signed with it)');
  }
  if (carrierWebhookSecret && !carrierWebhookUrl && !r.failed('CARRIER_WEBHOOK_URL')) {
    r.problem('CARRIER_WEBHOOK_URL', 'CARRIER_WEBHOOK_URL must be set when CARRIER_WEBHOOK_SECRET is (where the notifications are posted)');
  }
  r.throwIfInvalid();
  return config;
}

/**
 * For entry points: the configuration, or the problems on stderr and exit code 2 — a person
 * starting the process reads which variable is wrong, not a stack trace.
 */
export function loadConfigOrExit(env: Environment = process.env): Config {
  return checkedAtStart(() => loadConfig(env));
}

/**
 * For entry points: runs a start-up check of a setting (e.g. parseApiKeys of YAKKAN_API_KEYS); when
 * it throws, prints its message (which names the variable) and exits with code 2.
 */
export function checkedAtStart<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    console.error(`yakkan: invalid configuration (see the README's Configuration table):\n${(e as Error).message ?? String(e)}`);
    process.exit(2);
  }
}

/** DATABASE_URL alone, for prisma.config.ts (the Prisma CLI needs no other setting). */
export function loadDatabaseUrl(env: Environment = process.env): string {
  const r = new Reader(env);
  const url = r.get('DATABASE_URL', DEFAULT_DATABASE_URL, databaseUrl);
  r.throwIfInvalid();
  return url;
}

/** Which database a (checked) DATABASE_URL names: the embedded SQLite file or a PostgreSQL server. */
export type DatabaseKind = 'sqlite' | 'postgresql';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

/** This process's environment with `vars` added, for a child process (prisma migrate deploy). */
export function childEnvironment(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...vars };
}

// ---- parsing --------------------------------------------------------------------------------------

/** Parses a set variable's value, or returns a reason (said after "<NAME> must be …; got …"). */
type Parse<T> = (value: string, name: string) => T | Invalid;

class Invalid {
  constructor(readonly message: string) {}
}

class Reader {
  private readonly problems: ConfigProblem[] = [];
  constructor(private readonly env: Environment) {}

  get<T>(name: string, fallback: string, parse: Parse<T>): T {
    return this.parse(name, this.value(name) ?? fallback, parse) as T;
  }

  optional<T>(name: string, parse: Parse<T>): T | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : this.parse(name, v, parse);
  }

  problem(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }

  failed(variable: string): boolean {
    return this.problems.some((p) => p.variable === variable);
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  private value(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  private parse<T>(name: string, value: string, parse: Parse<T>): T | undefined {
    const r = parse(value, name);
    if (r instanceof Invalid) {
      this.problem(name, r.message);
      return undefined;
    }
    return r;
  }
}

const must = (name: string, what: string, value: string) => new Invalid(`${name} must be ${what}; got "${value}"`);

function port(v: string, name: string): number | Invalid {
  const n = Number(v);
  return /^\d+$/.test(v) && n <= 65535 ? n : must(name, 'a port number (an integer 0–65535)', v);
}

/** An integer from `min` to `max`, written in plain digits. */
function integerIn(min: number, max: number): Parse<number> {
  return (v, name) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n >= min && n <= max ? n : must(name, `an integer ${min}–${max.toLocaleString('en')}`, v);
  };
}

/** host:port (the port may be left out: the SDK then uses 7233). */
function hostPort(v: string, name: string): string | Invalid {
  let u: URL | undefined;
  try {
    u = new URL(`grpc://${v}`);
  } catch {
    u = undefined;
  }
  const bare = u && u.hostname && !u.username && !u.password && (u.pathname === '' || u.pathname === '/') && !u.search && !u.hash;
  return bare && !v.includes('/') ? v : must(name, 'host:port, e.g. 127.0.0.1:7233', v);
}

const DATABASE_URL_FORMS = 'a SQLite file URL (file:./data/yakkan.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database)';

/**
 * `file:<path>` (SQLite) or `postgresql://` / `postgres://` with a host and a database name. The
 * password is never echoed back in a message.
 */
function databaseUrl(v: string, name: string): string | Invalid {
  if (v.startsWith('file:')) {
    return v.length > 'file:'.length ? v : new Invalid(`${name} must be ${DATABASE_URL_FORMS}; "file:" names no file`);
  }
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  const shown = u ? redactedUrl(u) : v.replace(/\/\/[^@/]*@/, '//…@');
  if (!u || (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:')) {
    return new Invalid(`${name} must be ${DATABASE_URL_FORMS}; got "${shown}"`);
  }
  if (!u.hostname) return new Invalid(`${name} must name the PostgreSQL host (postgresql://user@host:5432/database); got "${shown}"`);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!db || db.includes('/')) {
    return new Invalid(`${name} must name one PostgreSQL database after the host (postgresql://user@host:5432/yakkan); got "${shown}"`);
  }
  if (u.port && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) return new Invalid(`${name}: port ${u.port} is not 1–65535; got "${shown}"`);
  return v;
}

/** A URL for messages and logs: the password replaced by `***`. */
export function redactedUrl(u: URL | string): string {
  let url: URL;
  try {
    url = typeof u === 'string' ? new URL(u) : new URL(u.href);
  } catch {
    return String(u);
  }
  if (!url.password) return typeof u === 'string' ? u : u.href;
  url.password = '***';
  return url.href;
}

function urlWith(protocols: string[], what: string): Parse<string> {
  return (v, name) => {
    try {
      if (protocols.includes(new URL(v).protocol)) return v;
    } catch {
      /* reported below */
    }
    return must(name, what, v);
  };
}

/**
 * `NGN=T1234567890123,TNC=T9876543210987`: terms id = JP-INVOICE registration number (T + 13 digits),
 * each 約款 once.
 */
function registrationNumbers(v: string, name: string): Record<string, string> | Invalid {
  const out: Record<string, string> = {};
  for (const entry of v.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([A-Z][A-Z0-9]*)=(.*)$/.exec(entry);
    if (!m) return must(name, 'a list of TERMS=T followed by 13 digits, e.g. NGN=T1234567890123,TNC=T9876543210987', v);
    const [, terms, number] = m as unknown as [string, string, string];
    if (!isRegistrationNumber(number)) return new Invalid(`${name}: the registration number of ${terms} must be T followed by 13 digits (JP-INVOICE); got "${number}"`);
    if (out[terms]) return new Invalid(`${name}: ${terms} is given twice`);
    out[terms] = number;
  }
  return Object.keys(out).length ? out : must(name, 'at least one TERMS=T followed by 13 digits', v);
}

/** `id=<base64 of 32 bytes>,…` (runtime/payload-codec.ts parsePayloadKeys says what is wrong, never a key's bytes). */
function payloadKeys(v: string, name: string): PayloadKey[] | Invalid {
  try {
    return parsePayloadKeys(v, name);
  } catch (e) {
    return new Invalid((e as Error).message);
  }
}

/** A comma-separated list of origins, each `http(s)://host[:port]` with nothing after it. */
function origins(v: string, name: string): string[] | Invalid {
  const out: string[] = [];
  for (const entry of v.split(',').map((e) => e.trim()).filter(Boolean)) {
    let u: URL | undefined;
    try {
      u = new URL(entry);
    } catch {
      u = undefined;
    }
    if (!u || !['http:', 'https:'].includes(u.protocol) || u.origin !== entry.replace(/\/$/, '')) {
      return new Invalid(`${name} must be a list of origins like http://127.0.0.1:8233 (scheme, host, port; no path); got "${entry}"`);
    }
    out.push(u.origin);
  }
  return out.length ? out : must(name, 'at least one origin, e.g. http://127.0.0.1:8233', v);
}

/** The same check as the workflows' requireEmail: something@something, no spaces. */
const EMAIL = /^[^@\s<>]+@[^@\s<>]+$/;

function email(v: string, name: string): string | Invalid {
  return EMAIL.test(v) ? v : must(name, 'an e-mail address', v);
}

/** An address, bare or with a display name: `yakkan <notices@example.jp>`. */
function mailbox(v: string, name: string): string | Invalid {
  const angle = /^[^<>]*<([^<>]+)>$/.exec(v);
  return EMAIL.test(angle ? angle[1]!.trim() : v) ? v : must(name, 'an e-mail address, optionally with a name ("yakkan <notices@example.jp>")', v);
}
