/** Table tests for the business rules the workflow delegates to: authority, fees, money, evidence. */
import { approverLevelFor, checkCanAct, checkSettlementAuthority } from '../../domain/authority';
import { fairFareFen, ledgerFindings, tripFindings, type LedgerFacts, type TripFacts } from '../../domain/evidence';
import { formatFen, nextLevel } from '../../domain/escalation';
import { refundFee } from '../../domain/fees';
import { DEFAULT_POLICY, mergePolicy } from '../../domain/policy';
import { automaticSettlement, settlementOutcome } from '../../domain/settlement';
import { AUTOMATIC_SETTLEMENT_REASON, apologyReason } from '../../domain/notices';
import { CATEGORY_OF_DRIVER_REPORT } from '../../domain/types';

const policy = DEFAULT_POLICY;

describe('authority matrix', () => {
  test.each([
    ['agent', 20_000, true, undefined],
    ['agent', 20_001, false, 2],
    ['expert', 200_000, true, undefined],
    ['expert', 250_000, false, 3],
    ['supervisor', 2_000_000, true, undefined],
    ['supervisor', 2_000_001, false, undefined],
    ['ops', 1, false, undefined],
  ] as const)('%s settling %i fen: allowed=%s, approver level %s', (role, fen, allowed, approver) => {
    const verdict = checkSettlementAuthority(policy, role, fen);
    expect(verdict.allowed).toBe(allowed);
    if (!verdict.allowed) expect(verdict.approverLevel).toBe(approver);
  });

  test('the refusal names the limit and the level that can approve', () => {
    const verdict = checkSettlementAuthority(policy, 'agent', 80_000);
    expect(verdict).toEqual({ allowed: false, approverLevel: 2, reason: '¥800.00 exceeds the agent limit of ¥200.00; an expert (level 2) must approve it' });
  });

  test.each([
    ['agent', 1, true],
    ['agent', 2, false],
    ['expert', 1, true],
    ['supervisor', 3, true],
    ['ops', 1, false],
  ] as const)('%s acting on a level-%i case: %s', (role, level, allowed) => {
    expect(checkCanAct(role, level).allowed).toBe(allowed);
  });

  test('approver level and ladder', () => {
    expect(approverLevelFor(policy, 0)).toBe(1);
    expect(approverLevelFor(policy, 3_000_000)).toBeUndefined();
    expect([nextLevel(1), nextLevel(2), nextLevel(3)]).toEqual([2, 3, 3]);
  });
});

describe('refund fees: only a customer\'s cancellation that the tariff charges for; cap 20%; 0 when resold or at fault', () => {
  const tariff = (refundFeeRatio: number, seatResold = false) => ({ refundFeeRatio, seatResold });
  test.each([
    ['story A: platform at fault', { kind: 'cancellation', refundFen: 128_600, platformAtFault: true, tariff: tariff(0.5) }, 0, 'platform_at_fault'],
    ['tariff above the cap', { kind: 'cancellation', refundFen: 128_600, platformAtFault: false, tariff: tariff(0.5) }, 25_720, 'capped'],
    ['tariff below the cap', { kind: 'cancellation', refundFen: 128_600, platformAtFault: false, tariff: tariff(0.1) }, 12_860, 'tariff'],
    ['seat resold', { kind: 'cancellation', refundFen: 128_600, platformAtFault: false, tariff: tariff(0.5, true) }, 0, 'seat_resold'],
    ['no tariff known: never a default fee', { kind: 'cancellation', refundFen: 15_000, platformAtFault: false }, 0, 'no_tariff_fee'],
    ['goodwill of ¥150 pays ¥150', { kind: 'goodwill', refundFen: 15_000, platformAtFault: false, tariff: tariff(0.5) }, 0, 'not_a_cancellation'],
    ['compensation', { kind: 'compensation', refundFen: 132_400, platformAtFault: false, tariff: tariff(0.2) }, 0, 'not_a_cancellation'],
    ['rounding down', { kind: 'cancellation', refundFen: 99, platformAtFault: false, tariff: tariff(0.2) }, 19, 'tariff'],
  ] as const)('%s -> fee %i (%s)', (_name, input, fee, rule) => {
    const d = refundFee(policy, input);
    expect(d.feeFen).toBe(fee);
    expect(d.rule).toBe(rule);
  });
});

describe('outcome: "refunded" only when the customer is whole', () => {
  test.each([
    ['settle', 10_000, 0, 10_000, 'refunded'],
    ['settle', 10_000, 1_000, 11_000, 'partly_refunded'],
    ['settle', 5_000, 0, 10_000, 'partly_refunded'],
    ['settle', 5_000, 0, undefined, 'partly_refunded'],
    ['settle', 0, 0, 10_000, 'resolved'],
    ['reject', 0, 0, undefined, 'rejected'],
    ['withdraw', 0, 0, undefined, 'withdrawn'],
  ] as const)('%s relief %i fee %i of cost %s -> %s', (kind, relief, fee, cost, outcome) => {
    expect(settlementOutcome(kind, relief, fee, cost)).toBe(outcome);
  });
});

