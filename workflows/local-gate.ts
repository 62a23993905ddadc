/**
 * One local activity at a time per contract workflow (patch `local-activities-one-at-a-time-v1`).
 *
 * Why: SDK 1.24 resolves local activities differently live and on replay. Live, each local activity
 * is resolved in the activation after it completes, in completion order; on replay, every local
 * activity whose marker is in the workflow task is resolved in the activation after it was
 * scheduled, together. When two coroutines each have a local activity in flight (an update handler
 * sending its notice while the main loop reads the holiday table) and each schedules something once
 * its own resolves (a backoff timer, a wait with a timeout), the two commands can come out in the
 * other order on replay: the timers swap, and the replay fails with a nondeterminism error such as
 * "Missing associated machine for LocalActivity(4)" — a contract that cannot be replayed, so a query
 * after eviction or completion fails and a worker restart stalls it. (Reported upstream as
 * temporalio/sdk-python#1578; resolving them in history order was proposed for core in
 * temporalio/sdk-rust#1075.)
 *
 * With at most one local activity in flight, every resolution comes alone, in the activation after
 * its scheduling, live and on replay alike. A local activity asked for while another is in flight
 * waits for it (first come, first served); only then is `patched()` called, so a history shows the
 * marker only when the wait mattered, and histories recorded before it replay their concurrent
 * local activities as they ran.
 *
 * Module state is per workflow execution (this module is not among the bundle's preloaded modules).
 */
import { patched } from '@temporalio/workflow';
import { PATCHES } from './contract/patches.js';

let busy = false;
const waiting: (() => void)[] = [];

/** Runs `schedule` (one local activity call) when no other local activity of this workflow is in flight. */
export async function oneLocalAtATime<T>(schedule: () => Promise<T>): Promise<T> {
  if (busy) {
    // Recorded before the patch: the local activities ran side by side.
    if (!patched(PATCHES.localOneAtATime)) return schedule();
    // The slot is handed over by the one finishing (busy stays true), so no newcomer overtakes.
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    busy = true;
  }
  try {
    return await schedule();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else busy = false;
  }
}

/** The local activity proxy `acts` with every call made through oneLocalAtATime (plain calls only). */
export function oneAtATime<T extends object>(acts: T): T {
  return new Proxy(acts, {
    get(target, name, receiver) {
      const f = Reflect.get(target, name, receiver) as unknown;
      if (typeof f !== 'function') return f;
      return (...args: unknown[]) => oneLocalAtATime(() => (f as (...a: unknown[]) => Promise<unknown>)(...args));
    },
  });
}
