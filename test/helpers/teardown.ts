/**
 * Tearing down what a test file set up (test/helpers/world.ts): steps run last-added first, each
 * guarded (a failing step does not skip the others) and bounded (a step that hangs is named after
 * its limit and left behind); one error at the end names every step that failed.
 */

/** Teardown steps, run last-added first; each guarded and bounded; one error at the end names every failed step. */
export class Teardown {
  private readonly steps: { what: string; run: () => unknown }[] = [];
  constructor(private readonly stepMs: number) {}

  add(what: string, run: () => unknown): void {
    this.steps.push({ what, run });
  }

  async run(): Promise<void> {
    const failed: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await within(this.stepMs, step.what, async () => step.run());
      } catch (e) {
        failed.push((e as Error).message ?? String(e));
      }
    }
    if (failed.length > 0) throw new Error(`tearing the test world down, ${failed.length} step(s) failed:\n  ${failed.join('\n  ')}`);
  }
}

/** Runs `fn`; rejects naming `what` when it fails or has not finished after `ms` (it is then left behind). */
export function within(ms: number, what: string, fn: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: did not finish within ${ms / 1000} s (hung?); went on without it`)), ms);
  });
  const done = Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      (e: unknown) => {
        throw new Error(`${what}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      },
    );
  return Promise.race([done, hung]).finally(() => clearTimeout(timer));
}
