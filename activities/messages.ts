import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isHttpError } from './clients/http';
import type { SmsChannel, SmsClient, SmsMessage } from './clients/sms';
import { classify } from './errors';

export interface CustomerMessage {
  outId: string;
  phone: string;
  text: string;
  channel: SmsChannel;
}

/**
 * How long a send whose answer never came may still land at the gateway. A retry inside this
 * window would send a second message, so the activity keeps looking for the outId first.
 */
export const SEND_SETTLE_MS = 10_000;
const LOOKUP_EVERY_MS = 1_000;

export function createMessageActivities(deps: { sms: SmsClient; settleMs?: number }) {
  const settleMs = deps.settleMs ?? SEND_SETTLE_MS;
  const lookup = (outId: string) => classify('sms lookup', () => deps.sms.findByOutId(outId));
  const deliveredOf = (messages: SmsMessage[]) => messages.find((m) => m.status === 'DELIVERED');

  async function settle(outId: string): Promise<SmsMessage | undefined> {
    for (const until = Date.now() + settleMs; Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, LOOKUP_EVERY_MS));
      Context.current().heartbeat();
      const delivered = deliveredOf(await lookup(outId));
      if (delivered) return delivered;
    }
    return undefined;
  }

  return {
    /**
     * The gateway is not idempotent, so a retry first asks whether this outId already went out,
     * and a send that timed out waits for the gateway to show it before anyone sends again.
     */
    async sendCustomerMessage(msg: CustomerMessage): Promise<{ bizId: string; status: 'delivered' }> {
      const delivered = deliveredOf(await lookup(msg.outId));
      if (delivered) return { bizId: delivered.bizId, status: 'delivered' };
      try {
        const sent = await classify('sms send', () => deps.sms.send(msg));
        return { bizId: sent.bizId, status: 'delivered' };
      } catch (err) {
        if (isHttpError(err) && (err.kind === 'timeout' || err.kind === 'network')) {
          const landed = await settle(msg.outId);
          if (landed) return { bizId: landed.bizId, status: 'delivered' };
        }
        if (err instanceof ApplicationFailure) throw err;
        throw ApplicationFailure.retryable(`message ${msg.outId} was not delivered by ${msg.channel}: ${(err as Error).message}`, 'NotDelivered');
      }
    },
  };
}
