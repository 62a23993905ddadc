/**
 * What a contract's Temporal history says, as plain facts: runs, updates, timers, activities and
 * the contract states the workflow reported. Pure: proto-JSON events in, objects out. Tolerant of
 * event kinds it does not know (they are counted, not interpreted), so it keeps working while the
 * workflow grows.
 */
import { attributesOf, eventName, historyToJson, type HistoryEvent, type JsonEvent, type JsonHistory } from './history-json.js';
import { decodePayloads, firstPayload } from './payloads.js';

export type RunStatus = 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew' | 'TimedOut' | 'Canceled';

export interface RunHistory {
  /** 1-based position in the continue-as-new chain. */
  n: number;
  runId: string;
  history: JsonHistory;
}

export interface RunFacts {
  n: number;
  runId: string;
  workflowType?: string;
  taskQueue?: string;
  startedAt?: string;
  closedAt?: string;
  status: RunStatus;
  eventCount: number;
  /** WorkflowExecutionStarted.continuedExecutionRunId: the run this one continues. */
  continuedFromRunId?: string;
  /** WorkflowExecutionContinuedAsNew.newExecutionRunId: the run that continues this one. */
  continuedToRunId?: string;
  firstExecutionRunId?: string;
  /** Termination reason or failure message, when the run closed that way. */
  closeReason?: string;
}

export interface UpdateFact {
  run: number;
  eventId: number;
  at: string;
  updateId?: string;
  name: string;
  args: unknown[];
  outcome: 'completed' | 'failed' | 'pending';
  completedAt?: string;
  result?: unknown;
  failure?: string;
}

export interface TimerFact {
  run: number;
  eventId: number;
  timerId: string;
  setAt: string;
  durationMs: number;
  /** Workflow time of the task that set the timer + its duration. */
  dueAt: string;
  status: 'fired' | 'cancelled' | 'pending' | 'open-at-close';
  /** The TimerFired event's id, when it fired. */
  firedEventId?: number;
  firedAt?: string;
  cancelledAt?: string;
}

export interface ActivityFact {
  run: number;
  eventId: number;
  activityId?: string;
  type: string;
  scheduledAt: string;
  input: unknown[];
  status: 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'pending';
  closedAt?: string;
  attempt?: number;
  result?: unknown;
  failure?: string;
  /** Set when the activity ran as a local activity (a marker, not activity events): the local activity's own name. */
  local?: string;
}

export interface LifecycleFact {
  run: number;
  eventId: number;
  at: string;
  kind: 'started' | 'continued-as-new' | 'completed' | 'failed' | 'terminated' | 'timed-out' | 'canceled' | 'signaled';
  detail: Record<string, unknown>;
}

/** A snapshot of the workflow's own view of the contract (update results, continue-as-new state, result). */
export interface StateFact {
  run: number;
  at: string;
  source: string;
  state: Record<string, unknown>;
}

export interface HistoryFacts {
  runs: RunFacts[];
  /** The first run's input (ContractInput). */
  input?: Record<string, unknown>;
  updates: UpdateFact[];
  timers: TimerFact[];
  activities: ActivityFact[];
  lifecycle: LifecycleFact[];
  states: StateFact[];
  /** Event types seen that this module does not interpret, with counts (workflow tasks excluded). */
  other: Record<string, number>;
}

