/**
 * Replay tests (STYLE.md "Tests: replay"): every committed golden history in test/histories/ is
 * replayed with Worker.runReplayHistories against the current workflow code, and a determinism
 * error fails the build. A deliberately reordered workflow (test/audit/fixtures/) proves the check
 * bites, and the same change behind patched() proves the safe way passes. No server is needed.
 */
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { historyFromJson } from '../../audit/history-json.js';
import { replayAll, replayOptions, type RunOutcome } from '../../audit/replay.js';
import { isGolden, loadHistorySources, type LoadedContract } from '../../audit/sources.js';
import { runAuditCli } from '../helpers/cli.js';
import { testPayloadCodec } from '../helpers/world-core.js';

// The SDK runtime logs at WARN for every test file (test/setup-runtime.ts); the outcomes say what matters.

const GOLDEN_DIR = resolve('test/histories');
const FIXTURES = resolve('test/audit/fixtures');
const goldenPaths = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => join(GOLDEN_DIR, f));
const goldens: LoadedContract[] = loadHistorySources(goldenPaths);
const golden = (name: string) => {
  const g = goldens.find((c) => basename(c.source) === `${name}.json`);
  if (!g) throw new Error(`golden ${name} is missing from test/histories (run scripts/regen-histories.ts)`);
  return g;
};

async function replay(targets: LoadedContract[], workflowsPath?: string): Promise<RunOutcome[]> {
  const out: RunOutcome[] = [];
  // Through the payload codec (issue 16): the goldens were recorded unencrypted and pass through it.
  for await (const o of replayAll(targets, await replayOptions(workflowsPath, [testPayloadCodec()]))) out.push(o);
  return out;
}

describe('golden histories replay against the current workflow code', () => {
  let outcomes: RunOutcome[] = [];
  beforeAll(async () => {
    outcomes = await replay(goldens);
  });

  test.each(goldens.map((g) => [basename(g.source), g] as const))('%s replays every run without a determinism error', (_name, g) => {
    expect(g.problems).toEqual([]);
    const mine = outcomes.filter((o) => o.source === g.source);
    expect(mine.map((o) => ({ run: o.n, ok: o.ok, error: o.error?.message }))).toEqual(g.runs.map((r) => ({ run: r.n, ok: true, error: undefined })));
  });

  test('NGN-11 NGN-12 NGN-17 NGN-18 NGN-19 NGN-23 NGN-25 NGN-33.1 NGN-33.2 NGN-37 NGN-39 NGN-41 TNC-3 TNC-12 TNC-17 TNC-26: the golden set covers each 約款, renewal, cancellation inside and after the minimum term, violations, outages, a terms change and a continue-as-new chain', async () => {
    const { readFileSync } = await import('node:fs');
    const files = goldenPaths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as unknown).filter(isGolden);
    const covered = new Set(files.flatMap((f) => f.clauses));
    for (const c of ['NGN-11', 'NGN-12', 'NGN-17', 'NGN-18', 'NGN-19', 'NGN-23', 'NGN-25', 'NGN-33.1', 'NGN-33.2', 'NGN-37', 'NGN-39', 'NGN-41', 'TNC-3', 'TNC-12', 'TNC-17', 'TNC-26']) {
      expect(covered, `no golden history exercises ${c}`).toContain(c);
    }
    // Cancellation both inside and after the minimum term (NGN-18 fee or none).
    expect(goldenPaths.map((p) => basename(p, '.json'))).toEqual(expect.arrayContaining(['ngn-18-cancellation-inside-minimum-term', 'ngn-41-cancellation-after-minimum-term']));
    const chain = files.find((f) => f.runs.length >= 2);
    expect(chain, 'a golden with a continue-as-new chain').toBeDefined();
    // The chain's runs link up: run 1 continued as new into run 2.
    const [r1, r2] = chain!.runs;
    const last = r1!.history.events.at(-1)!;
    expect(last.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect((last.workflowExecutionContinuedAsNewEventAttributes as { newExecutionRunId: string }).newExecutionRunId).toBe(r2!.runId);
  });
});

describe('a non-deterministic change is caught', () => {
  test('NGN-12: loading the calendar before saveContract (changed command order) fails replay of ngn-rejected with a DeterminismViolationError', async () => {
    const g = golden('ngn-rejected');
    const [o] = await replay([g], join(FIXTURES, 'reordered-workflow.ts'));
    expect(o).toMatchObject({ contractId: 'golden-ngn-rejected', n: 1, ok: false, error: { kind: 'determinism', name: 'DeterminismViolationError' } });
    expect(o!.error!.message).toMatch(/saveContract|loadCalendar|[Nn]ondetermin/);

    // The SDK's own single-history API throws the same error class for the same change.
    const err = await Worker.runReplayHistory(await replayOptions(join(FIXTURES, 'reordered-workflow.ts')), historyFromJson(g.runs[0]!.history), g.contractId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeterminismViolationError);
  });

  test('every run of every golden fails with the reordered code, and replays cleanly when the change sits behind patched()', async () => {
    const reordered = await replay(goldens, join(FIXTURES, 'reordered-workflow.ts'));
    // Only first runs start with saveContract; a continued run starts from its carried state, also with a command.
    expect(reordered.filter((o) => o.n === 1).every((o) => !o.ok && o.error?.kind === 'determinism')).toBe(true);
    const patchedOutcomes = await replay(goldens, join(FIXTURES, 'patched-workflow.ts'));
    expect(patchedOutcomes.filter((o) => !o.ok)).toEqual([]);
    expect(patchedOutcomes).toHaveLength(goldens.reduce((n, g) => n + g.runs.length, 0));
  });
});

const runCli = (args: string[]) => runAuditCli(args);

describe('audit CLI replay', () => {
  test('replay test/histories prints "[i/n] <contract> run k ok" per run and exits 0; against the reordered code it exits 1 naming the error', async () => {
    const good = await runCli(['replay', 'test/histories']);
    expect(good.stderr).not.toMatch(/Error/);
    expect(good.code).toBe(0);
    const lines = good.stdout.trim().split('\n');
    const runs = goldens.reduce((n, g) => n + g.runs.length, 0);
    expect(lines.filter((l) => /^\[\d+\/\d+\] golden-\S+ run \d+ ok$/.test(l))).toHaveLength(runs);
    expect(lines).toContain(`[1/${goldens.length}] ${goldens[0]!.contractId} run 1 ok`);
    expect(lines.at(-1)).toMatch(new RegExp(`^replayed ${runs} run\\(s\\) of ${goldens.length} contract\\(s\\) in [\\d.]+s: ${runs} ok, 0 failed$`));

    const bad = await runCli(['replay', 'test/histories/ngn-rejected.json', '--workflows', 'test/audit/fixtures/reordered-workflow.ts']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('[1/1] golden-ngn-rejected run 1 FAILED DeterminismViolationError');
    expect(bad.stdout).toMatch(/1 failed$/m);
  });
});
