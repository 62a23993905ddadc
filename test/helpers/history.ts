/** Reading a workflow's history in tests, event by event as the client fetches it. */
import type { temporal } from '@temporalio/proto';
import { activityOfEvent } from '../../audit/history-facts.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A workflow task that accepted an update: how many of them, and the activities it scheduled. */
export interface AcceptingTask {
  accepts: number;
  activities: string[];
}

/**
 * Each workflow task that accepted the update `name`, with the activities (local ones included) it
 * scheduled: the events after one WorkflowTaskCompleted are that task's update acceptances, then
 * its commands.
 */
export function tasksAccepting(events: readonly HistoryEvent[], name: string): AcceptingTask[] {
  const tasks: AcceptingTask[] = [];
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes) tasks.push({ accepts: 0, activities: [] });
    const task = tasks.at(-1);
    if (!task) continue;
    if (e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name) task.accepts += 1;
    const activity = activityOfEvent(e);
    if (activity) task.activities.push(activity);
  }
  return tasks.filter((t) => t.accepts > 0);
}

/** Ids of the patch markers in a history, in order (the SDK's core writes them, never through a codec). */
export function patchIds(events: readonly HistoryEvent[]): string[] {
  return events
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_patch')
    .map((m) => (JSON.parse(Buffer.from(m!.details!['patch-data']!.payloads![0]!.data!).toString('utf8')) as { id: string }).id);
}

/** The first workflow task: the events from the start through the commands it recorded (up to the next WorkflowTaskScheduled). */
export function firstTask(events: readonly HistoryEvent[]): HistoryEvent[] {
  const completed = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
  const next = events.findIndex((e, i) => i > completed && e.workflowTaskScheduledEventAttributes);
  return events.slice(0, next < 0 ? undefined : next);
}
