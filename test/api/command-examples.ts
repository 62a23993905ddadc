/**
 * One valid body per command of api/commands.ts, keyed by path: enough to pass the body schema, so
 * a test can see what the command answers for the contract itself (404 unknown, 409 closed, 403
 * wrong role). A command added to the table without an example here fails test/api/command-table.
 */
const at = '2027-01-10T10:00:00+09:00';

export const COMMAND_EXAMPLES: Readonly<Record<string, object>> = {
  '/contracts/:id/accept': {},
  '/contracts/:id/reject': { grounds: [3], reason: '与信審査の結果' },
  '/contracts/:id/cancel': { desiredDate: '2027-03-31' },
  '/contracts/:id/non-renewal': {},
  '/contracts/:id/payments': { invoiceId: 'INV-2027-01', amount: '1000', method: 'bank-transfer', paidOn: '2027-01-10' },
  '/contracts/:id/usage': { optionId: 'opt-1', month: '2027-01', quantity: '1.5' },
  '/contracts/:id/surcharges': { evadedAmount: '1000', description: '料金の不正な免脱' },
  '/contracts/:id/dispatches': { cost: '5000', description: '契約者側設備の故障' },
  '/contracts/:id/invoices/:iid/corrections': { reason: '拠点数の誤り', lines: [{ description: '拠点接続 1拠点分の返還', taxClass: 'taxable', amount: '-8000' }] },
  '/contracts/:id/plan-change/refusal': { newPlanId: 'ngn-vpn-90k', grounds: [5], reason: '料金の滞納があるため' },
  '/contracts/:id/carrier-course-end': { courseEndsOn: '2027-01-31', reference: 'DCM-2027-0001' },
  '/contracts/:id/parts/:pid/cancel': { desiredDate: '2027-03-31' },
  '/contracts/:id/parts/:pid/erasure-certificate': { equipmentReturned: true },
  '/contracts/:id/violations': { clauseId: 'NGN-25', act: 1, occurredAt: at, description: '禁止行為' },
  '/contracts/:id/violations/:vid/cure': {},
  '/contracts/:id/violations/:vid/measures': { measure: 1 },
  '/contracts/:id/suspensions': { clauseId: 'NGN-36', reason: '保守工事', startsAt: '2027-02-01T00:00:00+09:00' },
  '/contracts/:id/suspensions/:sid/lift': {},
  '/contracts/:id/outages': { startedAt: at, recognisedAt: at, cause: 'provider-fault', description: '回線断' },
  '/contracts/:id/outages/:oid/restore': { restoredAt: '2027-01-11T10:00:00+09:00' },
  '/contracts/:id/disclosures': { authority: '東京地方裁判所', legalBasis: '民事訴訟法第223条', scope: '契約者名', disclosureAt: at },
  '/contracts/:id/carrier-disclosures': { carrier: 'NTT東日本', requestedAt: at, items: ['name'], disclosedAt: at, purpose: '不正利用の調査' },
  '/contracts/:id/malware-alerts': { ipAddress: '192.0.2.1', observedAt: at, source: 'JPCERT/CC', detail: 'C2 通信' },
  '/contracts/:id/termination': { clauseId: 'NGN-40', item: 1, reason: '料金の滞納' },
  '/contracts/:id/announcements/:aid/resend': {},
  '/contracts/:id/demands': { clauseId: 'NGN-40', what: '2027年1月分料金の支払', periodDays: 14 },
  '/contracts/:id/demands/:did/cure': {},
  '/contracts/:id/payment-method-invalid': { reason: 'カードの有効期限切れ' },
  '/contracts/:id/priority': { priority: 10 },
  '/contracts/:id/pause': {},
  '/contracts/:id/resume': {},
  '/contracts/:id/plan-change': { newPlanId: 'ngn-vpn-standard' },
  '/contracts/:id/contractor-change': { kind: 'name-change', name: '株式会社あたらしい商事', evidence: '登記事項証明書' },
  '/contracts/:id/fault-contact': { email: 'noc@example.co.jp' },
  '/contracts/:id/erasure-certificate': { equipmentReturned: true },
  '/contracts/:id/force-majeure': { startedAt: at, description: '地震' },
  '/contracts/:id/force-majeure/end': { endedAt: '2027-02-10T10:00:00+09:00' },
  '/contracts/:id/objections': { announcementId: 'ann-terms-2027' },
};

/** The request path of a command for `contractId`, with a made-up id for every other parameter. */
export function commandPath(path: string, contractId: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? encodeURIComponent(contractId) : `${name}-1`));
}
