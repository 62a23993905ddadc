/**
 * What contracts cost on the production-shaped cluster (docs/SCALING.md), measured per process:
 * a cluster of its own (scripts/cluster/topology.ts, free ports, PostgreSQL with fsync as in
 * production unless --fast), then two phases through the API's one address:
 *
 *   apply   N contracts: POST /contracts + accept (NGN-11: formed when the acceptance notice is sent)
 *   wave    N at once: an NGN-29 dispatch (an invoice of two ledger lines and its notice: the same
 *           activities as a month close on the 1st) and its payment
 *
 *   npx tsx scripts/bench-cluster.ts [--contracts 500] [--concurrency 16] [--fast] [--keep]
 *
 * Prints per phase: wall time, items per second, CPU seconds of each piece (workers, API
 * processes, Temporal server, PostgreSQL with its backends) and per item; memory (PSS) of each
 * piece; the growth of each database (bytes per contract) and the largest tables; history events
 * and bytes per contract from a sample.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { MiB, treeCpuSeconds } from './cluster/processes.js';
import { freePorts, startCluster, type Cluster } from './cluster/topology.js';
import { payloadDataConverter } from '../runtime/payload-codec.js';
import { BENCH_PAYLOAD_KEYS_SPEC, benchPayloadCodec } from './bench-lib.js';

const { values } = parseArgs({
  options: {
    contracts: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    fast: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.contracts);
const C = Number(values.concurrency);
if (!(N >= 1 && C >= 1)) throw new Error('--contracts and --concurrency must be positive integers');
const say = (line: string) => console.log(`[bench-cluster] ${line}`);

const dir = resolve('data/bench-cluster', `run-${process.pid}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const key = randomBytes(18).toString('base64url');
const cluster: Cluster = await startCluster({ dir, ports: await freePorts(2), apiKeys: `${key}=ops`, payloadKeys: BENCH_PAYLOAD_KEYS_SPEC, durable: !values.fast, invoiceRegistrationNumbers: 'NGN=T1010001000001,TNC=T2020002000002', say });
const connection = await Connection.connect({ address: cluster.temporalAddress });
const client = new Client({ connection, namespace: cluster.namespace, dataConverter: payloadDataConverter(benchPayloadCodec()) });

async function call(method: string, path: string, status: number, body?: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${cluster.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(300_000),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** CPU seconds so far of each piece (workers and API processes summed). */
function cpu(): Record<string, number> {
  const out: Record<string, number> = { workers: 0, apis: 0 };
  for (const w of cluster.workers) out.workers! += treeCpuSeconds(w.pid);
  for (const a of cluster.apis) out.apis! += treeCpuSeconds(a.pid);
  out['temporal-server'] = treeCpuSeconds(cluster.temporal.proc.pid);
  out.postgres = treeCpuSeconds(cluster.postgres.proc.pid);
  out['this process (proxy, SMTP)'] = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  return out;
}

function sizes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const db of ['temporal', 'temporal_visibility', 'yakkan']) out[db] = Number(cluster.postgres.sql(`SELECT pg_database_size('${db}')`));
  return out;
}

function largestTables(db: string, n = 6): string {
  const rows = cluster.postgres
    .sql(
      `SELECT c.relname || ' ' || pg_total_relation_size(c.oid) || ' ' || COALESCE(s.n_live_tup, 0) FROM pg_class c
       JOIN pg_namespace ns ON ns.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
       WHERE ns.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT ${n}`,
      db,
    )
    .split('\n')
    .filter(Boolean);
  return rows
    .map((r) => {
      const [name, bytes, live] = r.split(' ');
      return `${name} ${(Number(bytes) / 1024).toFixed(0)} KiB (~${live} rows)`;
    })
    .join(', ');
}

