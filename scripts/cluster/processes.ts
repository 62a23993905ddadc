/**
 * The cluster's child processes: each spawned with its output in a log file of its own, stopped
 * with a signal and a grace period (then SIGKILL), and measured (resident memory of the process
 * and its descendants, from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Folder of the log files: `<logDir>/<name>.log`. */
  logDir: string;
  /** Run as this user (a root parent starting PostgreSQL as `postgres`). */
  uid?: number;
  gid?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One child process of the cluster. */
export class Proc {
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((ok) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        ok(this.exit);
      });
      child.once('error', (e) => {
        this.exit = { code: -1, signal: null };
        logLine(logFile, `[cluster] could not start ${name}: ${e.message}`);
        ok(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** How it ended, for messages ("exit code 1", "signal SIGKILL"). */
  get exitText(): string {
    if (!this.exit) return 'running';
    return this.exit.signal ? `signal ${this.exit.signal}` : `exit code ${this.exit.code}`;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal`, waits up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines of its log, for an error message. */
  tail(lines = 25): string {
    return tailOf(this.logFile, lines);
  }
}

export function spawnLogged(name: string, command: string, args: string[], o: SpawnOptions): Proc {
  mkdirSync(o.logDir, { recursive: true });
  const logFile = join(o.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`\n[cluster] ${new Date().toISOString()} starting ${name}: ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, {
    cwd: o.cwd,
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: o.uid,
    gid: o.gid,
    // A process group of its own: Ctrl-C in the terminal reaches only the cluster's own process,
    // which then stops the pieces in order (API, workers, UI, Temporal, PostgreSQL).
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('exit', (code, signal) => {
    // Let the pipes drain before the last line.
    setTimeout(() => {
      log.end(`[cluster] ${new Date().toISOString()} ${name} exited (${signal ? `signal ${signal}` : `exit code ${code}`})\n`);
    }, 50);
  });
  return new Proc(name, child, logFile);
}

function logLine(file: string, line: string): void {
  try {
    createWriteStream(file, { flags: 'a' }).end(`${line}\n`);
  } catch {
    /* the log is a convenience */
  }
}

export function tailOf(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

// ---- ports ---------------------------------------------------------------------------------------

/** True when nothing listens on 127.0.0.1:`port`. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      ok(false);
    });
    s.once('error', () => ok(true));
  });
}

const taken = new Set<number>();

/**
 * A free port in [min, max), not handed out before by this process. The default range lies below
 * Linux's ephemeral ports (32768…) so no outgoing connection takes it meanwhile, and below 32768
 * as Temporal's membership ports must be (they are stored as smallint).
 */
export async function freePort(min = 20_000, max = 32_000): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = min + Math.floor(Math.random() * (max - min));
    if (taken.has(port)) continue;
    if (await portIsFree(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${min} and ${max}`);
}

/** Waits until something accepts connections on 127.0.0.1:`port`; fails early when `proc` exits. */
export async function waitForPort(port: number, what: string, timeoutMs: number, proc?: Proc): Promise<void> {
  await waitFor(what, timeoutMs, async () => !(await portIsFree(port)), proc);
}

/**
 * Polls `check` every 250 ms until it returns true. Fails with a message that says what was
 * awaited, for how long, and (when `proc` is given) how the process ended and its log's last lines.
 */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, proc?: Proc): Promise<void> {
  const started = Date.now();
  let lastError = '';
  for (;;) {
    if (proc && !proc.running) {
      await proc.exited;
      throw new Error(`${proc.name} stopped (${proc.exitText}) before ${what}. Its log (${proc.logFile}):\n${proc.tail()}`);
    }
    try {
      if (await check()) return;
    } catch (e) {
      lastError = (e as Error).message ?? String(e);
    }
    if (Date.now() - started > timeoutMs) {
      const log = proc ? `\nLog of ${proc.name} (${proc.logFile}):\n${proc.tail()}` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}${log}`);
    }
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

// ---- memory ----------------------------------------------------------------------------------------

export interface Memory {
  /** Resident set size: counts memory shared between the processes (PostgreSQL's shared buffers) once per process. */
  rss: number;
  /** Proportional set size: shared pages split between the processes sharing them, so the sum is what they take together. */
  pss: number;
}

/** Memory (bytes) of `pid` and every process below it, from /proc; 0 when gone. */
export function treeMemory(pid: number): Memory {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  const total: Memory = { rss: 0, pss: 0 };
  const visit = (p: number) => {
    const m = memoryOf(p);
    total.rss += m.rss;
    total.pss += m.pss;
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return total;
}

/** RSS and PSS of one process (smaps_rollup; PSS falls back to RSS where it cannot be read). */
export function memoryOf(pid: number): Memory {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      const rss = m ? Number(m[1]) * 1024 : 0;
      return { rss, pss: rss };
    } catch {
      return { rss: 0, pss: 0 };
    }
  }
}

/**
 * CPU time (user + system, seconds) used by `pid` and every process below it, including the
 * children that already exited and were reaped (PostgreSQL's backends), from /proc.
 */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), f);
      const ppid = Number(f[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  let ticks = 0;
  const visit = (p: number) => {
    const f = stats.get(p);
    // utime(11) stime(12) cutime(13) cstime(14), in clock ticks (100 per second on Linux)
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return ticks / 100;
}

/** CPU time (user + system, seconds) `pid` has used so far, from /proc/<pid>/stat; 0 when gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ppid(1) … utime(11) stime(12), in clock ticks (100/s on Linux)
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

export const MiB = 1024 * 1024;
