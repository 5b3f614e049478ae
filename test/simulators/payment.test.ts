import { HttpError } from '../../activities/clients/http';
import { PaymentClient } from '../../activities/clients/payment';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { rejection, startTestSimulators, type TestSimulators } from './harness';

let t: TestSimulators;
beforeAll(async () => {
  t = await startTestSimulators();
});
afterAll(() => t.stop());
beforeEach(() => t.admin.reset());

describe('payment simulator through PaymentClient', () => {
  it('story A: the ledger shows a failed attempt and two debits for that one attempt', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    const ledger = await t.payment.getLedger('A-1');
    expect(ledger.attempts).toHaveLength(1);
    expect(ledger.attempts[0]).toMatchObject({ status: 'FAILED', shownToCustomer: 'payment failed, check your payment provider' });
    expect(ledger.debits).toHaveLength(2);
    expect(new Set(ledger.debits.map((d) => d.attemptId))).toEqual(new Set([ledger.attempts[0].attemptId]));
    expect(new Set(ledger.debits.map((d) => d.providerRef)).size).toBe(2);
    expect(ledger.totals).toEqual({ debitedFen: 257_200, refundedFen: 0, netFen: 257_200 });
    expect(ledger.fulfilment).toMatchObject({ kind: 'ticket_issued', cancellable: false });
    expect(ledger.entries.map((e) => e.type)).toEqual(['payment_attempt', 'debit', 'debit', 'fulfilment']);
  });

  it('story B: the trip trace shows the detour in numbers only; a flight has no trip', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: new Date(Date.now() + 3_600_000) }));
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    const trip = await t.payment.getTrip('B-1');
    expect(trip).toMatchObject({ plannedKm: 18, actualKm: 31, driverId: 'DRV-B-042' });
    const rule = trip!.fareRule;
    expect(trip!.chargedFen).toBe(rule.baseFen + rule.perKmFen * trip!.actualKm + rule.perMinFen * trip!.durationMin);
    expect(JSON.stringify(trip)).not.toMatch(/admit/i);
    expect(await t.payment.getTrip('A-1')).toBeNull();
  });

  it('refunds once per outRequestNo, however often it is asked', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    const req = { orderId: 'A-1', outRequestNo: 'C-1:refund', amountFen: 128_600, reason: 'duplicate debit' };
    const first = await t.payment.refund(req);
    const second = await t.payment.refund(req);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ status: 'SUCCESS', amountFen: 128_600, orderRefundedFen: 128_600 });
    expect(await t.payment.queryRefund('C-1:refund')).toEqual(first);

    const stats = await t.admin.stats();
    expect(stats.payment.refunds.perOutRequestNo).toEqual({ 'C-1:refund': 1 });
    expect(stats.payment.refunds.requestsPerOutRequestNo).toEqual({ 'C-1:refund': 2 });
    expect(stats.payment.refunds.duplicated).toEqual([]);
    expect((await t.payment.getLedger('A-1')).refunds).toHaveLength(1);
  });

  it('refuses a refund beyond what was debited (422, not retryable), counting earlier refunds', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await t.payment.refund({ orderId: 'A-1', outRequestNo: 'r1', amountFen: 200_000, reason: 'part' });
    const err = await rejection(t.payment.refund({ orderId: 'A-1', outRequestNo: 'r2', amountFen: 57_201, reason: 'too much' }));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 422, retryable: false, body: { error: 'REFUND_EXCEEDS_DEBITED', debitedFen: 257_200, refundedFen: 200_000 } });
    await expect(t.payment.refund({ orderId: 'A-1', outRequestNo: 'r3', amountFen: 57_200, reason: 'rest' })).resolves.toMatchObject({
      orderRefundedFen: 257_200,
    });
    expect(await t.payment.queryRefund('r2')).toBeNull();
  });

  it('rejects reuse of an outRequestNo for a different refund (409)', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await t.payment.refund({ orderId: 'A-1', outRequestNo: 'r1', amountFen: 100, reason: 'x' });
    await expect(t.payment.refund({ orderId: 'A-1', outRequestNo: 'r1', amountFen: 200, reason: 'x' })).rejects.toMatchObject({
      status: 409,
      retryable: false,
    });
  });

  it('answers 404 for unknown orders and unknown refunds, 401 for a wrong key', async () => {
    await expect(t.payment.getLedger('nope')).rejects.toMatchObject({ status: 404, retryable: false });
    expect(await t.payment.queryRefund('never-sent')).toBeNull();
    const wrongKey = new PaymentClient({ baseUrl: `${t.sim.url}/payment`, apiKey: 'wrong' });
    await expect(wrongKey.queryRefund('never-sent')).rejects.toMatchObject({ status: 401, retryable: false });
  });

  it('validates request bodies (400)', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await expect(t.payment.refund({ orderId: 'A-1', outRequestNo: 'r1', amountFen: 12.5, reason: 'x' })).rejects.toMatchObject({
      status: 400,
      body: { error: 'INVALID_REQUEST' },
    });
  });
});
