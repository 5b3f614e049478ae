/** The gateway methods the engine uses, each a function of biz_content over the shared books. */
import type { Debit, OrderLedger } from '../../activities/clients/payment';
import { fenToYuan, yuanToFen } from '../../activities/rails/payment/money';
import { RAIL_REFUND_NO } from '../../activities/rails/payment/refund-number';
import { Problem } from '../lib/http';
import type { PaymentService } from '../payment/service';
import type { AlipayDepositBacks } from './deposit-back';
import { beijingTime } from './time';

export class AlipayError extends Error {
  constructor(
    readonly code: '40002' | '40004' | '20000',
    readonly subCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The books' refusals in Alipay's sub codes. */
const SUB_CODES: Record<string, string> = {
  ORDER_NOT_FOUND: 'ACQ.TRADE_NOT_EXIST',
  TRANSACTION_NOT_FOUND: 'ACQ.TRADE_NOT_EXIST',
  REFUND_EXCEEDS_TRANSACTION: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
  REFUND_EXCEEDS_DEBITED: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
  OUT_REQUEST_NO_REUSED: 'ACQ.DISCORDANT_REPEAT_REQUEST',
  NO_PENDING_CHARGE: 'AUTH_ORDER_NOT_EXIST',
  ALREADY_HELD: 'ORDER_ALREADY_EXIST',
  NO_HOLD: 'AUTH_ORDER_NOT_EXIST',
  HOLD_NOT_ACTIVE: 'AUTH_ORDER_HAS_CLOSED',
  CAPTURE_EXCEEDS_HOLD: 'ACQ.TOTAL_FEE_EXCEED',
  IDEMPOTENCY_KEY_REUSED: 'ACQ.DISCORDANT_REPEAT_REQUEST',
};

function books<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Problem) {
      if (err.status === 400) throw new AlipayError('40002', 'isv.invalid-parameter', err.message);
      throw new AlipayError('40004', SUB_CODES[err.code] ?? 'ACQ.SYSTEM_ERROR', err.message);
    }
    throw err;
  }
}

const str = (biz: Record<string, unknown>, key: string, max = 64): string => {
  const v = biz[key];
  if (typeof v !== 'string' || v === '' || v.length > max) throw new AlipayError('40002', 'isv.missing-parameter', `${key} is required (at most ${max} characters)`);
  return v;
};

const amount = (biz: Record<string, unknown>, key: string): number => {
  try {
    const fen = yuanToFen(str(biz, key, 16));
    if (fen <= 0) throw new RangeError('must be positive');
    return fen;
  } catch (err) {
    throw new AlipayError('40002', 'isv.invalid-parameter', `${key}: ${(err as Error).message}`);
  }
};

const requestNo = (biz: Record<string, unknown>, key: string): string => {
  const no = str(biz, key);
  if (!RAIL_REFUND_NO.test(no)) throw new AlipayError('40002', 'isv.invalid-parameter', `${key} may hold letters, digits, _ and - only`);
  return no;
};

const wants = (biz: Record<string, unknown>, option: string) => Array.isArray(biz.query_options) && biz.query_options.includes(option);

function fundChannel(order: OrderLedger): 'BANKCARD' | 'ALIPAYACCOUNT' {
  return order.attempts.some((a) => a.channel.includes('bank')) ? 'BANKCARD' : 'ALIPAYACCOUNT';
}

