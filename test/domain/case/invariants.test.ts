/**
 * Random sequences of intakes, repeats, agent actions, timers and provider faults on one order,
 * played on the pure case machine against an in-memory rail that honours idempotency keys the
 * way the real ones do. Whatever happens: money never exceeds what the order's findings are
 * worth, no case closes without a delivered apology, an open case always has an owner and a next
 * deadline, and a paused clock neither loses nor gains business time.
 */
import fc from 'fast-check';
import { remainingMinutes } from '../../../domain/deadlines';
import type { Command } from '../../../domain/case/events';
import type { LedgerFacts, TripFacts } from '../../../domain/evidence';
import { AGENT, CaseDriver, EXPERT, input, OPS, POLICY, RULES, CALENDAR } from './driver';

interface Rail {
  orderAmountFen: number;
  debits: Array<{ ref: string; amountFen: number; at: string }>;
  refunds: Array<{ key: string; amountFen: number; txn: string }>;
  pending?: { amountFen: number; held: boolean; holdId: string };
  attempts: LedgerFacts['entries'];
  trip: TripFacts | null;
}

function ledgerOf(r: Rail): LedgerFacts {
  return {
    orderId: 'ORD1',
    amountFen: r.orderAmountFen,
    ...(r.pending ? { pendingChargeFen: r.pending.amountFen, pendingChargeDueAt: '2026-11-20T00:00:00.000Z' } : {}),
    entries: [
      ...r.attempts,
      ...r.debits.map((d) => ({ id: d.ref, kind: 'debit' as const, amountFen: d.amountFen, at: d.at, status: 'succeeded', providerRef: d.ref })),
      ...r.refunds.map((x) => ({ id: x.key, kind: 'refund' as const, amountFen: x.amountFen, at: '2026-11-10T03:00:00.000Z', status: 'succeeded', reverses: x.txn })),
    ],
  };
}

const SCENARIOS: Record<string, () => Rail> = {
  storyA: () => ({
    orderAmountFen: 128_600,
    attempts: [{ id: 'att', kind: 'attempt', amountFen: 128_600, at: '2026-11-09T01:00:00.000Z', status: 'failed', shownToCustomer: '支付失败' }],
    debits: [
      { ref: 'PAY1', amountFen: 128_600, at: '2026-11-09T01:10:00.000Z' },
      { ref: 'PAY2', amountFen: 128_600, at: '2026-11-09T01:11:00.000Z' },
    ],
    refunds: [],
    trip: null,
  }),
  storyB: () => ({
    orderAmountFen: 12_394,
    attempts: [],
    debits: [],
    refunds: [],
    pending: { amountFen: 12_394, held: false, holdId: 'H1' },
    trip: { plannedKm: 12, actualKm: 31, durationMin: 55, fareRule: { baseFen: 1_400, perKmFen: 250, perMinFen: 50 }, chargedFen: 12_394 },
  }),
  paid: () => ({ orderAmountFen: 10_000, attempts: [], debits: [{ ref: 'PAY1', amountFen: 10_000, at: '2026-11-09T01:10:00.000Z' }], refunds: [], trip: null }),
};

type Answer = { ok: true; result: unknown } | { ok: false; status: number; message: string };

/** The rail's answer to a call; `fault` makes it fail the way an exhausted retry would. */
function answer(r: Rail, c: Extract<Command, { type: 'call' }>, fault: boolean): Answer {
  const args = c.args as Record<string, unknown>;
  if (fault && c.activity !== 'loadCaseRules') return { ok: false, status: 503, message: 'provider unavailable' };
  switch (c.activity) {
    case 'loadCaseRules':
      return { ok: true, result: RULES };
    case 'holdAutoCharge':
      if (!r.pending) return { ok: true, result: null };
      r.pending.held = true;
      return { ok: true, result: { holdId: r.pending.holdId, amountFen: r.pending.amountFen, dueAt: '2026-11-20T00:00:00.000Z', maxHoldUntil: '2026-11-27T00:00:00.000Z', status: 'held' } };
    case 'gatherEvidence':
      return { ok: true, result: { ledger: ledgerOf(r), trip: r.trip } };
    case 'captureHold':
      if (!r.pending?.held) return { ok: false, status: 409, message: 'no held charge' };
      r.debits.push({ ref: `CAP-${r.debits.length}`, amountFen: args.amountFen as number, at: '2026-11-10T03:00:00.000Z' });
      r.pending = undefined;
      return { ok: true, result: null };
    case 'releaseHold':
      if (!r.pending?.held) return { ok: false, status: 409, message: 'no held charge' };
      r.pending = undefined;
      return { ok: true, result: null };
    case 'refund': {
      const key = args.outRequestNo as string;
      const amount = args.amountFen as number;
      const txn = args.transactionRef as string;
      const known = r.refunds.find((x) => x.key === key);
      if (known) return known.amountFen === amount ? { ok: true, result: refundResult(known) } : { ok: false, status: 409, message: 'key reused' };
      const debit = r.debits.find((d) => d.ref === txn);
      const left = (debit?.amountFen ?? 0) - r.refunds.filter((x) => x.txn === txn).reduce((s, x) => s + x.amountFen, 0);
      if (!debit || amount > left) return { ok: false, status: 422, message: 'exceeds the transaction' };
      const done = { key, amountFen: amount, txn };
      r.refunds.push(done);
      return { ok: true, result: refundResult(done) };
    }
    default:
      return { ok: true, result: { instanceId: 'OA1' } };
  }
}

