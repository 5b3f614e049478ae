/**
 * The payment port: what the engine needs from a payment rail. One adapter per rail
 * (internal, alipay, wechatpay); activities/payment.ts talks to this and nothing else.
 *
 * Money is integer fen on this side of the port; each adapter converts to its rail's units.
 * Errors are HttpError (activities/clients/http.ts) so the activities classify retry vs. give-up
 * the same way for every rail: retryable = the rail may answer differently next time.
 */
import type { CallOptions } from '../../clients/http';
import type { HoldResult, OrderLedger, TripTrace } from '../../clients/payment';

export type PaymentRail = 'internal' | 'alipay' | 'wechatpay';

export type RailRefundStatus = 'SUCCESS' | 'PROCESSING' | 'ABNORMAL' | 'CLOSED';

export interface RailRefundRequest {
  orderId: string;
  /** Chosen by the engine per order and finding: at most 64 of [A-Za-z0-9_-], the same on every retry. */
  outRequestNo: string;
  amountFen: number;
  reason: string;
  /** The debit's providerRef (the rail's trade / transaction id): a refund reverses a transaction, not an order. */
  transactionRef: string;
}

export interface RefundArrival {
  /** Where the money lands: the balance arrives at once, a bank card takes the bank's days. */
  channel: 'balance' | 'bank_card' | 'credit_card' | 'original' | 'other';
  /** The rail's promise for when the customer sees the money (ISO 8601). */
  expectedBy?: string;
}

export interface RailRefund {
  refundId: string;
  outRequestNo: string;
  amountFen: number;
  status: RailRefundStatus;
  /** When the money moved; absent while PROCESSING and for ABNORMAL / CLOSED. */
  refundedAt?: string;
  /** The rail's own refund reference, printable on an apology or a voucher. */
  providerRef: string;
  arrival?: RefundArrival;
}

export interface PaymentPort {
  readonly rail: PaymentRail;
  /** The order's books; an unknown order is an HttpError with status 404. */
  getLedger(orderId: string, call?: CallOptions): Promise<OrderLedger>;
  /** Null for an order without a trip (not a ride). */
  getTrip(orderId: string, call?: CallOptions): Promise<TripTrace | null>;
  /** Same key, same hold. */
  holdAutoCharge(orderId: string, idempotencyKey: string, call?: CallOptions): Promise<HoldResult>;
  releaseHold(orderId: string, idempotencyKey: string, call?: CallOptions): Promise<HoldResult>;
  captureHold(orderId: string, idempotencyKey: string, amountFen: number, call?: CallOptions): Promise<HoldResult>;
  /** Same outRequestNo, same refund: a retry never pays twice, and answers what the first try did. */
  refund(request: RailRefundRequest, call?: CallOptions): Promise<RailRefund>;
  /** Null when the rail never executed a refund with this number. */
  queryRefund(outRequestNo: string, ref: { orderId: string; transactionRef: string }, call?: CallOptions): Promise<RailRefund | null>;
}
