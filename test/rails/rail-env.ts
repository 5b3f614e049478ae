/**
 * The environment that points every payment adapter at the simulators' sandbox credentials, and
 * the rail the run uses: PAYMENT_RAIL from the caller's environment (internal by default), so one
 * suite runs unchanged on every rail (`PAYMENT_RAIL=wechatpay npx jest test/workflows/stories.test.ts`).
 */
export const RAILS = ['internal', 'alipay', 'wechatpay'] as const;
export type Rail = (typeof RAILS)[number];

export function railUnderTest(): Rail {
  const rail = process.env.PAYMENT_RAIL ?? 'internal';
  if (!(RAILS as readonly string[]).includes(rail)) throw new Error(`PAYMENT_RAIL=${rail}: expected one of ${RAILS.join(', ')}`);
  return rail as Rail;
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { headers: { connection: 'close' } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `simulatorUrl` is the simulator root; `apiUrl` is where WeChat Pay should post refund results. */
export async function railEnv(simulatorUrl: string, apiUrl: string, rail: Rail = railUnderTest()): Promise<Record<string, string>> {
  const alipay = await getJson(`${simulatorUrl}/_admin/alipay/credentials`);
  const wx = await getJson(`${simulatorUrl}/_admin/wechatpay/credentials`);
  return {
    PAYMENT_RAIL: rail,
    ALIPAY_GATEWAY: `${simulatorUrl}/alipay/gateway.do`,
    ALIPAY_APP_ID: alipay.appId,
    ALIPAY_PRIVATE_KEY: alipay.appPrivateKey,
    ALIPAY_PUBLIC_KEY: alipay.alipayPublicKey,
    WECHATPAY_BASE_URL: `${simulatorUrl}/wechatpay/`,
    WECHATPAY_MCHID: wx.mchid,
    WECHATPAY_SERIAL: wx.merchantSerial,
    WECHATPAY_PRIVATE_KEY: wx.merchantPrivateKey,
    WECHATPAY_PLATFORM_SERIAL: wx.platformSerial,
    WECHATPAY_PLATFORM_CERT: wx.platformCertificate,
    WECHATPAY_APIV3_KEY: wx.apiV3Key,
    WECHATPAY_NOTIFY_URL: `${apiUrl}/payment-notifications/wechatpay/refunds`,
  };
}

/** Alipay's message subscription is configured on the open platform, not per request: here, on the simulator. */
export async function subscribeRailMessages(simulatorUrl: string, apiUrl: string): Promise<void> {
  const res = await fetch(`${simulatorUrl}/_admin/alipay/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ notifyUrl: `${apiUrl}/payment-notifications/alipay/refunds` }),
  });
  if (!res.ok) throw new Error(`configuring the Alipay simulator: ${res.status} ${await res.text()}`);
}
