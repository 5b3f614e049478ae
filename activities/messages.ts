import { ApplicationFailure } from '@temporalio/common';
import type { SmsChannel, SmsClient } from './clients/sms';
import { classify } from './errors';

export interface CustomerMessage {
  outId: string;
  phone: string;
  text: string;
  channel: SmsChannel;
}

export function createMessageActivities(deps: { sms: SmsClient }) {
  return {
    /**
     * The gateway is not idempotent, so a retry first asks whether this outId already went out:
     * a send that executed but timed out is never sent twice.
     */
    async sendCustomerMessage(msg: CustomerMessage): Promise<{ bizId: string; status: 'delivered' }> {
      const previous = await classify('sms lookup', () => deps.sms.findByOutId(msg.outId));
      const delivered = previous.find((m) => m.status === 'DELIVERED');
      if (delivered) return { bizId: delivered.bizId, status: 'delivered' };
      const sent = await classify('sms send', () => deps.sms.send(msg));
      if (sent.status !== 'DELIVERED') throw ApplicationFailure.retryable(`message ${msg.outId} was not delivered by ${msg.channel}`, 'NotDelivered');
      return { bizId: sent.bizId, status: 'delivered' };
    },
  };
}
