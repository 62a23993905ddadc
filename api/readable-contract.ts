/** The contract a read route is about, for routers that read from the database. */
import type { Request } from 'express';
import type { Db } from '../db/client.js';
import { assertCanRead } from './auth.js';
import { contractIdOf } from './contract-id.js';
import { HttpError } from './errors.js';

/** The contract row of `:id`, after checking the caller may read it (404 for unknown or not theirs). */
export async function readableContract(db: Db, req: Request) {
  const id = contractIdOf(req);
  const contract = await db.contract.findUnique({ where: { id } });
  if (!contract) throw new HttpError(404, 'not_found', `contract ${id} does not exist`);
  assertCanRead(req.principal, contract.customerId, id);
  return contract;
}
