/**
 * The platform's own SMS / app-push gateway (activities/clients/sms.ts): free text, and its
 * message record is the receipt (DELIVERED or FAILED). The app channel always goes here.
 */
import { isHttpError } from '../../clients/http';
import type { SmsClient, SmsMessage } from '../../clients/sms';
import { AnswerLost, RailRejected, type OutgoingMessage, type RailMessage, type SmsRail } from './port';

function railMessage(m: SmsMessage): RailMessage {
  return {
    messageId: m.bizId,
    state: m.status === 'DELIVERED' ? 'delivered' : 'failed',
    reason: m.errorCode,
    receiptAt: m.deliveredAt ?? m.sentAt,
  };
}

export class InternalSmsRail implements SmsRail {
  readonly name = 'internal' as const;
  readonly needsTemplate = false;
  readonly lookupSeesUnreceipted = true;

  constructor(private readonly client: SmsClient) {}

  async lookup(msg: OutgoingMessage): Promise<RailMessage | null> {
    const messages = await this.client.findByOutId(msg.outId);
    const delivered = messages.find((m) => m.status === 'DELIVERED');
    const last = delivered ?? messages.at(-1);
    return last ? railMessage(last) : null;
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string; receipt: RailMessage }> {
    try {
      const sent = await this.client.send({ outId: msg.outId, phone: msg.phone, text: msg.text, channel: msg.channel });
      // The gateway answers with the delivery status: no further look-up can tell more.
      const delivered = sent.status === 'DELIVERED';
      return { messageId: sent.bizId, receipt: { messageId: sent.bizId, state: delivered ? 'delivered' : 'failed', reason: delivered ? null : 'FAILED', receiptAt: new Date().toISOString() } };
    } catch (err) {
      if (isHttpError(err) && (err.kind === 'timeout' || err.kind === 'network')) throw new AnswerLost(this.name, err.message);
      if (isHttpError(err) && !err.retryable) throw new RailRejected(this.name, String(err.status), err.message);
      throw err;
    }
  }
}
