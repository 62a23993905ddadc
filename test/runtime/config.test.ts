/**
 * runtime/config.ts is the one place that reads the environment: every variable of the README's
 * Configuration table is parsed and validated there once, and a bad one is named in the error.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, databaseKind, loadConfig, loadDatabaseUrl, redactedUrl, type Environment } from '../../runtime/config.js';

/** The problems loadConfig(env) reports, as { variable: message }. */
function problems(env: Environment): Record<string, string> {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return Object.fromEntries(e.problems.map((p) => [p.variable, p.message]));
    throw e;
  }
  return {};
}

describe('loadConfig: defaults, settings and errors that name the variable', () => {
  test('with nothing set, every variable has the default the README lists', () => {
    expect(loadConfig({})).toEqual({
      temporalAddress: '127.0.0.1:7233',
      namespace: 'default',
      databaseUrl: 'file:./data/yakkan.db',
      smtpUrl: undefined,
      mailFrom: 'yakkan <notices@yakkan.localhost>',
      apiPort: 3000,
      temporalUiPort: 8233,
      devSmtpPort: 2525,
      apiKeys: undefined,
      payloadKeys: undefined,
      codecCorsOrigins: undefined,
      activities: { opsAlertEmail: undefined, carrierWebhookUrl: undefined, carrierWebhookSecret: undefined },
      worker: { maxCachedWorkflows: undefined },
      smtpMaxConnections: undefined,
      chromiumPath: '/usr/bin/chromium',
    });
  });

  test('every variable is read into its setting; an empty one counts as unset', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'yakkan-prod',
      DATABASE_URL: 'file:/var/lib/yakkan/yakkan.db',
      SMTP_URL: 'smtp://mail.example.jp:587',
      MAIL_FROM: 'notices@example.jp',
      API_PORT: '8080',
      TEMPORAL_UI_PORT: '0',
      DEV_SMTP_PORT: '65535',
      YAKKAN_API_KEYS: 'ops-key-0123456789abcdef=ops',
      // 32 bytes 0x01 and 32 bytes 0x02, base64
      YAKKAN_PAYLOAD_KEYS: `k2=${Buffer.alloc(32, 2).toString('base64')}, k1=${Buffer.alloc(32, 1).toString('base64')}`,
      CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233,https://ui.example.jp',
      OPS_ALERT_EMAIL: 'ops@example.jp',
      CARRIER_WEBHOOK_URL: 'https://carrier.example.jp/notifications',
      CARRIER_WEBHOOK_SECRET: 's3cret',
      MAX_CACHED_WORKFLOWS: '1500',
      SMTP_MAX_CONNECTIONS: '8',
      CHROMIUM_PATH: '/opt/chromium/chrome',
    };
    expect(loadConfig(env)).toEqual({
      temporalAddress: 'temporal.internal:7233',
      namespace: 'yakkan-prod',
      databaseUrl: 'file:/var/lib/yakkan/yakkan.db',
      smtpUrl: 'smtp://mail.example.jp:587',
      mailFrom: 'notices@example.jp',
      apiPort: 8080,
      temporalUiPort: 0,
      devSmtpPort: 65535,
      apiKeys: 'ops-key-0123456789abcdef=ops',
      payloadKeys: [
        { id: 'k2', key: Buffer.alloc(32, 2) },
        { id: 'k1', key: Buffer.alloc(32, 1) },
      ],
      codecCorsOrigins: ['http://127.0.0.1:8233', 'https://ui.example.jp'],
      activities: {
        opsAlertEmail: 'ops@example.jp',
        carrierWebhookUrl: 'https://carrier.example.jp/notifications',
        carrierWebhookSecret: 's3cret',
      },
      worker: { maxCachedWorkflows: 1500 },
      smtpMaxConnections: 8,
      chromiumPath: '/opt/chromium/chrome',
    });
    expect(loadConfig({ API_PORT: '', SMTP_URL: '  ', OPS_ALERT_EMAIL: '' })).toMatchObject({ apiPort: 3000, smtpUrl: undefined, activities: { opsAlertEmail: undefined } });
  });

  test('a bad value is refused with a message that names the variable and says what was wrong', () => {
    expect(
      problems({
        TEMPORAL_ADDRESS: 'http://temporal:7233',
        DATABASE_URL: 'mysql://db/yakkan',
        SMTP_URL: 'mail.example.jp:25',
        MAIL_FROM: 'yakkan',
        API_PORT: '70000',
        TEMPORAL_UI_PORT: '82.33',
        DEV_SMTP_PORT: '-1',
        OPS_ALERT_EMAIL: 'ops at example.jp',
        CARRIER_WEBHOOK_URL: 'ftp://carrier.example.jp/',
        CARRIER_WEBHOOK_SECRET: 's3cret',
      }),
    ).toEqual({
      TEMPORAL_ADDRESS: 'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233; got "http://temporal:7233"',
      DATABASE_URL:
        'DATABASE_URL must be a SQLite file URL (file:./data/yakkan.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database); got "mysql://db/yakkan"',
      SMTP_URL: 'SMTP_URL must be an smtp:// or smtps:// URL; got "mail.example.jp:25"',
      MAIL_FROM: 'MAIL_FROM must be an e-mail address, optionally with a name ("yakkan <notices@example.jp>"); got "yakkan"',
      API_PORT: 'API_PORT must be a port number (an integer 0–65535); got "70000"',
      TEMPORAL_UI_PORT: 'TEMPORAL_UI_PORT must be a port number (an integer 0–65535); got "82.33"',
      DEV_SMTP_PORT: 'DEV_SMTP_PORT must be a port number (an integer 0–65535); got "-1"',
      OPS_ALERT_EMAIL: 'OPS_ALERT_EMAIL must be an e-mail address; got "ops at example.jp"',
      CARRIER_WEBHOOK_URL: 'CARRIER_WEBHOOK_URL must be an http:// or https:// URL; got "ftp://carrier.example.jp/"',
    });
  });

  test('MAX_CACHED_WORKFLOWS (0 turns the cache off) and SMTP_MAX_CONNECTIONS are plain integers in their range', () => {
    expect(loadConfig({ MAX_CACHED_WORKFLOWS: '0', SMTP_MAX_CONNECTIONS: '1' })).toMatchObject({ worker: { maxCachedWorkflows: 0 }, smtpMaxConnections: 1 });
    expect(problems({ MAX_CACHED_WORKFLOWS: '2k', SMTP_MAX_CONNECTIONS: '0' })).toEqual({
      MAX_CACHED_WORKFLOWS: 'MAX_CACHED_WORKFLOWS must be an integer 0–1,000,000; got "2k"',
      SMTP_MAX_CONNECTIONS: 'SMTP_MAX_CONNECTIONS must be an integer 1–100; got "0"',
    });
    expect(problems({ MAX_CACHED_WORKFLOWS: '-5', SMTP_MAX_CONNECTIONS: '101' })).toEqual({
      MAX_CACHED_WORKFLOWS: 'MAX_CACHED_WORKFLOWS must be an integer 0–1,000,000; got "-5"',
      SMTP_MAX_CONNECTIONS: 'SMTP_MAX_CONNECTIONS must be an integer 1–100; got "101"',
    });
  });

  test('the error is one ConfigError whose message has one line per bad variable', () => {
    expect(() => loadConfig({ API_PORT: 'http', OPS_ALERT_EMAIL: 'nobody' })).toThrow(
      new ConfigError([
        { variable: 'API_PORT', message: 'API_PORT must be a port number (an integer 0–65535); got "http"' },
        { variable: 'OPS_ALERT_EMAIL', message: 'OPS_ALERT_EMAIL must be an e-mail address; got "nobody"' },
      ]),
    );
    expect(() => loadConfig({ API_PORT: 'http', OPS_ALERT_EMAIL: 'nobody' })).toThrow(
      'API_PORT must be a port number (an integer 0–65535); got "http"\nOPS_ALERT_EMAIL must be an e-mail address; got "nobody"',
    );
  });

  test('CARRIER_WEBHOOK_URL and CARRIER_WEBHOOK_SECRET are set together or not at all', () => {
    expect(problems({ CARRIER_WEBHOOK_URL: 'https://carrier.example.jp/n' })).toEqual({
      CARRIER_WEBHOOK_SECRET: 'CARRIER_WEBHOOK_SECRET must be set when CARRIER_WEBHOOK_URL is (the notifications are signed with it)',
    });
    expect(problems({ CARRIER_WEBHOOK_SECRET: 's3cret' })).toEqual({
      CARRIER_WEBHOOK_URL: 'CARRIER_WEBHOOK_URL must be set when CARRIER_WEBHOOK_SECRET is (where the notifications are posted)',
    });
  });

  test('host:port forms the SDK accepts pass: IPv6, a bare host, a name', () => {
    expect(problems({ TEMPORAL_ADDRESS: '[::1]:7233' })).toEqual({});
    expect(problems({ TEMPORAL_ADDRESS: 'temporal' })).toEqual({});
    expect(problems({ TEMPORAL_ADDRESS: 'temporal.internal:7233' })).toEqual({});
    expect(problems({ TEMPORAL_ADDRESS: 'temporal:99999' })).toEqual({
      TEMPORAL_ADDRESS: 'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233; got "temporal:99999"',
    });
  });

  test('prisma.config.ts reads DATABASE_URL alone, with the same check', () => {
    expect(loadDatabaseUrl({ API_PORT: 'not checked here' })).toBe('file:./data/yakkan.db');
    expect(loadDatabaseUrl({ DATABASE_URL: 'postgresql://yakkan@db:5432/yakkan' })).toBe('postgresql://yakkan@db:5432/yakkan');
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'mysql://db' })).toThrow(
      'DATABASE_URL must be a SQLite file URL (file:./data/yakkan.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database); got "mysql://db"',
    );
  });

  test('DATABASE_URL: a SQLite file or a PostgreSQL database (issue 19); the password never shows in a message', () => {
    for (const ok of [
      'file:./data/yakkan.db',
      'file:/var/lib/yakkan/yakkan.db',
      'postgresql://yakkan:s3cret@db.internal:5432/yakkan',
      'postgres://yakkan@127.0.0.1/yakkan?sslmode=require',
    ]) {
      expect(problems({ DATABASE_URL: ok }), ok).toEqual({});
      expect(loadConfig({ DATABASE_URL: ok }).databaseUrl).toBe(ok);
    }
    expect(databaseKind('file:./data/yakkan.db')).toBe('sqlite');
    expect(databaseKind('postgresql://yakkan@db/yakkan')).toBe('postgresql');
    expect(databaseKind('postgres://yakkan@db/yakkan')).toBe('postgresql');
    expect(problems({ DATABASE_URL: 'file:' })).toEqual({
      DATABASE_URL:
        'DATABASE_URL must be a SQLite file URL (file:./data/yakkan.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database); "file:" names no file',
    });
    expect(problems({ DATABASE_URL: 'postgresql://yakkan:s3cret@db.internal:5432/' })).toEqual({
      DATABASE_URL: 'DATABASE_URL must name one PostgreSQL database after the host (postgresql://user@host:5432/yakkan); got "postgresql://yakkan:***@db.internal:5432/"',
    });
    expect(problems({ DATABASE_URL: 'postgresql://yakkan:s3cret@db/a/b' })).toEqual({
      DATABASE_URL: 'DATABASE_URL must name one PostgreSQL database after the host (postgresql://user@host:5432/yakkan); got "postgresql://yakkan:***@db/a/b"',
    });
    expect(problems({ DATABASE_URL: './data/yakkan.db' })).toEqual({
      DATABASE_URL:
        'DATABASE_URL must be a SQLite file URL (file:./data/yakkan.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database); got "./data/yakkan.db"',
    });
    expect(redactedUrl('postgresql://yakkan:s3cret@db:5432/yakkan')).toBe('postgresql://yakkan:***@db:5432/yakkan');
    expect(redactedUrl('file:./data/yakkan.db')).toBe('file:./data/yakkan.db');
  });

  test('JP-INVOICE: INVOICE_REGISTRATION_NUMBERS gives each 約款 its registration number, T and 13 digits, and names what is wrong', () => {
    expect(loadConfig({ INVOICE_REGISTRATION_NUMBERS: 'NGN=T1234567890123, TNC=T9876543210987' }).activities.invoiceRegistrationNumbers).toEqual({
      NGN: 'T1234567890123',
      TNC: 'T9876543210987',
    });
    expect(problems({ INVOICE_REGISTRATION_NUMBERS: 'NGN=1234567890123' })).toEqual({
      INVOICE_REGISTRATION_NUMBERS: 'INVOICE_REGISTRATION_NUMBERS: the registration number of NGN must be T followed by 13 digits (JP-INVOICE); got "1234567890123"',
    });
    expect(problems({ INVOICE_REGISTRATION_NUMBERS: 'NGN=T1234567890123,NGN=T1234567890124' })).toEqual({
      INVOICE_REGISTRATION_NUMBERS: 'INVOICE_REGISTRATION_NUMBERS: NGN is given twice',
    });
    expect(problems({ INVOICE_REGISTRATION_NUMBERS: 'T1234567890123' })).toEqual({
      INVOICE_REGISTRATION_NUMBERS:
        'INVOICE_REGISTRATION_NUMBERS must be a list of TERMS=T followed by 13 digits, e.g. NGN=T1234567890123,TNC=T9876543210987; got "T1234567890123"',
    });
  });

  test('JP-INVOICE: the deployment worker refuses to start without a registration number for every 約款 (exit code 2, naming the variable)', () => {
    const r = spawnSync(resolve('node_modules/.bin/tsx'), ['worker/main.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SMTP_URL: 'smtp://127.0.0.1:2525', INVOICE_REGISTRATION_NUMBERS: 'NGN=T1234567890123' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toContain('INVOICE_REGISTRATION_NUMBERS must name the registration number (T + 13 digits) of TNC');
    expect(r.status).toBe(2);
  });

  test('issue 16: YAKKAN_PAYLOAD_KEYS are id=<base64 of 32 bytes>, each id once; a bad one is named without its key bytes', () => {
    const k32 = Buffer.alloc(32, 7).toString('base64');
    expect(problems({ YAKKAN_PAYLOAD_KEYS: `k1=${Buffer.alloc(16, 7).toString('base64')}` })).toEqual({
      YAKKAN_PAYLOAD_KEYS: 'YAKKAN_PAYLOAD_KEYS: the key of "k1" must be 32 bytes (AES-256) in base64; it decodes to 16 bytes',
    });
    expect(problems({ YAKKAN_PAYLOAD_KEYS: 'k1=not*base64' })).toEqual({ YAKKAN_PAYLOAD_KEYS: 'YAKKAN_PAYLOAD_KEYS: the key of "k1" is not base64' });
    expect(problems({ YAKKAN_PAYLOAD_KEYS: k32 })).toEqual({
      YAKKAN_PAYLOAD_KEYS: 'YAKKAN_PAYLOAD_KEYS: entry 1 must be id=<base64 of 32 bytes> with an id of letters, digits, ".", "_" or "-" (1–64 characters)',
    });
    expect(problems({ YAKKAN_PAYLOAD_KEYS: `a=${k32},a=${k32}` })).toEqual({ YAKKAN_PAYLOAD_KEYS: 'YAKKAN_PAYLOAD_KEYS: the id "a" is given twice' });
    expect(problems({ CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233/namespaces' })).toEqual({
      CODEC_CORS_ORIGINS: 'CODEC_CORS_ORIGINS must be a list of origins like http://127.0.0.1:8233 (scheme, host, port; no path); got "http://127.0.0.1:8233/namespaces"',
    });
  });

  test('issue 16: the deployment worker and API refuse to start without YAKKAN_PAYLOAD_KEYS (exit code 2, naming the variable)', () => {
    for (const entry of ['worker/main.ts', 'api/main.ts']) {
      const r = spawnSync(resolve('node_modules/.bin/tsx'), [entry], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, SMTP_URL: 'smtp://127.0.0.1:2525', INVOICE_REGISTRATION_NUMBERS: 'NGN=T1234567890123,TNC=T9876543210987' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr, entry).toContain('YAKKAN_PAYLOAD_KEYS must be set');
      expect(r.status, entry).toBe(2);
    }
  });

  test('an entry point started with a bad variable exits with code 2 and names it (worker/main.ts)', () => {
    const r = spawnSync(resolve('node_modules/.bin/tsx'), ['worker/main.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SMTP_URL: 'smtp://127.0.0.1:2525', OPS_ALERT_EMAIL: 'ops' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toContain('OPS_ALERT_EMAIL must be an e-mail address; got "ops"');
    expect(r.status).toBe(2);
  });
});

describe('no process.env outside runtime/config.ts', () => {
  const root = resolve('.');
  const PRODUCT = ['api', 'activities', 'audit', 'db', 'notices', 'rules', 'runtime', 'scripts', 'worker', 'workflows'];
  const sources = [
    ...PRODUCT.flatMap((d) => files(join(root, d))),
    join(root, 'prisma.config.ts'),
  ];
  /** process.env, process['env'], and `const { env } = process`. */
  const ENV_READ = /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/;

  test('finds the product sources', () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.map((f) => relative(root, f))).toContain('runtime/config.ts');
  });

  test('only runtime/config.ts reads the environment', () => {
    const readers = sources.filter((f) => ENV_READ.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(readers).toEqual(['runtime/config.ts']);
  });

  test('the pattern catches the ways of reading it', () => {
    for (const src of ['const a = process.env.X;', "process['env'].X", 'const { env } = process;', 'process .env']) {
      expect(ENV_READ.test(src), src).toBe(true);
    }
    expect(ENV_READ.test('const environment = loadConfig();')).toBe(false);
  });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mts|js|mjs)$/.test(p) ? [p] : [];
  });
}
