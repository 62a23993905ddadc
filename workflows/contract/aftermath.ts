/**
 * After the end (NGN-43, TNC-37.5): where the catalog requires it, the contractor returns equipment
 * and submits an erasure certificate, reminded every interval until it arrives (then ops take over);
 * after the retention period the customer's personal data is deleted and the customer is told.
 */
import { condition, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { addDays, jstDateOf, jstMidnightMs } from '../../rules/calendar.js';
import type { ErasureCertificateInput } from '../../model/contract.js';
import { noticeClauseOf } from '../../notices/catalogue.js';
import { dataDeletionNotice, erasureCertificateReminder } from '../../notices/templates.js';
import { submitErasureCertificate } from '../contract-messages.js';
import { notify } from '../notify.js';
import { conflict } from '../refusals.js';
import { acts, type ContractContext, type ContractModule } from './context.js';
import { PATCHES } from './patches.js';

export const aftermath: ContractModule = {
  name: 'aftermath',
  register(ctx) {
    const { state, catalog } = ctx;
    setHandler(
      submitErasureCertificate,
      async (c: ErasureCertificateInput) => {
        state.aftermath = { ...(state.aftermath ?? { reminders: 0 }), certificateOn: ctx.today(), equipmentReturned: c.equipmentReturned };
        return ctx.view();
      },
      {
        validator: (_c: ErasureCertificateInput) => {
          if (state.status !== 'ended') conflict(`${catalog.erasureCertificate.clause}: the erasure certificate is due after the contract has ended`);
          if (!catalog.erasureCertificate.value) conflict(`${ctx.input.terms} requires no erasure certificate (${catalog.erasureCertificate.clause})`);
          if (state.aftermath?.certificateOn) conflict(`the certificate was received on ${state.aftermath.certificateOn}`);
        },
      },
    );
  },
};

/**
 * Runs once the contract has ended: certificate reminders, then deletion after the retention
 * period; where duties survive the contract (NGN-54), the workflow then stays to record them.
 */
export async function runAftermath(ctx: ContractContext): Promise<void> {
  const { state, catalog } = ctx;
  if (!state.aftermath?.personalDataDeletedOn) await remindAndDelete(ctx);
  if (catalog.survivingDuties.value && patched(PATCHES.ngn54Survival)) await survive(ctx);
}

/** Records a run takes after the deletion before it continues as new (keeps each run's history short). */
const SURVIVAL_RECORDS_PER_RUN = 100;

/**
 * NGN-54: 第43–48条 survive the contract. The contract keeps taking NGN-46 / NGN-48 disclosure
 * records and the NGN-43 erasure certificate after its personal data was deleted (by reference,
 * without the deleted data); it never completes, continuing as new now and then.
 */
async function survive(ctx: ContractContext): Promise<void> {
  const count = () => (ctx.state.disclosures?.length ?? 0) + (ctx.state.carrierDisclosures?.length ?? 0) + (ctx.state.aftermath?.certificateOn ? 1 : 0);
  const atStart = count();
  await condition(() => count() - atStart >= SURVIVAL_RECORDS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await ctx.continueAsNew();
}

async function remindAndDelete(ctx: ContractContext): Promise<void> {
  const { state, input, catalog } = ctx;
  const cert = catalog.erasureCertificate.value;
  const party = ctx.party();
  const terminatedOn = state.endDate ?? jstDateOf(Date.now());
  // The certificate handler replaces state.aftermath, so it is read afresh each time.
  const after = () => (state.aftermath ??= { reminders: 0 });
  after();
  if (cert?.required) {
    while (!after().certificateOn && after().reminders < cert.maxReminders) {
      const got = await condition(() => !!state.aftermath?.certificateOn, `${cert.reminderIntervalDays} days`);
      if (got) break;
      after().reminders += 1;
      await notify({
        contractId: input.contractId,
        idempotencyKey: `${input.contractId}:erasure-reminder:${after().reminders}:${catalog.erasureCertificate.clause}`,
        recipient: input.customer.email,
        ...erasureCertificateReminder({ ...party, clauseId: catalog.erasureCertificate.clause, terminatedOn, reminderNo: after().reminders, maxReminders: cert.maxReminders }),
      });
    }
    if (!after().certificateOn) after().escalated = true; // reminders exhausted: ops follow up
  }
  const retention = catalog.retentionDaysAfterTermination;
  const deleteAtMs = jstMidnightMs(addDays(terminatedOn, retention.value + 1));
  if (deleteAtMs > Date.now()) await sleep(deleteAtMs - Date.now());
  const clauseId = noticeClauseOf(catalog, 'data-deletion') ?? retention.clause;
  await notify({
    contractId: input.contractId,
    idempotencyKey: `${input.contractId}:data-deletion:${clauseId}`,
    recipient: input.customer.email,
    ...dataDeletionNotice({ ...party, clauseId, terminatedOn, deletedOn: ctx.today(), retentionDays: retention.value }),
  });
  await acts.erasePersonalData(input.contractId);
  after().personalDataDeletedOn = ctx.today();
  state.faultContact = undefined; // NGN-52 contact: personal data too
  await ctx.save();
}
