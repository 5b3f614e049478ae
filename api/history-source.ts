/** Fetches a case's event history and decodes its payloads with the client's own data converter (codecs included). */
import type { Client } from '@temporalio/client';
import { JsonPayloadConverter, type LoadedDataConverter, type Payload } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  decodeFromPayloadsAtIndex,
  decodeOptionalFailureToOptionalError,
  decodeUserMetadata,
} from '@temporalio/common/lib/internal-non-workflow';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { ComplaintInput } from '../workflows/definitions';
import type { DecodedEvent } from './history';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = { payloads?: temporal.api.common.v1.IPayload[] | null } | null | undefined;

const json = new JsonPayloadConverter();

/**
 * Search attributes as plain values: one-element arrays unwrapped, datetimes left as ISO strings,
 * and a cleared attribute as null (the SDK's untyped decoder would turn a cleared datetime into 1970).
 */
function plainAttributes(indexedFields: Record<string, temporal.api.common.v1.IPayload> | null | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(indexedFields ?? {}).map(([key, payload]) => {
      const value = json.fromPayload<unknown>(payload as Payload);
      return [key, (Array.isArray(value) ? value[0] : value) ?? null];
    }),
  );
}

function durationMs(d: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(d?.seconds ?? 0) * 1000 + Math.floor((d?.nanos ?? 0) / 1e6);
}

/** Failure messages may be encoded (and encrypted) payloads: decode them like any other data. */
async function failureMessage(dc: LoadedDataConverter, f: temporal.api.failure.v1.IFailure | null | undefined): Promise<string> {
  const err = await decodeOptionalFailureToOptionalError(dc, f);
  // The wrapping ActivityFailure says little; the cause says what went wrong.
  const cause = err?.cause instanceof Error ? err.cause : undefined;
  return cause?.message || err?.message || 'unknown failure';
}

/**
 * `full: false` decodes only what later events need as context (status, level, timers, which
 * activities finished) and none of the encrypted arguments, results or failure texts: the
 * events before a page are read that way.
 */