async function phase(name: string, items: number, run: (i: number) => Promise<void>): Promise<void> {
  cluster.postgres.sql('CHECKPOINT');
  const cpu0 = cpu();
  const size0 = sizes();
  const t0 = Date.now();
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < items) {
        const i = next++;
        const s = Date.now();
        await run(i);
        latencies.push(Date.now() - s);
      }
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  cluster.postgres.sql('ANALYZE');
  const cpu1 = cpu();
  const size1 = sizes();
  latencies.sort((a, b) => a - b);
  say(`${name}: ${items} items in ${seconds.toFixed(1)} s = ${(items / seconds).toFixed(2)} items/s at concurrency ${C}; latency p50 ${latencies[Math.floor(items / 2)]} ms, p99 ${latencies[Math.floor(items * 0.99)]} ms`);
  const used = Object.keys(cpu1).map((k) => [k, cpu1[k]! - cpu0[k]!] as const);
  const total = used.reduce((s, [, v]) => s + v, 0);
  say(`  CPU seconds: ${used.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${total.toFixed(1)} s over ${seconds.toFixed(1)} s wall (${(total / seconds).toFixed(2)} cores busy)`);
  say(`  CPU ms per item: ${used.map(([k, v]) => `${k} ${((v * 1000) / items).toFixed(1)}`).join(', ')}; total ${((total * 1000) / items).toFixed(1)}`);
  say(`  database growth per item: ${Object.keys(size1).map((k) => `${k} ${((size1[k]! - size0[k]!) / items).toFixed(0)} B`).join(', ')}`);
}

const ids: string[] = [];
const todayJst = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
try {
  say(`cluster up; PostgreSQL ${values.fast ? 'without fsync (--fast)' : 'with fsync'}; ${N} contracts, concurrency ${C}`);
  const mem0 = cluster.memory();
  await phase('apply (POST /contracts + accept)', N, async (i) => {
    const created = await call('POST', '/contracts', 201, {
      terms: 'NGN',
      planId: 'ngn-vpn-standard',
      customer: { id: `bench-${i}`, name: `株式会社ベンチ${i}`, email: `bench-${i}@example.co.jp`, kind: 'corporate' },
    });
    const id = String(created.contractId);
    ids.push(id);
    await call('POST', `/contracts/${id}/accept`, 200, {});
  });
  const mem1 = cluster.memory();
  await phase('wave (NGN-29 dispatch: invoice + 2 ledger lines + notice; then payment)', N, async (i) => {
    const id = ids[i]!;
    const d = await call('POST', `/contracts/${id}/dispatches`, 201, { cost: '5000', description: 'ベンチマーク' });
    await call('POST', `/contracts/${id}/payments`, 201, { invoiceId: d.invoiceId, amount: '5500', method: 'bank-transfer', paidOn: todayJst() });
  });
  const mem2 = cluster.memory();
  const show = (m: ReturnType<Cluster['memory']>) => `${m.map((x) => `${x.name} ${Math.round(x.pss / MiB)}`).join(', ')} = ${Math.round(m.reduce((s, x) => s + x.pss, 0) / MiB)} MiB`;
  say(`memory (PSS) at start: ${show(mem0)}`);
  say(`memory (PSS) after apply: ${show(mem1)}`);
  say(`memory (PSS) after wave: ${show(mem2)}`);
  const workerGrowth = (mem2.filter((m) => m.name.startsWith('worker')).reduce((s, m) => s + m.pss, 0) - mem0.filter((m) => m.name.startsWith('worker')).reduce((s, m) => s + m.pss, 0)) / N;
  say(`workers' memory growth per contract (all cached): ${(workerGrowth / 1024).toFixed(0)} KiB`);
  say(`largest tables, temporal: ${largestTables('temporal')}`);
  say(`largest tables, temporal_visibility: ${largestTables('temporal_visibility', 3)}`);
  say(`largest tables, yakkan: ${largestTables('yakkan')}`);
  const sample = ids.slice(0, Math.min(20, ids.length));
  let events = 0;
  for (const id of sample) events += (await client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0;
  say(`history events per contract after apply + wave (sample of ${sample.length}): ${(events / sample.length).toFixed(1)}`);
  say(`database sizes now: ${Object.entries(sizes()).map(([k, v]) => `${k} ${(v / MiB).toFixed(1)} MiB`).join(', ')}`);
  // Retried work shows as timeouts in the logs: activities past their start-to-close timeout,
  // workflow tasks past theirs (a starved worker), each retried elsewhere.
  for (const p of [...cluster.workers, cluster.temporal.proc]) {
    const log = readFileSync(p.logFile, 'utf8');
    const count = (re: RegExp) => (log.match(re) ?? []).length;
    say(`${p.name} log: ${count(/timed? ?out|timeout/gi)} lines about timeouts, ${count(/\bWARN|"level":"warn"/gi)} warnings, ${count(/\bERROR|"level":"error"/gi)} errors`);
  }
} finally {
  await connection.close();
  await cluster.stop();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else say(`kept ${dir}`);
}
