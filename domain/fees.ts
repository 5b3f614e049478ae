/**
 * Refund fees. A fee exists only for a customer's own cancellation that the order's tariff
 * charges for; the 2003 rule on passenger-transport refund fees caps it at 20% and waives it
 * when the seat can be resold. Compensation, goodwill and every platform fault carry no fee.
 */
import type { Tariff } from './evidence';
import type { Policy } from './policy';

export const SETTLEMENT_KINDS = ['compensation', 'goodwill', 'cancellation'] as const;
export type SettlementKind = (typeof SETTLEMENT_KINDS)[number];

export interface FeeInput {
  kind: SettlementKind;
  refundFen: number;
  platformAtFault: boolean;
  /** From the order system; without it no fee can be justified. */
  tariff?: Tariff;
}

export type FeeRule = 'not_a_cancellation' | 'platform_at_fault' | 'seat_resold' | 'no_tariff_fee' | 'tariff' | 'capped';

export interface FeeDecision {
  feeFen: number;
  ratio: number;
  rule: FeeRule;
  /** Said to the customer only when a fee was taken. */
  explanation: { zh: string; en: string };
}

const none = (rule: FeeRule, zh: string, en: string): FeeDecision => ({ feeFen: 0, ratio: 0, rule, explanation: { zh, en } });

export function refundFee(policy: Policy, input: FeeInput): FeeDecision {
  if (input.kind !== 'cancellation') return none('not_a_cancellation', '补偿款不收取任何手续费', 'Compensation carries no fee');
  if (input.platformAtFault) return none('platform_at_fault', '平台责任，退款不收取任何手续费', 'The platform is at fault, so no refund fee is charged');
  if (input.tariff?.seatResold) return none('seat_resold', '座位已可再次出售，依规不收取退票费', 'The seat can be resold, so by rule no refund fee is charged');
  const requested = input.tariff?.refundFeeRatio ?? 0;
  if (requested <= 0) return none('no_tariff_fee', '订单票价规则未规定退票费，不收取', 'The order\'s tariff charges no refund fee');
  const ratio = Math.min(requested, policy.refundFeeCapRatio);
  const pct = Math.round(policy.refundFeeCapRatio * 100);
  const feeFen = Math.floor(input.refundFen * ratio);
  if (requested > policy.refundFeeCapRatio) {
    return { feeFen, ratio, rule: 'capped', explanation: { zh: `退票费按规定上限 ${pct}% 收取（票价规则要求 ${Math.round(requested * 100)}%）`, en: `Refund fee capped at ${pct}% as the rule requires (the tariff asked ${Math.round(requested * 100)}%)` } };
  }
  return { feeFen, ratio, rule: 'tariff', explanation: { zh: `退票费按票价规则 ${Math.round(ratio * 100)}% 收取（上限 ${pct}%）`, en: `Refund fee of ${Math.round(ratio * 100)}% by the order's tariff (cap ${pct}%)` } };
}
