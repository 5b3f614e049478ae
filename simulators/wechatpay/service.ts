/**
 * WeChat Pay's refund engine over the shared books: a refund is accepted as PROCESSING and
 * settles later (SUCCESS, or ABNORMAL / CLOSED when a test scripts it), and each outcome is
 * posted to the merchant's notify_url, signed with the platform key and its resource encrypted
 * with the APIv3 key. State on disk, so a restart settles and notifies what was pending.
 */
import { createCipheriv, createSign, randomBytes, randomUUID } from 'node:crypto';
import type { RefundResult } from '../../activities/clients/payment';
import { JsonStore } from '../lib/store';
import type { PaymentService } from '../payment/service';
import type { WechatPayCredentials } from './keys';

export type Outcome = 'SUCCESS' | 'ABNORMAL' | 'CLOSED';

interface PendingRefund {
  outRefundNo: string;
  orderId: string;
  transactionId: string | null;
  createdAt: string;
  settleAt: string;
  outcome: Outcome;
  notifyUrl: string | null;
  /** Deliveries tried, and when the next one is due (null: delivered or given up). */
  attempts: number;
  nextNotifyAt: string | null;
}

export interface NotificationRecord {
  outRefundNo: string;
  at: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  delivered: boolean;
  status: number;
}

interface WechatData {
  version: 1;
  refunds: Record<string, PendingRefund>;
  notifications: NotificationRecord[];
}

export interface OutcomeRule {
  /** Applies to refunds whose out_refund_no or order id contains this text. */
  match: string;
  status: Outcome;
  remaining: number | null;
}

/** WeChat Pay's notification retry spacing (15 s, 15 s, 30 s, 3 min, ...), cut short: tests cannot wait hours. */
const RETRY_MS = [15_000, 15_000, 30_000, 180_000, 600_000];
const KEEP_NOTIFICATIONS = 500;

export class WechatPayService {
  readonly store: JsonStore<WechatData>;
  /** Test configuration, like the fault switches: in memory, reset on restart. */
  config = { settleAfterMs: 1_000, refundIntervalMs: 60_000, maxRefundsPerTransaction: 50 };
  private rules: OutcomeRule[] = [];
  private readonly inflight = new Set<string>();

  constructor(
    dataDir: string,
    readonly payment: PaymentService,
    private readonly credentials: () => WechatPayCredentials,
    private readonly now: () => Date,
  ) {
    this.store = new JsonStore(dataDir, 'wechatpay', (): WechatData => ({ version: 1, refunds: {}, notifications: [] }));
  }

  get creds(): WechatPayCredentials {
    return this.credentials();
  }

  setOutcome(rule: { match: string; status: Outcome; count?: number }): OutcomeRule {
    const r = { match: rule.match, status: rule.status, remaining: rule.count ?? null };
    this.rules.push(r);
    return r;
  }

