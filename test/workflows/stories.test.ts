/** The two stories the engine exists for, end to end through the API and the simulators. */
import { fairFareFen } from '../../domain/evidence';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { api, captureHistory, complaintBody, eventually, harness, simulator, uniqueOrderId, untilClosed, KEYS } from '../harness/client';

test('story A: a charge after "payment failed" and a double debit are refunded in full, fee 0, without asking for a screenshot', async () => {
  const orderId = uniqueOrderId('A');
  await simulator('POST', '/_admin/orders', storyAFlightOrder(orderId));
  const res = await api('POST', '/complaints', {
    body: complaintBody(orderId, { category: 'payment_dispute', orderKind: 'flight', description: '支付页面显示失败，后来却扣款出票' }),
  });
  expect(res.status).toBe(201);
  const s = await untilClosed(res.body.complaintId);

  expect(s.findings.map((f: { kind: string }) => f.kind).sort()).toEqual(['charged_after_reported_failure', 'duplicate_debit']);
  expect(s.settlement).toMatchObject({ automatic: true, platformAtFault: true, feeFen: 0, refundFen: 257_200 });
  expect(s.outcome).toBe('refunded');
  expect(s.notifications.some((n: { purpose: string }) => n.purpose === 'request_info')).toBe(false);

  const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
  expect(ledger.totals.refundedFen).toBe(257_200);
  const stats = await simulator('GET', '/_admin/stats');
  expect(JSON.stringify(stats)).toContain(s.refunds[0].outRequestNo);

  const apology = s.notifications.find((n: { purpose: string; status: string }) => n.purpose === 'apology' && n.status === 'delivered');
  // The customer is given the rail's refund references, never our idempotency keys.
  for (const r of s.refunds) expect(apology.text).toContain(r.refundId);
  // (Alipay names a refund by its trade and our request number together: there the key is the rail's reference.)
  if (harness.paymentRail !== 'alipay') expect(apology.text).not.toContain(s.refunds[0].outRequestNo);
  expect(apology.text).toContain('已全额退款');
  expect(apology.text).toContain('¥2,572.00');
  // No fee was taken, so no fee rule is named.
  expect(apology.text).not.toContain('手续费');
  await captureHistory(res.body.complaintId, 'story-a-auto-refund');
});

test('story B: the automatic charge is held while the dispute is open, then captured at the fare of the planned route', async () => {
  const orderId = uniqueOrderId('B');
  const dueAt = new Date(Date.now() + 1_500);
  const fixture = storyBRideOrder(orderId, { dueAt });
  await simulator('POST', '/_admin/orders', fixture);
  const res = await api('POST', '/complaints', {
    body: complaintBody(orderId, { category: 'ride_detour', orderKind: 'ride', tier: 'enterprise', description: '司机绕路，已承认' }),
  });
  expect(res.status).toBe(201);
  const s = await untilClosed(res.body.complaintId);

  const trip = fixture.trip!;
  const fair = fairFareFen(trip);
  expect(s.findings[0]).toMatchObject({ kind: 'detour', platformAtFault: true, refundDueFen: trip.chargedFen - fair });
  expect(s.hold).toMatchObject({ status: 'captured', capturedFen: fair, amountFen: trip.chargedFen });
  expect(s.refunds).toHaveLength(0);

  // Past the due time: no automatic debit of the original fare ever happened.
  await new Promise((r) => setTimeout(r, Math.max(0, dueAt.getTime() + 1_000 - Date.now())));
  const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
  expect(ledger.debits.map((d: { amountFen: number }) => d.amountFen)).toEqual([fair]);

  // The approval as the rail in use holds it (OA_RAIL), in one shape for every rail.
  const oa = await simulator('GET', `/_admin/oa/instances?orderId=${orderId}&rail=${harness.oaRail}`);
  const instance = oa.instances[0];
  // Settled as it opened: the approval gets the outcome (the voucher), not a dispute notice a
  // second before it; the customer one message, the apology.
  expect(JSON.stringify(instance.comments)).not.toMatch(/正在处理争议/);
  expect(s.notifications.map((n: { purpose: string }) => n.purpose)).toEqual(['apology']);
  expect(instance.attachments.map((a: { name: string }) => a.name)).toEqual([`V-${s.caseRef}.html`, `V-${s.caseRef}.json`]);
  const voucher = JSON.parse(instance.attachments[1].content);
  expect(voucher.charge).toMatchObject({ heldFen: trip.chargedFen, capturedFen: fair, status: 'captured' });
  await captureHistory(res.body.complaintId, 'story-b-detour-capture');
});

