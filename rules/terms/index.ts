/**
 * Terms catalog registry: one append-only array of versions per 約款.
 *
 * Adding a version = appending a new frozen catalog to `NGN_VERSIONS` / `TNC_VERSIONS`; existing
 * objects are never edited, so a workflow that recorded `{ id, version }` always gets the same
 * parameters back on replay.
 */
import { NGN_2020_02_01 } from './ngn.js';
import { TNC_2022_07_01 } from './tnc.js';
import { deepFreeze } from './freeze.js';
import type { TermsCatalog, TermsId } from './types.js';

export * from './types.js';
export { NGN_2020_02_01 } from './ngn.js';
export { TNC_2022_07_01 } from './tnc.js';

export const NGN_VERSIONS: readonly TermsCatalog[] = Object.freeze([NGN_2020_02_01]);
export const TNC_VERSIONS: readonly TermsCatalog[] = Object.freeze([TNC_2022_07_01]);

const REGISTRY = new Map<TermsId, readonly TermsCatalog[]>([
  ['NGN', NGN_VERSIONS],
  ['TNC', TNC_VERSIONS],
]);

/**
 * Adds a 約款 that is not built in (docs/ADDING-TERMS.md): its catalog versions, frozen. Only a
 * new id can be added; the versions of a registered 約款 are never replaced. Import the module that
 * calls this from the workflow bundle's entry and from the worker, so both sides see the same catalog.
 */
export function registerTerms(versions: readonly TermsCatalog[]): void {
  const id = versions[0]?.id;
  if (!id || versions.some((v) => v.id !== id)) throw new RangeError('registerTerms: one 約款 id per call, at least one version');
  if (REGISTRY.has(id)) throw new RangeError(`terms ${id} are already registered`);
  REGISTRY.set(id, Object.freeze(versions.map((v) => deepFreeze(v))));
}

/** Ids of every registered 約款. */
export function listTermsIds(): TermsId[] {
  return [...REGISTRY.keys()];
}

function versionsOf(id: TermsId): readonly TermsCatalog[] {
  const list = REGISTRY.get(id);
  if (!list) throw new RangeError(`Unknown terms id: ${String(id)}`);
  // Sorted copy, oldest first (versions are 'YYYY-MM-DD', so string order = date order).
  return [...list].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

/** Versions of a 約款, oldest first. */
export function listTermsVersions(id: TermsId): string[] {
  return versionsOf(id).map((c) => c.version);
}

/** The catalog of `id` at `version`, or the latest version when omitted. Throws on an unknown version. */
export function getTerms(id: TermsId, version?: string): TermsCatalog {
  const list = versionsOf(id);
  if (version === undefined) {
    const latest = list[list.length - 1];
    if (!latest) throw new RangeError(`No versions registered for ${id}`);
    return latest;
  }
  const found = list.find((c) => c.version === version);
  if (!found) throw new RangeError(`Unknown ${id} terms version ${version}; known: ${list.map((c) => c.version).join(', ')}`);
  return found;
}

/** The version of `id` in force on `date` ('YYYY-MM-DD'), or undefined before the first one. */
export function termsInForceOn(id: TermsId, date: string): TermsCatalog | undefined {
  let current: TermsCatalog | undefined;
  for (const c of versionsOf(id)) if (c.inForceFrom <= date) current = c;
  return current;
}
