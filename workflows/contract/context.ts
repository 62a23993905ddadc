/**
 * One contract inside its workflow: the input it runs under, its plan, the terms catalog and the
 * flattened rules, its durable state, the business calendar, today's date, status guards, the
 * database projection (save) and the view the API reads. Every concern module receives this
 * context; none keeps state of its own. Deterministic: workflow time, activity types only.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ContractActivities, ContractProjection, LocalActivities } from '../../activities/types.js';
import { BusinessCalendar, jstDateOf, jstMidnightMs, nonRenewalDeadline } from '../../rules/calendar.js';
import { termsRules, type ContractRules } from '../../rules/contract-rules.js';
import { getPlan, type Plan } from '../../rules/plans.js';
import { getTerms, type TermsCatalog } from '../../rules/terms/index.js';
import type { ContractInput, ContractState, ContractView, IsoDate } from '../../model/contract.js';
import { conflict } from '../refusals.js';
import { YAKKAN_NEXT_DEADLINE, YAKKAN_NON_RENEWAL_DEADLINE, YAKKAN_STATUS, YAKKAN_TERMS } from '../search-attributes.js';
import { deadlineLabel, earliest, type Deadline, type DueHandlers } from './deadlines.js';
import { PATCHES } from './patches.js';
import { oneAtATime } from '../local-gate.js';

/** Database and calendar work: each attempt within a minute, retried without end (1 s doubling, at most 5 minutes apart). */
const BOOKKEEPING = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
} as const;

/** The contract workflow's activities (database, calendar), proxied once. */
export const acts = proxyActivities<ContractActivities>(BOOKKEEPING);

/**
 * The bookkeeping activities as local activities (patch `local-bookkeeping-v1`): the same timeouts
 * and retries as `acts`, run by the worker inside the workflow task that asks for them
 * (activities/local.ts), one at a time (workflows/local-gate.ts).
 */
export const local = oneAtATime(proxyLocalActivities<LocalActivities>(BOOKKEEPING));

/** Years of holiday data loaded ahead of today; a cancellation further out is refused. */
export const CALENDAR_YEARS_AHEAD = 4;

/**
 * One concern of the contract (formation, billing, breaches, …): the update handlers it registers
 * (validators beside them), the deadlines it owns, and what it does when one of them is due.
 */
export interface ContractModule {
  readonly name: string;
  register?(ctx: ContractContext): void;
  deadlines?(ctx: ContractContext): Deadline[];
  due?: DueHandlers<ContractContext>;
}

export class ContractContext {
  readonly plan: Plan;
  readonly rules: ContractRules;
  readonly catalog: TermsCatalog;
  readonly state: ContractState;
  calendar?: BusinessCalendar;
  /** Years the loaded calendar covers; [0, -1] until it is loaded. */
  calendarYears: [number, number] = [0, -1];
  /** An accept or reject is being carried out: no second decision may start. */
  deciding = false;
  /** The contract row exists (first save done); handlers that write rows wait for it. */
  registered: boolean;
  /** Set by a command that changes the workflow's input; the loop continues as new with it. */
  restartWith?: ContractInput;
  private readonly sources: ((ctx: ContractContext) => Deadline[])[] = [];
  /** Search attributes last upserted in this run: an unchanged value adds no history event. */
  private upserted?: string;

  constructor(readonly input: ContractInput) {
    const plan = getPlan(input.planId);
    if (!plan || plan.terms !== input.terms) {
      throw ApplicationFailure.create({
        type: 'UnknownPlan',
        nonRetryable: true,
        message: `plan ${input.planId} does not exist under ${input.terms}`,
      });
    }
    this.plan = plan;
    this.rules = termsRules(input.terms, input.termsVersion);
    this.catalog = getTerms(input.terms, input.termsVersion);
    this.state = input.resume ?? { status: 'applied', run: 1, openInvoices: [], pendingLines: [], recentPaymentKeys: [], seq: 0 };
    this.registered = !!input.resume;
  }

  /** Registers the modules: their update handlers now, their deadlines for every later choice. */
  use(modules: readonly ContractModule[]): void {
    for (const m of modules) m.register?.(this);
    this.watch(modules);
  }

  /** Makes the modules' deadlines count for nextDeadline() (no handlers: usable outside a workflow, e.g. in tests). */
  watch(modules: readonly ContractModule[]): void {
    for (const m of modules) {
      const own = m.deadlines;
      if (own) this.sources.push((ctx) => own(ctx));
    }
  }

  get contractId(): string {
    return this.input.contractId;
  }

  /** Today's date in Asia/Tokyo, by workflow time. */
  today(): IsoDate {
    return jstDateOf(Date.now());
  }

  nowIso(): string {
    return new Date(Date.now()).toISOString();
  }

  /** The parts every notice to this contract's customer starts with. */
  party() {
    return { contractId: this.input.contractId, customerName: this.input.customer.name, termsTitle: this.rules.title };
  }

  requireActive(): void {
    if (this.state.status !== 'active') conflict(`contract ${this.input.contractId} is ${this.state.status}`);
  }

