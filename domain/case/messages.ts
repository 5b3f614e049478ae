/** Delivering a message: channel after channel, and what each purpose does when none delivered. */
import { acknowledgementText } from '../notices';
import { addMinutes, call, iso, record, rules, send, sendOnChannel, type Ctx } from './context';
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

export function onSendFailed(ctx: Ctx, step: string, message: string, code?: string): void {
  const s = ctx.s;
  const pending = s.machine.sends[step];
  if (!pending) return;
  const channels = rules(ctx).policy.apology.channels;
  const channel = channels[pending.channelIndex]!;
  const outId = `${s.caseRef}:${step}:${channel}`;
  s.notifications.push({ step, purpose: pending.purpose, channel, text: pending.text, outId, status: 'failed', at: iso(ctx.now), reason: message });
  record(ctx, 'system', 'message_failed', `${pending.purpose} could not be delivered by ${channel}`);
  // No receipt in time counts as undelivered and the next channel goes on; the rail may still
  // report one, and what the customer really got is then on the case too.
  if (code === 'NoReceipt') call(ctx, `receipt:${outId}`, 'awaitLateReceipt', { outId, channel }, 'optional');
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

/** A receipt after the window: the message stays failed for its step (the next channel took over), and the fact is recorded. */
export function onLateReceipt(ctx: Ctx, outId: string, receipt: { status: 'delivered' | 'failed'; receiptAt: string | null; reason: string | null }): void {
  const n = [...ctx.s.notifications].reverse().find((x) => x.outId === outId);
  if (!n || !receipt) return;
  n.lateReceipt = { status: receipt.status, at: receipt.receiptAt, reason: receipt.reason };
  if (receipt.status === 'delivered') record(ctx, 'system', 'message_delivered_late', `${n.purpose} delivered late by ${n.channel}: its receipt${receipt.receiptAt ? ` (${receipt.receiptAt})` : ''} came after the window, when the next channel had taken over`);
  else record(ctx, 'system', 'message_failed_late', `${n.purpose} by ${n.channel}: the rail reported it undelivered after the window (${receipt.reason ?? 'no reason given'})`);
}