  private decideOutcome(outRefundNo: string, orderId: string): Outcome {
    const rule = this.rules.find((r) => outRefundNo.includes(r.match) || orderId.includes(r.match));
    if (!rule) return 'SUCCESS';
    if (rule.remaining !== null && --rule.remaining <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule.status;
  }

  /** Called once, when the books first record the refund. */
  accepted(refund: RefundResult, notifyUrl: string | null): void {
    this.store.update((d) => {
      d.refunds[refund.outRequestNo] = {
        outRefundNo: refund.outRequestNo,
        orderId: refund.orderId,
        transactionId: refund.transactionRef,
        createdAt: this.now().toISOString(),
        settleAt: new Date(this.now().getTime() + this.config.settleAfterMs).toISOString(),
        outcome: this.decideOutcome(refund.outRequestNo, refund.orderId),
        notifyUrl,
        attempts: 0,
        nextNotifyAt: null,
      };
    });
  }

  /** Settles one refund if its time has come (a query sees the rail's state, ticker or not). */
  settleIfDue(outRefundNo: string): void {
    const p = this.store.data.refunds[outRefundNo];
    if (!p || this.payment.findRefundByNo(outRefundNo)?.status !== 'PROCESSING') return;
    if (this.now().getTime() < Date.parse(p.settleAt)) return;
    this.payment.settleRefund(outRefundNo, p.outcome);
    if (p.notifyUrl) this.store.update(() => (p.nextNotifyAt = this.now().toISOString()));
  }

  /** One ticker pass: settle what is due, deliver what is owed. */
  runDue(): void {
    for (const no of Object.keys(this.store.data.refunds)) this.settleIfDue(no);
    const now = this.now().getTime();
    for (const p of Object.values(this.store.data.refunds)) {
      if (p.nextNotifyAt && Date.parse(p.nextNotifyAt) <= now && !this.inflight.has(p.outRefundNo)) void this.notify(p);
    }
  }

  private async notify(p: PendingRefund): Promise<void> {
    const refund = this.payment.findRefundByNo(p.outRefundNo);
    if (!refund || !p.notifyUrl) return;
    this.inflight.add(p.outRefundNo);
    const { headers, body } = this.notification(refund);
    let status = 0;
    try {
      const res = await fetch(p.notifyUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) });
      status = res.status;
      await res.text();
    } catch {
      status = 0;
    } finally {
      this.inflight.delete(p.outRefundNo);
    }
    const delivered = status === 200 || status === 204;
    this.store.update((d) => {
      p.attempts += 1;
      const wait = RETRY_MS[p.attempts - 1];
      p.nextNotifyAt = delivered || wait === undefined ? null : new Date(this.now().getTime() + wait).toISOString();
      d.notifications.push({ outRefundNo: p.outRefundNo, at: this.now().toISOString(), url: p.notifyUrl!, headers, body, delivered, status });
      if (d.notifications.length > KEEP_NOTIFICATIONS) d.notifications.splice(0, d.notifications.length - KEEP_NOTIFICATIONS);
    });
  }

  /** The refund as WeChat Pay's APIv3 resource. */
  resource(refund: RefundResult) {
    const debit = this.payment.findTransaction(refund.transactionRef ?? '')?.debit;
    const order = this.payment.ledger(refund.orderId);
    const bank = order.attempts.some((a) => a.channel.includes('bank'));
    const settled = refund.status !== 'PROCESSING';
    return {
      refund_id: refund.providerRef,
      out_refund_no: refund.outRequestNo,
      transaction_id: refund.transactionRef,
      out_trade_no: refund.orderId,
      channel: 'ORIGINAL',
      user_received_account: bank ? '招商银行储蓄卡1234' : '支付用户零钱',
      ...(refund.status === 'SUCCESS' ? { success_time: rfc3339(new Date(refund.refundedAt)) } : {}),
      create_time: rfc3339(new Date(this.createdAt(refund))),
      status: refund.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: debit?.amountFen ?? refund.amountFen,
        refund: refund.amountFen,
        payer_total: debit?.amountFen ?? refund.amountFen,
        payer_refund: settled && refund.status !== 'SUCCESS' ? 0 : refund.amountFen,
        settlement_refund: refund.amountFen,
        settlement_total: debit?.amountFen ?? refund.amountFen,
        discount_refund: 0,
        currency: 'CNY',
      },
    };
  }

  private createdAt(refund: RefundResult): string {
    return this.store.data.refunds[refund.outRequestNo]?.createdAt ?? refund.refundedAt;
  }

  /** When the last refund on this transaction was accepted: WeChat Pay spaces refunds on one order. */
  lastRefundAt(transactionId: string): number | null {
    const times = Object.values(this.store.data.refunds).filter((p) => p.transactionId === transactionId).map((p) => Date.parse(p.createdAt));
    return times.length ? Math.max(...times) : null;
  }

  /** The signed, encrypted callback WeChat Pay posts for a settled refund. */
  notification(refund: RefundResult): { headers: Record<string, string>; body: string } {
    const r = this.resource(refund);
    const plain = JSON.stringify({
      mchid: this.creds.mchid,
      out_trade_no: r.out_trade_no,
      transaction_id: r.transaction_id,
      out_refund_no: r.out_refund_no,
      refund_id: r.refund_id,
      refund_status: r.status,
      ...(r.success_time ? { success_time: r.success_time } : {}),
      user_received_account: r.user_received_account,
      amount: { total: r.amount.total, refund: r.amount.refund, payer_total: r.amount.payer_total, payer_refund: r.amount.payer_refund },
    });
    const nonce = randomBytes(9).toString('base64url').slice(0, 12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(this.creds.apiV3Key), Buffer.from(nonce)).setAAD(Buffer.from('refund'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339(this.now()),
      resource_type: 'encrypt-resource',
      event_type: `REFUND.${refund.status}`,
      summary: refund.status === 'SUCCESS' ? '退款成功' : refund.status === 'ABNORMAL' ? '退款异常' : '退款关闭',
      resource: { original_type: 'refund', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'refund', nonce },
    });
    return { headers: this.signatureHeaders(body), body };
  }

  /** Wechatpay-* headers over `timestamp\nnonce\nbody\n`: the same scheme for responses and notifications. */
  signatureHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(this.creds.platformPrivateKey, 'base64');
    return {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': this.creds.platformSerial,
      'wechatpay-signature': signature,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  notifications(outRefundNo?: string): NotificationRecord[] {
    return this.store.data.notifications.filter((n) => !outRefundNo || n.outRefundNo === outRefundNo);
  }

  reset(): void {
    this.store.reset();
    this.rules = [];
    this.config = { settleAfterMs: 1_000, refundIntervalMs: 60_000, maxRefundsPerTransaction: 50 };
  }
}

/** RFC 3339 in Beijing time, as WeChat Pay writes times: 2026-12-01T16:05:00+08:00. */
export function rfc3339(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}
