/**
 * Auditor CLI.
 *
 *   tsx scripts/audit.ts export <contractId...> [--out dir]
 *       Writes every run of each contract's workflow as <contractId>.<n>.<runId>.json plus
 *       <contractId>.index.json (chain, status, SHA-256 per file) into dir (default ./audit-export).
 *   tsx scripts/audit.ts replay <file-or-dir...> [--workflows path]
 *   tsx scripts/audit.ts replay --query "<visibility query>" [--workflows path]
 *       Replays histories (exported files, golden files, or live ones matching the query) against the
 *       current workflow code (or the workflows file given) and prints one line per run:
 *       "[12/340] ctr-… run 2 ok". Exit code 1 when any run fails.
 *   tsx scripts/audit.ts report <contractId> [--html] [--out file]
 *       Audit report as JSON (or HTML). Exit code 1 when the report lists mismatches.
 *
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATABASE_URL, YAKKAN_PAYLOAD_KEYS (runtime/config.ts,
 * see README). Payloads are encrypted at rest (issue 16): export writes them as Temporal holds them
 * (ciphertext), replay and report decrypt them with YAKKAN_PAYLOAD_KEYS, else with the development
 * key of `npm start` (data/dev-payload-keys) when that file exists. Without a key, histories recorded
 * unencrypted (the golden ones) still replay; an encrypted one fails naming the key it needs.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig, type Config } from '../runtime/config.js';
import { EncryptionCodec, devPayloadKeys, payloadDataConverter } from '../runtime/payload-codec.js';
import { fetchContractHistory, writeExport } from '../audit/export.js';
import { loadHistorySources } from '../audit/sources.js';
import { liveTargets, listWorkflowIds, replayAll, replayOptions, type ReplayTarget, type RunOutcome } from '../audit/replay.js';
import { contractReport } from '../audit/load.js';
import { renderReportHtml } from '../audit/report-html.js';

const USAGE = `usage:
  tsx scripts/audit.ts export <contractId...> [--out dir]
  tsx scripts/audit.ts replay <file-or-dir...> [--workflows path]
  tsx scripts/audit.ts replay --query "<visibility query>" [--workflows path]
  tsx scripts/audit.ts report <contractId> [--html] [--out file]`;

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--out', '--query', '--workflows']);
const BOOL_FLAGS = new Set(['--html', '--help']);

function parseArgs(argv: string[]): Args {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : rest[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else if (BOOL_FLAGS.has(a)) flags.set(a, true);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { command, positional, flags };
}

/** The payload codec: YAKKAN_PAYLOAD_KEYS, else npm start's data/dev-payload-keys, else none (pass-through only). */
function payloadCodec(config: Config): EncryptionCodec {
  return new EncryptionCodec(config.payloadKeys ?? devPayloadKeys(resolve('data/dev-payload-keys'), false) ?? []);
}

async function connect(config: Config): Promise<{ client: Client; close: () => Promise<void>; namespace: string }> {
  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.namespace, dataConverter: payloadDataConverter(payloadCodec(config)) });
  return { client, close: () => connection.close(), namespace: config.namespace };
}

