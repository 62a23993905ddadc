/**
 * The contract workflow: one per contract (workflow id = contract id), alive for the contract's
 * whole life. Deterministic: it imports only @temporalio/workflow, pure rules and activity types.
 * Every side effect (database, mail, clock reads beyond workflow time) is an activity.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ContractActivities, LedgerLine } from '../activities/types.js';
import {
  daysBetween,
  endOfMonth,
  firstOfNextMonth,
  isValidIsoDate,
  jstDateOf,
  jstMidnightMs,
  monthKey,
  startOfMonth,
} from '../rules/calendar.js';
import { consumptionTax, prorateDaily, yen } from '../rules/money.js';
import { getPlan, type Plan } from '../rules/plans.js';
import { rejectionGrounds, termsRules } from '../rules/contract-rules.js';
import { acceptanceNotice, rejectionNotice } from '../notices/templates.js';
import { conflict, invalid } from './refusals.js';
import {
  acceptApplication,
  getContract,
  rejectApplication,
  type AcceptInput,
  type ContractInput,
  type ContractState,
  type ContractView,
  type RejectInput,
} from './contract-messages.js';

const acts = proxyActivities<ContractActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Month closes per run before continuing as new (a term boundary), unless suggested earlier. */
export const MONTHS_PER_RUN = 12;

