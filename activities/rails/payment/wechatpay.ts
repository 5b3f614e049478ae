/**
 * WeChat Pay APIv3 through wechatpay-axios-plugin: requests signed with the merchant key,
 * responses verified against the platform certificate by the plugin. Refunds are of one
 * transaction (transaction_id), keyed by out_refund_no, and asynchronous: the first answer is
 * usually PROCESSING; the result comes by notification (api/routes/payment-notifications.ts) or
 * by the refund query. Holds stay with the platform's own payment centre: basic APIv3 merchants
 * have no pre-authorisation, and the charge being held is the platform's own automatic charge.
 */
import { Wechatpay } from 'wechatpay-axios-plugin';
import { HttpError, type CallOptions } from '../../clients/http';
import type { OrderLedger, PaymentClient } from '../../clients/payment';
import { railError } from './errors';
import type { PaymentPort, RailRefund, RailRefundRequest, RailRefundStatus } from './port';
import { railRefundNo } from './refund-number';

export interface WechatPayConfig {
  mchid: string;
  /** The merchant API certificate's serial, and its private key. */
  serial: string;
  privateKey: string;
  platformSerial: string;
  platformCertificate: string;
  baseUrl: string;
  notifyUrl?: string;
  timeoutMs: number;
}

/** The rail's limits the adapter respects itself. */
export const WECHATPAY_LIMITS = { reasonChars: 80, refundsPerTransaction: 50, secondsBetweenRefunds: 60 } as const;

const BANK_CARD_DAYS = 5;

/** WeChat Pay asked us to wait (one minute between refunds on one order): the activity retries after that, not sooner. */
export class RetryLaterError extends HttpError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    body: unknown,
  ) {
    super(429, body, true, 'http', message);
  }
}

export interface WechatRefundResource {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  status: RailRefundStatus;
  success_time?: string;
  create_time?: string;
  user_received_account?: string;
  amount: { refund: number; total: number };
}

type Resource = { get(config?: object): Promise<{ data: any }>; post(data: unknown, config?: object): Promise<{ data: any }> } & Record<string, any>;

export class WechatPayAdapter implements PaymentPort {
  readonly rail = 'wechatpay' as const;
  private readonly v3: Resource;

  constructor(
    private readonly platform: PaymentClient,
    private readonly config: WechatPayConfig,
  ) {
    const wx = new Wechatpay({
      mchid: config.mchid,
      serial: config.serial,
      privateKey: config.privateKey,
      certs: { [config.platformSerial]: config.platformCertificate },
      baseURL: config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`,
      timeout: config.timeoutMs,
    });
    this.v3 = (wx as unknown as Resource).v3;
  }

  private async call<T>(what: string, run: () => Promise<{ data: T }>, nullOn404 = false): Promise<T | null> {
    try {
      return (await run()).data;
    } catch (err) {
      const e = err as { response?: { status: number; data: any; headers?: Record<string, string> }; code?: string; message: string };
      const status = e.response?.status ?? 0;
      if (status === 404 && nullOn404) return null;
      if (status === 429) {
        const seconds = Number(e.response?.headers?.['retry-after'] ?? WECHATPAY_LIMITS.secondsBetweenRefunds);
        throw new RetryLaterError(`wechatpay ${what}: ${e.response?.data?.message ?? 'FREQUENCY_LIMITED'}`, seconds * 1000, e.response?.data);
      }
      // The plugin refuses a 2xx whose signature does not verify: not the rail talking, never acted on.
      const forged = typeof e.code === 'string' && e.code.startsWith('EV3_RES_');
      const retryable = !forged && (status === 0 || status >= 500);
      const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
      throw railError('wechatpay', what, retryable, forged ? 502 : status, e.response?.data ?? null, `${e.response?.data?.code ?? e.code ?? ''} ${e.response?.data?.message ?? e.message}`.trim(), timedOut);
    }
  }

  private transaction(transactionId: string) {
    return this.call<{ amount: { total: number }; trade_state: string }>('transaction query', () =>
      this.v3.pay.transactions.id._transaction_id_.get({ transaction_id: transactionId, params: { mchid: this.config.mchid } }),
    ) as Promise<{ amount: { total: number }; trade_state: string }>;
  }

  /** The platform's books with each debit's amount as WeChat Pay states it. */
  async getLedger(orderId: string, call?: CallOptions): Promise<OrderLedger> {
    const ledger = await this.platform.getLedger(orderId, call);
    const debits = [];
    for (const d of ledger.debits) debits.push({ ...d, amountFen: (await this.transaction(d.providerRef)).amount.total });
    const debitedFen = debits.reduce((n, d) => n + d.amountFen, 0);
    return { ...ledger, debits, totals: { ...ledger.totals, debitedFen, netFen: debitedFen - ledger.totals.refundedFen } };
  }

  getTrip(orderId: string, call?: CallOptions) {
    return this.platform.getTrip(orderId, call);
  }
  holdAutoCharge(orderId: string, key: string, call?: CallOptions) {
    return this.platform.holdAutoCharge(orderId, key, call);
  }
  releaseHold(orderId: string, key: string, call?: CallOptions) {
    return this.platform.releaseHold(orderId, key, call);
  }
  captureHold(orderId: string, key: string, amountFen: number, call?: CallOptions) {
    return this.platform.captureHold(orderId, key, amountFen, call);
  }

  async refund(req: RailRefundRequest): Promise<RailRefund> {
    const total = (await this.transaction(req.transactionRef)).amount.total;
    const data = await this.call<WechatRefundResource>('refund', () =>
      this.v3.refund.domestic.refunds.post({
        transaction_id: req.transactionRef,
        out_refund_no: railRefundNo(req.outRequestNo),
        reason: [...req.reason].slice(0, WECHATPAY_LIMITS.reasonChars).join(''),
        ...(this.config.notifyUrl ? { notify_url: this.config.notifyUrl } : {}),
        amount: { refund: req.amountFen, total, currency: 'CNY' },
      }),
    );
    return wechatRefund(data!);
  }

  async queryRefund(outRequestNo: string): Promise<RailRefund | null> {
    const no = railRefundNo(outRequestNo);
    const data = await this.call<WechatRefundResource>('refund query', () => this.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: no }), true);
    return data && wechatRefund(data);
  }
}

/** A refund resource (an API answer or a decrypted notification) on the port's terms. */
export function wechatRefund(r: WechatRefundResource & { refund_status?: RailRefundStatus }): RailRefund {
  const status = r.status ?? r.refund_status;
  const from = r.success_time ?? r.create_time;
  const bank = !!r.user_received_account && !r.user_received_account.includes('零钱');
  const expectedBy = from && (bank ? new Date(Date.parse(from) + BANK_CARD_DAYS * 86_400_000).toISOString() : new Date(Date.parse(from)).toISOString());
  return {
    refundId: r.refund_id,
    outRequestNo: r.out_refund_no,
    amountFen: r.amount.refund,
    status,
    ...(status === 'SUCCESS' && r.success_time ? { refundedAt: new Date(Date.parse(r.success_time)).toISOString() } : {}),
    providerRef: r.refund_id,
    ...(status === 'SUCCESS' || status === 'PROCESSING' ? { arrival: { channel: bank ? ('bank_card' as const) : ('balance' as const), ...(expectedBy ? { expectedBy } : {}) } } : {}),
  };
}
