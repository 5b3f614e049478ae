import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { codecRouter } from './routes/codec';
import type { ApiKeys } from './auth';
import { authenticateStaff, sessionRouter } from './session';
import { MemoryRevocations, type SessionRevocations } from './session-store';
import { DEFAULT_LIVE, LiveHub, type LiveOptions } from './live';
import { MemoryPresence, type PresenceStore } from './presence';
import { consoleFiles } from './static-files';
import { liveRouter } from './routes/live';
import { liveGauges } from './live-metrics';
import { staffRouter } from './routes/staff';
import { errorHandler, notFound, requireJsonBody } from './errors';
import { methodNotAllowed } from './method-not-allowed';
import { createMetrics, httpMetrics } from './metrics';
import { pageTokenKey, pageTokens } from './page-tokens';
import { phoneHasher } from './phone-hash';
import { complaintsRouter } from './routes/complaints';
import { docsRouter } from './routes/docs';
import { viewsRouter } from './routes/views';
import { driverReportsRouter } from './routes/driver-reports';
import { meRouter } from './routes/me';
import { metricsRouter } from './routes/metrics';
import { MemoryStores, type WebhookStores } from './webhook-stores';
import { paymentNotificationsRouter, type AlipayNotifyConfig, type WechatPayNotifyConfig } from './routes/payment-notifications';
import { oaEventsConfigFromEnv, oaEventsRouter, type OaEventsConfig } from './routes/oa-events';
import { readEnv } from '../config/env';
import { loadReplyCatalog } from '../config/load-reply-templates';
import { templateCatalogReader } from '../activities/rails/sms/templates-file';
import { composerRouter, type ComposerDeps } from './routes/composer';

export interface ApiConfig {
  taskQueue: string;
  apiKeys: ApiKeys;
  temporalUiUrl: string;
  namespace: string;
  /** One secret per purpose: the webhook HMAC, the console session cookie, the list page tokens. */
  driverWebhookSecret: string;
  sessionSecret: string;
  pageTokenSecret: string;
  /** HMAC key of the phone numbers' search attribute. */
  phoneHashSecret: string;
  /** Per client address; driver apps retry, so a burst beyond this is more likely a fault than traffic. */
  driverWebhookRatePerMinute?: number;
  /** Per driver id, once the signature holds. */
  driverRatePerMinute?: number;
  /** Nonces and rate counters; in the process unless several replicas share Redis. */
  webhookStores?: WebhookStores;
  /** Intakes answer within this bound: the case's answer, or 202 "opening". */
  intakeAnswerMs?: number;
  /** Express `trust proxy` (TRUST_PROXY): which X-Forwarded-For hops are believed for req.ip. */
  trustProxy?: boolean | number | string[];
  /** The payload codec, served to the Temporal Web UI at /codec. */
  codec: PayloadCodec;
  /** True while the public development keys are in force. */
  developmentKeys: boolean;
  /** WeChat Pay's platform certificate and APIv3 key, for its refund notifications. */
  wechatpay?: WechatPayNotifyConfig;
  /** Alipay's public key (and the app's keys the SDK needs), for its deposit-back messages. */
  alipay?: AlipayNotifyConfig;
  /** DingTalk / Feishu approval event verification and the rails that name an instance's order. */
  oaEvents?: OaEventsConfig;
  /** Signed-out console sessions; in the process unless replicas share Redis. */
  sessionRevocations?: SessionRevocations;
  /** Who has which case open; in the process unless replicas share Redis. */
  presence?: PresenceStore;
  /** Live stream timings (tests shorten them). */
  live?: Partial<LiveOptions>;
  /** Reply templates and the SMS rail the previews render for; from the environment when absent. */
  composer?: ComposerDeps;
}

function composerFromEnv(): ComposerDeps {
  const env = readEnv();
  return { replies: loadReplyCatalog(env.REPLY_TEMPLATES_FILE), smsTemplates: templateCatalogReader(env.SMS_TEMPLATES_FILE), smsRail: env.SMS_RAIL };
}

/** Routes and error handling, no listen(): tests and the server both build it. */
export function createApp({ client, config }: { client: Client; config: ApiConfig }): express.Express {
  const app = express();
  const svc = { client, taskQueue: config.taskQueue, intakeAnswerMs: config.intakeAnswerMs ?? 3_000, hashPhone: phoneHasher(config.phoneHashSecret), staff: config.apiKeys };
  const metrics = createMetrics(client);
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  app.use(httpMetrics(metrics));
  // Without TLS in front, upgrade-insecure-requests would make browsers fetch the console's own
  // scripts over https from a plain-http host and break it; TLS belongs to the load balancer.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));

  // Before authentication: a method the path does not have is a 405 whoever asks.
  app.use(methodNotAllowed);

  // Before the JSON parser: the webhook's signature is over the raw bytes.
  app.use(
    driverReportsRouter({
      svc,
      metrics,
      secret: config.driverWebhookSecret,
      ratePerMinute: config.driverWebhookRatePerMinute ?? 600,
      driverRatePerMinute: config.driverRatePerMinute ?? 60,
      stores: config.webhookStores ?? new MemoryStores(),
    }),
  );

  // Before the JSON parser too: WeChat Pay signs the raw bytes.
  app.use(paymentNotificationsRouter({ svc, wechatpay: config.wechatpay, alipay: config.alipay }));

  app.use(oaEventsRouter(client, config.oaEvents ?? oaEventsConfigFromEnv(readEnv())));

  // Before the 64 kB JSON limit: the Web UI decodes whole histories in one call.
  app.use(
    codecRouter({
      codec: config.codec,
      apiKeys: config.apiKeys,
      uiOrigin: new URL(config.temporalUiUrl).origin,
      openInDevelopment: config.developmentKeys,
      sessionSecret: config.sessionSecret,
    }),
  );

  app.use(requireJsonBody);
  app.use(express.json({ limit: '64kb' }));

  // The console is static files: same origin, no build step, works offline.
  app.use('/console', consoleFiles(path.join(__dirname, '..', 'console')));
  app.get('/', (_req, res) => res.redirect('/console/'));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(metricsRouter(metrics), docsRouter({ codecOpen: config.developmentKeys }));

  const tokens = pageTokens(pageTokenKey(config.pageTokenSecret));
  const sessions = { apiKeys: config.apiKeys, secret: config.sessionSecret, revocations: config.sessionRevocations ?? new MemoryRevocations() };
  app.use(sessionRouter(sessions));
  const hub = new LiveHub(client, config.presence ?? new MemoryPresence(), { ...DEFAULT_LIVE, ...config.live });
  liveGauges(metrics, hub);
  app.use(authenticateStaff(sessions), meRouter(config), staffRouter(config.apiKeys), viewsRouter(svc), liveRouter(svc, hub), complaintsRouter(svc, metrics, tokens), composerRouter(svc, config.composer ?? composerFromEnv()));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
