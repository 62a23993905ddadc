/**
 * The benchmark suite (issue 18). Each benchmark is its own script, run as a child process (so its
 * RSS figures are its own and one benchmark's worker never slows the next); each prints its
 * progress and its figures, every figure beside a baseline measured in the same run on the same
 * server. This runner collects the figures and prints them as one table.
 *
 *   npm run bench                          the suite, every benchmark at its default size
 *   npm run bench -- notices 5000          one benchmark with its arguments
 *   npm run bench -- wave 10000 --cache 2000
 *   npm run bench -- --list                the benchmarks and their arguments
 *
 * Not part of `npm test`: figures depend on the machine and on what else runs on it.
 * The exit code is 1 when a benchmark failed (not when a target was missed; the table says that).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, table, type BenchRow } from './bench-lib.js';

interface Benchmark {
  script: string;
  usage: string;
  /** In the default suite (`npm run bench` without a name). */
  suite: boolean;
}

const BENCHMARKS: Record<string, Benchmark> = {
  notices: {
    script: 'bench-notices.ts',
    usage: 'notices [N=2000] [--concurrency 50] [--connections 5] [--old 500]   sendNotice (outbox + SMTP + proof) to the local SMTP server',
    suite: true,
  },
  years: {
    script: 'bench-years.ts',
    usage: 'years [YEARS=5] [--no-baseline]   one NGN contract, unpaid, for YEARS years on the time-skipping server',
    suite: true,
  },
  wave: {
    script: 'bench-wave.ts',
    usage: 'wave [N=2000] [--cache 1000] [--activities 100] [--no-baseline] [--profile DIR] [--events] [--quick-jvm]   N active contracts reach the 1st: every invoice issued and its notice delivered',
    suite: true,
  },
  commands: {
    script: 'bench-commands.ts',
    usage: 'commands [N=200]   accept p50 (without SMTP) and a cheap update through the API vs direct, p99',
    suite: true,
  },
  memory: {
    script: 'bench-memory.ts',
    usage: 'memory [N=20000] [--cache 1000] [--churn 60] [--concurrency 20] [--no-reuse-context]   N live contracts on one worker: RSS while they start and after the cache is full',
    suite: true,
  },
  fanout: {
    script: 'bench-fanout.ts',
    usage: 'fanout [N=10000] [--page 500] [--concurrency 25]   announcement (TNC-24) to N contracts (not in the default suite)',
    suite: false,
  },
};

function usage(): void {
  console.error('usage: npm run bench [-- <benchmark> [args]]\n');
  for (const [name, b] of Object.entries(BENCHMARKS)) console.error(`  ${b.suite ? ' ' : '*'} ${b.usage.startsWith(name) ? b.usage : `${name} ${b.usage}`}`);
  console.error('\n  * not in the default suite');
}

/** Set by Ctrl-C / SIGTERM: the running benchmark is stopped and no other one starts. */
let interrupted: NodeJS.Signals | undefined;

/** Runs one benchmark script; resolves with the rows it reported (or the error that stopped it). */
function run(name: string, argv: string[]): Promise<{ rows: BenchRow[]; error?: string }> {
  const bench = BENCHMARKS[name]!;
  const script = fileURLToPath(new URL(bench.script, import.meta.url));
  return new Promise((resolveRun) => {
    const rows: BenchRow[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) rows.push(...(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchRow[]));
        else console.log(line);
      }
    });
    // Ctrl-C or SIGTERM on the suite stops the running benchmark (which stops its own servers).
    const forward = (signal: NodeJS.Signals) => {
      interrupted = signal;
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (buffered) console.log(buffered);
      const error = signal ? `stopped by ${signal}` : code !== 0 ? `exit code ${code}` : rows.length === 0 ? 'reported no figures' : undefined;
      resolveRun({ rows, error });
    });
  });
}

const [first, ...rest] = process.argv.slice(2);
if (first === '--list' || first === '--help') {
  usage();
} else if (first !== undefined && !BENCHMARKS[first]) {
  console.error(`unknown benchmark "${first}"\n`);
  usage();
  process.exitCode = 2;
} else {
  const plan: [string, string[]][] = first ? [[first, rest]] : Object.entries(BENCHMARKS).filter(([, b]) => b.suite).map(([n]) => [n, []]);
  const all: BenchRow[] = [];
  const failed: string[] = [];
  const t0 = Date.now();
  for (const [name, argv] of plan) {
    if (interrupted) break;
    console.log(`\n=== ${name} ${argv.join(' ')}`.trimEnd());
    const { rows, error } = await run(name, argv);
    all.push(...rows);
    if (error) {
      failed.push(`${name}: ${error}`);
      console.error(`[bench] ${name} failed: ${error}`);
    }
  }
  console.log(`\n${table(all)}\n`);
  console.log(`ratio = value ÷ baseline value; for rates more is better, for times and sizes less is better. ${((Date.now() - t0) / 1000).toFixed(0)} s in all.`);
  if (interrupted) {
    console.log(`stopped by ${interrupted}`);
    process.exitCode = 130;
  }
  if (failed.length) {
    console.log(`failed: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
}
