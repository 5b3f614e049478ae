/**
 * Counts what a real story-B history is made of, so the baseline can copy its shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { BaselineShape, TaskShape } from './baseline-workflow';

const EventType = temporal.api.enums.v1.EventType;

export interface HistoryCounts {
  events: number;
  historyBytes: number;
  workflowTasks: number;
  activities: number;
  activityTypes: string[];
  timers: number;
  upserts: number;
  updates: number;
  signals: number;
  queries: number;
  markers: number;
  /** Markers recorded by local activities (the SDK's `core_local_activity`). */
  localActivities: number;
  /** What each workflow task did, in order: the baseline replays this. */
  tasks: TaskShape[];
  /** Bytes of the activity inputs and results, and of the workflow's input and result, as stored (encrypted). */
  payloadBytes: { activityInputs: number; activityResults: number; workflowInput: number; workflowResult: number };
  /** The largest single activity result (plaintext JSON bytes) and its activity type. */
  largestActivityResult: { type: string; bytes: number };
  apologyIndex: number;
  intakeAfterActivities: number;
}

function payloadsBytes(p: temporal.api.common.v1.IPayloads | null | undefined): number {
  return (p?.payloads ?? []).reduce((n, x) => n + (x.data?.length ?? 0), 0);
}

async function plaintext(codec: PayloadCodec | undefined, p: temporal.api.common.v1.IPayloads | null | undefined): Promise<string> {
  const payloads = (p?.payloads ?? []) as Parameters<PayloadCodec['decode']>[0];
  const decoded = codec ? await codec.decode(payloads) : payloads;
  return decoded.map((x) => Buffer.from(x.data ?? []).toString('utf8')).join('');
}

/** `codec`: the project's payload codec, to read activity inputs (which one is the apology) and plaintext sizes. */
export async function countHistory(client: Client, workflowId: string, codec?: PayloadCodec): Promise<HistoryCounts> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  // Diagnostics: BENCH_SAVE_HISTORIES=<dir> keeps each counted history (for bench/diagnostics/replay-cost.ts).
  if (process.env.BENCH_SAVE_HISTORIES) {
    fs.mkdirSync(process.env.BENCH_SAVE_HISTORIES, { recursive: true });
    fs.writeFileSync(path.join(process.env.BENCH_SAVE_HISTORIES, `${workflowId}.history.pb`), temporal.api.history.v1.History.encode(history).finish());
  }
  const events = history.events ?? [];
  const counts: HistoryCounts = {
    events: events.length,
    historyBytes: temporal.api.history.v1.History.encode(history).finish().length,
    workflowTasks: 0,
    activities: 0,
    activityTypes: [],
    timers: 0,
    upserts: 0,
    updates: 0,
    signals: 0,
    queries: 0,
    markers: 0,
    localActivities: 0,
    tasks: [],
    payloadBytes: { activityInputs: 0, activityResults: 0, workflowInput: 0, workflowResult: 0 },
    largestActivityResult: { type: '', bytes: 0 },
    apologyIndex: -1,
    intakeAfterActivities: 0,
  };
  let completedActivities = 0;
  const typeBySchedule = new Map<string, string>();
  // Commands recorded after a WorkflowTaskCompleted belong to that task (until the next one).
  const task = () => counts.tasks[counts.tasks.length - 1];
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        counts.payloadBytes.workflowInput += payloadsBytes(e.workflowExecutionStartedEventAttributes?.input);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        counts.payloadBytes.workflowResult += payloadsBytes(e.workflowExecutionCompletedEventAttributes?.result);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        counts.workflowTasks++;
        counts.tasks.push({ local: 0, remote: 0, timers: 0, upserts: 0, completesIntake: false });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const a = e.activityTaskScheduledEventAttributes!;
        typeBySchedule.set(String(e.eventId), a.activityType?.name ?? '?');
        const input = await plaintext(codec, a.input);
        if (a.activityType?.name === 'sendCustomerMessage' && /:apology[^"]*:sms"/.test(input) && counts.apologyIndex < 0) {
          counts.apologyIndex = counts.activities;
          if (task()) task()!.apologyRemote = task()!.remote;
        }
        if (task()) task()!.remote++;
        counts.activityTypes.push(a.activityType?.name ?? '?');
        counts.activities++;
        counts.payloadBytes.activityInputs += payloadsBytes(a.input);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const a = e.activityTaskCompletedEventAttributes!;
        completedActivities++;
        counts.payloadBytes.activityResults += payloadsBytes(a.result);
        const bytes = Buffer.byteLength(await plaintext(codec, a.result));
        if (bytes > counts.largestActivityResult.bytes) {
          counts.largestActivityResult = { type: typeBySchedule.get(String(a.scheduledEventId)) ?? '?', bytes };
        }
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED:
        counts.timers++;
        if (task()) task()!.timers++;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        counts.upserts++;
        if (task()) task()!.upserts++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        counts.updates++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        if (counts.intakeAfterActivities === 0) counts.intakeAfterActivities = completedActivities;
        if (task() && !counts.tasks.some((t) => t.completesIntake)) task()!.completesIntake = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        counts.signals++;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        counts.markers++;
        if (/local_activity/.test(e.markerRecordedEventAttributes?.markerName ?? '')) {
          counts.localActivities++;
          if (task()) task()!.local++;
        }
        break;
      default:
        break;
    }
  }
  return counts;
}

export function shapeFrom(counts: HistoryCounts): BaselineShape {
  return {
    activities: counts.activities,
    apologyIndex: counts.apologyIndex >= 0 ? counts.apologyIndex : counts.activities - 1,
    intakeAfterActivities: counts.intakeAfterActivities,
    timers: counts.timers,
    upserts: counts.upserts,
    signals: counts.signals,
    tasks: counts.tasks,
  };
}
