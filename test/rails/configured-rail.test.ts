/**
 * The rail PAYMENT_RAIL names is the one that moves the money end to end: story A through the
 * API, and the books say which rail executed each refund (run by .ci/rails once per rail).
 */
import { storyAFlightOrder } from '../../simulators/fixtures';
import { api, complaintBody, eventually, harness, simulator, uniqueOrderId, untilClosed } from '../harness/client';
import { railUnderTest } from './rail-env';

test(`story A's refunds run on the configured rail (${railUnderTest()}), one per transaction`, async () => {
  const rail = railUnderTest();
  expect(harness.paymentRail).toBe(rail);
  const orderId = uniqueOrderId('RAIL');
  await simulator('POST', '/_admin/orders', storyAFlightOrder(orderId));
  const res = await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'payment_dispute', orderKind: 'flight', description: '支付失败后仍扣款' }) });
  expect(res.status).toBe(201);
  const s = await untilClosed(res.body.complaintId);

  // Two debits, two transactions: each refund reverses one, on every rail, keyed by the order and the debit.
  expect(s.refunds.map((r: { amountFen: number }) => r.amountFen)).toEqual([128_600, 128_600]);
  expect(s.refunds.map((r: { transactionRef: string }) => r.transactionRef).sort()).toEqual([`${orderId}-BANK-1`, `${orderId}-BANK-2`]);
  const stats = (await simulator('GET', '/_admin/stats')).payment.perOrder[orderId];
  expect(stats.refundsByRail).toEqual({ internal: 0, alipay: 0, wechatpay: 0, [rail]: 2 });
  expect(stats.duplicatedRefunds).toEqual([]);
  const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
  expect(ledger.refunds.map((r: { transactionRef: string }) => r.transactionRef).sort()).toEqual([`${orderId}-BANK-1`, `${orderId}-BANK-2`]);
  const apology = s.notifications.find((n: { purpose: string; status: string }) => n.purpose === 'apology' && n.status === 'delivered');
  // The customer is given the rail's references, not our keys.
  for (const r of s.refunds) expect(apology.text).toContain(r.refundId);
});

// Only WeChat Pay settles every refund asynchronously; Alipay does for bank cards alone.
(railUnderTest() === 'wechatpay' ? test : test.skip)('a refund the rail ends ABNORMAL puts the case in needs_manual; the ops retry refunds once, under a new number', async () => {
  const orderId = uniqueOrderId('ABN');
  const paidAt = new Date(Date.now() - 3_600_000).toISOString();
  await simulator('POST', '/_admin/orders', { orderId, orderAmountFen: 10_000, debits: [{ amountFen: 10_000, at: paidAt }] });
  const before = await simulator('GET', '/_admin/wechatpay/config');
  // The rail's one-refund-a-minute rule would only make this test wait.
  await simulator('POST', '/_admin/wechatpay/config', { refundIntervalMs: 0 });
  try {
    const res = await api('POST', '/complaints', { body: complaintBody(orderId) });
    const id = res.body.caseRef ?? res.body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.owedFen !== undefined ? true : undefined), 20_000, 'evidence read');
    await simulator('POST', '/_admin/wechatpay/refund-outcomes', { match: orderId, status: 'ABNORMAL', count: 1 });
    expect((await api('POST', `/complaints/${id}/actions/propose-settlement`, { body: { refundFen: 5_000, platformAtFault: true, reason: '迟到补偿' } })).status).toBe(200);
    const stuck = await eventually(async () => {
      const s = (await api('GET', `/complaints/${id}`)).body;
      return s.status === 'needs_manual' ? s : undefined;
    }, 30_000, 'needs_manual after ABNORMAL');
    expect(stuck.manual.reason).toMatch(/ABNORMAL/);
    expect(stuck.refunds.map((r: { status: string }) => r.status)).toEqual(['failed']);
    expect((await api('POST', `/complaints/${id}/ops-retry`, { key: 'dev-ops-key', body: {} })).status).toBe(202);
    const closed = await untilClosed(id);
    const paid = closed.refunds.filter((r: { status: string }) => r.status === 'succeeded');
    expect(paid).toHaveLength(1);
    expect(paid[0].outRequestNo).toMatch(/-R2$/);
    const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
    expect(ledger.refunds.filter((r: { status: string }) => r.status === 'SUCCESS').reduce((n: number, r: { amountFen: number }) => n + r.amountFen, 0)).toBe(5_000);
  } finally {
    await simulator('POST', '/_admin/wechatpay/config', { refundIntervalMs: before.refundIntervalMs });
  }
}, 90_000);
