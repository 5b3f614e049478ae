/**
 * Alipay through the official SDK (alipay-sdk v4, OpenAPI v2 gateway). The platform's own
 * payment centre still knows what only it knows (the attempts the customer saw, the trip, the
 * pending automatic charge); Alipay is the truth for trades and moves the money: refunds per
 * trade with out_request_no, holds as fund pre-authorisations.
 */
import { AlipaySdk, AlipayRequestError } from 'alipay-sdk';
import type { CallOptions } from '../../clients/http';
import type { HoldResult, OrderLedger, PaymentClient } from '../../clients/payment';
import { railError } from './errors';
import { fenToYuan, yuanToFen } from './money';
import type { PaymentPort, RailRefund, RailRefundRequest, RefundArrival } from './port';
import { railRefundNo, railRequestNo } from './refund-number';

export interface AlipayConfig {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  /** The gateway: Alipay's, its sandbox's, or the simulator's. */
  gateway: string;
  timeoutMs: number;
}

/** Sub codes that mean "the gateway had a problem", not "your request is wrong". */
const TRANSIENT = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR', 'isp.unknow-error']);

type AlipayResult = Record<string, unknown> & { code?: string; msg?: string; subCode?: string; subMsg?: string };

export function beijingToIso(t: string): string {
  return `${t.replace(' ', 'T')}+08:00`;
}

export class AlipayPaymentAdapter implements PaymentPort {
  readonly rail = 'alipay' as const;
  private readonly sdk: AlipaySdk;

