/**
 * The SMS port: one interface, one adapter per rail (internal gateway, Aliyun, Tencent Cloud).
 * None of the rails dedupe a send, so the port is built for "look before write": every adapter
 * can say what it already holds for our key (outId), and receipts decide "delivered".
 */
import type { TemplateRef } from '../../../domain/templates';

export const SMS_RAILS = ['internal', 'aliyun', 'tencent'] as const;
export type SmsRailName = (typeof SMS_RAILS)[number];
export type MessageChannel = 'sms' | 'app';

export interface OutgoingMessage {
  /** Our key `<caseRef>:<step>:<channel>`; the rail carries it back (OutId, SessionContext). */
  outId: string;
  phone: string;
  channel: MessageChannel;
  /** The text as our own channels show it; template rails send `template` instead. */
  text: string;
  template?: TemplateRef;
}

/** What the rail knows about one message: accepted, then a receipt that it arrived or did not. */
export interface RailMessage {
  /** The rail's id: BizId (Aliyun), SerialNo (Tencent), bizId (internal). */
  messageId: string;
  state: 'sent' | 'delivered' | 'failed';
  /** The rail's own words for a failure (error code and description). */
  reason: string | null;
  /** When the receipt says the handset got it (or the rail gave up). */
  receiptAt: string | null;
}

export interface SmsRail {
  readonly name: SmsRailName;
  /** Template rails refuse free text: the carrier only delivers approved templates. */
  readonly needsTemplate: boolean;
  /**
   * False when the rail's look-up only sees messages that already have a receipt (Tencent): a
   * retry must then wait out the receipt window before it may conclude nothing went out.
   */
  readonly lookupSeesUnreceipted: boolean;
  /** The message sent with this outId since `since`, newest state, or null. */
  lookup(msg: OutgoingMessage, since: Date): Promise<RailMessage | null>;
  /**
   * Throws RailRejected (for good), AnswerLost (may have gone out) or a retryable error. A rail
   * whose answer already is the receipt (the internal gateway) returns it as `receipt`.
   */
  send(msg: OutgoingMessage): Promise<{ messageId: string; receipt?: RailMessage }>;
}

/** The rail said no and will say no again (bad template, parameter, number, sign). */
export class RailRejected extends Error {
  override readonly name = 'RailRejected';
  constructor(readonly rail: string, readonly code: string, message: string) {
    super(`${rail} refused: ${code}: ${message}`);
  }
}

/** No answer (timeout, dropped connection): the rail may have executed the send. */
export class AnswerLost extends Error {
  override readonly name = 'AnswerLost';
  constructor(readonly rail: string, message: string) {
    super(`${rail}: no answer: ${message}`);
  }
}
