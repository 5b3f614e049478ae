/** Delivering a message: channel after channel, and what each purpose does when none delivered. */
import { acknowledgementText } from '../notices';
import { addMinutes, iso, record, rules, send, sendOnChannel, type Ctx } from './context';
import { needsManual, onApologyDelivered } from './settling';
import { acknowledgementTemplate } from './sms-templates';

/** Acknowledgement rounds in all, the first included, before it is left to the apology. */
export const ACK_ROUNDS = 6;

export function onSendDone(ctx: Ctx, step: string, result: { status?: 'sent' | 'delivered' }): void {
  const s = ctx.s;
  const pending = s.machine.sends[step];
  if (!pending) return;
  const channel = rules(ctx).policy.apology.channels[pending.channelIndex]!;
  delete s.machine.sends[step];
  const status = result?.status ?? 'delivered';
  s.notifications.push({ step, purpose: pending.purpose, channel, text: pending.text, outId: `${s.caseRef}:${step}:${channel}`, status, at: iso(ctx.now) });
  record(ctx, 'system', 'message_sent', `${pending.purpose} ${status} by ${channel}`);
  if (pending.purpose === 'acknowledgement') {
    s.machine.ackDelivered = true;
    s.acknowledgedAt = iso(ctx.now);
    delete s.machine.retries.ack;
    // Late, but it reached the customer: ops no longer need to.
    if (s.machine.ackMissed && s.opsReason?.startsWith('the acknowledgement')) {
      s.flags.needsOps = s.status === 'needs_manual';
      s.opsReason = s.status === 'needs_manual' ? s.manual?.reason : undefined;
    }
  } else if (pending.purpose === 'apology') {
    onApologyDelivered(ctx);
  }
}

export function onSendFailed(ctx: Ctx, step: string, message: string): void {
  const s = ctx.s;
  const pending = s.machine.sends[step];
  if (!pending) return;
  const channels = rules(ctx).policy.apology.channels;
  const channel = channels[pending.channelIndex]!;
  s.notifications.push({ step, purpose: pending.purpose, channel, text: pending.text, outId: `${s.caseRef}:${step}:${channel}`, status: 'failed', at: iso(ctx.now), reason: message });
  record(ctx, 'system', 'message_failed', `${pending.purpose} could not be delivered by ${channel}`);
  if (pending.channelIndex + 1 < channels.length) {
    pending.channelIndex += 1;
    return sendOnChannel(ctx, step);
  }
  delete s.machine.sends[step];
  if (pending.purpose === 'acknowledgement') {
    // The case does not wait for its acknowledgement, but the promise must still reach the customer.
    if (pending.round < ACK_ROUNDS && s.status !== 'closed') s.machine.retries.ack = addMinutes(ctx.now, rules(ctx).policy.apology.retryEveryMinutes);
    else record(ctx, 'system', 'acknowledgement_undeliverable', 'the acknowledgement reached the customer on no channel');
  } else if (pending.purpose === 'apology') {
    s.flags.apologyUndeliverable = true;
    record(ctx, 'system', 'apology_undeliverable', 'every channel failed; ops are flagged and delivery will be retried');
    needsManual(ctx, 'apology', 'the apology could not be delivered on any channel');
  } else {
    record(ctx, 'system', 'message_undeliverable', `the ${pending.purpose} reached the customer on no channel`);
  }
}

/** A background retry of the acknowledgement, unless the apology has told the customer everything. */
export function retryAcknowledgement(ctx: Ctx): void {
  const s = ctx.s;
  delete s.machine.retries.ack;
  if (s.machine.ackDelivered || s.apologyDelivered || s.status === 'closed') return;
  s.machine.ackRound += 1;
  const first = s.levels[0];
  const by = new Date(first!.deadline);
  send(ctx, `ack-retry-${s.machine.ackRound}`, 'acknowledgement', acknowledgementText(s.language, s.caseRef, by, s.flags.provisionalDeadline), s.machine.ackRound, acknowledgementTemplate(s.language, s.caseRef, by));
}
