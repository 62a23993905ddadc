/** Runs the auditor CLI (scripts/audit.ts) as a child process, as an auditor would. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `tsx scripts/audit.ts …args` with this process's environment plus `env`. */
export function runAuditCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((ok, fail) => {
    const p = spawn(resolve('node_modules/.bin/tsx'), ['scripts/audit.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => ok({ code, stdout, stderr }));
  });
}
