/**
 * Replay of every live contract against the code this API process runs (the same check
 * `npm run audit -- replay --query …` makes), as background work with progress the ops console
 * shows: the contracts found, histories replayed, the runs that failed with the reason. One job runs
 * at a time per process (a replay builds a replay worker and shares the API's cores); jobs are kept
 * in memory (the last 20), so a restart forgets finished jobs and stops a running one.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { listWorkflowIds, liveTargets, replayAll, type RunOutcome } from '../../audit/replay.js';

export const LIVE_CONTRACTS_QUERY = "WorkflowType = 'contractWorkflow' AND ExecutionStatus = 'Running'";

export interface ReplayJob {
  id: string;
  query: string;
  startedAt: string;
  phase: 'listing' | 'preparing' | 'replaying' | 'finished' | 'failed';
  /** Contracts the query matched (known once listing is done). */
  contracts?: number;
  /** Contracts whose runs have all been replayed. */
  contractsDone: number;
  runsReplayed: number;
  runsFailed: number;
  failures: { contractId: string; n?: number; summary: string; kind: string }[];
  finishedAt?: string;
  error?: string;
}

export class ReplayJobs {
  private readonly jobs = new Map<string, ReplayJob>();
  private running?: string;

  constructor(
    private readonly client: Client,
    private readonly options: () => Promise<ReplayWorkerOptions>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(id: string): ReplayJob | undefined {
    return this.jobs.get(id);
  }

  list(): ReplayJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** The running job, if any. */
  current(): ReplayJob | undefined {
    return this.running ? this.jobs.get(this.running) : undefined;
  }

  /** Starts a job, or returns the one already running (one at a time). */
  start(query = LIVE_CONTRACTS_QUERY): ReplayJob {
    const cur = this.current();
    if (cur) return cur;
    const job: ReplayJob = { id: `replay-${randomUUID().slice(0, 8)}`, query, startedAt: this.now().toISOString(), phase: 'listing', contractsDone: 0, runsReplayed: 0, runsFailed: 0, failures: [] };
    this.jobs.set(job.id, job);
    while (this.jobs.size > 20) this.jobs.delete(this.jobs.keys().next().value!);
    this.running = job.id;
    void this.run(job).finally(() => {
      if (this.running === job.id) this.running = undefined;
    });
    return job;
  }

  /** Resolves when the job is no longer running (tests, shutdown). */
  async settled(id: string, pollMs = 100): Promise<ReplayJob | undefined> {
    for (;;) {
      const j = this.jobs.get(id);
      if (!j || j.phase === 'finished' || j.phase === 'failed') return j;
      await new Promise((ok) => setTimeout(ok, pollMs));
    }
  }

  private async run(job: ReplayJob): Promise<void> {
    try {
      const ids = await listWorkflowIds(this.client, job.query);
      job.contracts = ids.length;
      job.phase = 'preparing';
      const options = await this.options();
      job.phase = 'replaying';
      let lastContract: string | undefined;
      const finishContract = (id: string | undefined) => {
        if (id !== undefined) job.contractsDone++;
      };
      for await (const o of replayAll(liveTargets(this.client, ids), options)) {
        if (o.contractId !== lastContract) {
          finishContract(lastContract);
          lastContract = o.contractId;
        }
        this.record(job, o);
      }
      finishContract(lastContract);
      // Contracts with no run to replay (none should exist) still count as done.
      job.contractsDone = Math.max(job.contractsDone, ids.length);
      job.phase = 'finished';
    } catch (e) {
      job.phase = 'failed';
      job.error = (e as Error).message ?? String(e);
    } finally {
      job.finishedAt = this.now().toISOString();
    }
  }

  private record(job: ReplayJob, o: RunOutcome): void {
    job.runsReplayed++;
    if (!o.ok) {
      job.runsFailed++;
      if (job.failures.length < 200) job.failures.push({ contractId: o.contractId, n: o.n, summary: o.error?.summary ?? 'failed', kind: o.error?.kind ?? 'replay' });
    }
  }
}
