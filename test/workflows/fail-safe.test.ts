/**
 * The hold is not optional, the rest is bounded: a payment outage at the start of a case neither
 * keeps it in `received` nor lets the automatic charge run unannounced.
 */
import { storyBRideOrder } from '../../simulators/fixtures';
import { api, complaintBody, simulator, uniqueOrderId, untilState } from '../harness/client';

const rideComplaint = (orderId: string) => complaintBody(orderId, { category: 'fare_dispute', orderKind: 'ride', tier: 'enterprise', description: '车费过高' });

afterEach(async () => {
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none' });
});

test('payment 5xx at the start: the case goes on to investigating and is acknowledged, and the hold is placed once payment answers', async () => {
  const orderId = uniqueOrderId('H5');
  const seed = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 10 * 60_000) });
  seed.trip = { ...seed.trip!, actualKm: seed.trip!.plannedKm };
  await simulator('POST', '/_admin/orders', seed);
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: '5xx', match: orderId });
  const c = (await api('POST', '/complaints', { body: rideComplaint(orderId) })).body;
  const during = await untilState(c.caseRef ?? c.complaintId, (s) => s.status === 'investigating' && s.acknowledgedAt, 'investigating and acknowledged during the outage', 40_000);
  expect(during.hold).toBeUndefined();
  expect(during.events.map((e: { kind: string }) => e.kind)).toContain('provider_refused');
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none' });
  const held = await untilState(during.caseRef, (s) => s.hold?.status === 'held', 'the hold placed by a background retry', 40_000);
  expect(held.status).toBe('investigating');
  const ledger = await simulator<any>('GET', `/payment/orders/${orderId}/ledger`);
  expect(ledger.debits).toHaveLength(0);
}, 90_000);

test('the hold cannot be placed before the charge is due: ops are paged and the customer is told the charge is disputed', async () => {
  const orderId = uniqueOrderId('HD');
  const seed = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 12_000) });
  seed.trip = { ...seed.trip!, actualKm: seed.trip!.plannedKm };
  await simulator('POST', '/_admin/orders', seed);
  // Only the hold calls fail: the ledger (with the charge's due time) still reads.
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: '5xx', match: `${orderId}/hold` });
  const c = (await api('POST', '/complaints', { body: rideComplaint(orderId) })).body;
  const paged = await untilState(c.caseRef ?? c.complaintId, (s) => s.flags.needsOps && s.notifications.some((n: { purpose: string }) => n.purpose === 'charge_disputed'), 'ops paged at the due time', 40_000);
  expect(paged.opsReason).toMatch(/charge came due before it could be held/);
  expect(paged.hold).toBeUndefined();
  const told = paged.notifications.find((n: { purpose: string }) => n.purpose === 'charge_disputed');
  expect(told.text).toMatch(/争议款项|disputed/);
  // Lists and the console banner read it from the search attributes.
  const listed = await api('GET', `/complaints?orderId=${orderId}`);
  expect(listed.status).toBe(200);
}, 90_000);
