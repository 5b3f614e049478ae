/** PAYMENT_RAIL picks the adapter; each rail's merchant credentials come from its own variables. */
import fs from 'node:fs';
import type { Env } from '../../../config/env';
import { PaymentClient } from '../../clients/payment';
import { AlipayPaymentAdapter } from './alipay';
import { InternalPaymentAdapter } from './internal';
import type { PaymentPort } from './port';
import { WechatPayAdapter } from './wechatpay';

/** A PEM in the variable itself, or the path of a file holding it. */
export function pem(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required for this PAYMENT_RAIL`);
  return value.includes('-----BEGIN') ? value : fs.readFileSync(value, 'utf8');
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required for this PAYMENT_RAIL`);
  return value;
}

export function paymentPortFromEnv(env: Env): PaymentPort {
  const platform = new PaymentClient({ baseUrl: env.PAYMENT_URL, apiKey: env.PAYMENT_API_KEY, timeoutMs: 5_000 });
  switch (env.PAYMENT_RAIL) {
    case 'internal':
      return new InternalPaymentAdapter(platform);
    case 'alipay':
      return new AlipayPaymentAdapter(platform, {
        appId: required(env.ALIPAY_APP_ID, 'ALIPAY_APP_ID'),
        privateKey: pem(env.ALIPAY_PRIVATE_KEY, 'ALIPAY_PRIVATE_KEY'),
        alipayPublicKey: pem(env.ALIPAY_PUBLIC_KEY, 'ALIPAY_PUBLIC_KEY'),
        gateway: env.ALIPAY_GATEWAY,
        timeoutMs: env.ALIPAY_TIMEOUT_MS,
      });
    case 'wechatpay':
      return new WechatPayAdapter(platform, {
        mchid: required(env.WECHATPAY_MCHID, 'WECHATPAY_MCHID'),
        serial: required(env.WECHATPAY_SERIAL, 'WECHATPAY_SERIAL'),
        privateKey: pem(env.WECHATPAY_PRIVATE_KEY, 'WECHATPAY_PRIVATE_KEY'),
        platformSerial: required(env.WECHATPAY_PLATFORM_SERIAL, 'WECHATPAY_PLATFORM_SERIAL'),
        platformCertificate: pem(env.WECHATPAY_PLATFORM_CERT, 'WECHATPAY_PLATFORM_CERT'),
        baseUrl: env.WECHATPAY_BASE_URL,
        notifyUrl: env.WECHATPAY_NOTIFY_URL,
        timeoutMs: env.WECHATPAY_TIMEOUT_MS,
      });
  }
}