  constructor(
    private readonly platform: PaymentClient,
    config: AlipayConfig,
  ) {
    this.sdk = new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey,
      alipayPublicKey: config.alipayPublicKey,
      gateway: config.gateway,
      endpoint: new URL(config.gateway).origin,
      timeout: config.timeoutMs,
      keyType: config.privateKey.includes('BEGIN PRIVATE KEY') ? 'PKCS8' : 'PKCS1',
    });
  }

  /** One gateway call, response signature verified; a business refusal is an HttpError like any provider's. */
  private async call(method: string, bizContent: Record<string, unknown>, allow: (r: AlipayResult) => boolean = () => false): Promise<AlipayResult> {
    let result: AlipayResult;
    try {
      result = (await this.sdk.exec(method, { bizContent }, { validateSign: true })) as AlipayResult;
    } catch (err) {
      if (err instanceof AlipayRequestError) {
        // The SDK names the HTTP status only in its message ("HTTP 请求错误, status: 503").
        const status = err.responseHttpStatus ?? Number(/status: (\d+)/.exec(err.message)?.[1] ?? 0);
        // A signature that does not verify is not Alipay talking: never act on it, never retry into it.
        const forged = err.message.includes('验签失败');
        const timedOut = /timeout/i.test(`${(err.cause as Error | undefined)?.name ?? ''} ${err.message}`);
        throw railError('alipay', method, !forged && (status === 0 || status >= 500 || status === 429), status, err.responseDataRaw ?? null, err.message, timedOut);
      }
      throw err;
    }
    if (result.code === '10000' || allow(result)) return result;
    const transient = result.code === '20000' || TRANSIENT.has(String(result.subCode));
    throw railError('alipay', method, transient, transient ? 503 : 422, result, `${result.code} ${result.subCode ?? ''} ${result.subMsg ?? result.msg ?? ''}`.trim());
  }

  /** The platform's books with each debit confirmed by alipay.trade.query: Alipay's amount is the one that counts. */
  async getLedger(orderId: string, call?: CallOptions): Promise<OrderLedger> {
    const ledger = await this.platform.getLedger(orderId, call);
    const debits = [];
    for (const d of ledger.debits) {
      const t = await this.call('alipay.trade.query', { tradeNo: d.providerRef });
      debits.push({ ...d, amountFen: yuanToFen(String(t.totalAmount)) });
    }
    const debitedFen = debits.reduce((n, d) => n + d.amountFen, 0);
    return { ...ledger, debits, totals: { ...ledger.totals, debitedFen, netFen: debitedFen - ledger.totals.refundedFen } };
  }

  getTrip(orderId: string, call?: CallOptions) {
    return this.platform.getTrip(orderId, call);
  }

  async holdAutoCharge(orderId: string, key: string, call?: CallOptions): Promise<HoldResult> {
    const ledger = await this.platform.getLedger(orderId, call);
    const pending = ledger.pendingAutoCharge;
    const amountFen = pending?.amountFen ?? ledger.holds.at(-1)?.amountFen ?? 0;
    const r = await this.call('alipay.fund.auth.order.freeze', {
      outOrderNo: orderId,
      outRequestNo: railRequestNo(key),
      orderTitle: `automatic charge of order ${orderId} held during a dispute`,
      amount: fenToYuan(amountFen),
      productCode: 'PRE_AUTH',
    });
    return this.hold(orderId, String(r.authNo), call);
  }

  async captureHold(orderId: string, key: string, amountFen: number, call?: CallOptions): Promise<HoldResult> {
    const authNo = await this.authNo(orderId, call);
    await this.call('alipay.trade.pay', {
      outTradeNo: railRequestNo(key),
      totalAmount: fenToYuan(amountFen),
      authNo,
      productCode: 'PRE_AUTH',
      // COMPLETE: settle this amount and unfreeze the rest of the authorisation in the same call.
      authConfirmMode: 'COMPLETE',
      subject: `order ${orderId}`,
    });
    return this.hold(orderId, authNo, call);
  }

  async releaseHold(orderId: string, key: string, call?: CallOptions): Promise<HoldResult> {
    const authNo = await this.authNo(orderId, call);
    const current = await this.hold(orderId, authNo, call);
    await this.call('alipay.fund.auth.order.unfreeze', {
      authNo,
      outRequestNo: railRequestNo(key),
      amount: fenToYuan(current.amountFen),
      remark: 'dispute resolved: the held charge is cancelled',
    });
    return this.hold(orderId, authNo, call);
  }

  async refund(req: RailRefundRequest, call?: CallOptions): Promise<RailRefund> {
    const outRequestNo = railRefundNo(req.outRequestNo);
    const ref = { orderId: req.orderId, transactionRef: req.transactionRef };
    const r = await this.call('alipay.trade.refund', {
      tradeNo: req.transactionRef,
      refundAmount: fenToYuan(req.amountFen),
      outRequestNo,
      refundReason: req.reason.slice(0, 256),
    });
    // The query tells what the refund answer does not: a card refund's deposit back and its expected date.
    const confirmed = await this.queryRefund(outRequestNo, ref, call);
    if (confirmed) return confirmed;
    if (r.fundChange === 'Y') {
      const toCard = channels(r.refundDetailItemList).includes('BANKCARD');
      return this.railRefund(outRequestNo, req.amountFen, String(r.tradeNo), toCard ? 'PROCESSING' : 'SUCCESS', beijingToIso(String(r.gmtRefundPay)), toCard ? { channel: 'bank_card' } : undefined);
    }
    // "N": no money moved on this call (Alipay knows the number); only the refund query can say what the
    // first call did, and it does not show it yet: try again later rather than guess.
    throw railError('alipay', 'alipay.trade.refund', true, 503, r, `fund_change N for ${outRequestNo} and the refund query does not show it yet`);
  }

  async queryRefund(outRequestNo: string, ref: { orderId: string; transactionRef: string }, _call?: CallOptions): Promise<RailRefund | null> {
    const no = railRefundNo(outRequestNo);
    const r = await this.call('alipay.trade.fastpay.refund.query', {
      tradeNo: ref.transactionRef,
      outRequestNo: no,
      queryOptions: ['gmt_refund_pay', 'refund_detail_item_list', 'deposit_back_info'],
    });
    // No refund_amount: Alipay never executed this number. refund_status is REFUND_SUCCESS or, on old trades, absent.
    if (r.refundAmount === undefined || (r.refundStatus !== undefined && r.refundStatus !== 'REFUND_SUCCESS')) return null;
    const amountFen = yuanToFen(String(r.refundAmount));
    const paidBack = beijingToIso(String(r.gmtRefundPay));
    const dback = r.depositBackInfo as { dbackStatus?: string; bankAckTime?: string; estBankReceiptTime?: string } | undefined;
    if (!dback) {
      const card = channels(r.refundDetailItemList).includes('BANKCARD');
      return this.railRefund(no, amountFen, String(r.tradeNo), 'SUCCESS', paidBack, { channel: card ? 'bank_card' : 'balance', expectedBy: paidBack });
    }
    // A card refund has arrived when the bank acknowledged it (S), bounced when it did not (F).
    if (dback.dbackStatus === 'S') {
      const acked = beijingToIso(String(dback.bankAckTime));
      return this.railRefund(no, amountFen, String(r.tradeNo), 'SUCCESS', acked, { channel: 'bank_card', expectedBy: acked });
    }
    if (dback.dbackStatus === 'F') return this.railRefund(no, amountFen, String(r.tradeNo), 'ABNORMAL');
    return this.railRefund(no, amountFen, String(r.tradeNo), 'PROCESSING', undefined, {
      channel: 'bank_card',
      ...(dback.estBankReceiptTime ? { expectedBy: beijingToIso(dback.estBankReceiptTime) } : {}),
    });
  }

  private railRefund(outRequestNo: string, amountFen: number, tradeNo: string, status: RailRefund['status'], refundedAt?: string, arrival?: RefundArrival): RailRefund {
    return {
      refundId: `${tradeNo}:${outRequestNo}`,
      outRequestNo,
      amountFen,
      status,
      ...(status === 'SUCCESS' && refundedAt ? { refundedAt } : {}),
      // Alipay has no refund id of its own: the trade and the request number name the refund.
      providerRef: `${tradeNo}/${outRequestNo}`,
      ...(arrival ? { arrival } : {}),
    };
  }

  private async authNo(orderId: string, call?: CallOptions): Promise<string> {
    const ledger = await this.platform.getLedger(orderId, call);
    const hold = ledger.holds.at(-1);
    if (!hold) throw railError('alipay', 'authorisation', false, 409, null, `order ${orderId} has no frozen authorisation`);
    return hold.holdId;
  }

  private async hold(orderId: string, authNo: string, call?: CallOptions): Promise<HoldResult> {
    const hold = (await this.platform.getLedger(orderId, call)).holds.find((h) => h.holdId === authNo);
    if (!hold) throw railError('alipay', 'authorisation', true, 503, null, `authorisation ${authNo} of ${orderId} is not in the platform's books yet`);
    return hold;
  }
}

function channels(details: unknown): string[] {
  return Array.isArray(details) ? details.map((d) => String((d as { fundChannel?: unknown }).fundChannel ?? '')) : [];
}
