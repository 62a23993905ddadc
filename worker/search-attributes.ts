/** Registering the contract workflow's search attributes (workflows/search-attributes.ts). */
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

/** `temporal server start-dev` flags: Keyword / Datetime, as the CLI spells the types. */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = CONTRACT_SEARCH_ATTRIBUTES.flatMap((k) => [
  '--search-attribute',
  `${k.name}=${k.type === 'KEYWORD' ? 'Keyword' : 'Datetime'}`,
]);

const ALREADY_EXISTS = 6; // gRPC status

/**
 * Registers them through the operator API, one by one, so a namespace that already has some (a
 * restart, a dev server started with the flags) gets the missing ones. A workflow that upserts an
 * unregistered attribute fails its workflow task, so the worker does this before it polls.
 */
export async function registerSearchAttributes(connection: Connection, namespace = 'default'): Promise<void> {
  for (const k of CONTRACT_SEARCH_ATTRIBUTES) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [k.name]: encodeSearchAttributeIndexedValueType(k.type)! },
      });
    } catch (e) {
      if (isGrpcServiceError(e) && e.code === ALREADY_EXISTS) continue;
      throw new Error(`registering search attribute ${k.name} (${k.type}) in namespace ${namespace} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
