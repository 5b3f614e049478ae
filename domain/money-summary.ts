/**
 * One net money summary of a case: what the order was charged, held, captured and refunded, the
 * fee, and what is still owed, in one place, so that the agent never adds up evidence cards and
 * the outcome reads as what happened to the money (a reduced capture is not a refund).
 */
import type { LedgerFacts } from './evidence';
import type { Finding } from './evidence';
import { netPosition } from './money';
import type { Outcome } from './types';

export interface MoneyFacts {
  ledger?: LedgerFacts | null;
  hold?: { amountFen: number; status: 'held' | 'released' | 'captured'; capturedFen?: number };
  refunds: Array<{ outRequestNo: string; refundId: string; amountFen: number; status: string }>;
  settlement?: { feeFen: number };
  findings: Pick<Finding, 'kind' | 'refundDueFen'>[];
  outcome?: Outcome;
}

/** What happened to the money, as the customer would say it. */
export type MoneyReading = 'refunded' | 'reduced_charge' | 'refunded_and_reduced' | 'charge_released' | 'none' | 'pending';

export interface MoneySummary {
  /** Successful debits in the ledger, before any refund. */
  chargedFen: number;
  /** An automatic charge waiting under our hold (not yet taken). */
  heldFen: number;
  /** What the held charge was finally taken at. */
  capturedFen: number;
  /** Everything given back on the order: earlier refunds in the ledger and this case's. */
  refundedFen: number;
  /** Of which this case's own refunds. */
  refundedByCaseFen: number;
  /** The held charge taken less than it was: money that never left the customer. */
  reducedFen: number;
  feeFen: number;
  /** What the customer has paid for the order now (charged + captured - refunded). */
  netPaidFen: number;
  /** What the findings say was owed, each finding once, summed. */
  foundOwedFen: number;
  /** Of that, what this case has not paid yet. */
  stillOwedFen: number;
  reading: MoneyReading;
}

export function moneySummary(f: MoneyFacts): MoneySummary {
  const position = f.ledger ? netPosition(f.ledger) : undefined;
  const known = new Set((f.ledger?.entries ?? []).filter((e) => e.kind === 'refund').flatMap((e) => [e.id, e.providerRef].filter((x): x is string => !!x)));
  const ours = f.refunds.filter((r) => r.status === 'succeeded');
  const refundedByCaseFen = ours.reduce((s, r) => s + r.amountFen, 0);
  // A refund of this case the ledger already lists (it was read again after) is counted once in
  // the order's total, and is still this case's relief.
  const unlisted = ours.filter((r) => !known.has(r.refundId) && !known.has(r.outRequestNo));
  const refundedFen = (position?.refundedFen ?? 0) + unlisted.reduce((s, r) => s + r.amountFen, 0);
  const heldFen = f.hold?.status === 'held' ? f.hold.amountFen : 0;
  const capturedFen = f.hold?.status === 'captured' ? f.hold.capturedFen ?? f.hold.amountFen : 0;
  const reducedFen = f.hold && f.hold.status !== 'held' ? f.hold.amountFen - (f.hold.capturedFen ?? 0) : 0;
  const chargedFen = position?.debitedFen ?? 0;
  const foundOwedFen = f.findings.reduce((s, x) => s + x.refundDueFen, 0);
  const relief = refundedByCaseFen + reducedFen;
  return {
    chargedFen,
    heldFen,
    capturedFen,
    refundedFen,
    refundedByCaseFen,
    reducedFen,
    feeFen: f.settlement?.feeFen ?? 0,
    netPaidFen: chargedFen + capturedFen - refundedFen,
    foundOwedFen,
    stillOwedFen: Math.max(0, foundOwedFen - relief),
    reading: f.outcome ? moneyReading(refundedByCaseFen, f.hold && { status: f.hold.status, reducedFen }) : 'pending',
  };
}

/**
 * What a decided case did with the money, from this case's refunds and how its hold ended (the
 * held charge taken at less, or released): the case's summary and its voucher read it alike.
 */
export function moneyReading(refundedFen: number, hold?: { status?: string; reducedFen: number }): Exclude<MoneyReading, 'pending'> {
  const capturedLess = hold?.status === 'captured' && hold.reducedFen > 0;
  if (refundedFen > 0 && capturedLess) return 'refunded_and_reduced';
  if (refundedFen > 0) return 'refunded';
  if (capturedLess) return 'reduced_charge';
  if (hold?.status === 'released') return 'charge_released';
  return 'none';
}