async function exportCommand(a: Args, config: Config): Promise<number> {
  if (a.positional.length === 0) throw new UsageError('export needs at least one contract id');
  const dir = resolve(String(a.flags.get('--out') ?? 'audit-export'));
  const { client, close, namespace } = await connect(config);
  let failures = 0;
  try {
    for (const id of a.positional) {
      try {
        const ch = await fetchContractHistory(client, id);
        const { index, indexPath } = writeExport(dir, ch, { namespace });
        const events = index.runs.reduce((s, r) => s + r.eventCount, 0);
        console.log(`${id}: ${index.runs.length} run(s), ${events} events → ${indexPath}`);
        for (const r of index.runs) console.log(`  run ${r.n} ${r.runId} ${r.status} ${r.eventCount} events ${r.file}`);
        for (const p of index.problems) console.log(`  ! ${p}`);
        if (!index.complete || !index.chainVerified) failures++;
      } catch (e) {
        failures++;
        console.error(`${id}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  } finally {
    await close();
  }
  return failures > 0 ? 1 : 0;
}

function outcomeLine(o: RunOutcome, index: number, total: number): string {
  const run = o.n !== undefined ? ` run ${o.n}` : '';
  const where = o.source && o.source !== 'temporal' ? ` (${o.source})` : '';
  if (o.ok) return `[${index}/${total}] ${o.contractId}${run} ok`;
  return `[${index}/${total}] ${o.contractId}${run} FAILED ${o.error?.name}: ${o.error?.summary}${where}`;
}

async function replayCommand(a: Args, config: Config): Promise<number> {
  const query = a.flags.get('--query');
  if (!query && a.positional.length === 0) throw new UsageError('replay needs files/directories or --query');
  if (query && a.positional.length > 0) throw new UsageError('give either files/directories or --query, not both');
  // Replay workers log every state change at INFO; an auditor wants the per-run lines.
  // The core's own "Failing workflow task" warnings repeat what the per-run line says.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  const workflows = a.flags.get('--workflows');
  const started = Date.now();
  const optionsP = replayOptions(typeof workflows === 'string' ? resolve(workflows) : undefined, [payloadCodec(config)]);

  let targets: Iterable<ReplayTarget> | AsyncIterable<ReplayTarget>;
  let total: number;
  let close = async () => {};
  if (typeof query === 'string') {
    const c = await connect(config);
    close = c.close;
    const ids = await listWorkflowIds(c.client, query);
    console.log(`${ids.length} workflow(s) match ${query}`);
    targets = liveTargets(c.client, ids);
    total = ids.length;
  } else {
    const loaded = loadHistorySources(a.positional);
    targets = loaded;
    total = loaded.length;
  }
  const position = new Map<string, number>();
  const stats = { runs: 0, failed: 0 };
  try {
    for await (const o of replayAll(targets, await optionsP)) {
      const key = `${o.contractId}\u0000${o.source ?? ''}`;
      if (!position.has(key)) position.set(key, position.size + 1);
      stats.runs++;
      if (!o.ok) stats.failed++;
      console.log(outcomeLine(o, position.get(key)!, total));
    }
  } finally {
    await close();
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`replayed ${stats.runs} run(s) of ${position.size} contract(s) in ${secs}s: ${stats.runs - stats.failed} ok, ${stats.failed} failed`);
  return stats.failed > 0 || (total > 0 && stats.runs === 0) ? 1 : 0;
}

async function reportCommand(a: Args, config: Config): Promise<number> {
  const [id, ...extra] = a.positional;
  if (!id || extra.length > 0) throw new UsageError('report needs exactly one contract id');
  const { createDb } = await import('../db/client.js');
  const db = createDb(config.databaseUrl);
  const { client, close } = await connect(config);
  try {
    const report = await contractReport(client, db, id);
    const text = a.flags.get('--html') ? renderReportHtml(report) : `${JSON.stringify(report, null, 2)}\n`;
    const out = a.flags.get('--out');
    if (typeof out === 'string') {
      writeFileSync(out, text);
      console.error(`${id}: report written to ${out}`);
    } else process.stdout.write(text);
    if (report.mismatches.length > 0) {
      console.error(`${id}: ${report.mismatches.length} mismatch(es):`);
      for (const m of report.mismatches) console.error(`  ${m.code}: ${m.message}`);
      return 1;
    }
    return 0;
  } finally {
    await close();
    await db.$disconnect();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') argv = ['help'];
  const a = parseArgs(argv);
  if (a.flags.has('--help') || a.command === 'help' || a.command === '') {
    console.log(USAGE);
    return a.command === '' ? 2 : 0;
  }
  const config = loadConfig();
  switch (a.command) {
    case 'export':
      return exportCommand(a, config);
    case 'replay':
      return replayCommand(a, config);
    case 'report':
      return reportCommand(a, config);
    default:
      throw new UsageError(`unknown command ${a.command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (e instanceof ConfigError) {
      console.error(`invalid configuration (see the README's Configuration table):\n${e.message}`);
      process.exitCode = 2;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  },
);