const CLOSE_STATUS: Record<string, RunStatus> = {
  WorkflowExecutionCompleted: 'Completed',
  WorkflowExecutionFailed: 'Failed',
  WorkflowExecutionTerminated: 'Terminated',
  WorkflowExecutionContinuedAsNew: 'ContinuedAsNew',
  WorkflowExecutionTimedOut: 'TimedOut',
  WorkflowExecutionCanceled: 'Canceled',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** '618969.432s' (proto JSON Duration) → milliseconds. */
export function durationMs(d: unknown): number {
  if (typeof d !== 'string') return 0;
  const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(d);
  if (!m) return 0;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
}

function failureMessage(f: unknown): string | undefined {
  const o = obj(f);
  const msg = str(o.message);
  const type = str(obj(o.applicationFailureInfo).type);
  return msg ? (type ? `${type}: ${msg}` : msg) : undefined;
}

/** Facts of one run: its summary, the first/last events that make the chain. */
export function runFacts(run: RunHistory): RunFacts {
  const events = run.history.events;
  const first = events[0];
  const last = events.at(-1);
  const started = first ? attributesOf(first) : {};
  const facts: RunFacts = {
    n: run.n,
    runId: run.runId,
    workflowType: str(obj(started.workflowType).name),
    taskQueue: str(obj(started.taskQueue).name),
    startedAt: first?.eventTime,
    status: 'Running',
    eventCount: events.length,
    continuedFromRunId: str(started.continuedExecutionRunId),
    firstExecutionRunId: str(started.firstExecutionRunId),
  };
  if (last) {
    const status = CLOSE_STATUS[eventName(last)];
    if (status) {
      facts.status = status;
      facts.closedAt = last.eventTime;
      const a = attributesOf(last);
      if (status === 'ContinuedAsNew') facts.continuedToRunId = str(a.newExecutionRunId);
      if (status === 'Terminated') facts.closeReason = str(a.reason);
      if (status === 'Failed') facts.closeReason = failureMessage(a.failure);
    }
  }
  return facts;
}

/** Reads every run of a contract (in chain order) into facts. */
export function historyFacts(runs: readonly RunHistory[]): HistoryFacts {
  const out: HistoryFacts = { runs: [], updates: [], timers: [], activities: [], lifecycle: [], states: [], other: {} };
  for (const run of runs) {
    const rf = runFacts(run);
    out.runs.push(rf);
    const activities = new Map<string, ActivityFact>();
    const timers = new Map<string, TimerFact>();
    const updates = new Map<string, UpdateFact>();
    let lastTaskStartedMs: number | undefined;
    for (const e of run.history.events) {
      const name = eventName(e);
      const a = attributesOf(e);
      const id = Number(e.eventId);
      const at = e.eventTime ?? '';
      switch (name) {
        case 'WorkflowExecutionStarted': {
          const input = firstPayload(a.input);
          if (run === runs[0] && input && typeof input === 'object') out.input = input as Record<string, unknown>;
          out.lifecycle.push({
            run: run.n,
            eventId: id,
            at,
            kind: 'started',
            detail: { workflowType: rf.workflowType, taskQueue: rf.taskQueue, continuedFromRunId: rf.continuedFromRunId, attempt: a.attempt },
          });
          break;
        }
        case 'WorkflowTaskStarted':
          lastTaskStartedMs = Date.parse(at);
          break;
        case 'WorkflowTaskScheduled':
        case 'WorkflowTaskCompleted':
          break;
        case 'ActivityTaskScheduled': {
          const f: ActivityFact = {
            run: run.n,
            eventId: id,
            activityId: str(a.activityId),
            type: str(obj(a.activityType).name) ?? 'unknown',
            scheduledAt: at,
            input: decodePayloads(a.input),
            status: 'pending',
          };
          activities.set(String(id), f);
          out.activities.push(f);
          break;
        }
        case 'ActivityTaskStarted': {
          const f = activities.get(String(a.scheduledEventId));
          if (f && typeof a.attempt === 'number') f.attempt = a.attempt;
          break;
        }
        case 'ActivityTaskCompleted':
        case 'ActivityTaskFailed':
        case 'ActivityTaskTimedOut':
        case 'ActivityTaskCanceled': {
          const f = activities.get(String(a.scheduledEventId));
          if (!f) break;
          f.closedAt = at;
          f.status =
            name === 'ActivityTaskCompleted' ? 'completed' : name === 'ActivityTaskFailed' ? 'failed' : name === 'ActivityTaskTimedOut' ? 'timed-out' : 'cancelled';
          if (name === 'ActivityTaskCompleted') f.result = firstPayload(a.result);
          else f.failure = failureMessage(a.failure) ?? name;
          break;
        }
        case 'MarkerRecorded': {
          const f = localActivityFact(run.n, id, at, a);
          if (f) {
            out.activities.push(f);
            // A local activity's result moves workflow time on to its completion: a timer the task
            // starts after it counts from there.
            const done = f.closedAt ? Date.parse(f.closedAt) : NaN;
            if (Number.isFinite(done) && (lastTaskStartedMs === undefined || done > lastTaskStartedMs)) lastTaskStartedMs = done;
          } else out.other[name] = (out.other[name] ?? 0) + 1;
          break;
        }
        case 'TimerStarted': {
          const ms = durationMs(a.startToFireTimeout);
          // Workflow time is the start of the task that ran the code; the timer is due `ms` after it.
          const base = lastTaskStartedMs ?? Date.parse(at);
          const f: TimerFact = {
            run: run.n,
            eventId: id,
            timerId: String(a.timerId ?? id),
            setAt: at,
            durationMs: ms,
            dueAt: new Date(base + ms).toISOString(),
            status: 'pending',
          };
          timers.set(f.timerId, f);
          out.timers.push(f);
          break;
        }
        case 'TimerFired':
        case 'TimerCanceled': {
          const f = timers.get(String(a.timerId));
          if (!f) break;
          if (name === 'TimerFired') {
            f.status = 'fired';
            f.firedAt = at;
            f.firedEventId = id;
          } else {
            f.status = 'cancelled';
            f.cancelledAt = at;
          }
          break;
        }
        case 'WorkflowExecutionUpdateAccepted': {
          const req = obj(a.acceptedRequest);
          const input = obj(req.input);
          const updateId = str(obj(req.meta).updateId) ?? str(a.protocolInstanceId);
          const f: UpdateFact = {
            run: run.n,
            eventId: id,
            at,
            updateId,
            name: str(input.name) ?? 'unknown',
            args: decodePayloads(input.args),
            outcome: 'pending',
          };
          if (updateId) updates.set(updateId, f);
          out.updates.push(f);
          break;
        }
        case 'WorkflowExecutionUpdateCompleted': {
          const f = updates.get(str(obj(a.meta).updateId) ?? '');
          if (!f) break;
          const outcome = obj(a.outcome);
          f.completedAt = at;
          if (outcome.failure) {
            f.outcome = 'failed';
            f.failure = failureMessage(outcome.failure);
          } else {
            f.outcome = 'completed';
            f.result = firstPayload(outcome.success);
            if (f.result && typeof f.result === 'object' && 'status' in (f.result as object)) {
              out.states.push({ run: run.n, at, source: `update ${f.name}`, state: f.result as Record<string, unknown> });
            }
          }
          break;
        }
        case 'WorkflowExecutionSignaled':
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'signaled', detail: { signal: a.signalName, args: decodePayloads(a.input) } });
          break;
        case 'WorkflowExecutionContinuedAsNew': {
          const next = firstPayload(a.input) as { resume?: Record<string, unknown> } | undefined;
          if (next?.resume) out.states.push({ run: run.n, at, source: 'continue-as-new', state: next.resume });
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'continued-as-new', detail: { newRunId: a.newExecutionRunId } });
          break;
        }
        case 'WorkflowExecutionCompleted': {
          const result = firstPayload(a.result);
          if (result && typeof result === 'object') out.states.push({ run: run.n, at, source: 'workflow result', state: result as Record<string, unknown> });
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'completed', detail: {} });
          break;
        }
        case 'WorkflowExecutionFailed':
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'failed', detail: { failure: failureMessage(a.failure) } });
          break;
        case 'WorkflowExecutionTerminated':
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'terminated', detail: { reason: a.reason, identity: a.identity } });
          break;
        case 'WorkflowExecutionTimedOut':
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'timed-out', detail: {} });
          break;
        case 'WorkflowExecutionCanceled':
          out.lifecycle.push({ run: run.n, eventId: id, at, kind: 'canceled', detail: {} });
          break;
        default:
          out.other[name] = (out.other[name] ?? 0) + 1;
      }
    }
    if (rf.status !== 'Running') {
      for (const t of timers.values()) if (t.status === 'pending') t.status = 'open-at-close';
    }
  }
  return out;
}

