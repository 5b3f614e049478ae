/**
 * Refund fees. The 2003 rule on passenger-transport refund fees caps them at 20% and waives
 * them when the seat can be resold; we charge nothing at all when the platform is at fault.
 */
import type { Policy } from './policy';

export interface FeeInput {
  refundFen: number;
  platformAtFault: boolean;
  /** Fee the provider's tariff asks for, as a share of the refund (story A: 50%). */
  requestedRatio?: number;
  seatResold?: boolean;
}

export interface FeeDecision {
  feeFen: number;
  ratio: number;
  rule: 'platform_at_fault' | 'seat_resold' | 'tariff' | 'capped';
  explanation: { zh: string; en: string };
}

export function refundFee(policy: Policy, input: FeeInput): FeeDecision {
  if (input.platformAtFault) {
    return {
      feeFen: 0,
      ratio: 0,
      rule: 'platform_at_fault',
      explanation: { zh: '平台责任，退款不收取任何手续费', en: 'The platform is at fault, so no refund fee is charged' },
    };
  }
  if (input.seatResold) {
    return {
      feeFen: 0,
      ratio: 0,
      rule: 'seat_resold',
      explanation: { zh: '座位已可再次出售，依规不收取退票费', en: 'The seat can be resold, so by rule no refund fee is charged' },
    };
  }
  const requested = input.requestedRatio ?? policy.refundFeeCapRatio;
  const ratio = Math.min(requested, policy.refundFeeCapRatio);
  const pct = Math.round(policy.refundFeeCapRatio * 100);
  return {
    feeFen: Math.floor(input.refundFen * ratio),
    ratio,
    rule: requested > policy.refundFeeCapRatio ? 'capped' : 'tariff',
    explanation:
      requested > policy.refundFeeCapRatio
        ? { zh: `退票费按规定上限 ${pct}% 收取`, en: `Refund fee capped at ${pct}% as the rule requires` }
        : { zh: `退票费按 ${Math.round(ratio * 100)}% 收取（上限 ${pct}%）`, en: `Refund fee of ${Math.round(ratio * 100)}% (cap ${pct}%)` },
  };
}
