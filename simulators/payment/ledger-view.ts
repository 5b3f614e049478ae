import type { LedgerEntry, OrderLedger } from '../../activities/clients/payment';

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} CNY`;

/**
 * The ledger as one chronological list, the way a provider's statement reads: this is what
 * a written explanation or voucher quotes, and where a duplicate debit is plain to see (A3).
 */
export function ledgerEntries(order: Pick<OrderLedger, 'attempts' | 'debits' | 'refunds' | 'holds' | 'fulfilment'>): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const a of order.attempts) {
    entries.push({
      at: a.at,
      type: 'payment_attempt',
      amountFen: a.amountFen,
      ref: a.attemptId,
      description: `payment attempt via ${a.channel}: ${a.status}${a.shownToCustomer ? `; customer was shown "${a.shownToCustomer}"` : ''}`,
    });
  }
  for (const d of order.debits) {
    const source = d.kind === 'payment' ? `for attempt ${d.attemptId ?? '(none)'}` : `${d.kind.replace('_', ' ')} ${d.chargeId ?? ''}`.trim();
    entries.push({ at: d.at, type: 'debit', amountFen: d.amountFen, ref: d.providerRef, description: `debit of ${yuan(d.amountFen)} ${source}` });
  }
  for (const r of order.refunds) {
    entries.push({ at: r.refundedAt, type: 'refund', amountFen: r.amountFen, ref: r.providerRef, description: `refund of ${yuan(r.amountFen)}: ${r.reason}` });
  }
  for (const h of order.holds) {
    entries.push({ at: h.heldAt, type: 'hold', amountFen: h.amountFen, ref: h.holdId, description: `automatic charge ${h.chargeId} held until at most ${h.maxHoldUntil}` });
    if (h.releasedAt) {
      entries.push({ at: h.releasedAt, type: 'hold_released', amountFen: 0, ref: h.holdId, description: `automatic charge ${h.chargeId} cancelled` });
    }
    if (h.capturedAt && h.capturedFen !== null) {
      entries.push({ at: h.capturedAt, type: 'hold_captured', amountFen: h.capturedFen, ref: h.holdId, description: `automatic charge ${h.chargeId} adjusted to ${yuan(h.capturedFen)}` });
    }
    if (h.status === 'EXPIRED') {
      entries.push({ at: h.maxHoldUntil, type: 'hold_expired', amountFen: h.amountFen, ref: h.holdId, description: `hold limit reached; automatic charge ${h.chargeId} executed` });
    }
  }
  if (order.fulfilment) {
    const f = order.fulfilment;
    entries.push({ at: f.at, type: 'fulfilment', amountFen: null, ref: f.kind, description: `${f.kind.replace('_', ' ')}${f.cancellable ? '' : ' (not cancellable)'}` });
  }
  // Stable sort keeps an attempt before the debit it caused when both share a timestamp.
  return entries.sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
}
