/**
 * Runs a benchmark by name with its arguments and prints its figures:
 *
 *   npm run bench                         the fan-out benchmark with its defaults (N = 10,000)
 *   npm run bench -- fanout 1000          N = 1,000 contracts
 *   npm run bench -- fanout 1000 --page 200 --concurrency 50
 *
 * Each benchmark is its own script, run as a child process (so its RSS figures are its own) with
 * the arguments after its name; the exit code is the benchmark's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS: Record<string, { script: string; usage: string }> = {
  fanout: {
    script: 'bench-fanout.ts',
    usage: 'fanout [N=10000] [--page 500] [--concurrency 25]   announcement (TNC-24) to N contracts',
  },
};

const [name = 'fanout', ...args] = process.argv.slice(2);
const bench = BENCHMARKS[name];
if (!bench) {
  console.error(`unknown benchmark "${name}"; usage: npm run bench -- <name> [args]\n`);
  for (const b of Object.values(BENCHMARKS)) console.error(`  ${b.usage}`);
  process.exitCode = 2;
} else {
  const script = fileURLToPath(new URL(bench.script, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (signal) console.error(`[bench] ${name} stopped by ${signal}`);
    process.exitCode = code ?? 1;
  });
}
