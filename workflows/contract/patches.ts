/**
 * Patch ids of the contract workflow (docs/VERSIONING.md): each names one change to what a running
 * contract records. `patched(id)` is true for new code and for histories recorded with it, false when
 * a history recorded before the change is replayed, which then takes the old branch. Ids are forever:
 * never reuse one for another change.
 *
 * Each patch is called only where its branch differs, so a history shows the marker only when the
 * change mattered to it.
 */
export const PATCHES = {
  /**
   * JP-INVOICE: every invoice is a 適格請求書 (issuer, registration number, recipient, transaction
   * dates, totals per rate); consumption tax computed once per invoice per rate instead of per line;
   * corrections are new invoices. Called when an invoice is issued.
   */
  jpInvoice: 'jp-invoice-v1',
  /**
   * TNC-30 (TNC-26.4, TNC-27.3): on the docomo-billed course the month's charges are assigned to
   * docomo through the carrier channel instead of being invoiced to the customer. Called when a close
   * or the final bill has days of a carrier-billed plan.
   */
  carrierBilling: 'tnc-30-carrier-billing-v1',
  /**
   * TNC-26.2: the fee and its tax for unusable days are exempted as a credit of their own (outages
   * and 第39条 stops), the larger of it and TNC-42.1 damages for the same days. Called at a
   * restoration or at the end of a stop where the catalog has a fee exemption.
   */
  feeExemption: 'tnc-26-2-fee-exemption-v1',
  /**
   * NGN-41 2項 / NGN-40 2項: open invoices fall due at once only on the contractor's cancellation and
   * on a termination under 第40条1項; other ends keep each invoice's due date. Called at a
   * termination and at the end of a contract whose catalog accelerates anything.
   */
  accelerationByGround: 'acceleration-by-ground-v1',
  /**
   * NGN-22 / NGN-21 / TNC-29 / TNC-29.2: no late damages on a late-damages invoice; the NGN-18
   * 違約金 on its own invoice under the 第19条2項 due-date rule; transfer fees stated on reminders.
   */
  paymentTerms: 'ngn-22-payment-terms-v1',
  /**
   * NGN-13.2 / TNC-15: a plan change is formed when its acceptance notice is sent and its price
   * applies from that day (before: from the 1st of the next month). Called when a change is accepted.
   */
  planChangeOnAcceptance: 'ngn-13-2-plan-change-on-acceptance-v1',
  /**
   * NGN-37 (1): a non-payment stoppage starts no earlier than 7 days after its prior notice (民法 第140条:
   * the day after the notice counts first). Called when a suspension with a prior notice is scheduled.
   */
  suspensionNoticeLead: 'suspension-notice-lead-v1',
  /**
   * TNC-18 1項: a TNC-41 stoppage designates a period to remove its cause; once it has passed uncured
   * the provider may terminate. Called when such a stoppage is scheduled.
   */
  tnc18CurePeriod: 'tnc-18-cure-period-v1',
  /** TNC-40: a violation's window is the catalog's own cure window, not the demand period. */
  tnc40OwnWindow: 'tnc-40-own-window-v1',
  /**
   * NGN-2 / TNC-3: a terms change takes effect for a contract counted from that contract's own
   * delivered notice (a failed notice keeps it on its terms until resent).
   */
  announcementOwnLead: 'announcement-own-lead-v1',
  /** NGN-15: a succession needs the provider's approval; the decision is written to the contractor. */
  ngn15Decision: 'ngn-15-decision-v1',
  /** NGN-54: after the end the surviving duties (disclosures, certificate) are kept by the workflow. */
  ngn54Survival: 'ngn-54-survival-v1',
  /**
   * Issue 18 (the month-close wave): a new contract keeps the months with reported usage in its state
   * (`unbilledUsageMonths`), and a close or final bill asks the database for unbilled usage
   * (activity collectUnbilledUsage) only when one of them is due; the lines billed are the same.
   * Called once, when a new contract starts.
   */
  usageTrackedClose: 'usage-tracked-close-v1',
  /**
   * Issue 18 (command latency): an accept reads the holiday table (activity loadCalendar) beside the
   * formation step (NGN-11 acceptance notice / TNC-12 database entry) instead of after it; the
   * contract formed is the same. Called at every accept.
   */
  acceptCalendarAlongside: 'accept-calendar-alongside-v1',
  /**
   * Issue 18 (command latency): an accept keeps the holiday table read when the application arrived
   * (awaitDecision) when a read now would cover the same years (the same JST year), instead of
   * reading it again; a later year still reads it (beside the formation step). The table is the
   * same. Called at an accept whose table in hand is current.
   */
  acceptCalendarReuse: 'accept-calendar-reuse-v1',
  /**
   * Issue 18 (a month's history): when another deadline is already due after one is handled, the
   * loop handles it before saving the projection (activity saveContract) instead of saving after
   * each; the projection saved before the next wait is the same. Called when a deadline is handled
   * and another is due at once.
   */
  saveOncePerDueBurst: 'save-once-per-due-burst-v1',
  /**
   * Issue 18 (round trips per month): the projection save (saveContract), the holiday-table read
   * (loadCalendar) and the invoice write (issueInvoice) run as local activities
   * (activities/local.ts) in the workflow task that asks for them; each is recorded as one marker
   * carrying its arguments and result instead of three activity events and a workflow task. The
   * rows written are the same. Called at each of those three steps.
   */
  localBookkeeping: 'local-bookkeeping-v1',
  /**
   * Issue 18 (round trips per notice): a notice (outbox row, SMTP, proof; workflows/notify.ts) is
   * delivered by a local activity in the workflow task that asks for it, with the same retries and
   * 2-hour delivery window (each retry waits on a workflow timer) and the same escalation; it is
   * recorded as one marker carrying the request and the proof. Called at every notice.
   */
  localNotices: 'local-notices-v1',
  /**
   * Replay safety (workflows/local-gate.ts): a local activity asked for while another of the same
   * workflow is in flight waits for it instead of running beside it, so live and replayed runs
   * resolve local activities in the same activations (SDK 1.24 groups them differently on replay,
   * which swapped two timers of a rejection whose notice failed). Called only when a local activity
   * would otherwise have run beside another.
   */
  localOneAtATime: 'local-activities-one-at-a-time-v1',
} as const;
