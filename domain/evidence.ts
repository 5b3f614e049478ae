/**
 * Findings from the systems of record. The engine reads the payment ledger and the trip trace
 * itself; the customer is never asked for a screenshot (story A).
 */
import { netPosition, splitDuplicates, type Claim } from './money';
export interface LedgerEntryFacts {
  id: string;
  kind: 'attempt' | 'debit' | 'refund' | 'hold' | 'capture' | 'release';
  amountFen: number;
  at: string;
  status: string;
  shownToCustomer?: string;
  providerRef?: string;
  paymentId?: string;
  /** On a refund: the transaction (debit providerRef) it reversed, when the rail says. */
  reverses?: string;
}

/** What the order's tariff says about fees: from the order system, never a default. */
export interface Tariff {
  /** Share of the refund the tariff charges for a customer's own cancellation (story A: 0.5). */
  refundFeeRatio: number;
  seatResold: boolean;
}

export interface LedgerFacts {
  orderId: string;
  amountFen: number;
  entries: LedgerEntryFacts[];
  /** An automatic charge that has not executed (held or due): the order will cost it too. */
  pendingChargeFen?: number;
  pendingChargeDueAt?: string;
  tariff?: Tariff;
  /** The enterprise's language for the OA texts, when the order says. */
  language?: 'zh' | 'en';
}

export interface TripFacts {
  plannedKm: number;
  actualKm: number;
  durationMin: number;
  fareRule: { baseFen: number; perKmFen: number; perMinFen: number };
  chargedFen: number;
}

export const TICKET_STATUSES = ['issued', 'changed', 'refunded', 'cancelled'] as const;
export const RIDE_STATUSES = ['completed', 'cancelled', 'in_progress'] as const;

/**
 * The order system's word on what was delivered, as it stands now: the ticket (flight, train) or
 * the ride. It is shown beside the ledger, never used to decide: a ticket issued after the customer
 * was told "payment failed" is what story A is about, and the agent must see it.
 */
export type FulfilmentFacts =
  | {
      kind: 'ticket';
      status: (typeof TICKET_STATUSES)[number];
      /** When the order system recorded this status. */
      at: string;
      ticketNo: string;
      /** When the ticket was first issued, if the status is a later one. */
      issuedAt?: string;
    }
  | { kind: 'ride'; status: (typeof RIDE_STATUSES)[number]; at: string };

export interface DriverAdmission {
  admittedFault: boolean;
  kind: 'detour' | 'fare' | 'other';
}

export type FindingKind = 'duplicate_debit' | 'charged_after_reported_failure' | 'detour' | 'driver_admission' | 'order_not_found';

export interface Finding {
  kind: FindingKind;
  source: 'payment_ledger' | 'trip_trace' | 'driver_report';
  /** The platform (or its driver) caused it: refunds carry no fee and settle without approval. */
  platformAtFault: boolean;
  /** What the customer is still owed because of this finding alone, in fen, after every refund already made. */
  refundDueFen: number;
  /** A person must act before money can move (the payment system does not know the order). */
  blocking?: boolean;
  /** What paying it means: the stable name of what is paid for and the transactions to reverse. */
  claim?: Claim;
  summary: { zh: string; en: string };
  details: Record<string, string | number | boolean>;
}

/** A route this much longer than planned is a detour even without the driver's word. */
export const DETOUR_RATIO = 1.15;

const SUCCESS = new Set(['succeeded', 'success', 'SUCCESS', 'SUCCEEDED']);

/** The payment system does not know the order: a person must find it, the records prove nothing. */
export function orderNotFoundFinding(orderId: string): Finding {
  return {
    kind: 'order_not_found',
    source: 'payment_ledger',
    platformAtFault: false,
    refundDueFen: 0,
    blocking: true,
    summary: {
      zh: `支付系统中查无订单 ${orderId}：无法核对扣款，需人工确认订单号`,
      en: `The payment system does not know order ${orderId}: nothing can be checked or refunded until a person finds the order`,
    },
    details: { orderId },
  };
}

