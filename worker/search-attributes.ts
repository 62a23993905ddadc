/**
 * Custom search attributes the contract workflows set, so ops can list contracts by 約款, status
 * and next deadline in the Temporal UI (e.g. `YakkanNextDeadline < "2026-12-01T00:00:00Z"`).
 */
export const SEARCH_ATTRIBUTES = {
  YakkanTerms: 'Keyword',
  YakkanStatus: 'Keyword',
  YakkanNextDeadline: 'Datetime',
} as const;

/** `temporal server start-dev` flags registering them. */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = Object.entries(SEARCH_ATTRIBUTES).flatMap(([k, t]) => [
  '--search-attribute',
  `${k}=${t}`,
]);
