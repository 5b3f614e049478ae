import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { paramProblems, type TemplateCatalog, type TemplateRef } from '../domain/templates';
import type { SmsChannel, SmsClient } from './clients/sms';
import { InternalSmsRail } from './rails/sms/internal';
import { templateCatalogReader } from './rails/sms/templates-file';
import { PROJECT_ROOT } from '../config/env';
import path from 'node:path';
import { AnswerLost, RailRejected, type OutgoingMessage, type RailMessage, type SmsRail, type SmsRailName } from './rails/sms/port';

export interface CustomerMessage {
  outId: string;
  phone: string;
  text: string;
  channel: SmsChannel;
  /** The approved template and its parameters: what template rails (Aliyun, Tencent) send. */
  template?: TemplateRef;
  /**
   * 'throw' (default): an undelivered message fails the activity for good, so the workflow moves
   * to the next channel. 'return': the outcome comes back as a value with status 'failed'.
   */
  onUndelivered?: 'throw' | 'return';
}

/** What the timeline shows: the rail, whether it accepted the message, and the receipt's verdict. */
export interface MessageOutcome {
  status: 'delivered' | 'failed';
  /** The rail accepted the message (it may still have failed on the handset). */
  sent: boolean;
  rail: SmsRailName;
  channel: SmsChannel;
  /** The rail's message id (kept under its historical name). */
  bizId: string | null;
  /** The rail's own words when it failed, or why no receipt counts as a failure. */
  reason: string | null;
  receiptAt: string | null;
}

/**
 * How long a send whose answer never came may still land at the gateway. A retry inside this
 * window would send a second message, so the activity keeps looking for the outId first.
 */
export const SEND_SETTLE_MS = 10_000;
/** How long a sent message may wait for its delivery receipt before it counts as undelivered. */
export const RECEIPT_WINDOW_MS = 10_000;
const LOOKUP_EVERY_MS = 500;
/**
 * Below the workflow's 5 s heartbeat timeout, and heartbeats go on while a rail call hangs: a rail
 * that answers slowly (up to its 5 s client timeout) is then not taken for a dead worker, whose
 * retry would spend the channel's attempts and could send beside a send still in flight.
 */
const HEARTBEAT_EVERY_MS = 1_000;
/** How far back a look-up searches: longer than any retry schedule of one message. */
const LOOKBACK_MS = 24 * 3600_000;

/** A message the window gave up on: the rail accepted it and may still report its receipt. */
export interface LateReceiptWatch {
  outId: string;
  phone: string;
  channel: SmsChannel;
}

/** What the rail says about a message after its window: its receipt, when one came in. */
export interface LateReceipt {
  status: 'delivered' | 'failed';
  rail: SmsRailName;
  channel: SmsChannel;
  bizId: string;
  reason: string | null;
  receiptAt: string | null;
}

export interface MessageDeps {
  sms: SmsClient;
  /** The SMS channel's rail; default the internal gateway. The app channel is always internal. */
  smsRail?: SmsRail;
  templates?: () => TemplateCatalog;
  settleMs?: number;
  receiptWindowMs?: number;
}