export async function contractWorkflow(input: ContractInput): Promise<ContractView> {
  const plan = getPlan(input.planId);
  if (!plan || plan.terms !== input.terms) {
    throw ApplicationFailure.create({
      type: 'UnknownPlan',
      nonRetryable: true,
      message: `plan ${input.planId} does not exist under ${input.terms}`,
    });
  }
  const rules = termsRules(input.terms, input.termsVersion);
  const state: ContractState = input.resume ?? { status: 'applied', run: 1 };
  let deciding = false;

  const nextMonthToClose = (): string | undefined => {
    if (state.status !== 'active' || !state.billingStart) return undefined;
    return state.billedThrough
      ? monthKey(firstOfNextMonth(`${state.billedThrough}-01`))
      : monthKey(state.billingStart);
  };
  /** Month M is closed (and billed) at 00:00 JST on the 1st of the following month (NGN-19). */
  const closeTimeMs = (month: string): number => jstMidnightMs(firstOfNextMonth(`${month}-01`));

  const view = (): ContractView => {
    const month = nextMonthToClose();
    return {
      ...state,
      contractId: input.contractId,
      terms: input.terms,
      termsVersion: input.termsVersion,
      planId: input.planId,
      customerId: input.customer.id,
      appliedAt: input.appliedAt,
      nextDeadline: month
        ? { at: new Date(closeTimeMs(month)).toISOString(), kind: `month-close:${month}` }
        : undefined,
    };
  };

  const save = async () => {
    const v = view();
    await acts.saveContract({
      id: input.contractId,
      terms: input.terms,
      termsVersion: input.termsVersion,
      planId: input.planId,
      customerId: input.customer.id,
      customerName: input.customer.name,
      customerEmail: input.customer.email,
      customerKind: input.customer.kind,
      channel: input.channel,
      status: state.status,
      appliedAt: input.appliedAt,
      formedAt: state.formedAt,
      serviceStart: state.serviceStart,
      billingStart: state.billingStart,
      nextDeadline: v.nextDeadline?.at,
      nextDeadlineKind: v.nextDeadline?.kind,
      endedAt: state.endedAt,
    });
  };

  setHandler(getContract, view);

  setHandler(
    acceptApplication,
    async (a: AcceptInput) => {
      deciding = true;
      const today = jstDateOf(Date.now());
      const party = { contractId: input.contractId, customerName: input.customer.name, termsTitle: rules.title };
      let formedAt: string;
      const serviceStart = a.serviceStartDate ?? today;
      if (rules.formation === 'acceptance-notice-sent') {
        // NGN-11: the contract is formed when the acceptance notice is sent.
        const proof = await acts.sendNotice({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:acceptance:${rules.formationClause}`,
          recipient: input.customer.email,
          ...acceptanceNotice({ ...party, serviceStart, clauseId: rules.formationClause }),
        });
        formedAt = proof.sentAt;
      } else {
        // TNC-12: the contract is formed when the applicant is entered in the provider's database.
        formedAt = (await acts.recordFormation(input.contractId)).formedAt;
        await acts.sendNotice({
          contractId: input.contractId,
          idempotencyKey: `${input.contractId}:acceptance:${rules.formationClause}`,
          recipient: input.customer.email,
          ...acceptanceNotice({ ...party, serviceStart, clauseId: rules.formationClause }),
        });
      }
      state.formedAt = formedAt;
      state.serviceStart = serviceStart;
      // NGN: fees accrue from the billing start date (課金開始日); TNC-26: from the formation date.
      state.billingStart =
        rules.feeAccrualStart === 'billing-start'
          ? (a.billingStartDate ?? serviceStart)
          : jstDateOf(formedAt);
      state.status = 'active';
      await save();
      return view();
    },
    {
      validator: (a: AcceptInput) => {
        if (state.status !== 'applied' || deciding) {
          conflict(`contract ${input.contractId} is ${state.status}; only an open application can be accepted`);
        }
        const applied = jstDateOf(input.appliedAt);
        for (const [field, value] of [
          ['serviceStartDate', a.serviceStartDate],
          ['billingStartDate', a.billingStartDate],
        ] as const) {
          if (value === undefined) continue;
          if (!isValidIsoDate(value)) invalid(field, `not a date (YYYY-MM-DD): ${value}`);
          if (value < applied) invalid(field, `${value} is before the application date ${applied}`);
        }
        if (a.serviceStartDate && a.billingStartDate && a.billingStartDate < a.serviceStartDate) {
          invalid('billingStartDate', `${a.billingStartDate} is before serviceStartDate ${a.serviceStartDate}`);
        }
      },
    },
  );

  setHandler(
    rejectApplication,
    async (r: RejectInput) => {
      deciding = true;
      const labels = rejectionGrounds(input.terms, input.termsVersion);
      const clauseId = rules.rejectionClause;
      await acts.sendNotice({
        contractId: input.contractId,
        idempotencyKey: `${input.contractId}:rejection:${clauseId}`,
        recipient: input.customer.email,
        ...rejectionNotice({
          contractId: input.contractId,
          customerName: input.customer.name,
          termsTitle: rules.title,
          grounds: r.grounds.map((code) => ({ code, label: labels[code] ?? '' })),
          reason: r.reason,
          clauseId,
        }),
      });
      const now = new Date(Date.now()).toISOString();
      state.rejection = { grounds: [...r.grounds], reason: r.reason, decidedAt: now };
      state.status = 'rejected';
      state.endedAt = now;
      await save();
      return view();
    },
    {
      validator: (r: RejectInput) => {
        if (state.status !== 'applied' || deciding) {
          conflict(`contract ${input.contractId} is ${state.status}; only an open application can be rejected`);
        }
        const labels = rejectionGrounds(input.terms, input.termsVersion);
        if (r.grounds.length === 0) invalid('grounds', 'at least one rejection ground is required');
        for (const g of r.grounds) {
          if (!labels[g]) invalid('grounds', `${g} is not a rejection ground of ${input.terms}-12 (1–9)`);
        }
        if (!r.reason.trim()) invalid('reason', 'a written reason is required');
      },
    },
  );

  if (!input.resume) await save();
  await condition(() => state.status !== 'applied');

  let monthsThisRun = 0;
  while (state.status === 'active') {
    const month = nextMonthToClose();
    if (!month) break;
    const dueMs = closeTimeMs(month);
    const waitMs = dueMs - Date.now();
    if (waitMs > 0) await condition(() => state.status !== 'active', waitMs);
    if (state.status !== 'active') break;
    await closeMonth(month, plan, state, input);
    monthsThisRun += 1;
    await save();
    if (monthsThisRun >= MONTHS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof contractWorkflow>({
        ...input,
        resume: { ...state, run: state.run + 1 },
      });
    }
  }
  await condition(allHandlersFinished);
  return view();
}

/**
 * Closes calendar month `month`: posts the basic fee and its consumption tax as separate lines.
 * NGN-19 / TNC-26 set the fee; NGN-23 / TNC-26 the tax. A partial first month follows the plan:
 * 'whole' charges the full fee, 'daily' prorates by days (rounding inside prorateDaily).
 */
async function closeMonth(month: string, plan: Plan, state: ContractState, input: ContractInput) {
  const rules = termsRules(input.terms, input.termsVersion);
  const first = `${month}-01`;
  const from = state.billingStart! > first ? state.billingStart! : first;
  const last = endOfMonth(first);
  const daysInMonth = daysBetween(startOfMonth(first), last) + 1;
  const days = daysBetween(from, last) + 1;
  const fee =
    days < daysInMonth && plan.partialMonth === 'daily'
      ? prorateDaily(plan.monthlyFee, days, daysInMonth)
      : yen(plan.monthlyFee);
  const tax = consumptionTax(fee, rules.taxRate);
  const { workflowId, runId } = workflowInfo();
  const key = (clause: string, kind: string) => `${input.contractId}:${month}:${clause}:${kind}`;
  const lines: LedgerLine[] = [
    {
      idempotencyKey: key(rules.feeClause, 'fee'),
      clauseId: rules.feeClause,
      kind: 'fee',
      taxClass: 'taxable',
      amount: fee.toFixed(),
      period: month,
      effectiveDate: last,
      description:
        days < daysInMonth && plan.partialMonth === 'daily'
          ? `基本料金 ${month}（日割 ${days}/${daysInMonth}日）`
          : `基本料金 ${month}`,
    },
    {
      idempotencyKey: key(rules.taxClause, 'consumption-tax'),
      clauseId: rules.taxClause,
      kind: 'consumption-tax',
      taxClass: 'consumption-tax',
      amount: tax.toFixed(),
      period: month,
      effectiveDate: last,
      description: `消費税相当額 ${month}（基本料金 ${fee.toFixed()}円 × ${rules.taxRate}）`,
    },
  ];
  await acts.postLedgerLines({ contractId: input.contractId, workflowId, runId, lines });
  state.billedThrough = month;
}
