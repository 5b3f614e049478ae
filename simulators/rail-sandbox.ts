/**
 * The environment that points the Alipay and WeChat Pay adapters at the simulators' sandbox
 * credentials (made by the simulators on first use, kept in their data dir). For tests and for
 * `npm start` with PAYMENT_RAIL set and no merchant credentials of its own; never for a real rail.
 */
export type SandboxRail = 'internal' | 'alipay' | 'wechatpay';

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { headers: { connection: 'close' } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `simulatorUrl` is the simulator root; `apiUrl` is where the rails should push refund results. */
export async function railSandboxEnv(simulatorUrl: string, apiUrl: string, rail: SandboxRail): Promise<Record<string, string>> {
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

/** Until the simulators answer (they print their line before the first request can fail). */
export async function waitForSimulators(simulatorUrl: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await getJson(`${simulatorUrl}/_admin/health`);
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
