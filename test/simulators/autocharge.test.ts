import { storyBRideOrder } from '../../simulators/fixtures';
import { eventually, sleep, startTestSimulators, type TestSimulators } from './harness';

let t: TestSimulators;
beforeAll(async () => {
  t = await startTestSimulators({ autoChargeIntervalMs: 20 });
});
afterAll(() => t.stop());
beforeEach(() => t.admin.reset());

const inMs = (ms: number) => new Date(Date.now() + ms);

describe('automatic charge and hold (story B, C6)', () => {
  it('the ticker executes a due charge that is not held', async () => {
    const { ledger } = await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: inMs(150) }));
    expect(ledger.pendingAutoCharge).toMatchObject({ chargeId: 'B-1-AUTO', amountFen: ledger.orderAmountFen, holdId: null });
    expect(ledger.debits).toHaveLength(0);
    // Stats do not advance the clock themselves, so this observes the ticker.
    await eventually(async () => expect((await t.admin.stats()).payment.autoChargesExecuted).toBe(1));
    const after = await t.payment.getLedger('B-1');
    expect(after.pendingAutoCharge).toBeNull();
    expect(after.debits).toEqual([expect.objectContaining({ kind: 'auto_charge', chargeId: 'B-1-AUTO', amountFen: ledger.orderAmountFen })]);
  });

  it('a held charge does not execute when due; release cancels it without a debit', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: inMs(300) }));
    const hold = await t.payment.holdAutoCharge('B-1', 'C-9:hold');
    expect(hold).toMatchObject({ status: 'HELD', chargeId: 'B-1-AUTO' });
    expect(await t.payment.holdAutoCharge('B-1', 'C-9:hold')).toEqual(hold);
    await expect(t.payment.holdAutoCharge('B-1', 'someone-else')).rejects.toMatchObject({ status: 409, body: { error: 'ALREADY_HELD' } });

    await sleep(450);
    const held = await t.payment.getLedger('B-1');
    expect(held.debits).toHaveLength(0);
    expect(held.pendingAutoCharge).toMatchObject({ holdId: hold.holdId });

    const released = await t.payment.releaseHold('B-1', 'C-9:release');
    expect(released).toMatchObject({ holdId: hold.holdId, status: 'RELEASED' });
    expect(await t.payment.releaseHold('B-1', 'C-9:release')).toEqual(released);
    const ledger = await t.payment.getLedger('B-1');
    expect(ledger.debits).toHaveLength(0);
    expect(ledger.pendingAutoCharge).toBeNull();
    expect((await t.admin.stats()).payment.holds).toMatchObject({ created: 1, released: 1, captured: 0 });
  });

  it('capture debits the adjusted amount, once, and never more than was held', async () => {
    const { ledger } = await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: inMs(60_000) }));
    await t.payment.holdAutoCharge('B-1', 'h');
    await expect(t.payment.captureHold('B-1', 'c0', ledger.orderAmountFen + 1)).rejects.toMatchObject({ status: 422 });
    const captured = await t.payment.captureHold('B-1', 'c1', 12_400);
    expect(await t.payment.captureHold('B-1', 'c1', 12_400)).toEqual(captured);
    expect(captured).toMatchObject({ status: 'CAPTURED', capturedFen: 12_400 });
    await expect(t.payment.releaseHold('B-1', 'late-release')).rejects.toMatchObject({ status: 409, body: { error: 'HOLD_NOT_ACTIVE' } });
    const after = await t.payment.getLedger('B-1');
    expect(after.debits).toEqual([expect.objectContaining({ kind: 'hold_capture', amountFen: 12_400, debitId: captured.debitId })]);
    expect(after.pendingAutoCharge).toBeNull();
  });

  it('past the provider hold limit the held charge executes anyway', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: inMs(300), maxHoldUntil: inMs(500) }));
    const hold = await t.payment.holdAutoCharge('B-1', 'h');
    expect(Date.parse(hold.maxHoldUntil) - Date.now()).toBeLessThanOrEqual(500);
    await eventually(async () => expect((await t.admin.stats()).payment.holds.expired).toBe(1));
    const ledger = await t.payment.getLedger('B-1');
    expect(ledger.holds[0]).toMatchObject({ status: 'EXPIRED' });
    expect(ledger.debits).toEqual([expect.objectContaining({ kind: 'auto_charge' })]);
    await expect(t.payment.releaseHold('B-1', 'too-late')).rejects.toMatchObject({ status: 409 });
  });

  it('cannot hold a charge that already executed', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: inMs(-1_000) }));
    await expect(t.payment.holdAutoCharge('B-1', 'h')).rejects.toMatchObject({ status: 409, body: { error: 'NO_PENDING_CHARGE' } });
  });
});
