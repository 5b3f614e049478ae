/**
 * Alipay through alipay-sdk v4, unmodified, over HTTP to the simulator's gateway: RSA2-signed
 * requests, responses verified by the SDK, fund_change, the refund query, card refunds that
 * arrive or bounce later, signed deposit-back messages to the API, and pre-authorisation holds.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { AlipayPaymentAdapter } from '../../activities/rails/payment/alipay';
import { PaymentClient } from '../../activities/clients/payment';
import { createPaymentActivities } from '../../activities/payment';
import { storyBRideOrder } from '../../simulators/fixtures';
import { api, complaintBody, eventually, harness, simulator, temporalClient, uniqueOrderId } from '../harness/client';
import { ledger, orderStats, portFor, seedPaidOrder } from './support';

const NOTIFY_PATH = '/payment-notifications/alipay/refunds';

async function messages(outRequestNo: string): Promise<any[]> {
  return (await simulator('GET', `/_admin/alipay/notifications?outRequestNo=${outRequestNo}`)).notifications;
}

async function refundSignals(workflowId: string): Promise<number> {
  const { client, close } = await temporalClient();
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'refundNotified').length;
  } finally {
    await close();
  }
}

test('a retried refund is answered fund_change "N", confirmed by the refund query, and never paid twice', async () => {
  const orderId = uniqueOrderId('AR');
  const trade = await seedPaidOrder(orderId, 128_600);
  const port = await portFor('alipay');
  const req = { orderId, outRequestNo: `${orderId}-dup`, amountFen: 128_600, reason: 'charged twice', transactionRef: trade };
  const first = await port.refund(req);
  expect(first).toMatchObject({ status: 'SUCCESS', amountFen: 128_600, arrival: { channel: 'balance' } });

  // The retry reaches Alipay, which moves no money ("N"); the adapter reports what the query confirms.
  const second = await port.refund(req);
  expect(second).toEqual(first);
  const stats = (await simulator('GET', '/_admin/stats')).payment.refunds;
  expect(stats.requestsPerOutRequestNo[req.outRequestNo]).toBe(2);
  expect(stats.perOutRequestNo[req.outRequestNo]).toBe(1);
  expect((await ledger(orderId)).totals).toMatchObject({ debitedFen: 128_600, refundedFen: 128_600, netFen: 0 });

  // A lost answer: the activity's retry asks first and finds it, paying nothing more.
  const activities = createPaymentActivities({ payment: port });
  const again = await activities.refund(req);
  expect(again).toMatchObject({ status: 'succeeded', amountFen: 128_600, rail: 'alipay' });
  expect((await orderStats(orderId)).refunds).toBe(1);
  // More than the trade has left is Alipay's refusal, for good.
  await expect(activities.refund({ ...req, outRequestNo: `${orderId}-more`, amountFen: 1 })).rejects.toMatchObject({ type: 'ProviderRejected' });
});

test('a timed-out refund call that Alipay executed is found by its number on the retry', async () => {
  const orderId = uniqueOrderId('AT');
  const trade = await seedPaidOrder(orderId, 9_900);
  const activities = createPaymentActivities({ payment: await portFor('alipay') });
  const req = { orderId, outRequestNo: `${orderId}-t`, amountFen: 9_900, reason: 'timeout', transactionRef: trade };
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'timeout_after_execute', latencyMs: 4_000, count: 1, match: req.outRequestNo });
  await expect(activities.refund(req)).rejects.toMatchObject({ retryable: true, kind: 'timeout' });
  expect(await activities.refund(req)).toMatchObject({ status: 'succeeded', amountFen: 9_900 });
  expect((await simulator('GET', '/_admin/stats')).payment.refunds.perOutRequestNo[req.outRequestNo]).toBe(1);
});

test('a card refund that bounces at the bank ends ABNORMAL: PROCESSING first, then ABNORMAL by query and by the signed deposit-back message', async () => {
  const orderId = uniqueOrderId('AA');
  const trade = await seedPaidOrder(orderId, 31_415, 'bank_card');
  await simulator('POST', '/_admin/alipay/refund-outcomes', { match: orderId, status: 'ABNORMAL', count: 1 });
  const activities = createPaymentActivities({ payment: await portFor('alipay') });
  const first = await activities.refund({ orderId, outRequestNo: `${orderId}-b`, amountFen: 31_415, reason: 'detour', transactionRef: trade });
  expect(first).toMatchObject({ status: 'processing', railStatus: 'PROCESSING', arrival: { channel: 'bank_card' } });
  // Alipay's own estimate of when the bank credits the card.
  expect(Date.parse(first.arrival!.expectedBy!)).toBeGreaterThan(Date.now() + 86_400_000);

  const ended = await eventually(async () => {
    const r = await activities.refundStatus({ orderId, outRequestNo: `${orderId}-b`, transactionRef: trade });
    return r?.status === 'PROCESSING' ? undefined : r;
  }, 10_000, 'the deposit back to settle');
  expect(ended).toMatchObject({ status: 'ABNORMAL', amountFen: 31_415 });
  expect((await ledger(orderId)).totals).toMatchObject({ refundedFen: 0, netFen: 31_415 });
  const pushed = await eventually(async () => (await messages(`${orderId}-b`)).find((m) => m.delivered), 10_000, 'the deposit-back message');
  expect(JSON.parse(pushed.params.biz_content)).toMatchObject({ dback_status: 'F', out_request_no: `${orderId}-b` });
});

test('a deposit-back message with a bad signature is refused and changes nothing; the genuine one reaches the case', async () => {
  const orderId = uniqueOrderId('AN');
  const trade = await seedPaidOrder(orderId, 6_600, 'bank_card');
  const opened = await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'service_quality' }) });
  expect(opened.status).toBe(201);
  await (await portFor('alipay')).refund({ orderId, outRequestNo: `${orderId}-n`, amountFen: 600, reason: 'goodwill', transactionRef: trade });
  const genuine = await eventually(async () => (await messages(`${orderId}-n`)).find((m) => m.delivered), 10_000, 'the genuine message');
  expect(genuine.status).toBe(200);
  await eventually(async () => ((await refundSignals(opened.body.complaintId)) === 1 ? true : undefined), 10_000, 'the refundNotified signal');
  const before = await ledger(orderId);

  const post = (params: Record<string, string>) =>
    fetch(`${harness.apiUrl}${NOTIFY_PATH}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' }, body: new URLSearchParams(params).toString() });
  // Signed with a key that is not Alipay's, or Alipay's signature over other content.
  const intruder = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const { sign: _sign, sign_type: _type, ...rest } = genuine.params as Record<string, string>;
  const content = Object.keys(rest).sort().map((k) => `${k}=${rest[k]}`).join('&');
  const forgedSign = createSign('RSA-SHA256').update(content).sign(intruder, 'base64');
  const bounced = { ...genuine.params, biz_content: genuine.params.biz_content.replace('"dback_status":"S"', '"dback_status":"F"') };
  for (const params of [{ ...genuine.params, sign: forgedSign }, bounced, { ...genuine.params, sign: '' }]) {
    const res = await post(params);
    expect(res.status).toBe(401);
  }
  expect(await refundSignals(opened.body.complaintId)).toBe(1);
  expect(await ledger(orderId)).toEqual(before);
});

test("a response not signed by Alipay's key is never acted on", async () => {
  const orderId = uniqueOrderId('AF');
  const trade = await seedPaidOrder(orderId, 1_000);
  const creds = await simulator('GET', '/_admin/alipay/credentials');
  const notAlipay = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const fooled = new AlipayPaymentAdapter(new PaymentClient({ baseUrl: `${harness.simulatorUrl}/payment`, apiKey: 'dev-payment-key' }), {
    appId: creds.appId,
    privateKey: creds.appPrivateKey,
    alipayPublicKey: notAlipay,
    gateway: `${harness.simulatorUrl}/alipay/gateway.do`,
    timeoutMs: 2_000,
  });
  await expect(fooled.queryRefund(`${orderId}-x`, { orderId, transactionRef: trade })).rejects.toMatchObject({ retryable: false });
});

test('holds are pre-authorisations: freeze the pending charge, settle part with trade.pay (auth_confirm_mode COMPLETE), or unfreeze', async () => {
  const port = await portFor('alipay');
  const activities = createPaymentActivities({ payment: port });
  const captured = uniqueOrderId('AH');
  const fixture = storyBRideOrder(captured, { dueAt: new Date(Date.now() + 60_000) });
  await simulator('POST', '/_admin/orders', fixture);
  const held = await activities.holdAutoCharge({ orderId: captured, idempotencyKey: `${captured}:hold` });
  expect(held).toMatchObject({ status: 'held', amountFen: fixture.pendingAutoCharge!.amountFen });
  // Same key, same authorisation.
  expect((await activities.holdAutoCharge({ orderId: captured, idempotencyKey: `${captured}:hold` }))?.holdId).toBe(held!.holdId);
  await activities.captureHold({ orderId: captured, idempotencyKey: `${captured}:capture`, amountFen: 9_000 });
  await activities.captureHold({ orderId: captured, idempotencyKey: `${captured}:capture`, amountFen: 9_000 });
  const after = await port.getLedger(captured);
  expect(after.debits.map((d) => d.amountFen)).toEqual([9_000]);
  expect(after.holds[0]).toMatchObject({ status: 'CAPTURED', capturedFen: 9_000 });

  const released = uniqueOrderId('AU');
  await simulator('POST', '/_admin/orders', storyBRideOrder(released, { dueAt: new Date(Date.now() + 60_000) }));
  await activities.holdAutoCharge({ orderId: released, idempotencyKey: `${released}:hold` });
  await activities.releaseHold({ orderId: released, idempotencyKey: `${released}:release` });
  const gone = await ledger(released);
  expect(gone.debits).toHaveLength(0);
  expect(gone.holds[0].status).toBe('RELEASED');
  expect(gone.pendingAutoCharge).toBeNull();
});

test.each([1, 10, 199_999, 10_000_000])('%d fen travels as a yuan string and comes back exact', async (fen) => {
  const orderId = uniqueOrderId('AM');
  const trade = await seedPaidOrder(orderId, fen);
  const port = await portFor('alipay');
  expect((await port.getLedger(orderId)).debits[0].amountFen).toBe(fen);
  const r = await port.refund({ orderId, outRequestNo: `${orderId}-m`, amountFen: fen, reason: 'round trip', transactionRef: trade });
  expect(r.amountFen).toBe(fen);
  expect((await ledger(orderId)).totals.refundedFen).toBe(fen);
  expect((await port.queryRefund(`${orderId}-m`, { orderId, transactionRef: trade }))?.amountFen).toBe(fen);
});

test('a deposit-back message with a charset the SDK cannot decode is refused as unsigned, not answered with a 500', async () => {
  const { harness } = await import('../harness/client');
  // What schemathesis sent: an unknown charset, odd bytes everywhere.
  const body = 'charset=%C3%8B%C3%B1&notify_id=&utc_timestamp=&version=%C3%A6%C5%93%C3%86%C5%92%EF%AC%80%CA%A4%CA%A8%C3%9F&biz_content=%C2%9A2%C3%98+%F1%82%A9%84%C3%87%F2%AD%AD%9Ex%F1%A4%80%92G8m%C2%A9%F4%87%AE%AA4%C3%AF%C3%A7%26%F0%96%AA%90%F1%89%A9%AB&sign_type=%C3%BF%C2%90%C2%A0%F0%A1%8F%96%F2%8E%AF%98%0Bn%C3%8D%C3%BE&sign=%F3%98%B5%94%09a%C2%86&msg_method=&app_id=%0D%C2%BB%C3%8A%C3%B1';
  const res = await fetch(`${harness.apiUrl}/payment-notifications/alipay/refunds`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' }, body });
  expect(res.status).toBe(401);
});
