/**
 * Test-only workflows that run the messaging activities through a real worker on the harness's
 * Temporal server, with the retry and heartbeat options the complaint workflow uses, so attempt
 * numbers, heartbeats and non-retryable failures are Temporal's own.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { CustomerMessage, MessageOutcome } from '../../../activities/messages';
import type { createOaActivities } from '../../../activities/oa';
import type { createMessageActivities } from '../../../activities/messages';

type Acts = ReturnType<typeof createMessageActivities> & ReturnType<typeof createOaActivities>;

export type ChannelResult = { channel: 'sms' | 'app'; outcome: MessageOutcome | null; failure: { type: string | null; message: string; details: unknown[] } | null };

const send = proxyActivities<Acts>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '5 seconds',
  retry: { maximumAttempts: 2, initialInterval: '200 ms', backoffCoefficient: 2 },
}).sendCustomerMessage;

// One attempt, and a heartbeat timeout shorter than a slow rail's answer: only heartbeats sent
// while the rail call hangs keep this attempt alive.
const sendOneAttempt = proxyActivities<Acts>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '2 seconds',
  retry: { maximumAttempts: 1 },
}).sendCustomerMessage;

// The complaint workflow's 'optional' class: look-ups spaced by its retries, a minute in all.
const lateReceipt = proxyActivities<Acts>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
}).awaitLateReceipt;

const oa = proxyActivities<Acts>({
  startToCloseTimeout: '20 seconds',
  retry: { maximumAttempts: 3, initialInterval: '200 ms' },
});

function failureOf(err: unknown): ChannelResult['failure'] {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? null, message: cause.message, details: (cause.details ?? []) as unknown[] };
  return { type: null, message: String((cause as Error)?.message ?? cause), details: [] };
}

/** Channel by channel, as the complaint workflow sends a notice: the first delivered one ends it. */
export async function sendOverChannels(msg: Omit<CustomerMessage, 'channel' | 'outId'> & { outIdPrefix: string }, channels: Array<'sms' | 'app'>): Promise<ChannelResult[]> {
  const results: ChannelResult[] = [];
  for (const channel of channels) {
    const { outIdPrefix, ...rest } = msg;
    try {
      const outcome = await send({ ...rest, outId: `${outIdPrefix}:${channel}`, channel });
      results.push({ channel, outcome, failure: null });
      break;
    } catch (err) {
      results.push({ channel, outcome: null, failure: failureOf(err) });
    }
  }
  return results;
}

export async function oaDispute(req: { orderId: string; idempotencyKey: string; text: string }): Promise<{ instanceId: string } | null> {
  return oa.notifyOaDispute(req);
}

export async function oaVoucher(req: Parameters<Acts['deliverOaVoucher']>[0]): Promise<{ instanceId: string } | null> {
  return oa.deliverOaVoucher(req);
}

/** The channels as sendOverChannels runs them, then the late look-up for the first channel's message when its window passed. */
export async function sendThenAwaitLateReceipt(
  msg: Parameters<typeof sendOverChannels>[0],
  channels: Array<'sms' | 'app'>,
): Promise<{ results: ChannelResult[]; late: Awaited<ReturnType<Acts['awaitLateReceipt']>> | null; lateFailure: ChannelResult['failure'] }> {
  const results = await sendOverChannels(msg, channels);
  if (results[0]?.failure?.type !== 'NoReceipt') return { results, late: null, lateFailure: null };
  try {
    return { results, late: await lateReceipt({ outId: `${msg.outIdPrefix}:${channels[0]}`, phone: msg.phone, channel: channels[0]! }), lateFailure: null };
  } catch (err) {
    return { results, late: null, lateFailure: failureOf(err) };
  }
}

/** One attempt on one channel: its outcome, or the failure that ended it (a heartbeat timeout, say). */
export async function sendInOneAttempt(msg: CustomerMessage): Promise<ChannelResult> {
  try {
    return { channel: msg.channel, outcome: await sendOneAttempt(msg), failure: null };
  } catch (err) {
    return { channel: msg.channel, outcome: null, failure: failureOf(err) };
  }
}
