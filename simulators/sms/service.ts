/**
 * An SMS / app-push gateway that, like the real ones, does not dedupe: every send is a new
 * message, whatever its outId. The stats make a missing dedupe in our activities visible.
 */
import type { SmsChannel, SmsMessage, SmsSendRequest, SmsSendResult } from '../../activities/clients/sms';
import { Problem } from '../lib/http';
import { JsonStore } from '../lib/store';

interface SmsData {
  version: 1;
  seq: number;
  messages: SmsMessage[];
}

const initial = (): SmsData => ({ version: 1, seq: 0, messages: [] });

export class SmsService {
  readonly store: JsonStore<SmsData>;
  private readonly now: () => Date;

  constructor(dataDir: string, now: () => Date) {
    this.store = new JsonStore(dataDir, 'sms', initial);
    this.now = now;
  }

  /** `channelDown` comes from the fail_channel fault: the message is recorded as FAILED and the caller gets a 502. */
  send(req: SmsSendRequest, channelDown: boolean): SmsSendResult {
    const message = this.store.update((data) => {
      data.seq += 1;
      const at = this.now().toISOString();
      const m: SmsMessage = {
        bizId: `BIZ${String(data.seq).padStart(10, '0')}`,
        outId: req.outId,
        phone: req.phone,
        text: req.text,
        channel: req.channel,
        status: channelDown ? 'FAILED' : 'DELIVERED',
        sentAt: at,
        deliveredAt: channelDown ? null : at,
        errorCode: channelDown ? 'CHANNEL_UNAVAILABLE' : null,
      };
      data.messages.push(m);
      return m;
    });
    const result: SmsSendResult = { bizId: message.bizId, outId: message.outId, status: message.status };
    if (channelDown) {
      throw new Problem(502, 'CHANNEL_FAILED', `${req.channel} channel is failing`, { ...result });
    }
    return result;
  }

  byOutId(outId: string): SmsMessage[] {
    return this.store.data.messages.filter((m) => m.outId === outId);
  }

  outbox(): SmsMessage[] {
    return this.store.data.messages;
  }

  reset(): void {
    this.store.reset();
  }

  stats() {
    const perOutId: Record<string, number> = {};
    const deliveredPerOutId: Record<string, number> = {};
    const byChannel: Record<SmsChannel, { delivered: number; failed: number }> = {
      sms: { delivered: 0, failed: 0 },
      app: { delivered: 0, failed: 0 },
    };
    for (const m of this.store.data.messages) {
      perOutId[m.outId] = (perOutId[m.outId] ?? 0) + 1;
      if (m.status === 'DELIVERED') deliveredPerOutId[m.outId] = (deliveredPerOutId[m.outId] ?? 0) + 1;
      byChannel[m.channel][m.status === 'DELIVERED' ? 'delivered' : 'failed'] += 1;
    }
    return {
      messages: this.store.data.messages.length,
      perOutId,
      deliveredPerOutId,
      /** outIds delivered more than once: the customer got the same text twice. */
      duplicated: Object.entries(deliveredPerOutId).filter(([, n]) => n > 1).map(([id]) => id),
      byChannel,
    };
  }
}
