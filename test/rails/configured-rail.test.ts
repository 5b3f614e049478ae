/**
 * The rail PAYMENT_RAIL names is the one that moves the money end to end: story A through the
 * API, and the books say which rail executed each refund (run by .ci/rails once per rail).
 */
import { storyAFlightOrder } from '../../simulators/fixtures';
import { api, complaintBody, harness, simulator, uniqueOrderId, untilClosed } from '../harness/client';
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
