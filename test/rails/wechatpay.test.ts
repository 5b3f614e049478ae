/**
 * WeChat Pay v3 through wechatpay-axios-plugin, unmodified, over HTTP to the simulator: signed
 * requests, verified responses, asynchronous refunds, signed and encrypted notifications to the API.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createPaymentActivities } from '../../activities/payment';
import { RetryLaterError } from '../../activities/rails/payment/wechatpay';
import { api, complaintBody, eventually, harness, simulator, temporalClient, uniqueOrderId } from '../harness/client';
import { ledger, orderStats, portFor, seedPaidOrder } from './support';

const NOTIFY_PATH = '/payment-notifications/wechatpay/refunds';

async function notifications(outRefundNo: string): Promise<any[]> {
  return (await simulator('GET', `/_admin/wechatpay/notifications?outRefundNo=${outRefundNo}`)).notifications;
}

async function signalsOf(workflowId: string): Promise<any[]> {
  const { client, close } = await temporalClient();
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'refundNotified');
  } finally {
    await close();
  }
}

test('a refund retried after its answer was lost is found by its number and paid once', async () => {
  const orderId = uniqueOrderId('WR');
  const tx = await seedPaidOrder(orderId, 12_345);
  const activities = createPaymentActivities({ payment: await portFor('wechatpay') });
  const req = { orderId, outRequestNo: `${orderId}-dup`, amountFen: 12_345, reason: 'charged twice', transactionRef: tx };

  // The rail executes the first try, but its answer never arrives in time.
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'timeout_after_execute', latencyMs: 4_000, count: 1, match: req.outRequestNo });
  await expect(activities.refund(req)).rejects.toMatchObject({ retryable: true, kind: 'timeout' });
  // Temporal's retry asks the rail first: it knows the out_refund_no (PROCESSING, or SUCCESS by now), no second refund.
  const retried = await activities.refund(req);
  expect(retried).toMatchObject({ outRequestNo: req.outRequestNo, amountFen: 12_345, rail: 'wechatpay' });
  expect((await simulator('GET', '/_admin/stats')).payment.refunds.requestsPerOutRequestNo[req.outRequestNo]).toBe(1);
  // And a third try straight at the rail with the same number answers the same refund.
  const again = await (await portFor('wechatpay')).refund(req);
  expect(again.refundId).toBe(retried.refundId);

  const stats = await orderStats(orderId);
  expect(stats.refunds).toBe(1);
  expect(stats.duplicatedRefunds).toEqual([]);
  const done = await eventually(async () => ((await (await portFor('wechatpay')).queryRefund(req.outRequestNo))?.status === 'SUCCESS' ? true : undefined), 10_000, 'SUCCESS');
  expect(done).toBe(true);
  expect((await ledger(orderId)).totals).toMatchObject({ debitedFen: 12_345, refundedFen: 12_345 });

  // The same number with a different amount is the rail's error, and the engine's for good.
  await expect(activities.refund({ ...req, amountFen: 100 })).rejects.toMatchObject({ type: 'ProviderRejected' });
});

test('an asynchronous refund that ends ABNORMAL: PROCESSING first, then ABNORMAL by query and by notification; no money counted as returned', async () => {
  const orderId = uniqueOrderId('WA');
  const tx = await seedPaidOrder(orderId, 50_000, 'bank_card');
  await simulator('POST', '/_admin/wechatpay/refund-outcomes', { match: orderId, status: 'ABNORMAL', count: 1 });
  const port = await portFor('wechatpay');
  const activities = createPaymentActivities({ payment: port });
  const first = await activities.refund({ orderId, outRequestNo: `${orderId}-abn`, amountFen: 50_000, reason: 'detour', transactionRef: tx });
  expect(first).toMatchObject({ status: 'processing', railStatus: 'PROCESSING', arrival: { channel: 'bank_card' } });

  const ended = await eventually(async () => {
    const r = await activities.refundStatus({ orderId, outRequestNo: `${orderId}-abn`, transactionRef: tx });
    return r?.status === 'PROCESSING' ? undefined : r;
  }, 10_000, 'the refund to settle');
  expect(ended).toMatchObject({ status: 'ABNORMAL', amountFen: 50_000 });
  expect(ended?.refundedAt).toBeUndefined();
  expect((await ledger(orderId)).totals).toMatchObject({ debitedFen: 50_000, refundedFen: 0, netFen: 50_000 });
  expect((await orderStats(orderId)).refundsByStatus).toMatchObject({ ABNORMAL: 1, SUCCESS: 0 });

  // The rail told the API, signed and encrypted; the API verified it (no case waits: 204).
  const posted = await eventually(async () => (await notifications(`${orderId}-abn`)).find((n) => n.delivered), 10_000, 'the ABNORMAL notification');
  expect(JSON.parse(posted.body).event_type).toBe('REFUND.ABNORMAL');
  expect(posted.status).toBe(204);
});

test('a refund notification with a bad signature is refused and changes nothing; the genuine one reaches the case', async () => {
  const orderId = uniqueOrderId('WN');
  const tx = await seedPaidOrder(orderId, 8_800);
  const opened = await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'service_quality' }) });
  expect(opened.status).toBe(201);
  const id = opened.body.complaintId;
  const port = await portFor('wechatpay');
  await port.refund({ orderId, outRequestNo: `${orderId}-n`, amountFen: 800, reason: 'goodwill', transactionRef: tx });
  const genuine = await eventually(async () => (await notifications(`${orderId}-n`)).find((n) => n.delivered), 10_000, 'the genuine notification');
  expect(genuine.status).toBe(204);
  const signals = await eventually(async () => {
    const s = await signalsOf(id);
    return s.length === 1 ? s : undefined;
  }, 10_000, 'the refundNotified signal');
  expect(signals).toHaveLength(1);
  const before = await ledger(orderId);

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${harness.apiUrl}${NOTIFY_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', connection: 'close' }, body });
  const sig = genuine.headers['wechatpay-signature'] as string;
  const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  const tamperedBody = genuine.body.replace('"REFUND.SUCCESS"', '"REFUND.CLOSED"');
  const forged = [
    post({ ...genuine.headers, 'wechatpay-signature': flipped }, genuine.body),
    post(genuine.headers, tamperedBody),
    post({ ...genuine.headers, 'wechatpay-serial': 'NOT-THE-PLATFORM' }, genuine.body),
    post({ ...genuine.headers, 'wechatpay-timestamp': String(Math.floor(Date.now() / 1000) - 3_600) }, genuine.body),
  ];
  for (const res of await Promise.all(forged)) {
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'FAIL' });
  }
  expect(await signalsOf(id)).toHaveLength(1);
  expect(await ledger(orderId)).toEqual(before);
});

test("the rail's limits: reason cut to 80 characters, one refund a minute on one order (the activity asks Temporal to retry after the rest of the minute)", async () => {
  const orderId = uniqueOrderId('WL');
  const tx = await seedPaidOrder(orderId, 10_000);
  const port = await portFor('wechatpay');
  const activities = createPaymentActivities({ payment: port });
  await activities.refund({ orderId, outRequestNo: `${orderId}-1`, amountFen: 1_000, reason: '绕'.repeat(120), transactionRef: tx });
  expect([...(await ledger(orderId)).refunds[0].reason]).toHaveLength(80);

  await expect(port.refund({ orderId, outRequestNo: `${orderId}-2`, amountFen: 1_000, reason: 'second', transactionRef: tx })).rejects.toBeInstanceOf(RetryLaterError);
  const err = await activities.refund({ orderId, outRequestNo: `${orderId}-2`, amountFen: 1_000, reason: 'second', transactionRef: tx }).catch((e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err.type).toBe('ProviderBusy');
  expect(err.nonRetryable).toBe(false);
  expect(err.nextRetryDelay).toBeGreaterThan(50_000);
  expect(err.nextRetryDelay).toBeLessThanOrEqual(60_000);
  expect((await ledger(orderId)).refunds).toHaveLength(1);
});

test.each([1, 10, 199_999, 10_000_000])('%d fen: refunded exactly, as the rail and the books both state it', async (fen) => {
  const orderId = uniqueOrderId('WM');
  const tx = await seedPaidOrder(orderId, fen);
  const port = await portFor('wechatpay');
  const l = await port.getLedger(orderId);
  expect(l.debits[0].amountFen).toBe(fen);
  const r = await port.refund({ orderId, outRequestNo: `${orderId}-m`, amountFen: fen, reason: 'round trip', transactionRef: tx });
  expect(r.amountFen).toBe(fen);
  expect((await ledger(orderId)).totals.refundedFen).toBe(fen);
});
