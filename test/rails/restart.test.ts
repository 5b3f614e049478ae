/**
 * The rail simulators keep their keys and their pending refunds on disk: an adapter configured
 * before a restart still verifies the answers after it, and a refund PROCESSING when the
 * simulator died settles when it comes back.
 */
import { PaymentClient } from '../../activities/clients/payment';
import { railSandboxEnv } from '../../simulators/rail-sandbox';
import { paymentPortFromEnv } from '../../activities/rails/payment/from-env';
import { readEnv } from '../../config/env';
import { eventually } from '../harness/client';
import { startTestSimulators, TEST_KEYS } from '../simulators/harness';

test('keys and a PROCESSING WeChat Pay refund survive a simulator restart', async () => {
  const first = await startTestSimulators();
  const orderId = 'RESTART-1';
  await first.admin.seedOrder({ orderId, orderAmountFen: 4_200, debits: [{ providerRef: 'TX-R1', amountFen: 4_200, at: new Date().toISOString() }] });
  await fetch(`${first.sim.url}/_admin/wechatpay/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settleAfterMs: 1_500 }) });
  const envFor = async (url: string) =>
    readEnv({ ...(await railSandboxEnv(url, 'http://127.0.0.1:9', 'wechatpay')), PAYMENT_URL: `${url}/payment`, PAYMENT_API_KEY: TEST_KEYS.payment, WECHATPAY_TIMEOUT_MS: '2000' });
  const configured = await envFor(first.sim.url);
  const before = paymentPortFromEnv(configured);
  const accepted = await before.refund({ orderId, outRequestNo: 'R1-refund', amountFen: 4_200, reason: 'restart', transactionRef: 'TX-R1' });
  expect(accepted.status).toBe('PROCESSING');
  await first.stop();

  const second = await startTestSimulators({ dataDir: first.dataDir });
  try {
    // Same data dir, same credentials: what the worker was configured with still verifies the new process.
    const now = await envFor(second.sim.url);
    for (const k of ['WECHATPAY_PLATFORM_CERT', 'WECHATPAY_PRIVATE_KEY', 'WECHATPAY_APIV3_KEY', 'ALIPAY_PUBLIC_KEY', 'ALIPAY_PRIVATE_KEY'] as const) expect(now[k]).toBe(configured[k]);
    const after = paymentPortFromEnv({ ...configured, PAYMENT_URL: now.PAYMENT_URL, WECHATPAY_BASE_URL: now.WECHATPAY_BASE_URL });
    const settled = await eventually(async () => {
      const r = await after.queryRefund('R1-refund', { orderId, transactionRef: 'TX-R1' });
      return r?.status === 'SUCCESS' ? r : undefined;
    }, 10_000, 'the refund to settle after the restart');
    expect(settled).toMatchObject({ refundId: accepted.refundId, amountFen: 4_200 });
    const ledger = await new PaymentClient({ baseUrl: `${second.sim.url}/payment`, apiKey: TEST_KEYS.payment }).getLedger(orderId);
    expect(ledger.refunds).toHaveLength(1);
    expect(ledger.totals.refundedFen).toBe(4_200);
  } finally {
    await second.stop();
  }
});
