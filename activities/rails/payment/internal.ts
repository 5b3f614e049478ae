/**
 * The platform's own payment centre (the protocol this project started with): a thin adapter
 * over PaymentClient. The other rails reuse it for what only the platform knows (payment
 * attempts, the trip, the pending automatic charge) and move the money on their own rail.
 */
import type { CallOptions } from '../../clients/http';
import type { PaymentClient, RefundResult } from '../../clients/payment';
import type { PaymentPort, RailRefund, RailRefundRequest } from './port';

export function railRefundOf(r: RefundResult): RailRefund {
  return {
    refundId: r.refundId,
    outRequestNo: r.outRequestNo,
    amountFen: r.amountFen,
    status: r.status,
    ...(r.status === 'SUCCESS' ? { refundedAt: r.refundedAt } : {}),
    providerRef: r.providerRef,
    // The platform's own centre credits the customer's platform balance at once.
    ...(r.status === 'SUCCESS' ? { arrival: { channel: 'balance' as const, expectedBy: r.refundedAt } } : {}),
  };
}

export class InternalPaymentAdapter implements PaymentPort {
  readonly rail = 'internal' as const;
  constructor(readonly client: PaymentClient) {}

  getLedger(orderId: string, call?: CallOptions) {
    return this.client.getLedger(orderId, call);
  }
  getTrip(orderId: string, call?: CallOptions) {
    return this.client.getTrip(orderId, call);
  }
  holdAutoCharge(orderId: string, key: string, call?: CallOptions) {
    return this.client.holdAutoCharge(orderId, key, call);
  }
  releaseHold(orderId: string, key: string, call?: CallOptions) {
    return this.client.releaseHold(orderId, key, call);
  }
  captureHold(orderId: string, key: string, amountFen: number, call?: CallOptions) {
    return this.client.captureHold(orderId, key, amountFen, call);
  }

  async refund(req: RailRefundRequest, call?: CallOptions): Promise<RailRefund> {
    return railRefundOf(await this.client.refund(req, call));
  }

  async queryRefund(outRequestNo: string, _ref: { orderId: string; transactionRef: string }, call?: CallOptions): Promise<RailRefund | null> {
    const found = await this.client.queryRefund(outRequestNo, call);
    return found && railRefundOf(found);
  }
}
