/**
 * The ticket or ride status from the order system to the agent: seeded on the simulator's order,
 * read by gatherEvidence with the ledger (never a failure when missing), carried by the case
 * beside the ledger and trip without changing a single decision, and served in the staff view.
 */
import { InternalPaymentAdapter } from '../../activities/rails/payment/internal';
import { createPaymentActivities } from '../../activities/payment';
import { staffView } from '../../domain/case/state';
import { storyAFlightOrder, storyBRideOrder, ticketNumberFor } from '../../simulators/fixtures';
import { CaseDriver, RULES, deliverAll, input, storyALedger } from '../domain/case/driver';
import { api, complaintBody, simulator, uniqueOrderId, untilClosed, untilState } from '../harness/client';
import { rejection, startTestSimulators, type TestSimulators } from '../simulators/harness';

describe('the order system reports the status; gatherEvidence reads it', () => {
  let t: TestSimulators;
  let gather: ReturnType<typeof createPaymentActivities>['gatherEvidence'];
  beforeAll(async () => {
    t = await startTestSimulators();
    gather = createPaymentActivities({ payment: new InternalPaymentAdapter(t.payment) }).gatherEvidence;
  });
  afterAll(() => t.stop());

  test('story A: the ticket issued, with its number and when, eleven minutes after "payment failed"', async () => {
    await t.admin.seedOrder(storyAFlightOrder('FA-1', { paidAt: '2025-03-14T20:05:00+08:00' }));
    const evidence = await gather({ orderId: 'FA-1', orderKind: 'flight' });
    expect(evidence.fulfilment).toEqual({ kind: 'ticket', status: 'issued', at: '2025-03-14T12:16:00.000Z', ticketNo: ticketNumberFor('FA-1') });
    expect(evidence.fulfilment).toMatchObject({ ticketNo: expect.stringMatching(/^781-\d{10}$/) });
    expect(evidence.ledger?.entries.find((e) => e.kind === 'attempt')).toMatchObject({ status: 'failed', at: '2025-03-14T12:05:00.000Z' });
  });

  test('story B: the ride completed when the trip ended', async () => {
    await t.admin.seedOrder(storyBRideOrder('FB-1', { dueAt: '2026-11-10T10:00:00+08:00' }));
    const evidence = await gather({ orderId: 'FB-1', orderKind: 'ride' });
    expect(evidence.fulfilment).toEqual({ kind: 'ride', status: 'completed', at: '2026-11-09T02:00:00.000Z' });
    expect(evidence.trip).toMatchObject({ plannedKm: 18, actualKm: 31 });
  });

  test('a later status keeps when the ticket was first issued', async () => {
    const seed = storyAFlightOrder('FA-2', { paidAt: '2025-03-14T20:05:00+08:00', ticketNo: '781-2100000042' });
    seed.fulfilmentStatus = { kind: 'ticket', status: 'refunded', at: '2025-03-15T09:00:00+08:00', ticketNo: '781-2100000042', issuedAt: '2025-03-14T20:16:00+08:00' };
    await t.admin.seedOrder(seed);
    expect((await gather({ orderId: 'FA-2', orderKind: 'flight' })).fulfilment).toEqual({
      kind: 'ticket',
      status: 'refunded',
      at: '2025-03-15T01:00:00.000Z',
      ticketNo: '781-2100000042',
      issuedAt: '2025-03-14T12:16:00.000Z',
    });
  });

  test('no status reported, or no order at all: null, and the evidence is read all the same', async () => {
    await t.admin.seedOrder({ orderId: 'FP-1', kind: 'flight', orderAmountFen: 10_000, debits: [{ amountFen: 10_000, at: '2026-11-09T02:00:00Z' }] });
    const plain = await gather({ orderId: 'FP-1', orderKind: 'flight' });
    expect(plain.fulfilment).toBeNull();
    expect(plain.ledger?.entries).toHaveLength(1);
    expect(await gather({ orderId: 'NO-SUCH-ORDER', orderKind: 'flight' })).toEqual({ ledger: null, trip: null, fulfilment: null });
  });

  test('a status the order system cannot have is refused at seeding with the issue named', async () => {
    const seed = storyAFlightOrder('FA-BAD') as Record<string, unknown>;
    seed.fulfilmentStatus = { kind: 'ride', status: 'issued', at: '2025-03-14T20:16:00+08:00' };
    const err = (await rejection(t.admin.seedOrder(seed as never))) as { status: number; body: unknown };
    expect(err.status).toBe(400);
    expect(JSON.stringify(err.body)).toContain('fulfilmentStatus');
  });
});