export function ledgerFindings(ledger: LedgerFacts): Finding[] {
  const findings: Finding[] = [];
  const position = netPosition(ledger);
  const { primary, duplicates } = splitDuplicates(position);
  if (duplicates.length > 0) {
    const extraFen = duplicates.reduce((s, t) => s + t.remainingFen, 0);
    const debits = position.transactions.length;
    const paid = extraFen === 0;
    findings.push({
      kind: 'duplicate_debit',
      source: 'payment_ledger',
      platformAtFault: true,
      refundDueFen: extraFen,
      claim: { forWhat: 'DUP', amountFen: extraFen, from: duplicates.map((t) => t.ref), purpose: 'refund of the duplicate debit' },
      summary: paid
        ? { zh: `支付记录显示同一订单被扣款 ${debits} 次，多扣部分已退回`, en: `The payment ledger shows ${debits} debits for one order; the duplicate was already refunded` }
        : {
            zh: `支付记录显示同一订单被扣款 ${debits} 次，多扣 ${yuan(extraFen)} 元`,
            en: `The payment ledger shows ${debits} debits for one order: ${yuan(extraFen)} CNY taken twice`,
          },
      details: { debits, debitedFen: position.debitedFen, orderAmountFen: ledger.amountFen, refs: duplicates.map((t) => t.ref).join(','), alreadyRefundedFen: duplicates.reduce((s, t) => s + t.refundedFen, 0) },
    });
  }
  const failedShown = ledger.entries.find((e) => e.kind === 'attempt' && !SUCCESS.has(e.status) && e.shownToCustomer);
  if (failedShown) {
    const later = position.transactions.filter((d) => d.at > failedShown.at);
    // A later successful attempt means the customer paid again knowingly: not this finding.
    const paidAgain = ledger.entries.some((e) => e.kind === 'attempt' && SUCCESS.has(e.status) && e.at > failedShown.at);
    if (later.length > 0 && !paidAgain) {
      // The customer was told the purchase failed and acted on it: the whole order is owed back,
      // less whatever any case already refunded of it.
      const owed = Math.min(ledger.amountFen, primary.reduce((s, t) => s + t.remainingFen, 0));
      findings.push({
        kind: 'charged_after_reported_failure',
        source: 'payment_ledger',
        platformAtFault: true,
        refundDueFen: owed,
        claim: { forWhat: 'FAIL', amountFen: owed, from: primary.map((t) => t.ref), purpose: 'refund of the payment the customer was told had failed' },
        summary: {
          zh: `支付页面曾显示"${failedShown.shownToCustomer}"，之后仍被扣款${owed === 0 ? '（已全额退回）' : ''}`,
          en: `The customer was shown "${failedShown.shownToCustomer}" and was debited afterwards${owed === 0 ? ' (already refunded in full)' : ''}`,
        },
        details: { shownAt: failedShown.at, firstDebitAt: later[0]!.at, shown: failedShown.shownToCustomer ?? '' },
      });
    }
  }
  return findings;
}

/** The fare recomputed on the planned route: what the ride should have cost. */
export function fairFareFen(trip: TripFacts): number {
  const minutesOnPlan = trip.actualKm > 0 ? trip.durationMin * Math.min(1, trip.plannedKm / trip.actualKm) : trip.durationMin;
  return Math.round(trip.fareRule.baseFen + trip.fareRule.perKmFen * trip.plannedKm + trip.fareRule.perMinFen * minutesOnPlan);
}

/**
 * The trace still shows the fare first charged after any correction, so what the ride costs the
 * customer now comes from the ledger: paid plus any charge still due, less the fair fare.
 */
export function tripFindings(trip: TripFacts, admissions: DriverAdmission[], ledger?: LedgerFacts | null): Finding[] {
  const admitted = admissions.some((a) => a.admittedFault && (a.kind === 'detour' || a.kind === 'fare'));
  const traceShowsDetour = trip.actualKm > trip.plannedKm * DETOUR_RATIO;
  if (!admitted && !traceShowsDetour) return [];
  const fair = fairFareFen(trip);
  const position = ledger ? netPosition(ledger) : undefined;
  const costsNowFen = position ? position.paidFen + position.pendingFen : trip.chargedFen;
  const overchargeFen = Math.max(0, costsNowFen - fair);
  const extraKm = Math.round((trip.actualKm - trip.plannedKm) * 10) / 10;
  return [
    {
      kind: 'detour',
      source: 'trip_trace',
      platformAtFault: true,
      refundDueFen: overchargeFen,
      claim: { forWhat: 'FARE', amountFen: overchargeFen, from: [], purpose: 'fare corrected to the planned route' },
      summary: {
        zh: `行程轨迹：计划 ${trip.plannedKm} 公里，实际 ${trip.actualKm} 公里（绕路 ${extraKm} 公里）${admitted ? '，司机已承认绕路' : ''}；按计划路线应收 ${yuan(fair)} 元`,
        en: `Trip trace: planned ${trip.plannedKm} km, driven ${trip.actualKm} km (${extraKm} km detour)${admitted ? ', admitted by the driver' : ''}; the fare on the planned route is ${yuan(fair)} CNY`,
      },
      details: { plannedKm: trip.plannedKm, actualKm: trip.actualKm, fairFareFen: fair, chargedFen: trip.chargedFen, costsNowFen, overchargeFen, admitted, traceShowsDetour },
    },
  ];
}

export function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}
