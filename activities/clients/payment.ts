/**
 * Payment system client: the order ledger (evidence for C5), the automatic-charge hold
 * (C6) and refunds (C7). Money is integer fen; times are ISO 8601 strings.
 */
import type { FulfilmentFacts } from '../../domain/evidence';
import { type CallOptions, type ClientConfig, requestJson, requestJsonStrict } from './http';

export type OrderKind = 'flight' | 'ride' | 'hotel' | 'other';

export interface PaymentAttempt {
  attemptId: string;
  at: string;
  amountFen: number;
  status: 'FAILED' | 'SUCCEEDED' | 'PENDING';
  /** What the customer's screen said; the engine, not the customer, is the one who proves it. */
  shownToCustomer: string;
  channel: string;
}

export interface Debit {
  debitId: string;
  /** The provider's own transaction id, printable on a voucher. */
  providerRef: string;
  amountFen: number;
  at: string;
  kind: 'payment' | 'auto_charge' | 'hold_capture';
  /** The payment attempt this debit settles; two debits with one attemptId is a duplicate debit. */
  attemptId: string | null;
  chargeId: string | null;
}

export interface Refund {
  refundId: string;
  outRequestNo: string;
  orderId: string;
  amountFen: number;
  reason: string;
  /** Synchronous rails answer SUCCESS at once; an asynchronous one goes PROCESSING, then SUCCESS, ABNORMAL or CLOSED. */
  status: 'SUCCESS' | 'PROCESSING' | 'ABNORMAL' | 'CLOSED';
  /** When the money moved back; for a refund still PROCESSING, when it was accepted. */
  refundedAt: string;
  providerRef: string;
  /** The debit (its providerRef) this refund reverses; null for an order-level refund of the old protocol. */
  transactionRef: string | null;
  /** The rail that executed it. */
  rail: 'internal' | 'alipay' | 'wechatpay';
}

export type HoldStatus = 'HELD' | 'RELEASED' | 'CAPTURED' | 'EXPIRED';

export interface Hold {
  holdId: string;
  orderId: string;
  chargeId: string;
  amountFen: number;
  status: HoldStatus;
  heldAt: string;
  /** The provider will not hold longer: past this instant the charge executes by itself. */
  maxHoldUntil: string;
  releasedAt: string | null;
  capturedAt: string | null;
  capturedFen: number | null;
  /** The debit a capture (or an expiry) produced. */
  debitId: string | null;
}

export type HoldResult = Hold;

export interface PendingAutoCharge {
  chargeId: string;
  amountFen: number;
  dueAt: string;
  maxHoldUntil: string;
  /** Set while a hold keeps the charge from executing. */
  holdId: string | null;
}

export interface Fulfilment {
  kind: 'ticket_issued' | 'ride_completed' | 'booking_confirmed';
  at: string;
  /** A flight ticket issued as non-cancellable matters for the refund-fee rule (A5). */
  cancellable: boolean;
}

/** One line of the chronological view: what a voucher or a written explanation lists. */
export interface LedgerEntry {
  at: string;
  type: 'payment_attempt' | 'debit' | 'refund' | 'hold' | 'hold_released' | 'hold_captured' | 'hold_expired' | 'fulfilment';
  amountFen: number | null;
  ref: string;
  description: string;
}

export interface OrderLedger {
  orderId: string;
  kind: OrderKind;
  currency: 'CNY';
  description: string;
  customerId: string | null;
  enterpriseId: string | null;
  orderAmountFen: number;
  attempts: PaymentAttempt[];
  debits: Debit[];
  refunds: Refund[];
  holds: Hold[];
  pendingAutoCharge: PendingAutoCharge | null;
  fulfilment: Fulfilment | null;
  /**
   * The ticket's or ride's status now (a later change, refund or cancellation included); absent
   * from a platform that does not report it, null when the order system has none. Read through
   * fulfilmentFacts, which drops what it cannot read.
   */
  fulfilmentStatus?: FulfilmentFacts | null;
  tariff?: { refundFeeRatio: number; seatResold: boolean } | null;
  language?: 'zh' | 'en' | null;
  totals: { debitedFen: number; refundedFen: number; netFen: number };
  entries: LedgerEntry[];
}

export interface FareRule {
  baseFen: number;
  perKmFen: number;
  perMinFen: number;
}

export interface TripTrace {
  orderId: string;
  plannedKm: number;
  actualKm: number;
  durationMin: number;
  plannedDurationMin: number;
  fareRule: FareRule;
  chargedFen: number;
  driverId: string;
  route: { from: string; to: string; startedAt: string; endedAt: string; summary: string };
}

export interface RefundRequest {
  orderId: string;
  /** Our idempotency key (`${complaintId}:refund`): the provider refunds once per number. */
  outRequestNo: string;
  amountFen: number;
  reason: string;
  /** The debit's providerRef: the refund cannot exceed what is left of that debit. */
  transactionRef?: string;
}

export interface RefundResult extends Refund {
  /** Total refunded on the order after this refund. */
  orderRefundedFen: number;
}

export class PaymentClient {
  private readonly config: ClientConfig;

  constructor(config: ClientConfig) {
    this.config = config;
  }

  getLedger(orderId: string, call?: CallOptions): Promise<OrderLedger> {
    return requestJsonStrict(this.config, { method: 'GET', path: `/orders/${enc(orderId)}/ledger` }, call);
  }

  /** Null for an order without a trip (not a ride). */
  getTrip(orderId: string, call?: CallOptions): Promise<TripTrace | null> {
    return requestJson(this.config, { method: 'GET', path: `/orders/${enc(orderId)}/trip`, nullOn: [404] }, call);
  }

  /** Same key, same hold. 409 when there is no pending charge to hold or another key holds it. */
  holdAutoCharge(orderId: string, idempotencyKey: string, call?: CallOptions): Promise<HoldResult> {
    return requestJsonStrict(this.config, { method: 'POST', path: `/orders/${enc(orderId)}/hold`, body: { idempotencyKey } }, call);
  }

  /** Cancels the held charge: nothing is debited. */
  releaseHold(orderId: string, idempotencyKey: string, call?: CallOptions): Promise<HoldResult> {
    return requestJsonStrict(this.config, { method: 'POST', path: `/orders/${enc(orderId)}/hold/release`, body: { idempotencyKey } }, call);
  }

  /** Debits `amountFen` (at most the held amount) instead of the original charge. */
  captureHold(orderId: string, idempotencyKey: string, amountFen: number, call?: CallOptions): Promise<HoldResult> {
    return requestJsonStrict(
      this.config,
      { method: 'POST', path: `/orders/${enc(orderId)}/hold/capture`, body: { idempotencyKey, amountFen } },
      call,
    );
  }

  /** 422 when the order's refunds would exceed its debits; 409 when outRequestNo was used for a different refund. */
  refund(request: RefundRequest, call?: CallOptions): Promise<RefundResult> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/refunds', body: request }, call);
  }

  /** Null when the provider never executed a refund with this number. */
  queryRefund(outRequestNo: string, call?: CallOptions): Promise<RefundResult | null> {
    return requestJson(this.config, { method: 'GET', path: `/refunds/${enc(outRequestNo)}`, nullOn: [404] }, call);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
