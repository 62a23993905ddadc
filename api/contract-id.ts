/**
 * Contract ids in paths. A contract id is its workflow id, so a path id that is not a contract id —
 * malformed, or the id of a fan-out workflow (announcement-…, carrier-settlement-…) — must never
 * reach a workflow: it is a 404 before any Temporal call.
 */
import type { Request } from 'express';
import { HttpError } from './errors.js';

/** Workflow id prefixes of the fan-out workflows (workflows/fanout-messages.ts): never a contract. */
export const RESERVED_ID_PREFIXES = ['announcement-', 'carrier-settlement-'] as const;

const CONTRACT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;

export function isContractId(id: string): boolean {
  return CONTRACT_ID_RE.test(id) && !RESERVED_ID_PREFIXES.some((p) => id.startsWith(p));
}

/** The `:id` of the request as a contract id; 404 when it cannot be one. */
export function contractIdOf(req: Request, param = 'id'): string {
  const id = String(req.params[param] ?? '');
  if (!isContractId(id)) throw new HttpError(404, 'not_found', `contract ${JSON.stringify(id.slice(0, 80))} does not exist`);
  return id;
}