  /** The years of holiday data a read today covers: last year through CALENDAR_YEARS_AHEAD ahead (JST). */
  private calendarWindow(): [number, number] {
    const y = Number(jstDateOf(Date.now()).slice(0, 4));
    return [y - 1, y + CALENDAR_YEARS_AHEAD];
  }

  /** Whether the holiday table in hand covers the same years a read today would (a read in this JST year). */
  calendarCurrent(): boolean {
    const [from, to] = this.calendarWindow();
    return this.calendar !== undefined && this.calendarYears[0] === from && this.calendarYears[1] === to;
  }

  /** Holiday table for business-day deadlines, read through an activity so history records it. */
  async loadCalendar(): Promise<BusinessCalendar> {
    this.calendarYears = this.calendarWindow();
    const [from, to] = this.calendarYears;
    const data = patched(PATCHES.localBookkeeping) ? (await local.loadCalendarLocal(from, to)).result : await acts.loadCalendar(from, to);
    this.calendar = new BusinessCalendar(data);
    return this.calendar;
  }

  /** The next durable deadline of an active contract: the earliest of what the modules own. */
  nextDeadline(): Deadline | undefined {
    if (this.state.status !== 'active') return undefined;
    return earliest(this.sources.flatMap((s) => s(this)));
  }

  view(): ContractView {
    const { state, input, rules } = this;
    const { recentCommands: _guardOnly, unbilledUsageMonths: _billingOnly, ...shown } = state;
    const next = this.nextDeadline();
    return {
      ...shown,
      contractId: input.contractId,
      terms: input.terms,
      termsVersion: input.termsVersion,
      planId: input.planId,
      customerId: input.customer.id,
      appliedAt: input.appliedAt,
      nextDeadline: next ? { at: new Date(next.atMs).toISOString(), kind: deadlineLabel(next) } : undefined,
      nonRenewalDeadline:
        state.status === 'active' && state.period && !state.endDate && rules.renewal
          ? nonRenewalDeadline(state.period.end, rules.renewal.nonRenewalLeadMonths)
          : undefined,
    };
  }

  /** Writes the contract row (the queryable projection); `as` saves a changed input (restart). */
  async save(as: ContractInput = this.input): Promise<void> {
    const { state } = this;
    const v = this.view();
    const projection: ContractProjection = {
      id: as.contractId,
      terms: as.terms,
      termsVersion: as.termsVersion,
      planId: as.planId,
      customerId: as.customer.id,
      // After TNC-37.5 / NGN-43 deletion the projection never writes personal data back.
      customerName: state.aftermath?.personalDataDeletedOn ? '（削除済み）' : as.customer.name,
      customerEmail: state.aftermath?.personalDataDeletedOn ? '' : as.customer.email,
      customerKind: as.customer.kind,
      channel: as.channel,
      status: state.status,
      appliedAt: as.appliedAt,
      formedAt: state.formedAt,
      serviceStart: state.serviceStart,
      billingStart: state.billingStart,
      nextDeadline: v.nextDeadline?.at,
      nextDeadlineKind: v.nextDeadline?.kind,
      nonRenewalDeadline: v.nonRenewalDeadline,
      endedAt: state.endedAt,
      queuePriority: state.queuePriority,
    };
    if (patched(PATCHES.localBookkeeping)) await local.saveContractLocal(projection);
    else await acts.saveContract(projection);
    // The same facts as search attributes, for listing contracts in the Temporal UI.
    const attrs = {
      terms: as.terms,
      status: state.status,
      next: v.nextDeadline?.at ?? null,
      nonRenewal: v.nonRenewalDeadline ? new Date(jstMidnightMs(v.nonRenewalDeadline)).toISOString() : null,
    };
    if (JSON.stringify(attrs) !== this.upserted) {
      this.upserted = JSON.stringify(attrs);
      upsertSearchAttributes([
        { key: YAKKAN_TERMS, value: attrs.terms },
        { key: YAKKAN_STATUS, value: attrs.status },
        { key: YAKKAN_NEXT_DEADLINE, value: attrs.next ? new Date(attrs.next) : null },
        { key: YAKKAN_NON_RENEWAL_DEADLINE, value: attrs.nonRenewal ? new Date(attrs.nonRenewal) : null },
      ]);
    }
  }

  /**
   * Ends this run and continues as new with `next` (default: the same input), carrying the state.
   * The one place that does it: save the projection under `next`, wait until every running
   * update handler has finished, continue as new.
   */
  async continueAsNew(next: ContractInput = this.input): Promise<never> {
    await this.save(next);
    return this.continueAsNewSaved(next);
  }

  /** As continueAsNew, when the projection was just saved under `next`. */
  async continueAsNewSaved(next: ContractInput = this.input): Promise<never> {
    await condition(allHandlersFinished);
    return continueAsNew<(input: ContractInput) => Promise<ContractView>>({ ...next, resume: { ...this.state, run: this.state.run + 1 } });
  }
}
