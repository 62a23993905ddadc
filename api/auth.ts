/**
 * API keys with roles, configured by YAKKAN_API_KEYS; deny by default.
 *   YAKKAN_API_KEYS="k1=ops,k2=auditor,k3=customer:CUST-001"
 * ops: write and read all; auditor: read all; customer: read only contracts whose customer id is theirs.
 */
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.js';

export type Role = 'ops' | 'auditor' | 'customer';
export interface Principal {
  role: Role;
  customerId?: string;
  /** A short fingerprint of the API key (never the key): scopes idempotency keys to their sender. */
  keyId?: string;
}
export type KeyTable = ReadonlyMap<string, Principal>;

export function parseApiKeys(spec: string | undefined): KeyTable {
  const table = new Map<string, Principal>();
  for (const raw of (spec ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`YAKKAN_API_KEYS: entry "${entry}" is not key=role`);
    const key = entry.slice(0, eq);
    const [role, customerId] = entry.slice(eq + 1).split(':');
    if (key.length < 16) throw new Error(`YAKKAN_API_KEYS: key for ${role} is shorter than 16 characters`);
    if (role === 'ops' || role === 'auditor') table.set(key, { role });
    else if (role === 'customer' && customerId) table.set(key, { role, customerId });
    else throw new Error(`YAKKAN_API_KEYS: "${entry.slice(eq + 1)}" is not ops, auditor or customer:<customerId>`);
  }
  return table;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The principal of a presented key. Every configured key is compared, each as a SHA-256 digest with
 * timingSafeEqual: the time taken depends neither on where the first difference is nor on the
 * length of either key, and no key is skipped early.
 */
function lookup(keys: KeyTable, presented: string): Principal | undefined {
  const p = digest(presented);
  let found: Principal | undefined;
  for (const [key, principal] of keys) {
    if (timingSafeEqual(digest(key), p) && !found) found = { ...principal, keyId: p.toString('hex').slice(0, 16) };
  }
  return found;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(keys: KeyTable) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (header === undefined) {
      const hint = req.get('x-api-key') !== undefined ? ' (X-API-Key is not supported)' : '';
      return next(new HttpError(401, 'unauthenticated', `an API key is required: Authorization: Bearer <key>${hint}`));
    }
    const m = /^Bearer +([\x21-\x7e]{1,256})$/i.exec(header);
    if (!m) return next(new HttpError(401, 'unauthenticated', 'the Authorization header must be "Bearer <key>"'));
    const principal = lookup(keys, m[1]!);
    if (!principal) return next(new HttpError(401, 'unauthenticated', 'the API key is not recognised'));
    req.principal = principal;
    next();
  };
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const role = req.principal?.role;
    if (!role || !roles.includes(role)) {
      return next(new HttpError(403, 'forbidden', `this action needs the ${roles.join(' or ')} role; the key has ${role ?? 'none'}`));
    }
    next();
  };
}

/** A customer may see only its own contracts; others get 404 so ids cannot be probed. */
export function assertCanRead(principal: Principal | undefined, contractCustomerId: string, contractId: string): void {
  if (!principal) throw new HttpError(401, 'unauthenticated', 'an API key is required');
  if (principal.role === 'customer' && principal.customerId !== contractCustomerId) {
    throw new HttpError(404, 'not_found', `contract ${contractId} does not exist`);
  }
}