export function alipayMethods(payment: PaymentService, depositBacks: AlipayDepositBacks): Record<string, (biz: Record<string, unknown>) => Record<string, unknown>> {
  const trade = (biz: Record<string, unknown>): { order: OrderLedger; debit: Debit } => {
    const tradeNo = typeof biz.trade_no === 'string' ? biz.trade_no : undefined;
    if (tradeNo) {
      const found = payment.findTransaction(tradeNo);
      if (!found) throw new AlipayError('40004', 'ACQ.TRADE_NOT_EXIST', `no trade ${tradeNo}`);
      return found;
    }
    // The merchant's order number names the order's first payment, as one out_trade_no names one trade.
    const order = books(() => payment.ledger(str(biz, 'out_trade_no')));
    const debit = order.debits[0];
    if (!debit) throw new AlipayError('40004', 'ACQ.TRADE_NOT_EXIST', `order ${order.orderId} has no paid trade`);
    return { order, debit };
  };
  const refundedOn = (order: OrderLedger, tradeNo: string) =>
    order.refunds.filter((r) => r.transactionRef === tradeNo && (r.status === 'SUCCESS' || r.status === 'PROCESSING')).reduce((n, r) => n + r.amountFen, 0);
  const holdOrder = (authNo: string) => {
    const orderId = payment.orderOfHold(authNo);
    if (!orderId) throw new AlipayError('40004', 'AUTH_ORDER_NOT_EXIST', `no authorisation ${authNo}`);
    return orderId;
  };

  return {
    'alipay.trade.query': (biz) => {
      const { order, debit } = trade(biz);
      const refunded = refundedOn(order, debit.providerRef);
      return {
        trade_no: debit.providerRef,
        out_trade_no: order.orderId,
        trade_status: refunded >= debit.amountFen ? 'TRADE_CLOSED' : 'TRADE_SUCCESS',
        total_amount: fenToYuan(debit.amountFen),
        buyer_pay_amount: fenToYuan(debit.amountFen),
        send_pay_date: beijingTime(new Date(debit.at)),
      };
    },

    'alipay.trade.refund': (biz) => {
      const { order, debit } = trade(biz);
      const outRequestNo = requestNo(biz, 'out_request_no');
      const reason = typeof biz.refund_reason === 'string' ? biz.refund_reason.slice(0, 256) : '';
      const before = payment.findRefundByNo(outRequestNo);
      const toCard = fundChannel(order) === 'BANKCARD';
      const done = books(() =>
        payment.refund(
          { orderId: order.orderId, outRequestNo, amountFen: amount(biz, 'refund_amount'), reason, transactionRef: debit.providerRef },
          // To a card, the money is on its way until the bank credits it (the deposit back).
          { rail: 'alipay', status: toCard ? 'PROCESSING' : 'SUCCESS' },
        ),
      );
      if (!before && toCard) depositBacks.start({ outRequestNo, orderId: order.orderId, tradeNo: debit.providerRef, amountFen: done.amountFen });
      const after = payment.ledger(order.orderId);
      return {
        trade_no: debit.providerRef,
        out_trade_no: order.orderId,
        // "N": this number was refunded before and no money moved now; the merchant confirms with the refund query.
        fund_change: before ? 'N' : 'Y',
        refund_fee: fenToYuan(refundedOn(after, debit.providerRef)),
        gmt_refund_pay: beijingTime(new Date(done.refundedAt)),
        refund_detail_item_list: [{ fund_channel: fundChannel(after), amount: fenToYuan(done.amountFen) }],
      };
    },

    'alipay.trade.fastpay.refund.query': (biz) => {
      const { order, debit } = trade(biz);
      const outRequestNo = requestNo(biz, 'out_request_no');
      const refund = payment.findRefundByNo(outRequestNo);
      const base = { trade_no: debit.providerRef, out_trade_no: order.orderId, out_request_no: outRequestNo };
      // Alipay answers 10000 with no refund fields when it never executed the number.
      if (!refund || refund.transactionRef !== debit.providerRef) return base;
      return {
        ...base,
        total_amount: fenToYuan(debit.amountFen),
        refund_amount: fenToYuan(refund.amountFen),
        refund_reason: refund.reason,
        refund_status: 'REFUND_SUCCESS',
        gmt_refund_pay: beijingTime(new Date(refund.refundedAt)),
        refund_detail_item_list: [{ fund_channel: fundChannel(order), amount: fenToYuan(refund.amountFen) }],
        ...(wants(biz, 'deposit_back_info') && depositBacks.info(outRequestNo) ? { deposit_back_info: depositBacks.info(outRequestNo) } : {}),
      };
    },

    // Pre-authorisation: the order's pending automatic charge is frozen instead of taken.
    'alipay.fund.auth.order.freeze': (biz) => {
      const orderId = str(biz, 'out_order_no');
      const key = requestNo(biz, 'out_request_no');
      const fen = amount(biz, 'amount');
      const pending = books(() => payment.ledger(orderId)).pendingAutoCharge;
      if (pending && !pending.holdId && pending.amountFen !== fen) {
        throw new AlipayError('40004', 'ACQ.TOTAL_FEE_EXCEED', `freeze of ${fen} fen does not match the pending charge of ${pending.amountFen} fen`);
      }
      const hold = books(() => payment.hold(orderId, key));
      return {
        auth_no: hold.holdId,
        out_order_no: orderId,
        operation_id: `${hold.holdId}F`,
        out_request_no: key,
        amount: fenToYuan(hold.amountFen),
        status: 'SUCCESS',
        gmt_trans: beijingTime(new Date(hold.heldAt)),
      };
    },

    'alipay.trade.pay': (biz) => {
      if (biz.product_code !== 'PRE_AUTH' || biz.auth_confirm_mode !== 'COMPLETE') {
        throw new AlipayError('40002', 'isv.invalid-parameter', 'settling an authorisation needs product_code PRE_AUTH and auth_confirm_mode COMPLETE');
      }
      const authNo = str(biz, 'auth_no');
      const orderId = holdOrder(authNo);
      const outTradeNo = requestNo(biz, 'out_trade_no');
      const hold = books(() => payment.capture(orderId, outTradeNo, amount(biz, 'total_amount')));
      const debit = payment.ledger(orderId).debits.find((d) => d.debitId === hold.debitId)!;
      return {
        trade_no: debit.providerRef,
        out_trade_no: outTradeNo,
        total_amount: fenToYuan(debit.amountFen),
        receipt_amount: fenToYuan(debit.amountFen),
        gmt_payment: beijingTime(new Date(debit.at)),
        auth_no: authNo,
      };
    },

    'alipay.fund.auth.order.unfreeze': (biz) => {
      const authNo = str(biz, 'auth_no');
      const orderId = holdOrder(authNo);
      const key = requestNo(biz, 'out_request_no');
      const hold = books(() => payment.release(orderId, key));
      return { auth_no: authNo, out_request_no: key, operation_id: `${authNo}U`, amount: fenToYuan(hold.amountFen), status: 'SUCCESS', gmt_trans: beijingTime(new Date(hold.releasedAt ?? Date.now())) };
    },
  };
}
