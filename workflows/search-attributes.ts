/**
 * Search attributes of the contract workflow, so ops can list contracts by 約款, status and
 * deadline in the Temporal UI (or `temporal workflow list --query`), e.g. the contracts whose
 * NGN-39 non-renewal deadline falls this week:
 *
 *   YakkanNonRenewalDeadline >= "2026-11-23T00:00:00+09:00" AND YakkanNonRenewalDeadline < "2026-11-30T00:00:00+09:00"
 *
 * The namespace must have them registered: `npm start` passes them to the dev server, the worker
 * and the tests register them at start-up (worker/search-attributes.ts).
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/** 'NGN' | 'TNC'. */
export const YAKKAN_TERMS = defineSearchAttributeKey('YakkanTerms', SearchAttributeType.KEYWORD);
/** applied | rejected | active | ended (ContractState.status). */
export const YAKKAN_STATUS = defineSearchAttributeKey('YakkanStatus', SearchAttributeType.KEYWORD);
/** The instant of the workflow's next durable deadline (month close, renewal, end, …). */
export const YAKKAN_NEXT_DEADLINE = defineSearchAttributeKey('YakkanNextDeadline', SearchAttributeType.DATETIME);
/** NGN-39: 00:00 JST of the last day a non-renewal notice can arrive; unset when none applies. */
export const YAKKAN_NON_RENEWAL_DEADLINE = defineSearchAttributeKey('YakkanNonRenewalDeadline', SearchAttributeType.DATETIME);

export const CONTRACT_SEARCH_ATTRIBUTES = [YAKKAN_TERMS, YAKKAN_STATUS, YAKKAN_NEXT_DEADLINE, YAKKAN_NON_RENEWAL_DEADLINE];
