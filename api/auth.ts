/**
 * API keys with roles, configured by YAKKAN_API_KEYS; deny by default.
 *   YAKKAN_API_KEYS="k1=ops,k2=auditor,k3=customer:CUST-001"
 * ops: write and read all; auditor: read all; customer: read only contracts whose customer id is theirs.
 */
import type { NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.js';

export type Role = 'ops' | 'auditor' | 'customer';
export interface Principal {
  role: Role;
  customerId?: string;
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

function lookup(keys: KeyTable, presented: string): Principal | undefined {
  const p = Buffer.from(presented);
  for (const [key, principal] of keys) {
    const k = Buffer.from(key);
    if (k.length === p.length && timingSafeEqual(k, p)) return principal;
  }
  return undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(keys: KeyTable) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const presented = m?.[1] ?? req.get('x-api-key');
    if (!presented) return next(new HttpError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)'));
    const principal = lookup(keys, presented);
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
