/**
 * Temporal histories as the proto3 JSON form other Temporal tools read and write
 * (`temporal workflow show --output json`, the Web UI download, `Worker.runReplayHistories`).
 *
 * Why not `historyToJSON` / `historyFromJSON` from `@temporalio/common/lib/proto-utils`: they
 * convert with `protobufjs/ext/protojson` resolved from `@temporalio/common`, but check message
 * types built by `@temporalio/proto`. When npm installs two copies of protobufjs 8 (one under each
 * package, as it does in this tree because grpc pins protobufjs 7 at the top level), the
 * `instanceof Type` check fails with "type must be a Type". Here the converter is taken from the
 * protobufjs copy that `@temporalio/proto` itself loads, so types and converter always match.
 */
import { createRequire } from 'node:module';
import type { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One history event in proto JSON: camelCase fields, int64 as strings, enums as EVENT_TYPE_… names. */
export interface JsonEvent {
  eventId: string;
  eventTime?: string;
  eventType: string;
  [attributes: string]: unknown;
}
export interface JsonHistory {
  events: JsonEvent[];
}

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}
interface HistoryCodec {
  type: unknown;
  create(h: History): unknown;
  encode(h: History): Uint8Array;
  protojson: ProtoJson;
}

let codec: HistoryCodec | undefined;
function historyCodec(): HistoryCodec {
  if (codec) return codec;
  const here = createRequire(import.meta.url);
  const protoEntry = here.resolve('@temporalio/proto');
  const fromProto = createRequire(protoEntry);
  const proto = fromProto(protoEntry) as typeof import('@temporalio/proto');
  const { patchProtobufRoot } = fromProto('../lib/patch-protobuf-root.js') as {
    patchProtobufRoot: (root: unknown) => { lookupType(name: string): unknown };
  };
  const protojson = fromProto('protobufjs/ext/protojson') as ProtoJson;
  const type = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');
  codec = {
    type,
    create: (h) => proto.temporal.api.history.v1.History.fromObject(h as Record<string, unknown>),
    encode: (h) => proto.temporal.api.history.v1.History.encode(h).finish(),
    protojson,
  };
  return codec;
}

/** A fetched history (protobuf objects, Long ids) → proto JSON object. */
export function historyToJson(history: History): JsonHistory {
  const c = historyCodec();
  return c.protojson.toJson(c.type, c.create(history)) as JsonHistory;
}

/** A fetched history as the protobuf bytes the server stores and sends (to search them for a value). */
export function historyBytes(history: History): Buffer {
  return Buffer.from(historyCodec().encode(history));
}

/** Proto JSON (parsed) → a history object `Worker.runReplayHistories` accepts as is. */
export function historyFromJson(json: unknown): History {
  if (!json || typeof json !== 'object' || !Array.isArray((json as JsonHistory).events)) {
    throw new TypeError('not a Temporal history: expected an object with an "events" array');
  }
  const c = historyCodec();
  const events = (json as JsonHistory).events.map(normaliseEvent);
  const h = c.protojson.fromJson(c.type, { events }, { ignoreUnknownFields: true });
  if (!h) throw new TypeError('not a Temporal history');
  return h as History;
}

/**
 * Older tools (tctl, early Web UI downloads) write enum values in PascalCase ("WorkflowExecutionStarted",
 * "Normal"); proto JSON wants the constant names. Rewrites the enums a history commonly holds.
 */
function normaliseEvent(e: JsonEvent): JsonEvent {
  const attrKey = Object.keys(e).find((k) => k.endsWith('EventAttributes'));
  if (!attrKey) throw new TypeError(`history event ${e.eventId} has no *EventAttributes`);
  const attrs = { ...(e[attrKey] as Record<string, unknown>) };
  const fix = (o: Record<string, unknown>, field: string, prefix: string) => {
    const v = o[field];
    if (typeof v === 'string' && !v.startsWith(prefix)) o[field] = `${prefix}_${constantCase(v)}`;
  };
  if (attrs.taskQueue && typeof attrs.taskQueue === 'object') {
    const tq = { ...(attrs.taskQueue as Record<string, unknown>) };
    fix(tq, 'kind', 'TASK_QUEUE_KIND');
    attrs.taskQueue = tq;
  }
  fix(attrs, 'parentClosePolicy', 'PARENT_CLOSE_POLICY');
  fix(attrs, 'workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY');
  fix(attrs, 'initiator', 'CONTINUE_AS_NEW_INITIATOR');
  fix(attrs, 'retryState', 'RETRY_STATE');
  const out: JsonEvent = { ...e, [attrKey]: attrs };
  fix(out as Record<string, unknown>, 'eventType', 'EVENT_TYPE');
  return out;
}

function constantCase(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The attributes object of a JSON event (e.g. `workflowExecutionStartedEventAttributes`). */
export function attributesOf(e: JsonEvent): Record<string, unknown> {
  const k = Object.keys(e).find((key) => key.endsWith('EventAttributes'));
  return (k ? (e[k] as Record<string, unknown>) : {}) ?? {};
}

/** 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' → 'WorkflowExecutionStarted'. */
export function eventName(e: JsonEvent): string {
  return e.eventType
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
}