describe('the case carries the status and decides exactly as before', () => {
  const ticket = { kind: 'ticket' as const, status: 'issued' as const, at: '2026-11-09T02:11:00.000Z', ticketNo: '781-2100000042' };

  function storyA(evidence: Record<string, unknown>): CaseDriver {
    const d = new CaseDriver(input());
    d.send({ type: 'started' });
    d.done('rules', RULES);
    d.done('hold', null);
    d.done('evidence:', evidence);
    deliverAll(d);
    return d;
  }

  test('with the status, without it (a history from before), the same commands; the staff view shows what was read', () => {
    const withStatus = storyA({ ledger: storyALedger('ORD1'), trip: null, fulfilment: ticket });
    const before = storyA({ ledger: storyALedger('ORD1'), trip: null });
    expect(withStatus.log).toEqual(before.log);
    expect(withStatus.log.some((c) => c.type === 'call' && c.activity === 'refund')).toBe(true);
    expect(staffView(withStatus.state).records).toMatchObject({ fulfilment: ticket });
    expect(staffView(before.state).records?.fulfilment).toBeNull();
  });

  test('a later read replaces the status: what the panel shows is the order system now', () => {
    const ride = { kind: 'ride' as const, status: 'in_progress' as const, at: '2026-11-09T01:10:00.000Z' };
    const d = new CaseDriver(input({ orderKind: 'ride', category: 'ride_detour' }));
    d.send({ type: 'started' });
    d.done('rules', RULES);
    d.done('hold', null);
    d.done('evidence:', { ledger: null, trip: null, fulfilment: ride });
    expect(staffView(d.state).records?.fulfilment).toEqual(ride);
    // A driver's report makes the case read the records again.
    d.send({ type: 'driver_reported', report: { driverId: 'D', reportId: 'R1', admittedFault: false, kind: 'other', text: 'the passenger left an umbrella', reportedAt: '2026-11-10T10:05:00+08:00' } });
    d.done('evidence:', { ledger: null, trip: null, fulfilment: { ...ride, status: 'completed', at: '2026-11-09T02:00:00.000Z' } });
    expect(staffView(d.state).records?.fulfilment).toEqual({ kind: 'ride', status: 'completed', at: '2026-11-09T02:00:00.000Z' });
  });
});

describe('through the running stack', () => {
  test('story A and story B: the staff view of the case has the status the order system reported', async () => {
    const aOrder = uniqueOrderId('FSA');
    await simulator('POST', '/_admin/orders', storyAFlightOrder(aOrder));
    const bOrder = uniqueOrderId('FSB');
    await simulator('POST', '/_admin/orders', storyBRideOrder(bOrder, { dueAt: new Date(Date.now() + 3_600_000) }));
    const plainOrder = uniqueOrderId('FSP');
    await simulator('POST', '/_admin/orders', { orderId: plainOrder, kind: 'flight', orderAmountFen: 9_900, debits: [{ amountFen: 9_900, at: new Date().toISOString() }] });
    const open = async (orderId: string, over: Record<string, unknown>) => {
      const res = await api('POST', '/complaints', { body: complaintBody(orderId, over) });
      expect(res.status).toBe(201);
      return res.body.complaintId as string;
    };
    const a = await open(aOrder, { category: 'payment_dispute', orderKind: 'flight' });
    const b = await open(bOrder, { category: 'ride_detour', orderKind: 'ride', tier: 'enterprise' });
    const p = await open(plainOrder, { category: 'payment_dispute', orderKind: 'flight' });
    const [sa, sb, sp] = await Promise.all([
      untilClosed(a),
      untilState(b, (s) => s.records?.fulfilment !== undefined, 'the ride read'),
      untilState(p, (s) => s.records?.ledger !== undefined, 'the ledger read'),
    ]);
    const seededA = (await simulator('GET', `/payment/orders/${aOrder}/ledger`)).fulfilmentStatus;
    expect(seededA).toMatchObject({ kind: 'ticket', status: 'issued' });
    expect(sa.records.fulfilment).toEqual(seededA);
    expect(sa.outcome).toBe('refunded');
    expect(sb.records.fulfilment).toMatchObject({ kind: 'ride', status: 'completed' });
    expect(sp.records.fulfilment).toBeNull();
    await api('POST', `/complaints/${p}/actions/withdraw`, { body: { reason: 'test case, no longer needed' } });
  }, 60_000);
});
