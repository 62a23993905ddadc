/**
 * The business refusals an update validator (or a workflow start) may throw, by ApplicationFailure
 * type, with the HTTP status the API answers for each. Pure data with no Temporal import, so
 * workflows/refusals.ts (which throws them) and api/errors.ts (which maps them) share one list.
 */
export const REFUSAL_STATUS = {
  /** A field of the command is wrong; the field travels in the failure's details. */
  InvalidCommand: 422,
  /** The command does not fit the contract's state (already accepted, not active, twice, …). */
  CommandConflict: 409,
  /** A notice arrived after its deadline (NGN-39, NGN-41 / TNC-17); the deadline travels in the details. */
  LateNotice: 422,
  /** The notice a command depends on could not be delivered (SMTP down); ops were alerted. */
  NoticeUndeliverable: 503,
  /** The Idempotency-Key was already used for another command on this contract (workflows/contract/guard.ts). */
  IdempotencyKeyReused: 422,
  /** A bug inside the workflow failed the command; the contract carries on and ops were alerted (guard.ts). */
  CommandFailed: 500,
} as const satisfies Record<string, number>;

export type RefusalType = keyof typeof REFUSAL_STATUS;

export function isRefusalType(type: string | null | undefined): type is RefusalType {
  return typeof type === 'string' && Object.hasOwn(REFUSAL_STATUS, type);
}