async function decodeEvent(dc: LoadedDataConverter, e: HistoryEvent, full = true): Promise<DecodedEvent | undefined> {
  const base = { id: Number(e.eventId), at: new Date(tsToMs(e.eventTime)) };
  const all = (p: Payloads) => (full ? decodeArrayFromPayloads(dc, p?.payloads) : Promise.resolve([]));
  const first = <T>(p: Payloads) => decodeFromPayloadsAtIndex<T>(dc, 0, p?.payloads);
  if (!full && (e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionSignaledEventAttributes)) return undefined;
  if (e.workflowExecutionStartedEventAttributes) {
    const a = e.workflowExecutionStartedEventAttributes;
    return { ...base, type: 'started', input: await first<ComplaintInput>(a.input), searchAttributes: plainAttributes(a.searchAttributes?.indexedFields) };
  }
  if (e.workflowExecutionUpdateAcceptedEventAttributes) {
    const input = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input;
    return { ...base, type: 'update_accepted', name: input?.name ?? '', args: await all(input?.args) };
  }
  if (e.workflowExecutionSignaledEventAttributes) {
    const a = e.workflowExecutionSignaledEventAttributes;
    return { ...base, type: 'signaled', name: a.signalName ?? '', args: await all(a.input) };
  }
  if (e.activityTaskScheduledEventAttributes) {
    const a = e.activityTaskScheduledEventAttributes;
    return { ...base, type: 'activity_scheduled', activityType: a.activityType?.name ?? '', input: await all(a.input) };
  }
  if (e.activityTaskCompletedEventAttributes) {
    const a = e.activityTaskCompletedEventAttributes;
    const result = full && a.result?.payloads?.length ? await first(a.result) : undefined;
    return { ...base, type: 'activity_completed', scheduledEventId: Number(a.scheduledEventId), result };
  }
  const failed = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
  if (failed) {
    const failure = 'failure' in failed ? failed.failure : undefined;
    const message = e.activityTaskCanceledEventAttributes ? 'cancelled' : full ? await failureMessage(dc, failure) : '';
    return { ...base, type: 'activity_failed', scheduledEventId: Number(failed.scheduledEventId), message };
  }
  const marker = localActivityMarker(e);
  if (marker) {
    const m = e.markerRecordedEventAttributes!;
    const failure = m.failure ? (full ? await failureMessage(dc, m.failure) : '') : undefined;
    const result = !m.failure && full && m.details?.result?.payloads?.length ? await first(m.details.result) : undefined;
    return { ...base, type: 'local_activity', activityType: marker.activityType, ...(failure !== undefined ? { failure } : { result }) };
  }
  if (e.timerStartedEventAttributes) {
    const { staticSummary } = full ? await decodeUserMetadata(dc, e.userMetadata) : { staticSummary: undefined };
    const fireAt = new Date(base.at.getTime() + durationMs(e.timerStartedEventAttributes.startToFireTimeout));
    return { ...base, type: 'timer_started', fireAt, ...(staticSummary ? { summary: staticSummary } : {}) };
  }
  if (e.timerFiredEventAttributes) {
    return { ...base, type: 'timer_fired', startedEventId: Number(e.timerFiredEventAttributes.startedEventId) };
  }
  if (e.upsertWorkflowSearchAttributesEventAttributes) {
    return { ...base, type: 'search_attributes', attributes: plainAttributes(e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields) };
  }
  if (e.workflowExecutionCompletedEventAttributes) {
    const result = e.workflowExecutionCompletedEventAttributes.result;
    return { ...base, type: 'completed', result: result?.payloads?.length ? await first(result) : undefined };
  }
  if (e.workflowExecutionFailedEventAttributes) return { ...base, type: 'closed', how: 'failed', message: await failureMessage(dc, e.workflowExecutionFailedEventAttributes.failure) };
  if (e.workflowExecutionTerminatedEventAttributes) return { ...base, type: 'closed', how: 'terminated', message: e.workflowExecutionTerminatedEventAttributes.reason ?? undefined };
  if (e.workflowExecutionCanceledEventAttributes) return { ...base, type: 'closed', how: 'canceled' };
  if (e.workflowExecutionTimedOutEventAttributes) return { ...base, type: 'closed', how: 'timed_out' };
  if (e.workflowExecutionContinuedAsNewEventAttributes) return { ...base, type: 'closed', how: 'continued_as_new' };
  // Workflow tasks, markers and the like are the engine's bookkeeping, not the case's story.
  return undefined;
}

/** The latest run of the case (its workflow id), oldest event first. */
export async function decodedHistory(client: Client, complaintId: string, runId?: string): Promise<DecodedEvent[]> {
  const history = await client.workflow.getHandle(complaintId, runId).fetchHistory();
  const dc = client.options.loadedDataConverter;
  const decoded = await Promise.all((history.events ?? []).map((e) => decodeEvent(dc, e)));
  return decoded.filter((e): e is DecodedEvent => e !== undefined);
}

/**
 * The SDK records a local activity as a marker whose `data` (plain JSON, never encrypted) names
 * the activity, and whose `result` is a payload like any activity result.
 */
function localActivityMarker(e: HistoryEvent): { activityType: string } | undefined {
  const m = e.markerRecordedEventAttributes;
  if (m?.markerName !== 'core_local_activity') return undefined;
  const data = m.details?.data?.payloads?.[0];
  if (!data) return undefined;
  const parsed = json.fromPayload<{ activity_type?: string }>(data as Payload);
  return parsed?.activity_type ? { activityType: parsed.activity_type } : undefined;
}

/** Events that can make a timeline entry; workflow tasks and other markers are bookkeeping. */
function isStoryEvent(e: HistoryEvent): boolean {
  return Boolean(
    localActivityMarker(e) ||
    e.workflowExecutionStartedEventAttributes ||
      e.workflowExecutionUpdateAcceptedEventAttributes ||
      e.workflowExecutionSignaledEventAttributes ||
      e.activityTaskScheduledEventAttributes ||
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes ||
      e.timerStartedEventAttributes ||
      e.timerFiredEventAttributes ||
      e.upsertWorkflowSearchAttributesEventAttributes ||
      e.workflowExecutionCompletedEventAttributes ||
      e.workflowExecutionFailedEventAttributes ||
      e.workflowExecutionTerminatedEventAttributes ||
      e.workflowExecutionCanceledEventAttributes ||
      e.workflowExecutionTimedOutEventAttributes ||
      e.workflowExecutionContinuedAsNewEventAttributes,
  );
}

