/**
 * Findings from the systems of record. The engine reads the payment ledger and the trip trace
 * itself; the customer is never asked for a screenshot (story A).
 */
export interface LedgerEntryFacts {
  id: string;
  kind: 'attempt' | 'debit' | 'refund' | 'hold' | 'capture' | 'release';
  amountFen: number;
  at: string;
  status: string;
  shownToCustomer?: string;
  providerRef?: string;
  paymentId?: string;
}

export interface LedgerFacts {
  orderId: string;
  amountFen: number;
  entries: LedgerEntryFacts[];
}

export interface TripFacts {
  plannedKm: number;
  actualKm: number;
  durationMin: number;
  fareRule: { baseFen: number; perKmFen: number; perMinFen: number };
  chargedFen: number;
}

export interface DriverAdmission {
  admittedFault: boolean;
  kind: 'detour' | 'fare' | 'other';
}

export type FindingKind = 'duplicate_debit' | 'charged_after_reported_failure' | 'detour' | 'driver_admission';

export interface Finding {
  kind: FindingKind;
  source: 'payment_ledger' | 'trip_trace' | 'driver_report';
  /** The platform (or its driver) caused it: refunds carry no fee and settle without approval. */
  platformAtFault: boolean;
  /** What the customer is owed because of this finding alone, in fen. */
  refundDueFen: number;
  summary: { zh: string; en: string };
  details: Record<string, string | number | boolean>;
}

/** A route this much longer than planned is a detour even without the driver's word. */
export const DETOUR_RATIO = 1.15;

const SUCCESS = new Set(['succeeded', 'success', 'SUCCESS', 'SUCCEEDED']);

export function ledgerFindings(ledger: LedgerFacts): Finding[] {
  const findings: Finding[] = [];
  const debits = ledger.entries.filter((e) => e.kind === 'debit' && SUCCESS.has(e.status));
  const debitedFen = debits.reduce((sum, d) => sum + d.amountFen, 0);
  const refundedFen = ledger.entries
    .filter((e) => e.kind === 'refund' && SUCCESS.has(e.status))
    .reduce((sum, r) => sum + r.amountFen, 0);
  const extraFen = debitedFen - refundedFen - ledger.amountFen;
  if (debits.length > 1 && extraFen > 0) {
    findings.push({
      kind: 'duplicate_debit',
      source: 'payment_ledger',
      platformAtFault: true,
      refundDueFen: extraFen,
      summary: {
        zh: `支付记录显示同一订单被扣款 ${debits.length} 次，多扣 ${yuan(extraFen)} 元`,
        en: `The payment ledger shows ${debits.length} debits for one order: ${yuan(extraFen)} CNY taken twice`,
      },
      details: { debits: debits.length, debitedFen, orderAmountFen: ledger.amountFen, refs: debits.map((d) => d.providerRef ?? d.id).join(',') },
    });
  }
  const failedShown = ledger.entries.find((e) => e.kind === 'attempt' && !SUCCESS.has(e.status) && e.shownToCustomer);
  if (failedShown) {
    const later = debits.filter((d) => d.at > failedShown.at);
    // A later successful attempt means the customer paid again knowingly: not this finding.
    const paidAgain = ledger.entries.some((e) => e.kind === 'attempt' && SUCCESS.has(e.status) && e.at > failedShown.at);
    if (later.length > 0 && !paidAgain) {
      findings.push({
        kind: 'charged_after_reported_failure',
        source: 'payment_ledger',
        platformAtFault: true,
        // The customer was told the purchase failed and acted on it: the whole order is owed back,
        // less what was refunded already beyond a duplicate debit (a repeat complaint owes nothing).
        refundDueFen: Math.max(0, Math.min(ledger.amountFen, debitedFen - refundedFen - Math.max(0, extraFen))),
        summary: {
          zh: `支付页面曾显示"${failedShown.shownToCustomer}"，之后仍被扣款`,
          en: `The customer was shown "${failedShown.shownToCustomer}" and was debited afterwards`,
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

export function tripFindings(trip: TripFacts, admissions: DriverAdmission[]): Finding[] {
  const admitted = admissions.some((a) => a.admittedFault && (a.kind === 'detour' || a.kind === 'fare'));
  const traceShowsDetour = trip.actualKm > trip.plannedKm * DETOUR_RATIO;
  if (!admitted && !traceShowsDetour) return [];
  const fair = fairFareFen(trip);
  const overchargeFen = Math.max(0, trip.chargedFen - fair);
  const extraKm = Math.round((trip.actualKm - trip.plannedKm) * 10) / 10;
  return [
    {
      kind: 'detour',
      source: 'trip_trace',
      platformAtFault: true,
      refundDueFen: overchargeFen,
      summary: {
        zh: `行程轨迹：计划 ${trip.plannedKm} 公里，实际 ${trip.actualKm} 公里（绕路 ${extraKm} 公里）${admitted ? '，司机已承认绕路' : ''}；按计划路线应收 ${yuan(fair)} 元`,
        en: `Trip trace: planned ${trip.plannedKm} km, driven ${trip.actualKm} km (${extraKm} km detour)${admitted ? ', admitted by the driver' : ''}; the fare on the planned route is ${yuan(fair)} CNY`,
      },
      details: { plannedKm: trip.plannedKm, actualKm: trip.actualKm, fairFareFen: fair, chargedFen: trip.chargedFen, overchargeFen, admitted, traceShowsDetour },
    },
  ];
}

export function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}
