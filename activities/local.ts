/**
 * The local-activity faces of the contract's activities (issue 18, patches `local-bookkeeping-v1`
 * and `local-notices-v1`; activities/types.ts LocalActivities): each calls the ContractActivities function it is named
 * after and returns its arguments with its result, so the marker Temporal records for a local
 * activity shows what the workflow asked for (a local activity's marker has no input of its own).
 */
import type { ContractActivities, LocalActivities, LocalRecord } from './types.js';

function recorded<T>(activity: keyof ContractActivities, input: unknown[], result: T): LocalRecord<T> {
  return { activity, input, result };
}

/** Built over the worker's activities (after any test wrapper), so a fault injected into one reaches its local face too. */
export function localFaces(a: ContractActivities): LocalActivities {
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
    async sendNoticeLocal(req) {
      return recorded('sendNotice', [req], await a.sendNotice(req));
    },
  };
}