describe('evidence from the systems of record', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 10, 2, min)).toISOString();
  const storyA: LedgerFacts = {
    orderId: 'A1',
    amountFen: 128_600,
    entries: [
      { id: 'att', kind: 'attempt', amountFen: 128_600, at: at(0), status: 'failed', shownToCustomer: '支付失败' },
      { id: 'd1', kind: 'debit', amountFen: 128_600, at: at(10), status: 'succeeded', providerRef: 'B1' },
      { id: 'd2', kind: 'debit', amountFen: 128_600, at: at(11), status: 'succeeded', providerRef: 'B2' },
    ],
  };

  test('story A: a double debit and a charge after a shown failure, both the platform\'s fault', () => {
    const findings = ledgerFindings(storyA);
    expect(findings.map((f) => [f.kind, f.refundDueFen])).toEqual([
      ['duplicate_debit', 128_600],
      ['charged_after_reported_failure', 128_600],
    ]);
    expect(automaticSettlement(policy, findings)).toMatchObject({ refundFen: 257_200 });
  });

  test('after the refund, a repeat complaint on the same order finds nothing more owed', () => {
    const refunded: LedgerFacts = {
      ...storyA,
      entries: [...storyA.entries, { id: 'r1', kind: 'refund', amountFen: 257_200, at: at(30), status: 'succeeded' }],
    };
    const findings = ledgerFindings(refunded);
    expect(findings.map((f) => [f.kind, f.refundDueFen])).toEqual([
      ['duplicate_debit', 0],
      ['charged_after_reported_failure', 0],
    ]);
    expect(automaticSettlement(policy, findings)).toBeUndefined();
  });

  test('a customer who paid again after the failure knowingly is not "charged after failure"', () => {
    const ledger: LedgerFacts = {
      ...storyA,
      entries: [storyA.entries[0]!, { id: 'att2', kind: 'attempt', amountFen: 128_600, at: at(5), status: 'succeeded' }, storyA.entries[1]!],
    };
    expect(ledgerFindings(ledger)).toEqual([]);
  });

  const trip: TripFacts = { plannedKm: 18, actualKm: 31, durationMin: 62, fareRule: { baseFen: 1_500, perKmFen: 350, perMinFen: 80 }, chargedFen: 15_310 };

  test.each([
    ['trace shows the detour', trip, [], true],
    ['driver admits, trace within tolerance', { ...trip, actualKm: 19 }, [{ admittedFault: true, kind: 'detour' as const }], true],
    ['no detour, no admission', { ...trip, actualKm: 19 }, [], false],
  ])('%s', (_name, t, admissions, found) => {
    const findings = tripFindings(t, admissions);
    expect(findings.length > 0).toBe(found);
    if (found) expect(findings[0]!.refundDueFen).toBe(Math.max(0, t.chargedFen - fairFareFen(t)));
  });

  test('the fair fare uses the planned route', () => {
    expect(fairFareFen(trip)).toBe(Math.round(1_500 + 350 * 18 + 80 * 62 * (18 / 31)));
  });

  test('over the automatic limit, agreed facts still need a person', () => {
    const findings = ledgerFindings(storyA);
    expect(automaticSettlement(mergePolicy(policy, { autoSettleLimitFen: 100_000 }), findings)).toBeUndefined();
  });
});

test('money is shown in yuan with grouping', () => {
  expect([formatFen(0), formatFen(128_600), formatFen(257_200_05)]).toEqual(['¥0.00', '¥1,286.00', '¥257,200.05']);
});

describe('intake and apology wording rules', () => {
  test.each([
    ['detour', 'ride_detour'],
    ['fare', 'fare_dispute'],
    ['other', 'other'],
  ] as const)('a driver report of kind %s opens a %s complaint', (kind, category) => {
    expect(CATEGORY_OF_DRIVER_REPORT[kind]).toBe(category);
  });

  test.each([
    ['automatic settlement: the engine says why, in both languages', { kind: 'settle', settlement: { automatic: true, reason: 'agreed facts: ...' } }, AUTOMATIC_SETTLEMENT_REASON],
    ['agent settlement: her words', { kind: 'settle', settlement: { automatic: false, reason: '迟到补偿' } }, '迟到补偿'],
    ['rejection: the reason given', { kind: 'reject', reason: '路线正确' }, '路线正确'],
  ] as const)('%s', (_name, decision, reason) => {
    expect(apologyReason(decision)).toEqual(reason);
  });
});
