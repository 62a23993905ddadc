/**
 * Force majeure (NGN-40 (10)): an event is recorded; when it has lasted more than the catalog's
 * days (30, counted per 民法 第140条 from the event) the provider's right to terminate opens.
 */
import { setHandler } from '@temporalio/workflow';
import { dayCountedPeriod } from '../../rules/calendar.js';
import type { ForceMajeureInput } from '../../model/contract.js';
import { endForceMajeure, reportForceMajeure } from '../contract-messages.js';
import { conflict, invalid } from '../refusals.js';
import type { ContractModule } from './context.js';
import type { Deadline } from './deadlines.js';

export const forceMajeure: ContractModule = {
  name: 'force-majeure',
  register(ctx) {
    const { state, input, catalog } = ctx;
    const limit = catalog.forceMajeureTerminationDays;
    setHandler(
      reportForceMajeure,
      async (f: ForceMajeureInput) => {
        // "more than N days" — counted per 民法 第140条 from the event; the right opens after.
        state.forceMajeure = {
          startedAt: f.startedAt,
          rightToTerminateFrom: new Date(dayCountedPeriod(f.startedAt, limit.value ?? 0).endsAtMs).toISOString(),
          rightOpen: false,
        };
        return ctx.view();
      },
      {
        validator: (f: ForceMajeureInput) => {
          if (state.status !== 'active') conflict(`contract ${input.contractId} is ${state.status}`);
          if (limit.value === null) conflict(`${input.terms} has no force-majeure termination right (${limit.clause})`);
          if (state.forceMajeure && !state.forceMajeure.ended) conflict('a force majeure is already open');
          if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(f.startedAt) || Number.isNaN(Date.parse(f.startedAt))) {
            invalid('startedAt', `not an ISO instant with offset: ${f.startedAt}`);
          }
          if (Date.parse(f.startedAt) > Date.now()) invalid('startedAt', 'is in the future');
        },
      },
    );
    setHandler(
      endForceMajeure,
      async (e: { endedAt: string }) => {
        const fm = state.forceMajeure;
        if (fm) {
          fm.ended = e.endedAt;
          fm.rightOpen = false;
        }
        return ctx.view();
      },
      {
        validator: (e: { endedAt: string }) => {
          if (!state.forceMajeure || state.forceMajeure.ended) conflict('no force majeure is open');
          if (Number.isNaN(Date.parse(e.endedAt))) invalid('endedAt', `not an ISO instant: ${e.endedAt}`);
          if (Date.parse(e.endedAt) < Date.parse(state.forceMajeure.startedAt)) {
            invalid('endedAt', `${e.endedAt} is before the force majeure started (${state.forceMajeure.startedAt})`);
          }
        },
      },
    );
  },
  deadlines(ctx) {
    const fm = ctx.state.forceMajeure;
    const out: Deadline[] = [];
    if (fm && !fm.ended && !fm.rightOpen) out.push({ atMs: Date.parse(fm.rightToTerminateFrom), kind: 'force-majeure' });
    return out;
  },
  due: {
    'force-majeure': (ctx) => {
      if (ctx.state.forceMajeure) ctx.state.forceMajeure.rightOpen = true; // the provider may now terminate
    },
  },
};
