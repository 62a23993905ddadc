/**
 * Test-only workflows around workflows/notify.ts (bundled by test/notices/carrier.test.ts), so the
 * carrier delivery policy is exercised before the contract workflow calls it.
 */
import { notifyCarrierOfEvent, type CarrierEventInput } from '../../workflows/notify.js';
import type { CarrierProof } from '../../activities/types.js';

/** Notifies docomo of one event (TNC-15/17/18/41) and returns the proof, or null when not applicable. */
export async function carrierEventWorkflow(e: CarrierEventInput): Promise<CarrierProof | null> {
  return (await notifyCarrierOfEvent(e)) ?? null;
}
