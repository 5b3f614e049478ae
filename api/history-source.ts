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

async function decodeEvent(dc: LoadedDataConverter, e: HistoryEvent): Promise<DecodedEvent | undefined> {
  const base = { id: Number(e.eventId), at: new Date(tsToMs(e.eventTime)) };
  const all = (p: Payloads) => decodeArrayFromPayloads(dc, p?.payloads);
  const first = <T>(p: Payloads) => decodeFromPayloadsAtIndex<T>(dc, 0, p?.payloads);
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
    const result = a.result?.payloads?.length ? await first(a.result) : undefined;
    return { ...base, type: 'activity_completed', scheduledEventId: Number(a.scheduledEventId), result };
  }
  const failed = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
  if (failed) {
    const failure = 'failure' in failed ? failed.failure : undefined;
    return { ...base, type: 'activity_failed', scheduledEventId: Number(failed.scheduledEventId), message: e.activityTaskCanceledEventAttributes ? 'cancelled' : await failureMessage(dc, failure) };
  }
  if (e.timerStartedEventAttributes) {
    const { staticSummary } = await decodeUserMetadata(dc, e.userMetadata);
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
