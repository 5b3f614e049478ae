/** How findings settle by themselves, and the outcome the customer is told. */
import type { Finding } from './evidence';
import type { Policy } from './policy';
import type { Outcome } from './types';

export type DecisionKind = 'settle' | 'resolve' | 'reject' | 'withdraw';

/** Agreed facts (platform at fault, proved by the records) settle without anyone's approval. */
export function automaticSettlement(policy: Policy, findings: Finding[]): { refundFen: number; reason: string } | undefined {
  const atFault = findings.filter((f) => f.platformAtFault && f.refundDueFen > 0);
  const refundFen = atFault.reduce((sum, f) => sum + f.refundDueFen, 0);
  if (refundFen === 0 || refundFen > policy.autoSettleLimitFen) return undefined;
  return { refundFen, reason: `settled automatically on agreed facts: ${atFault.map((f) => f.summary.en).join('; ')}` };
}

/**
 * "Refunded" (in full) only when the customer is whole: no fee taken and everything the order
 * cost given back. Any smaller relief is a partial refund or a reduced charge.
 */
export function settlementOutcome(kind: DecisionKind, reliefFen: number, feeFen: number, orderCostFen: number | undefined): Outcome {
  switch (kind) {
    case 'reject':
      return 'rejected';
    case 'withdraw':
      return 'withdrawn';
    case 'resolve':
      return 'resolved';
    case 'settle':
      if (reliefFen <= 0) return 'resolved';
      return feeFen === 0 && orderCostFen !== undefined && reliefFen >= orderCostFen ? 'refunded' : 'partly_refunded';
  }
}

/** What the records show happened; empty when they show nothing (the customer's own words are not repeated back). */
export function whatHappened(findings: Finding[]): { zh: string; en: string } {
  const shown = findings.filter((f) => f.kind !== 'order_not_found');
  if (shown.length === 0) return { zh: '', en: '' };
  return { zh: shown.map((f) => f.summary.zh).join('；'), en: shown.map((f) => f.summary.en).join('; ') };
}