test('story B, disputed but not yet agreed: the hold outlives the due time until an agent resolves', async () => {
  const orderId = uniqueOrderId('H');
  const dueAt = new Date(Date.now() + 1_000);
  const fixture = storyBRideOrder(orderId, { dueAt });
  fixture.trip = { ...fixture.trip!, actualKm: fixture.trip!.plannedKm };
  await simulator('POST', '/_admin/orders', fixture);
  const res = await api('POST', '/complaints', {
    body: complaintBody(orderId, { category: 'fare_dispute', orderKind: 'ride', tier: 'enterprise', description: '车费过高' }),
  });
  expect(res.status).toBe(201);
  await new Promise((r) => setTimeout(r, 2_500));
  const during = await simulator('GET', `/payment/orders/${orderId}/ledger`);
  expect(during.debits).toHaveLength(0);
  expect(during.holds[0].status).toBe('HELD');

  const resolved = await api('POST', `/complaints/${res.body.complaintId}/actions/resolve`, { key: KEYS.agent, body: { reason: '路线与计划一致，车费正确' } });
  expect(resolved.status).toBe(200);
  const s = await untilClosed(res.body.complaintId);
  expect(s.hold).toMatchObject({ status: 'captured', capturedFen: fixture.pendingAutoCharge!.amountFen });
  await captureHistory(res.body.complaintId, 'story-b-held-then-resolved');
});

test('story B, the provider cannot hold longer: the customer is told the amount and time before the charge, and the resolution refunds', async () => {
  const orderId = uniqueOrderId('M');
  const dueAt = new Date(Date.now() + 500);
  const fixture = storyBRideOrder(orderId, { dueAt, maxHoldUntil: new Date(Date.now() + 4_000) });
  fixture.trip = { ...fixture.trip!, actualKm: fixture.trip!.plannedKm };
  await simulator('POST', '/_admin/orders', fixture);
  const res = await api('POST', '/complaints', {
    body: complaintBody(orderId, { category: 'fare_dispute', orderKind: 'ride', tier: 'enterprise', description: '车费过高' }),
  });
  expect(res.status).toBe(201);
  const id = res.body.complaintId;
  const charged = await eventually(async () => {
    const s = (await api('GET', `/complaints/${id}`)).body;
    return s.hold?.status === 'captured' ? s : undefined;
  }, 15_000, 'the charge at the end of the maximum hold');
  const notice = charged.notifications.find((n: { purpose: string }) => n.purpose === 'charge_notice');
  const amount = fixture.pendingAutoCharge!.amountFen;
  expect(notice.text).toContain(`¥${(amount / 100).toFixed(2)}`);
  // Told before the charge, not after.
  const noticeAt = Date.parse(notice.at);
  const chargedAt = Date.parse(charged.events.find((e: { kind: string }) => e.kind === 'charge_executed').at);
  expect(noticeAt).toBeLessThan(chargedAt);

  const settled = await api('POST', `/complaints/${id}/actions/propose-settlement`, { key: KEYS.agent, body: { refundFen: 5_000, platformAtFault: true, reason: '绕路补偿' } });
  expect(settled.status).toBe(200);
  const s = await untilClosed(id);
  expect(s.refunds).toHaveLength(1);
  expect(s.refunds[0].amountFen).toBe(5_000);
  const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
  expect(ledger.totals).toMatchObject({ debitedFen: amount, refundedFen: 5_000 });
  await captureHistory(id, 'story-b-max-hold-then-refund');
});