/** The marker name Temporal's core SDK records a local activity under. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * A local activity's marker as a fact of the activity it ran (patch `local-bookkeeping-v1`,
 * activities/local.ts): the marker's `data` names the local activity and its attempt, its `result`
 * is the LocalRecord the activity returned — the activity it stands for, its arguments and its
 * result — and a failed one carries its failure. Undefined for any other marker (patches).
 */
function localActivityFact(run: number, eventId: number, at: string, a: Record<string, unknown>): ActivityFact | undefined {
  if (a.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const details = obj(a.details);
  const data = obj(firstPayload(details.data));
  const record = obj(firstPayload(details.result));
  const localType = str(data.activity_type) ?? str(data.activityType) ?? 'unknown';
  const failure = a.failure ? (failureMessage(a.failure) ?? 'failed') : undefined;
  // complete_time: the workflow time the local activity completed at (its task's start + its run time).
  const done = obj(data.complete_time);
  const completedMs = typeof done.seconds === 'number' ? done.seconds * 1000 + Math.floor((typeof done.nanos === 'number' ? done.nanos : 0) / 1e6) : undefined;
  return {
    run,
    eventId,
    activityId: str(data.activity_id) ?? str(data.activityId),
    // The ContractActivities function the local face ran (a failed one has no record: its name less the suffix).
    type: str(record.activity) ?? localType.replace(/Local$/, ''),
    local: localType,
    scheduledAt: at,
    input: Array.isArray(record.input) ? record.input : [],
    status: failure ? 'failed' : 'completed',
    closedAt: completedMs !== undefined ? new Date(completedMs).toISOString() : at,
    attempt: typeof data.attempt === 'number' ? data.attempt : undefined,
    ...(failure ? { failure } : { result: record.result }),
  };
}

/**
 * The activity an event stands for, by its ContractActivities name: an ActivityTaskScheduled, or a
 * local activity's marker (`saveContractLocal` runs `saveContract`; read as historyFacts reads it,
 * and from the marker's clear `data` when its result is still encrypted). Undefined for any other
 * event.
 */
export function activityOf(e: JsonEvent): string | undefined {
  const a = attributesOf(e);
  if (eventName(e) === 'ActivityTaskScheduled') return str(obj(a.activityType).name);
  if (eventName(e) === 'MarkerRecorded') return localActivityFact(0, Number(e.eventId), e.eventTime ?? '', a)?.type;
  return undefined;
}

/** activityOf for an event as the client fetches it (protobuf objects). */
export function activityOfEvent(e: HistoryEvent): string | undefined {
  const [json] = historyToJson({ events: [e] }).events ?? [];
  return json ? activityOf(json) : undefined;
}

/** Convenience for callers holding raw events of one run. */
export function singleRun(events: JsonEvent[], runId = 'run', n = 1): RunHistory {
  return { n, runId, history: { events } };
}
