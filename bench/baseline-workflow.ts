/**
 * The baseline: a workflow with the same shape as the complaint's story-B fast path doing no
 * work. Its script is the complaint's history, workflow task by workflow task (`tasks`): in each,
 * the same number of local activities, search-attribute upserts, activities and timers
 * scheduled, and the intake update answered in the same task; so the two have the same events
 * and workflow tasks whatever the complaint's shape becomes. The shape is counted from a real story-B history at the start of every
 * benchmark run (bench/shape.ts) and passed in, so the two never drift apart.
 *
 * What stays different on purpose is the work: the real activities call the providers over
 * HTTP, the real workflow computes deadlines, evidence and texts, and its payloads (rules with
 * the holiday calendar, the state) are large. The baseline's payloads are a few bytes.
 */
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { BaselineActivities } from './baseline-activities';

/** One workflow task of the complaint: what it ran (local activities) and the commands it sent. */
export interface TaskShape {
  local: number;
  remote: number;
  /** Which of this task's remote activities is the apology SMS. */
  apologyRemote?: number;
  timers: number;
  upserts: number;
  completesIntake: boolean;
}

export interface BaselineShape {
  /** The complaint's workflow tasks; when absent (diagnostic overrides), the counts below are spread evenly. */
  tasks?: TaskShape[];
  /** Activities in the fast path, in order; `apologyIndex` is the one that stands for the apology. */
  activities: number;
  apologyIndex: number;
  /** Activities completed before the intake update answers (the complaint answers once its first deadline is known). */
  intakeAfterActivities: number;
  /** Durable timers started (each as short as the server allows: 1 ms). */
  timers: number;
  /** UpsertWorkflowSearchAttributes commands. */
  upserts: number;
  /** Signals the workflow waits for after the start (the complaint's fast path normally has none). */
  signals: number;
  /** Diagnostics only (--shape=local:1): run the activities as local activities, to price that design. */
  local?: number;
  /** Diagnostics only (--shape=eager:0): no eager activity dispatch. */
  eager?: number;
  /** Diagnostics only (--shape=activityMs:5): each activity waits this long before it returns. */
  activityMs?: number;
  /**
   * The `withCalls` path: the first remote activity also makes the complaint's provider calls for
   * the case's own seeded order (the floor's replay), so the baseline does the same business work
   * in the same shape and only the engine's own code is left between the two.
   */
  withCalls?: boolean;
}

export interface BaselineResult {
  workflowId: string;
  activities: number;
}

export const baselineIntakeUpdate = defineUpdate<{ accepted: true }, [{ intakeId: string }]>('intake');
export const baselineSignal = defineSignal<[string]>('benchSignal');
export const baselineStateQuery = defineQuery<{ done: number }>('state');

const ComplaintStatus = defineSearchAttributeKey('ComplaintStatus', SearchAttributeType.KEYWORD);

const activityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const remote = proxyActivities<BaselineActivities>(activityOptions);
const remoteNotEager = proxyActivities<BaselineActivities>({ ...activityOptions, allowEagerDispatch: false });
const local = proxyLocalActivities<BaselineActivities>(activityOptions);

/** The baseline's workflow id is `baseline-<key>` (bench/drive.ts); on the `withCalls` path the key is a seeded order. */
export function baselineOrderId(workflowId: string): string {
  return workflowId.replace(/^baseline-/, '');
}

export async function baselineWorkflow(shape: BaselineShape): Promise<BaselineResult> {
  let done = 0;
  let signals = 0;
  let intakeAnswered = false;
  setHandler(baselineStateQuery, () => ({ done }));
  setHandler(baselineSignal, () => void signals++);
  setHandler(baselineIntakeUpdate, async () => {
    await condition(() => (shape.tasks ? intakeAnswered : done >= shape.intakeAfterActivities));
    return { accepted: true as const };
  });
  if (shape.tasks) {
    const publishes = workflowInfo().typedSearchAttributes.get(ComplaintStatus) !== undefined;
    const anyApology = shape.tasks.some((t) => t.apologyRemote !== undefined);
    const lastRemoteTask = shape.tasks.map((t) => t.remote > 0).lastIndexOf(true);
    const firstRemoteTask = shape.tasks.findIndex((t) => t.remote > 0);
    let upserts = 0;
    for (const [i, task] of shape.tasks.entries()) {
      for (let k = 0; k < task.local; k++) await local.benchNoop(`t${i}l${k}`, 0);
      for (let k = 0; k < task.upserts && publishes; k++) upsertSearchAttributes([{ key: ComplaintStatus, value: `step-${++upserts}` }]);
      if (task.completesIntake) intakeAnswered = true;
      const apology = anyApology ? task.apologyRemote : i === lastRemoteTask ? task.remote - 1 : undefined;
      // A task with no commands after parallel activities is the complaint waking on the first of
      // them to complete: no-ops that return together would share one task, so they return 25 ms apart.
      const next = shape.tasks[i + 1];
      const apart = task.remote > 1 && next !== undefined && !next.local && !next.remote && !next.timers && !next.upserts && !next.completesIntake ? 25 : 0;
      const waits: Promise<unknown>[] = [];
      for (let k = 0; k < task.remote; k++) {
        if (shape.withCalls && i === firstRemoteTask && k === 0) waits.push(remote.benchFloorCase(baselineOrderId(workflowInfo().workflowId)));
        else waits.push(k === apology ? remote.benchApology(`t${i}r${k}`, k * apart) : remote.benchNoop(`t${i}r${k}`, k * apart));
      }
      for (let k = 0; k < task.timers; k++) waits.push(sleep(1));
      await Promise.all(waits);
      done += task.remote;
    }
    if (shape.signals > 0) await condition(() => signals >= shape.signals);
    return { workflowId: workflowInfo().workflowId, activities: done };
  }

  // Spread the upserts and timers over the activities as the complaint does (one upsert at the
  // start, the rest between steps); the exact positions do not change the cost.
  let upserts = 0;
  const upsert = () => {
    if (upserts >= shape.upserts) return;
    upserts++;
    upsertSearchAttributes([{ key: ComplaintStatus, value: `step-${upserts}` }]);
  };
  const publishes = workflowInfo().typedSearchAttributes.get(ComplaintStatus) !== undefined;
  if (publishes) upsert();

  const { benchNoop, benchApology } = shape.local ? local : shape.eager === 0 ? remoteNotEager : remote;
  for (let i = 0; i < shape.activities; i++) {
    if (i === shape.apologyIndex) await benchApology(`a${i}`, shape.activityMs ?? 0);
    else await benchNoop(`a${i}`, shape.activityMs ?? 0);
    done++;
    if (publishes && shape.activities - i - 1 < shape.upserts - upserts) upsert();
    else if (publishes && i % 2 === 1) upsert();
    if (i < shape.timers) await sleep(1);
  }
  for (let t = shape.activities; t < shape.timers; t++) await sleep(1);
  while (publishes && upserts < shape.upserts) upsert();
  if (shape.signals > 0) await condition(() => signals >= shape.signals);
  return { workflowId: workflowInfo().workflowId, activities: done };
}
