/**
 * An order-level refund (today's workflow asks for one) spread over the order's transactions,
 * for rails that only refund a transaction. Deterministic: it ignores the refunds this request
 * already made, so a retry after a partial failure derives the same parts and numbers.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { OrderLedger } from '../../clients/payment';
import type { RailRefundRequest } from './port';
import { railRefundNo } from './refund-number';

export function allocateRefund(
  ledger: OrderLedger,
  req: { orderId: string; outRequestNo: string; amountFen: number; reason: string },
): { outRequestNo: string; parts: RailRefundRequest[] } {
  const base = railRefundNo(req.outRequestNo);
  const mine = (no: string) => no === base || no.startsWith(`${base.slice(0, 61)}-`);
  const left = ledger.debits.map((d) => {
    const taken = ledger.refunds
      .filter((r) => r.transactionRef === d.providerRef && !mine(r.outRequestNo) && (r.status === 'SUCCESS' || r.status === 'PROCESSING'))
      .reduce((n, r) => n + r.amountFen, 0);
    return { ref: d.providerRef, fen: d.amountFen - taken };
  });
  const shares: Array<{ ref: string; fen: number }> = [];
  let rest = req.amountFen;
  for (const d of left) {
    if (rest === 0) break;
    const fen = Math.min(rest, d.fen);
    if (fen > 0) shares.push({ ref: d.ref, fen });
    rest -= fen;
  }
  if (rest > 0) {
    throw ApplicationFailure.nonRetryable(
      `refund of ${req.amountFen} fen exceeds what is left of the order's transactions (${req.amountFen - rest} fen)`,
      'ProviderRejected',
      { status: 422 },
    );
  }
  const number = (i: number) => (shares.length === 1 ? base : `${base.slice(0, 61)}-${i + 1}`);
  return {
    outRequestNo: base,
    parts: shares.map((s, i) => ({ orderId: req.orderId, outRequestNo: number(i), amountFen: s.fen, reason: req.reason, transactionRef: s.ref })),
  };
}
