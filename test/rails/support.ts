/** Adapters on the shared test stack's simulators, built the way the worker builds them (paymentPortFromEnv). */
import { readEnv } from '../../config/env';
import { paymentPortFromEnv } from '../../activities/rails/payment/from-env';
import type { PaymentPort } from '../../activities/rails/payment/port';
import type { AlipayPaymentAdapter } from '../../activities/rails/payment/alipay';
import type { WechatPayAdapter } from '../../activities/rails/payment/wechatpay';
import { harness, simulator } from '../harness/client';
import { railEnv, type Rail } from './rail-env';

export async function portFor(rail: 'alipay'): Promise<AlipayPaymentAdapter>;
export async function portFor(rail: 'wechatpay'): Promise<WechatPayAdapter>;
export async function portFor(rail: Rail): Promise<PaymentPort> {
  const env = readEnv({
    ...(await railEnv(harness.simulatorUrl, harness.apiUrl, rail)),
    PAYMENT_URL: `${harness.simulatorUrl}/payment`,
    ALIPAY_TIMEOUT_MS: '2000',
    WECHATPAY_TIMEOUT_MS: '2000',
  });
  return paymentPortFromEnv(env);
}

/** One paid order with a single debit of `amountFen`, paid from the wallet balance or a bank card. */
export async function seedPaidOrder(orderId: string, amountFen: number, channel: 'balance' | 'bank_card' = 'balance'): Promise<string> {
  const providerRef = `${orderId}-TX1`;
  await simulator('POST', '/_admin/orders', {
    orderId,
    kind: 'other',
    orderAmountFen: amountFen,
    attempts: [{ attemptId: `${orderId}-ATT`, at: new Date().toISOString(), amountFen, status: 'SUCCEEDED', channel }],
    debits: [{ providerRef, amountFen, at: new Date().toISOString(), kind: 'payment', attemptId: `${orderId}-ATT` }],
  });
  return providerRef;
}

export async function ledger(orderId: string): Promise<any> {
  return simulator('GET', `/payment/orders/${orderId}/ledger`);
}

export async function orderStats(orderId: string): Promise<any> {
  return (await simulator('GET', '/_admin/stats')).payment.perOrder[orderId];
}
