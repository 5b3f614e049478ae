/**
 * The rail PAYMENT_RAIL names is the one that moves the money end to end: story A through the
 * API, and the books say which rail executed each refund (run by .ci/rails once per rail).
 */
import { storyAFlightOrder } from '../../simulators/fixtures';
import { api, complaintBody, harness, simulator, uniqueOrderId, untilClosed } from '../harness/client';
import { railUnderTest } from './rail-env';

test(`story A's refund runs on the configured rail (${railUnderTest()}), once per transaction on the external rails`, async () => {
  const rail = railUnderTest();
  expect(harness.paymentRail).toBe(rail);
  const orderId = uniqueOrderId('RAIL');
  await simulator('POST', '/_admin/orders', storyAFlightOrder(orderId));
  const res = await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'payment_dispute', orderKind: 'flight', description: '支付失败后仍扣款' }) });
  expect(res.status).toBe(201);
  const s = await untilClosed(res.body.complaintId);

  expect(s.refunds).toHaveLength(1);
  expect(s.refunds[0]).toMatchObject({ rail, amountFen: 257_200 });
  const stats = (await simulator('GET', '/_admin/stats')).payment.perOrder[orderId];
  // Two debits, two transactions: Alipay and WeChat Pay refund each one; the platform's own centre refunds the order.
  const expected = rail === 'internal' ? { internal: 1, alipay: 0, wechatpay: 0 } : { internal: 0, alipay: 0, wechatpay: 0, [rail]: 2 };
  expect(stats.refundsByRail).toEqual(expected);
  expect(stats.duplicatedRefunds).toEqual([]);
  const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
  if (rail !== 'internal') expect(ledger.refunds.map((r: { transactionRef: string }) => r.transactionRef).sort()).toEqual([`${orderId}-BANK-1`, `${orderId}-BANK-2`]);
  const apology = s.notifications.find((n: { purpose: string; status: string }) => n.purpose === 'apology' && n.status === 'delivered');
  expect(apology.text).toContain(s.refunds[0].outRequestNo);
});