/** Activity results the timeline reads for context later on (policy lead time, hold end). */
const CONTEXT_RESULTS = new Set(['loadCaseRules', 'holdAutoCharge']);

export interface HistoryPage {
  runId: string;
  /** Context events (before the page, decoded without their payloads) followed by the page's events. */
  events: DecodedEvent[];
  /** The first event id on this page: entries start here. */
  fromEventId: number;
  /** The last event id on this page, or undefined when the page is empty. */
  lastEventId?: number;
  /** More story events follow this page. */
  more: boolean;
}

/**
 * One page of a case's history: `pageSize` story events after `afterEventId`. Events are fetched
 * raw (they are ciphertext on the wire); only the page's events are decrypted, plus the few
 * earlier ones a page entry refers to (the activity a completion belongs to, the timer that fired).
 */
export async function decodedHistoryPage(client: Client, complaintId: string, opts: { runId?: string; afterEventId: number; pageSize: number }): Promise<HistoryPage> {
  const runId = opts.runId ?? (await client.workflow.getHandle(complaintId).describe()).runId;
  const raw: HistoryEvent[] = [];
  let storyAfter = 0;
  let nextPageToken: Uint8Array | undefined;
  do {
    const response = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId: complaintId, runId },
      nextPageToken,
      maximumPageSize: 1000,
    });
    for (const e of response.history?.events ?? []) {
      raw.push(e);
      if (Number(e.eventId) > opts.afterEventId && isStoryEvent(e)) storyAfter += 1;
    }
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
  } while (nextPageToken && storyAfter <= opts.pageSize);

  const before = raw.filter((e) => Number(e.eventId) <= opts.afterEventId);
  const page = raw.filter((e) => Number(e.eventId) > opts.afterEventId && isStoryEvent(e)).slice(0, opts.pageSize);
  const needed = new Set<number>();
  for (const e of page) {
    const ref = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    if (ref) needed.add(Number(ref.scheduledEventId));
    if (e.timerFiredEventAttributes) needed.add(Number(e.timerFiredEventAttributes.startedEventId));
  }
  // An activity still running is reported with its input on the last page.
  const finished = new Set(
    raw.map((e) => e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes).filter(Boolean).map((a) => Number(a!.scheduledEventId)),
  );
  for (const e of before) if (e.activityTaskScheduledEventAttributes && !finished.has(Number(e.eventId))) needed.add(Number(e.eventId));
  const typeOf = new Map(before.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [Number(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name ?? '']));
  const contextFull = (e: HistoryEvent) =>
    needed.has(Number(e.eventId)) ||
    Boolean(e.workflowExecutionStartedEventAttributes) ||
    CONTEXT_RESULTS.has(typeOf.get(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId)) ?? localActivityMarker(e)?.activityType ?? '');

  const dc = client.options.loadedDataConverter;
  const decoded = await Promise.all([
    ...before.filter(isStoryEvent).map((e) => decodeEvent(dc, e, contextFull(e))),
    ...page.map((e) => decodeEvent(dc, e)),
  ]);
  const lastEventId = page.length ? Number(page[page.length - 1]!.eventId) : undefined;
  const storyTotalAfter = raw.filter((e) => Number(e.eventId) > opts.afterEventId && isStoryEvent(e)).length;
  return {
    runId,
    events: decoded.filter((e): e is DecodedEvent => e !== undefined),
    fromEventId: opts.afterEventId + 1,
    ...(lastEventId !== undefined ? { lastEventId } : {}),
    more: storyTotalAfter > page.length || nextPageToken !== undefined,
  };
}
