/**
 * Announcement fan-out: one announcement (service abolition NGN-38 / TNC-24, or terms change
 * NGN-2 / TNC-3) reaches every active contract of a 約款 through the contract's `announce` update.
 *
 * - Contracts are listed a page at a time by id cursor (activity on the Contract table); each page
 *   is one workflow run, and the run continues as new with the cursor and the counters, so 10,000
 *   contracts never grow one history past a few thousand events.
 * - Within a page at most `concurrency` updates are in flight. A contract that cannot be reached
 *   after a bounded number of attempts is recorded as failed with its error; the others go on.
 * - `getProgress` answers { total, done, failed, pending } at any time.
 *
 * Workflow id: announcement-<announcementId>; a second start with that id is refused.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { FanoutActivities } from '../activities/types.js';
import { isValidIsoDate } from '../rules/calendar.js';
import { listTermsVersions } from '../rules/terms/index.js';
import type { AnnouncementInput } from './contract-messages.js';
import type { RefusalType } from './refusal-types.js';
import {
  announcementLead,
  getProgress,
  type AnnouncementCursor,
  type AnnouncementProgress,
  type AnnouncementWorkflowInput,
} from './fanout-messages.js';

/** Attempts per contract before it is recorded as failed (per-contract failure isolation). */
export const DELIVERY_ATTEMPTS = 3;
export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_CONCURRENCY = 25;

/** Reading the Contract table: retried until it works (the database being away is not a contract's fault). */
const listing = proxyActivities<FanoutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One update to one contract: bounded attempts, then the contract is reported as failed. */
export const delivery = proxyActivities<FanoutActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: DELIVERY_ATTEMPTS },
});

export async function announcementWorkflow(input: AnnouncementWorkflowInput): Promise<AnnouncementProgress> {
  const pageSize = Math.min(Math.max(1, Math.floor(input.pageSize ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_CONCURRENCY));
  const state: AnnouncementCursor = input.resume ?? { total: 0, done: 0, failed: [], run: 1 };
  let finished = false;

  const progress = (): AnnouncementProgress => ({
    announcementId: input.announcementId,
    kind: input.kind,
    terms: input.terms,
    effectiveDate: input.effectiveDate,
    announcedOn: input.announcedOn,
    total: state.total,
    done: state.done,
    failed: [...state.failed],
    pending: Math.max(0, state.total - state.done - state.failed.length),
    finished,
    run: state.run,
    after: state.after,
  });
  setHandler(getProgress, progress);

  if (!input.resume) {
    checkAnnouncement(input);
    state.total = await listing.countAnnouncementTargets(input.terms);
  }

  const announcement: AnnouncementInput = {
    announcementId: input.announcementId,
    kind: input.kind,
    effectiveDate: input.effectiveDate,
    summary: input.summary,
    ...(input.newTermsVersion !== undefined ? { newTermsVersion: input.newTermsVersion } : {}),
    ...(input.until !== undefined ? { until: input.until } : {}),
  };

  const ids = await listing.listAnnouncementTargets({ terms: input.terms, after: state.after, limit: pageSize });
  // Contracts that became active after the count are reached too (they sort into a later page).
  state.total = Math.max(state.total, state.done + state.failed.length + ids.length);

  await forEachBounded(ids, concurrency, async (contractId) => {
    try {
      await delivery.deliverAnnouncement(contractId, announcement);
      state.done += 1;
    } catch (e) {
      if (isCancellation(e)) throw e;
      state.failed.push({ contractId, error: failureMessage(e) });
    }
  });

  if (ids.length === pageSize) {
    // More pages may follow: a fresh run with the cursor and the counters keeps history small.
    state.after = ids[ids.length - 1];
    await condition(allHandlersFinished);
    await continueAsNew<typeof announcementWorkflow>({ ...input, resume: { ...state, run: state.run + 1 } });
  }

  // Every page listed: the total is now exact.
  state.total = state.done + state.failed.length;
  finished = true;
  await condition(allHandlersFinished);
  return progress();
}

/**
 * Refuses an announcement whose lead is too short or whose version is unknown (the API checks the
 * same before starting; this keeps a direct start honest).
 */
function checkAnnouncement(a: AnnouncementWorkflowInput): void {
  const refuse = (field: string, message: string, type: RefusalType = 'InvalidCommand') => {
    throw ApplicationFailure.create({ type, nonRetryable: true, message: `${field}: ${message}`, details: [{ field }] });
  };
  if (!isValidIsoDate(a.effectiveDate)) refuse('effectiveDate', `not a date (YYYY-MM-DD): ${a.effectiveDate}`);
  if (!isValidIsoDate(a.announcedOn)) refuse('announcedOn', `not a date (YYYY-MM-DD): ${a.announcedOn}`);
  const lead = announcementLead(a.terms, a.kind, a.announcedOn);
  if (a.effectiveDate < lead.earliest) {
    refuse(
      'effectiveDate',
      `${lead.clause}: announced on ${a.announcedOn}, the ${a.kind} may take effect on ${lead.earliest} at the earliest ` +
        `(${lead.leadDays} clear days of notice); ${a.effectiveDate} is too early`,
      'LateNotice',
    );
  }
  if (a.until !== undefined && (a.kind !== 'suspension' || !isValidIsoDate(a.until) || a.until < a.effectiveDate)) {
    refuse('until', `only a suspension names its last day, on or after ${a.effectiveDate}: ${a.until}`);
  }
  if (a.newTermsVersion !== undefined) {
    if (a.kind !== 'terms-change') refuse('newTermsVersion', 'only a terms change names a new terms version');
    if (!listTermsVersions(a.terms).includes(a.newTermsVersion!)) {
      refuse('newTermsVersion', `${a.terms} has no terms version ${a.newTermsVersion}`);
    }
  }
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight (deterministic: lanes take the next
 * index in order). `fn` handles its own failures; a throw (cancellation) stops the whole run.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Error recorded for a failed contract: the activity's root failure message, kept short. */
export function failureMessage(e: unknown): string {
  const cause = e instanceof ActivityFailure && e.cause ? e.cause : e;
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

/** Failures cross continue-as-new; long server messages are cut so 10,000 of them stay small. */
const MAX_ERROR_CHARS = 300;
