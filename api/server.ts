import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { readEnv, trustProxySetting, type Env } from '../config/env';
import { assertProductionReady } from '../config/production';
import { dataConverter, payloadCodec } from '../codec/data-converter';
import { createApp } from './app';
import { parseApiKeys } from './auth';
import { webhookStores } from './webhook-stores';
import { consoleRedis, MemoryRevocations, RedisRevocations } from './session-store';
import { DEFAULT_LIVE } from './live';
import { MemoryPresence, RedisPresence } from './presence';
import { pem } from '../activities/rails/payment/from-env';
import type { AlipayNotifyConfig, WechatPayNotifyConfig } from './routes/payment-notifications';
import { oaEventsConfigFromEnv } from './routes/oa-events';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApi(env: Env): Promise<ApiServer> {
  assertProductionReady(env, 'api');
  const apiKeys = parseApiKeys(env.API_KEYS);
  const stores = await webhookStores(env.REDIS_URL);
  // Replicas sharing Redis share signed-out sessions and who has which case open.
  const redis = await consoleRedis(env.REDIS_URL);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverter(env) });
  const app = createApp({
    client,
    config: {
      taskQueue: env.TASK_QUEUE,
      apiKeys,
      temporalUiUrl: env.TEMPORAL_UI_URL,
      namespace: env.TEMPORAL_NAMESPACE,
      driverWebhookSecret: env.DRIVER_WEBHOOK_SECRET,
      sessionSecret: env.SESSION_SECRET,
      pageTokenSecret: env.PAGE_TOKEN_SECRET,
      phoneHashSecret: env.PHONE_HASH_SECRET,
      webhookStores: stores,
      sessionRevocations: redis ? new RedisRevocations(redis) : new MemoryRevocations(),
      presence: redis ? new RedisPresence(redis, DEFAULT_LIVE.presenceTtlMs) : new MemoryPresence(),
      intakeAnswerMs: env.INTAKE_ANSWER_TIMEOUT_MS,
      driverWebhookRatePerMinute: env.WEBHOOK_RATE_PER_ADDRESS,
      driverRatePerMinute: env.WEBHOOK_RATE_PER_DRIVER,
      trustProxy: trustProxySetting(env.TRUST_PROXY),
      codec: payloadCodec(env),
      developmentKeys: !env.API_KEYS,
      wechatpay: wechatpayNotifyConfig(env),
      alipay: alipayNotifyConfig(env),
      oaEvents: oaEventsConfigFromEnv(env),
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.API_PORT, env.API_HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.API_PORT;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      // Requests in flight get a moment to finish; open live streams never end by themselves, so they are cut then.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearTimeout(cut);
      await connection.close();
      await stores.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

/** Configured when the platform certificate and APIv3 key are: the notification route needs nothing else. */
function wechatpayNotifyConfig(env: Env): WechatPayNotifyConfig | undefined {
  if (!env.WECHATPAY_MCHID || !env.WECHATPAY_PLATFORM_SERIAL || !env.WECHATPAY_PLATFORM_CERT || !env.WECHATPAY_APIV3_KEY) return undefined;
  return {
    mchid: env.WECHATPAY_MCHID,
    platformSerial: env.WECHATPAY_PLATFORM_SERIAL,
    platformCertificate: pem(env.WECHATPAY_PLATFORM_CERT, 'WECHATPAY_PLATFORM_CERT'),
    apiV3Key: env.WECHATPAY_APIV3_KEY,
  };
}

function alipayNotifyConfig(env: Env): AlipayNotifyConfig | undefined {
  if (!env.ALIPAY_APP_ID || !env.ALIPAY_PRIVATE_KEY || !env.ALIPAY_PUBLIC_KEY) return undefined;
  return { appId: env.ALIPAY_APP_ID, privateKey: pem(env.ALIPAY_PRIVATE_KEY, 'ALIPAY_PRIVATE_KEY'), alipayPublicKey: pem(env.ALIPAY_PUBLIC_KEY, 'ALIPAY_PUBLIC_KEY') };
}

if (require.main === module) {
  Promise.resolve()
    .then(() => startApi(readEnv()))
    .then((api) => {
      console.log(`api: listening on ${api.url}`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err) => {
      console.error('api failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
