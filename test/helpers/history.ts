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
