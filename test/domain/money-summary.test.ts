import type { LedgerFacts } from '../../domain/evidence';
import { moneySummary, type MoneyFacts } from '../../domain/money-summary';

const storyALedger: LedgerFacts = {
  orderId: 'A',
  amountFen: 128_600,
  entries: [
    { id: 'T1', kind: 'attempt', amountFen: 128_600, at: '2026-11-09T02:00:00Z', status: 'failed', shownToCustomer: '支付失败' },
    { id: 'D1', kind: 'debit', amountFen: 128_600, at: '2026-11-09T02:10:00Z', status: 'succeeded', providerRef: 'P1' },
    { id: 'D2', kind: 'debit', amountFen: 128_600, at: '2026-11-09T02:10:05Z', status: 'succeeded', providerRef: 'P2' },
  ],
};
const aFindings = [
  { kind: 'duplicate_debit' as const, refundDueFen: 128_600 },
  { kind: 'charged_after_reported_failure' as const, refundDueFen: 128_600 },
];

test.each<[string, MoneyFacts, Partial<ReturnType<typeof moneySummary>>]>([
  [
    'story A before the decision: two cards of ¥1,286 are one total of ¥2,572 owed',
    { ledger: storyALedger, refunds: [], findings: aFindings },
    { chargedFen: 257_200, refundedFen: 0, netPaidFen: 257_200, foundOwedFen: 257_200, stillOwedFen: 257_200, reading: 'pending' },
  ],
  [
    'story A refunded: both debits back, nothing owed, net paid 0',
    {
      ledger: storyALedger,
      refunds: [
        { outRequestNo: 'A-DUP-P2', refundId: 'RF1', amountFen: 128_600, status: 'succeeded' },
        { outRequestNo: 'A-FAIL-P1', refundId: 'RF2', amountFen: 128_600, status: 'succeeded' },
      ],
      findings: aFindings,
      outcome: 'refunded',
    },
    { refundedFen: 257_200, refundedByCaseFen: 257_200, netPaidFen: 0, stillOwedFen: 0, reading: 'refunded' },
  ],
  [
    'story B: the held fare captured at the corrected amount reads as a reduced charge, not a refund',
    { ledger: { orderId: 'B', amountFen: 40_000, entries: [], pendingChargeFen: 40_000 }, hold: { amountFen: 40_000, status: 'captured', capturedFen: 27_140 }, refunds: [], findings: [{ kind: 'detour', refundDueFen: 12_860 }], outcome: 'partly_refunded' },
    { chargedFen: 0, heldFen: 0, capturedFen: 27_140, reducedFen: 12_860, refundedFen: 0, netPaidFen: 27_140, foundOwedFen: 12_860, stillOwedFen: 0, reading: 'reduced_charge' },
  ],
  [
    'a charge still held while the case is open',
    { ledger: { orderId: 'B', amountFen: 40_000, entries: [], pendingChargeFen: 40_000 }, hold: { amountFen: 40_000, status: 'held' }, refunds: [], findings: [{ kind: 'detour', refundDueFen: 12_860 }] },
    { heldFen: 40_000, capturedFen: 0, reducedFen: 0, stillOwedFen: 12_860, reading: 'pending' },
  ],
  [
    'a released hold: the customer is not charged at all',
    { ledger: null, hold: { amountFen: 40_000, status: 'released', capturedFen: 0 }, refunds: [], findings: [], outcome: 'refunded' },
    { reducedFen: 40_000, capturedFen: 0, netPaidFen: 0, reading: 'charge_released' },
  ],
  [
    'a refund the ledger already lists (read again after) is counted once; a failed one not at all',
    {
      ledger: { ...storyALedger, entries: [...storyALedger.entries, { id: 'RF1', kind: 'refund', amountFen: 128_600, at: '2026-11-10T02:00:00Z', status: 'succeeded', reverses: 'P2' }] },
      refunds: [
        { outRequestNo: 'A-DUP-P2', refundId: 'RF1', amountFen: 128_600, status: 'succeeded' },
        { outRequestNo: 'A-FAIL-P1', refundId: 'RF9', amountFen: 128_600, status: 'failed' },
      ],
      findings: aFindings,
      outcome: 'partly_refunded',
    },
    // Still the case's refund: it is relief given, so half of what was found is still owed and the reading is a refund.
    { refundedFen: 128_600, refundedByCaseFen: 128_600, netPaidFen: 128_600, stillOwedFen: 128_600, reading: 'refunded' },
  ],
  [
    'a rejection moves nothing',
    { ledger: storyALedger, refunds: [], findings: [], outcome: 'rejected', settlement: undefined },
    { refundedFen: 0, feeFen: 0, reading: 'none' },
  ],
])('%s', (_what, facts, expected) => {
  expect(moneySummary(facts)).toMatchObject(expected);
});
