/**
 * The local-activity face of the contract's bookkeeping (issue 18, patch `local-bookkeeping-v1`;
 * activities/types.ts LocalBookkeeping): each calls the ContractActivities function it is named
 * after and returns its arguments with its result, so the marker Temporal records for a local
 * activity shows what the workflow asked for (a local activity's marker has no input of its own).
 */
import type { ContractActivities, LocalBookkeeping, LocalRecord } from './types.js';

function recorded<T>(activity: keyof ContractActivities, input: unknown[], result: T): LocalRecord<T> {
  return { activity, input, result };
}

/** Built over the worker's activities (after any test wrapper), so a fault injected into one reaches its local face too. */
export function localBookkeeping(a: ContractActivities): LocalBookkeeping {
  return {
    async saveContractLocal(p) {
      return recorded('saveContract', [p], await a.saveContract(p));
    },
    async loadCalendarLocal(fromYear, toYear) {
      return recorded('loadCalendar', [fromYear, toYear], await a.loadCalendar(fromYear, toYear));
    },
    async issueInvoiceLocal(req) {
      return recorded('issueInvoice', [req], await a.issueInvoice(req));
    },
  };
}
