/**
 * WeChat Pay APIv3 over HTTP: every request must carry the merchant's WECHATPAY2-SHA256-RSA2048
 * Authorization (checked against the merchant's public key), every answer is signed with the
 * platform key in Wechatpay-* headers, errors are `{code, message}` with the rail's statuses.
 */
import { createVerify } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { Problem } from '../lib/http';
import type { PaymentService } from '../payment/service';
import type { WechatPayService } from './service';
import { rfc3339 } from './service';

function send(wx: WechatPayService, res: Response, status: number, body: Record<string, unknown>): void {
  // Signed over exactly what res.json will write (JSON.stringify of the same object).
  res.status(status).set(wx.signatureHeaders(JSON.stringify(body))).json(body);
}

const fail = (wx: WechatPayService, res: Response, status: number, code: string, message: string) => send(wx, res, status, { code, message });

const AUTH = /^WECHATPAY2-SHA256-RSA2048 (.+)$/;

function authenticate(wx: WechatPayService): RequestHandler {
  return (req, res, next) => {
    const m = AUTH.exec(req.get('authorization') ?? '');
    const fields = Object.fromEntries([...(m?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((f) => [f[1], f[2]]));
    if (!m || fields.mchid !== wx.creds.mchid || fields.serial_no !== wx.creds.merchantSerial) {
      return fail(wx, res, 401, 'SIGN_ERROR', 'Authorization missing, or mchid / serial_no unknown');
    }
    if (Math.abs(Date.now() / 1000 - Number(fields.timestamp)) > 300) return fail(wx, res, 401, 'SIGN_ERROR', 'timestamp outside ±5 minutes');
    const raw = (req as Request & { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
    const message = `${req.method}\n${req.originalUrl}\n${fields.timestamp}\n${fields.nonce_str}\n${raw}\n`;
    if (!createVerify('RSA-SHA256').update(message).verify(wx.creds.merchantPublicKey, fields.signature ?? '', 'base64')) {
      return fail(wx, res, 401, 'SIGN_ERROR', 'signature does not verify with the merchant certificate');
    }
    next();
  };
}

/** WeChat Pay's out_refund_no alphabet (wider than Alipay's) and reason limit. */
const refundBody = z.object({
  transaction_id: z.string().min(1).max(32).optional(),
  out_trade_no: z.string().min(1).max(32).optional(),
  out_refund_no: z.string().regex(/^[A-Za-z0-9_\-|*@]{1,64}$/),
  reason: z.string().max(80).optional(),
  notify_url: z.url().optional(),
  funds_account: z.string().optional(),
  amount: z.object({ refund: z.number().int().positive(), total: z.number().int().positive(), currency: z.literal('CNY') }),
});

export function wechatpayRouter(payment: PaymentService, wx: WechatPayService): Router {
  const r = Router();
  r.use(authenticate(wx));

  r.get('/v3/pay/transactions/id/:transactionId', (req, res) => {
    const found = payment.findTransaction(req.params.transactionId);
    if (!found || req.query.mchid !== wx.creds.mchid) return fail(wx, res, 404, 'ORDER_NOT_EXIST', `no transaction ${req.params.transactionId}`);
    const { order, debit } = found;
    const refunded = order.refunds.filter((x) => x.transactionRef === debit.providerRef && (x.status === 'SUCCESS' || x.status === 'PROCESSING')).length > 0;
    send(wx, res, 200, {
      mchid: wx.creds.mchid,
      out_trade_no: order.orderId,
      transaction_id: debit.providerRef,
      trade_type: 'JSAPI',
      trade_state: refunded ? 'REFUND' : 'SUCCESS',
      trade_state_desc: refunded ? '转入退款' : '支付成功',
      success_time: rfc3339(new Date(debit.at)),
      amount: { total: debit.amountFen, payer_total: debit.amountFen, currency: 'CNY', payer_currency: 'CNY' },
    });
  });

  r.post('/v3/refund/domestic/refunds', (req, res) => {
    const parsed = refundBody.safeParse(req.body);
    if (!parsed.success) return fail(wx, res, 400, 'PARAM_ERROR', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const b = parsed.data;
    const found = b.transaction_id ? payment.findTransaction(b.transaction_id) : null;
    if (!found) return fail(wx, res, 404, 'RESOURCE_NOT_EXISTS', `no transaction ${b.transaction_id ?? b.out_trade_no ?? ''}`);
    const { order, debit } = found;
    if (b.amount.total !== debit.amountFen) return fail(wx, res, 400, 'PARAM_ERROR', `amount.total ${b.amount.total} is not the transaction's ${debit.amountFen}`);
    const prior = payment.findRefundByNo(b.out_refund_no);
    if (!prior) {
      const onTransaction = order.refunds.filter((x) => x.transactionRef === debit.providerRef).length;
      if (onTransaction >= wx.config.maxRefundsPerTransaction) {
        return fail(wx, res, 400, 'INVALID_REQUEST', `a transaction takes at most ${wx.config.maxRefundsPerTransaction} partial refunds`);
      }
      const last = wx.lastRefundAt(debit.providerRef);
      if (last !== null && Date.now() - last < wx.config.refundIntervalMs) {
        const waitMs = wx.config.refundIntervalMs - (Date.now() - last);
        res.set('retry-after', String(Math.ceil(waitMs / 1000)));
        return fail(wx, res, 429, 'FREQUENCY_LIMITED', `refunds on one order must be ${wx.config.refundIntervalMs / 1000} s apart; retry in ${Math.ceil(waitMs / 1000)} s`);
      }
    }
    let refund;
    try {
      refund = payment.refund(
        { orderId: order.orderId, outRequestNo: b.out_refund_no, amountFen: b.amount.refund, reason: b.reason ?? '', transactionRef: debit.providerRef },
        { rail: 'wechatpay', status: 'PROCESSING' },
      );
    } catch (err) {
      if (err instanceof Problem && err.code === 'OUT_REQUEST_NO_REUSED') return fail(wx, res, 400, 'INVALID_REQUEST', `out_refund_no ${b.out_refund_no} was used with a different amount or transaction`);
      if (err instanceof Problem && err.status === 422) return fail(wx, res, 400, 'INVALID_REQUEST', `申请退款金额超过订单可退金额: ${err.message}`);
      throw err;
    }
    if (!prior) wx.accepted(refund, b.notify_url ?? null);
    send(wx, res, 200, wx.resource(refund));
  });

  r.get('/v3/refund/domestic/refunds/:outRefundNo', (req, res) => {
    wx.settleIfDue(req.params.outRefundNo);
    const refund = payment.findRefundByNo(req.params.outRefundNo);
    if (!refund || refund.rail !== 'wechatpay') return fail(wx, res, 404, 'RESOURCE_NOT_EXISTS', `no refund ${req.params.outRefundNo}`);
    send(wx, res, 200, wx.resource(refund));
  });

  return r;
}
