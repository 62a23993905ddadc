/**
 * Notices about the customer's data and devices: NGN-46 disclosures to authorities (the notice before
 * the disclosure, or after it only with the reason prior notice was impossible) and the optional
 * TNC-45 malware alert. Each exists only where the catalog lists its notice.
 */
import { setHandler } from '@temporalio/workflow';
import type { CarrierDisclosure, CarrierDisclosureInput, Disclosure, DisclosureInput, MalwareAlert, MalwareAlertInput } from '../../model/contract.js';
import { noticeClauseOf } from '../../notices/catalogue.js';
import { disclosureNotice, malwareAlertNotice } from '../../notices/templates.js';
import { alertMalware, recordCarrierDisclosure as recordCarrierDisclosureUpdate, recordDisclosure } from '../contract-messages.js';
import { notify } from '../notify.js';
import { isSealed } from '../../model/personal-data.js';
import { conflict, invalid } from '../refusals.js';
import type { ContractContext, ContractModule } from './context.js';
import { instantField, textField } from './fields.js';

/**
 * NGN-54: where duties survive the contract, their records stay possible after the end and after the
 * personal data was deleted (by reference); otherwise only while the data is there.
 */
function requireRecordable(ctx: ContractContext): void {
  const { state, input, catalog } = ctx;
  if (state.status === 'applied' || state.status === 'rejected') conflict(`contract ${input.contractId} is ${state.status}`);
  const deleted = state.aftermath?.personalDataDeletedOn;
  if (deleted && !catalog.survivingDuties.value) conflict(`the contract data was deleted on ${deleted}`);
}

function validateDisclosure(ctx: ContractContext, d: DisclosureInput): void {
  const { state, input } = ctx;
  const clause = noticeClauseOf(ctx.catalog, 'disclosure');
  if (!clause) invalid('terms', `disclosures to authorities are not notified under ${input.terms}; this contract is ${input.terms}`);
  requireRecordable(ctx);
  if (d.disclosureId && state.disclosures?.some((x) => x.id === d.disclosureId)) conflict(`disclosure ${d.disclosureId} is already recorded`);
  textField('authority', d.authority);
  textField('legalBasis', d.legalBasis);
  textField('scope', d.scope, 2000);
  const at = instantField('disclosureAt', d.disclosureAt)!;
  // NGN-46: the notice comes first; a notice after the fact needs the reason it could not.
  if (at <= Date.now() && !d.whyNotPrior?.trim()) {
    invalid(
      'whyNotPrior',
      `${clause}: the disclosure at ${d.disclosureAt} is not in the future, so the contractor can no longer be told first; state why prior notice was impossible or extremely difficult`,
    );
  }
}

