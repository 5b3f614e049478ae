/** How a decision turns into money movements and an outcome the customer is told. */
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

export interface MoneyPlan {
  /** Capture the held automatic charge at this adjusted amount. */
  captureFen?: number;
  /** Cancel the held automatic charge: nothing is taken. */
  release: boolean;
  /** Pay back to the customer from what was already debited. */
  refundFen: number;
}

/**
 * A held charge is adjusted before anything is refunded: money never leaves the customer only to
 * come back. Without a hold, the relief (refund less fee) is paid back.
 */
export function moneyPlan(input: { decision: DecisionKind; refundFen: number; feeFen: number; heldFen?: number }): MoneyPlan {
  const relief = input.decision === 'settle' ? Math.max(0, input.refundFen - input.feeFen) : 0;
  if (input.heldFen === undefined) return { release: false, refundFen: relief };
  if (relief >= input.heldFen) return { release: true, refundFen: relief - input.heldFen };
  return { captureFen: input.heldFen - relief, release: false, refundFen: 0 };
}

export function settlementOutcome(
  decision: { kind: 'settle'; settlement: { refundFen: number } } | { kind: Exclude<DecisionKind, 'settle'> },
  orderValueFen: number | undefined,
): Outcome {
  switch (decision.kind) {
    case 'reject':
      return 'rejected';
    case 'withdraw':
      return 'withdrawn';
    case 'resolve':
      return 'resolved';
    case 'settle': {
      const refund = decision.settlement.refundFen;
      if (refund === 0) return 'resolved';
      return orderValueFen !== undefined && refund >= orderValueFen ? 'refunded' : 'partly_refunded';
    }
  }
}

export function whatHappened(description: string, findings: Finding[]): { zh: string; en: string } {
  if (findings.length === 0) return { zh: description, en: description };
  return { zh: findings.map((f) => f.summary.zh).join('；'), en: findings.map((f) => f.summary.en).join('; ') };
}