function refundResult(x: { key: string; amountFen: number }) {
  return { outRequestNo: x.key, amountFen: x.amountFen, status: 'succeeded', refundId: `RF-${x.key}`, at: '2026-11-10T03:00:00.000Z' };
}

/** What the customer got back: refunds, and what a capture or release took off a held charge. */
function reliefFen(r: Rail, heldFen: number, capturedFen: number | undefined): number {
  return r.refunds.reduce((s, x) => s + x.amountFen, 0) + (capturedFen === undefined ? 0 : heldFen - capturedFen);
}

const choice = fc.record({ kind: fc.nat(9), pick: fc.nat(1000), fault: fc.nat(9) });

test.each(Object.keys(SCENARIOS))('%s: invariants hold over random event sequences', (scenario) => {
  fc.assert(
    fc.property(fc.array(choice, { minLength: 20, maxLength: 120 }), (choices) => {
      const rail = SCENARIOS[scenario]!();
      const heldFen = rail.pending?.amountFen ?? 0;
      let cases = 0;
      let worth: number | undefined;
      let capturedFen: number | undefined;
      let d = newCase();

      function newCase(): CaseDriver {
        cases += 1;
        // Story B is an enterprise's order: its OA approval is told and gets the voucher.
        const c = new CaseDriver(input({ orderId: 'ORD1', intakeId: `intake-${cases}`, orderKind: rail.trip ? 'ride' : 'other', tier: rail.trip ? 'enterprise' : 'individual' }));
        c.send({ type: 'started' });
        return c;
      }

      for (const ch of choices) {
        const pausedBefore = d.state.status === 'awaiting_customer' ? d.state.clockPausedRemainingMs : undefined;
        const inFlight = [...d.calls.entries()];
        switch (ch.kind) {
          case 0:
          case 1:
          case 2:
          case 3: {
            if (inFlight.length === 0) break;
            const [step, c] = inFlight[ch.pick % inFlight.length]!;
            d.calls.delete(step);
            if (c.type === 'send') {
              d.send(ch.fault === 0 ? { type: 'call_failed', step, message: 'not delivered' } : { type: 'call_done', step, result: { status: 'delivered' } });
              break;
            }
            if (c.type !== 'call') break;
            const a = answer(rail, c, ch.fault === 0);
            if (c.activity === 'captureHold' && a.ok) capturedFen = (c.args as { amountFen: number }).amountFen;
            if (c.activity === 'releaseHold' && a.ok) capturedFen = 0;
            if (c.activity === 'gatherEvidence' && a.ok && worth === undefined) {
              d.send({ type: 'call_done', step, result: a.result });
              worth = d.state.findings.reduce((s, f) => s + f.refundDueFen, 0);
              break;
            }
            d.send(a.ok ? { type: 'call_done', step, result: a.result } : { type: 'call_failed', step, message: a.message, status: a.status });
            break;
          }
          case 4:
            if (d.timers.size > 0) d.fire();
            break;
          case 5: {
            const owed = d.state.findings.reduce((s, f) => s + f.refundDueFen, 0);
            d.act('propose-settlement', ch.pick % 2 ? AGENT : EXPERT, { refundFen: owed === 0 ? 0 : ch.pick % (owed + 1), platformAtFault: ch.fault % 2 === 0, reason: 'per the records', forApproval: true });
            break;
          }
          case 6:
            d.act(ch.pick % 3 === 0 ? 'resolve' : ch.pick % 3 === 1 ? 'reject' : 'request-info', AGENT, { reason: 'checked', question: '请问是哪一天？' });
            break;
          case 7:
            d.send(ch.pick % 2 ? { type: 'customer_replied', text: 'yes' } : { type: 'driver_reported', report: { driverId: 'D', reportId: `R${ch.pick % 3}`, admittedFault: true, kind: 'detour', text: 'took a detour', reportedAt: '2026-11-10T09:00:00+08:00' } });
            break;
          case 8:
            d.act(ch.pick % 3 === 0 ? 'retry' : ch.pick % 3 === 1 ? 'settle-by-hand' : 'close-with-apology', OPS, { note: 'paid by hand', reason: 'closing' });
            if (ch.pick % 5 === 0) d.act('approve-settlement', EXPERT);
            break;
          case 9:
            d.send({ type: 'intake', created: false, args: { intakeId: `rep-${ch.pick}`, actor: AGENT, intakeKey: `report:R${ch.pick % 2}` } });
            break;
        }
        d.advance(60_000);

        const s = d.state;
        // Money never exceeds what the findings were worth on the untouched ledger.
        expect(reliefFen(rail, heldFen, capturedFen)).toBeLessThanOrEqual(worth ?? 0);
        for (const debit of rail.debits) {
          expect(rail.refunds.filter((x) => x.txn === debit.ref).reduce((sum, x) => sum + x.amountFen, 0)).toBeLessThanOrEqual(debit.amountFen);
        }
        if (s.status === 'closed') {
          expect(s.apologyDelivered).toBe(true);
          expect(s.notifications.some((n) => n.purpose === 'apology' && n.status === 'delivered')).toBe(true);
        } else if (s.status !== 'received') {
          expect(s.owner).toBeTruthy();
          expect(s.nextDeadline).toBeTruthy();
        }
        // A paused clock resumes with exactly the business time it had left.
        if (pausedBefore !== undefined && s.status === 'investigating') {
          const left = remainingMinutes(POLICY, CALENDAR, s.tier, d.now, new Date(s.nextDeadline!));
          expect(Math.abs(left - pausedBefore / 60_000)).toBeLessThanOrEqual(1);
        }
        if (s.status === 'closed' && cases < 3) d = newCase();
      }
    }),
    { numRuns: 150 },
  );
});
