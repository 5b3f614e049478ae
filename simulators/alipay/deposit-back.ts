/**
 * A refund to a bank card: Alipay takes the money back at once (fund_change "Y"), then the bank
 * credits the card days later: the deposit back (dback_status P, then S, or F when the card
 * refuses it). The query reports it as deposit_back_info, and the result is pushed as the
 * message alipay.trade.refund.depositback.completed, RSA2-signed, to the subscribed URL.
 */
import { createSign, randomUUID } from 'node:crypto';
import { fenToYuan } from '../../activities/rails/payment/money';
import { JsonStore } from '../lib/store';
import type { PaymentService } from '../payment/service';
import type { AlipayCredentials } from './keys';
import { beijingTime } from './time';

export type DbackStatus = 'P' | 'S' | 'F';

interface DepositBack {
  outRequestNo: string;
  orderId: string;
  tradeNo: string;
  amountFen: number;
  startedAt: string;
  settleAt: string;
  outcome: 'S' | 'F';
  status: DbackStatus;
  bankAckAt: string | null;
  attempts: number;
  nextNotifyAt: string | null;
}

export interface AlipayNotificationRecord {
  outRequestNo: string;
  at: string;
  url: string;
  params: Record<string, string>;
  delivered: boolean;
  status: number;
}

interface Data {
  version: 1;
  items: Record<string, DepositBack>;
  notifications: AlipayNotificationRecord[];
}

const RETRY_MS = [4 * 60_000, 10 * 60_000, 10 * 60_000, 60 * 60_000];
/** What Alipay estimates for the bank to credit a card. */
const BANK_DAYS_ESTIMATE = 3;

export class AlipayDepositBacks {
  readonly store: JsonStore<Data>;
  config: { settleAfterMs: number; notifyUrl: string | null } = { settleAfterMs: 1_000, notifyUrl: null };
  private rules: Array<{ match: string; remaining: number | null }> = [];
  private readonly inflight = new Set<string>();

  constructor(
    dataDir: string,
    private readonly payment: PaymentService,
    private readonly credentials: () => AlipayCredentials,
    private readonly now: () => Date,
  ) {
    this.store = new JsonStore(dataDir, 'alipay', (): Data => ({ version: 1, items: {}, notifications: [] }));
  }

  /** The next matching bank-card refunds bounce (dback_status F). */
  failNext(match: string, count?: number): void {
    this.rules.push({ match, remaining: count ?? null });
  }

  private bounces(no: string, orderId: string): boolean {
    const rule = this.rules.find((r) => no.includes(r.match) || orderId.includes(r.match));
    if (!rule) return false;
    if (rule.remaining !== null && --rule.remaining <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return true;
  }

  start(r: { outRequestNo: string; orderId: string; tradeNo: string; amountFen: number }): void {
    const now = this.now().getTime();
    this.store.update((d) => {
      d.items[r.outRequestNo] = {
        ...r,
        startedAt: new Date(now).toISOString(),
        settleAt: new Date(now + this.config.settleAfterMs).toISOString(),
        outcome: this.bounces(r.outRequestNo, r.orderId) ? 'F' : 'S',
        status: 'P',
        bankAckAt: null,
        attempts: 0,
        nextNotifyAt: null,
      };
    });
  }

  settleIfDue(no: string): void {
    const item = this.store.data.items[no];
    if (!item || item.status !== 'P' || this.now().getTime() < Date.parse(item.settleAt)) return;
    this.payment.settleRefund(no, item.outcome === 'S' ? 'SUCCESS' : 'ABNORMAL');
    this.store.update(() => {
      item.status = item.outcome;
      item.bankAckAt = this.now().toISOString();
      item.nextNotifyAt = this.config.notifyUrl ? this.now().toISOString() : null;
    });
  }

  runDue(): void {
    for (const no of Object.keys(this.store.data.items)) this.settleIfDue(no);
    const now = this.now().getTime();
    for (const item of Object.values(this.store.data.items)) {
      if (item.nextNotifyAt && Date.parse(item.nextNotifyAt) <= now && !this.inflight.has(item.outRequestNo)) void this.notify(item);
    }
  }

  /** deposit_back_info as the refund query returns it; null when the refund went to a balance. */
  info(no: string): Record<string, string> | null {
    this.settleIfDue(no);
    const item = this.store.data.items[no];
    if (!item) return null;
    return {
      dback_status: item.status,
      dback_amount: fenToYuan(item.amountFen),
      ...(item.bankAckAt ? { bank_ack_time: beijingTime(new Date(item.bankAckAt)) } : {}),
      est_bank_receipt_time: beijingTime(new Date(Date.parse(item.startedAt) + BANK_DAYS_ESTIMATE * 86_400_000)),
    };
  }

  private async notify(item: DepositBack): Promise<void> {
    const url = this.config.notifyUrl;
    if (!url) return;
    this.inflight.add(item.outRequestNo);
    const params = this.message(item);
    let status = 0;
    let text = '';
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(5_000) });
      status = res.status;
      text = (await res.text()).trim();
    } catch {
      status = 0;
    } finally {
      this.inflight.delete(item.outRequestNo);
    }
    // Alipay counts a delivery only when the body is the word "success".
    const delivered = status === 200 && text === 'success';
    this.store.update((d) => {
      item.attempts += 1;
      const wait = RETRY_MS[item.attempts - 1];
      item.nextNotifyAt = delivered || wait === undefined ? null : new Date(this.now().getTime() + wait).toISOString();
      d.notifications.push({ outRequestNo: item.outRequestNo, at: this.now().toISOString(), url, params, delivered, status });
      if (d.notifications.length > 500) d.notifications.splice(0, d.notifications.length - 500);
    });
  }

  /** The pushed message: every parameter but sign and sign_type signed, sorted, RSA2. */
  message(item: DepositBack): Record<string, string> {
    const params: Record<string, string> = {
      notify_id: randomUUID().replaceAll('-', ''),
      utc_timestamp: String(this.now().getTime()),
      msg_method: 'alipay.trade.refund.depositback.completed',
      app_id: this.credentials().appId,
      version: '1.1',
      charset: 'utf-8',
      biz_content: JSON.stringify({
        trade_no: item.tradeNo,
        out_trade_no: item.orderId,
        out_request_no: item.outRequestNo,
        dback_status: item.status,
        dback_amount: fenToYuan(item.amountFen),
        ...(item.bankAckAt ? { bank_ack_time: beijingTime(new Date(item.bankAckAt)) } : {}),
        est_bank_receipt_time: this.info(item.outRequestNo)?.est_bank_receipt_time,
      }),
    };
    const content = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
    return { ...params, sign_type: 'RSA2', sign: createSign('RSA-SHA256').update(content, 'utf8').sign(this.credentials().alipayPrivateKey, 'base64') };
  }

  notifications(no?: string): AlipayNotificationRecord[] {
    return this.store.data.notifications.filter((n) => !no || n.outRequestNo === no);
  }

  reset(): void {
    this.store.reset();
    this.rules = [];
    this.config = { settleAfterMs: 1_000, notifyUrl: null };
  }
}