export function createMessageActivities(deps: MessageDeps) {
  const internal = new InternalSmsRail(deps.sms);
  const smsRail = deps.smsRail ?? internal;
  const settleMs = deps.settleMs ?? SEND_SETTLE_MS;
  const receiptWindowMs = deps.receiptWindowMs ?? RECEIPT_WINDOW_MS;
  const templates = deps.templates ?? templateCatalogReader(path.join(PROJECT_ROOT, 'config', 'sms-templates.json'));

  const railFor = (channel: SmsChannel): SmsRail => (channel === 'sms' ? smsRail : internal);

  /** Polls the rail's look-up until `done` holds or the window passes; heartbeats so a dead worker is noticed. */
  async function watch(rail: SmsRail, msg: OutgoingMessage, since: Date, windowMs: number, done: (m: RailMessage | null) => boolean) {
    let last: RailMessage | null = null;
    for (const until = Date.now() + windowMs; Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, LOOKUP_EVERY_MS));
      Context.current().heartbeat();
      try {
        last = await lookup(rail, msg, since);
      } catch (err) {
        // One failed look-up is not the answer; the window is. A refusal is, though.
        if (err instanceof ApplicationFailure) throw err;
        continue;
      }
      if (done(last)) return last;
    }
    return last;
  }

  async function lookup(rail: SmsRail, msg: OutgoingMessage, since: Date): Promise<RailMessage | null> {
    try {
      return await rail.lookup(msg, since);
    } catch (err) {
      if (err instanceof RailRejected) throw ApplicationFailure.nonRetryable(`sms lookup: ${err.message}`, 'ProviderRejected');
      throw err;
    }
  }

  function outcome(rail: SmsRail, msg: OutgoingMessage, m: RailMessage | null, sent: boolean, reason?: string): MessageOutcome {
    const delivered = m?.state === 'delivered';
    return {
      status: delivered ? 'delivered' : 'failed',
      sent,
      rail: rail.name,
      channel: msg.channel,
      bizId: m?.messageId ?? null,
      reason: delivered ? null : (reason ?? m?.reason ?? 'no delivery receipt'),
      receiptAt: m?.receiptAt ?? null,
    };
  }

  /** `silent`: the rail may have the message and has not said what became of it (no receipt yet). */
  function finish(msg: CustomerMessage, result: MessageOutcome, silent = false): MessageOutcome {
    if (result.status === 'delivered' || msg.onUndelivered === 'return') return result;
    // Not retryable: the rail answered (or stayed silent past the window); the next channel is the remedy.
    // NoReceipt: accepted and silent, so its receipt may still come; the case watches for it.
    throw ApplicationFailure.create({
      type: silent ? 'NoReceipt' : 'NotDelivered',
      nonRetryable: true,
      message: `message ${msg.outId} was not delivered by ${result.channel} (${result.rail}): ${result.reason}`,
      details: [result],
    });
  }

  return {
    /**
     * No rail dedupes a send: a retry first asks the rail what it holds for this outId, a send
     * whose answer was lost waits for the rail to show it before anyone sends again, and only a
     * success receipt within the window counts as delivered.
     */
    async sendCustomerMessage(msg: CustomerMessage): Promise<MessageOutcome> {
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await sendOnce(msg);
      } finally {
        clearInterval(beat);
      }
    },

    /**
     * After the window gave up on a message (and the next channel took over), the rail's receipt
     * may still come in: one look per attempt, the workflow's retries space them out. A receipt
     * is the rail's fact, recorded on the case as "delivered late" (or failed); no receipt yet is
     * a retryable failure, so the look-ups end with the workflow's bound.
     */
    async awaitLateReceipt(watch: LateReceiptWatch): Promise<LateReceipt> {
      const rail = railFor(watch.channel);
      const m = await lookup(rail, { outId: watch.outId, phone: watch.phone, channel: watch.channel, text: '' }, new Date(Date.now() - LOOKBACK_MS));
      if (!m || m.state === 'sent') throw ApplicationFailure.retryable(`no receipt yet for ${watch.outId}`, 'NoReceiptYet');
      return { status: m.state, rail: rail.name, channel: watch.channel, bizId: m.messageId, reason: m.reason, receiptAt: m.receiptAt };
    },
  };

  async function sendOnce(msg: CustomerMessage): Promise<MessageOutcome> {
    const rail = railFor(msg.channel);
    const out: OutgoingMessage = { outId: msg.outId, phone: msg.phone, channel: msg.channel, text: msg.text, template: msg.template };
    if (rail.needsTemplate) {
      const problems = msg.template ? paramProblems(templates(), msg.template, rail.name) : [`${rail.name} sends approved templates only, and this message has none`];
      if (problems.length > 0) return finish(msg, outcome(rail, out, null, false, `refused before sending: ${problems.join('; ')}`));
    }
    const since = new Date(Date.now() - LOOKBACK_MS);
    const isFinal = (m: RailMessage | null) => m !== null && m.state !== 'sent';

    let known = await lookup(rail, out, since);
    if (!known && !rail.lookupSeesUnreceipted && Context.current().info.attempt > 1) {
      // An earlier attempt may have sent it; this rail only shows it once the receipt is in.
      known = await watch(rail, out, since, receiptWindowMs, isFinal);
      if (!known) return finish(msg, outcome(rail, out, null, false, `an earlier attempt's answer was lost and no receipt came within ${receiptWindowMs} ms; not sent again`), true);
    }
    if (!known) {
      // The server gave this attempt up (a retry may be running): only one of them may send.
      if (Context.current().cancellationSignal.aborted) throw ApplicationFailure.retryable(`attempt ${Context.current().info.attempt} was given up; not sending ${msg.outId}`, 'AttemptGivenUp');
      try {
        const sent = await rail.send(out);
        known = sent.receipt ?? { messageId: sent.messageId, state: 'sent', reason: null, receiptAt: null };
      } catch (err) {
        if (err instanceof RailRejected) return finish(msg, outcome(rail, out, null, false, err.message));
        if (!(err instanceof AnswerLost)) throw err;
        known = await watch(rail, out, since, rail.lookupSeesUnreceipted ? settleMs : receiptWindowMs, (m) => m !== null);
        if (!known && rail.lookupSeesUnreceipted) throw err; // the rail shows nothing: it never executed, a retry may send
        if (!known) return finish(msg, outcome(rail, out, null, false, `the answer was lost and no receipt came within ${receiptWindowMs} ms; not sent again`), true);
      }
    }
    if (!isFinal(known)) known = (await watch(rail, out, since, receiptWindowMs, isFinal)) ?? known;
    const reason = isFinal(known) ? undefined : `sent (${known.messageId}) but no delivery receipt within ${receiptWindowMs} ms`;
    return finish(msg, outcome(rail, out, known, true, reason), !isFinal(known));
  }
}
