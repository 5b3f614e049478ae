/**
 * SMS / app-push gateway client (shaped like Aliyun SendSms).
 *
 * The gateway is NOT idempotent: sending the same outId twice delivers two messages.
 * A retried send must therefore ask `findByOutId` first and only send when nothing with
 * that outId exists yet (C9: one apology, never two).
 */
import { type CallOptions, type ClientConfig, requestJsonStrict } from './http';

export type SmsChannel = 'sms' | 'app';
export type SmsStatus = 'DELIVERED' | 'FAILED';

export interface SmsSendRequest {
  phone: string;
  text: string;
  /** Our idempotency key, echoed back and searchable; the gateway does not dedupe on it. */
  outId: string;
  channel: SmsChannel;
}

export interface SmsSendResult {
  bizId: string;
  outId: string;
  status: SmsStatus;
}

export interface SmsMessage {
  bizId: string;
  outId: string;
  phone: string;
  text: string;
  channel: SmsChannel;
  status: SmsStatus;
  sentAt: string;
  deliveredAt: string | null;
  errorCode: string | null;
}

export class SmsClient {
  private readonly config: ClientConfig;

  constructor(config: ClientConfig) {
    this.config = config;
  }

  /** Throws a retryable HttpError (5xx) when the channel fails; the message is then recorded as FAILED. */
  send(request: SmsSendRequest, call?: CallOptions): Promise<SmsSendResult> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/send', body: request }, call);
  }

  /** Every message sent with this outId, oldest first, FAILED ones included. */
  async findByOutId(outId: string, call?: CallOptions): Promise<SmsMessage[]> {
    const res = await requestJsonStrict<{ messages: SmsMessage[] }>(this.config, { method: 'GET', path: '/messages', query: { outId } }, call);
    return res.messages;
  }

  async outbox(call?: CallOptions): Promise<SmsMessage[]> {
    const res = await requestJsonStrict<{ messages: SmsMessage[] }>(this.config, { method: 'GET', path: '/outbox' }, call);
    return res.messages;
  }
}