/** NGN-46: tells the contractor at once — before a planned disclosure, or as soon as possible after one. */
async function disclose(ctx: ContractContext, d: DisclosureInput): Promise<Disclosure> {
  const { state, input } = ctx;
  const clause = noticeClauseOf(ctx.catalog, 'disclosure') ?? '';
  state.seq += 1;
  const prior = Date.parse(d.disclosureAt) > Date.now();
  const x: Disclosure = {
    id: d.disclosureId ?? `D${state.seq}`,
    authority: d.authority.trim(),
    legalBasis: d.legalBasis.trim(),
    scope: d.scope.trim(),
    disclosureAt: d.disclosureAt,
    prior,
    ...(prior ? {} : { whyNotPrior: (d.whyNotPrior ?? '').trim() }),
  };
  state.disclosures = [...(state.disclosures ?? []), x];
  const deleted = state.aftermath?.personalDataDeletedOn;
  if (deleted) {
    // NGN-54: recorded by reference; no contact data is left to send the NGN-46 notice to.
    x.noticeImpossible = `${ctx.catalog.survivingDuties.clause}: personal data deleted on ${deleted}; recorded by reference`;
    return x;
  }
  const proof = await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:disclosure:${clause}:${x.id}`,
    recipient: input.customer.email,
    ...disclosureNotice({ ...ctx.party(), ...x }),
  });
  if (proof.delivered) x.noticeSentAt = proof.sentAt;
  return x;
}

const CARRIER_ITEMS = ['name', 'address', 'communication-history'] as const;

function validateCarrierDisclosure(ctx: ContractContext, d: CarrierDisclosureInput): void {
  const consent = ctx.catalog.carrierDisclosureConsent;
  if (!consent.value) conflict(`${ctx.input.terms} has no consent to disclosures to other carriers (${consent.clause})`);
  requireRecordable(ctx);
  if (d.disclosureId && ctx.state.carrierDisclosures?.some((x) => x.id === d.disclosureId)) conflict(`disclosure ${d.disclosureId} is already recorded`);
  textField('carrier', d.carrier, 200);
  textField('purpose', d.purpose, 2000);
  const asked = instantField('requestedAt', d.requestedAt)!;
  const given = instantField('disclosedAt', d.disclosedAt)!;
  if (given < asked) invalid('disclosedAt', 'is before the request');
  if (given > Date.now()) invalid('disclosedAt', `${d.disclosedAt} is in the future; record a disclosure once it is made`);
  if (!Array.isArray(d.items) || d.items.length === 0 || d.items.some((i) => !CARRIER_ITEMS.includes(i))) {
    invalid('items', `one or more of ${CARRIER_ITEMS.join(', ')}`);
  }
}

/** NGN-48: who asked, what kinds of data were given and when — the kinds, never the data. */
function recordCarrierDisclosure(ctx: ContractContext, d: CarrierDisclosureInput): CarrierDisclosure {
  const { state } = ctx;
  state.seq += 1;
  const x: CarrierDisclosure = {
    id: d.disclosureId ?? `CD${state.seq}`,
    clauseId: ctx.catalog.carrierDisclosureConsent.clause,
    carrier: d.carrier.trim(),
    requestedAt: d.requestedAt,
    items: [...new Set(d.items)],
    disclosedAt: d.disclosedAt,
    purpose: d.purpose.trim(),
    recordedOn: ctx.today(),
  };
  state.carrierDisclosures = [...(state.carrierDisclosures ?? []), x];
  return x;
}

function validateMalwareAlert(ctx: ContractContext, a: MalwareAlertInput): void {
  const { state, input } = ctx;
  if (!noticeClauseOf(ctx.catalog, 'malware-alert')) invalid('terms', `malware alerts are not sent under ${input.terms}; this contract is ${input.terms}`);
  ctx.requireActive();
  if (a.alertId && state.malwareAlerts?.some((x) => x.id === a.alertId)) conflict(`alert ${a.alertId} was already sent`);
  // A sealed address (issue 16: checked by the API before it was sealed with the contract's data key) passes.
  if (!isSealed(a.ipAddress) && (typeof a.ipAddress !== 'string' || !/^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/.test(a.ipAddress))) {
    invalid('ipAddress', `not an IPv4 or IPv6 address: ${a.ipAddress}`);
  }
  const at = instantField('observedAt', a.observedAt)!;
  if (at > Date.now()) invalid('observedAt', `${a.observedAt} is in the future`);
  textField('source', a.source);
  textField('detail', a.detail, 2000);
}

/** TNC-45: the optional alert, sent when ops decide the service is at risk. */
async function sendMalwareAlert(ctx: ContractContext, a: MalwareAlertInput): Promise<MalwareAlert> {
  const { state, input } = ctx;
  const clause = noticeClauseOf(ctx.catalog, 'malware-alert') ?? '';
  state.seq += 1;
  const x: MalwareAlert = {
    id: a.alertId ?? `M${state.seq}`,
    ipAddress: a.ipAddress,
    observedAt: a.observedAt,
    source: a.source.trim(),
    detail: a.detail.trim(),
  };
  state.malwareAlerts = [...(state.malwareAlerts ?? []), x];
  const proof = await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:malware-alert:${clause}:${x.id}`,
    recipient: input.customer.email,
    ...malwareAlertNotice({ ...ctx.party(), ...x }),
  });
  if (proof.delivered) x.noticeSentAt = proof.sentAt;
  return x;
}

export const disclosures: ContractModule = {
  name: 'disclosures',
  register(ctx) {
    setHandler(recordDisclosure, (d) => disclose(ctx, d), { validator: (d) => validateDisclosure(ctx, d) });
    setHandler(alertMalware, (a) => sendMalwareAlert(ctx, a), { validator: (a) => validateMalwareAlert(ctx, a) });
    setHandler(recordCarrierDisclosureUpdate, (d) => recordCarrierDisclosure(ctx, d), { validator: (d) => validateCarrierDisclosure(ctx, d) });
  },
};
