import path from 'node:path';
import { z } from 'zod';

/** The project root, whether we run from source (tsx) or from dist/. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', path.basename(path.resolve(__dirname, '..')) === 'dist' ? '..' : '.');

/** Development defaults of the secrets: public (they are in this file and the README), so production refuses them. */
export const DEV_SECRETS = {
  PAYMENT_API_KEY: 'dev-payment-key',
  SMS_API_KEY: 'dev-sms-key',
  OA_API_KEY: 'dev-oa-key',
  DRIVER_WEBHOOK_SECRET: 'dev-driver-webhook-secret',
  SESSION_SECRET: 'dev-console-session-secret',
  PAGE_TOKEN_SECRET: 'dev-list-page-token-secret',
  PHONE_HASH_SECRET: 'dev-phone-hash-secret',
} as const;

/** Every variable the processes read: the docker files and docs/configuration.md must use exactly these names. */
export const envSchema = z.object({
  /** `production` makes the worker and the API refuse development keys and secrets (config/production.ts). */
  NODE_ENV: z.string().default('development'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  TASK_QUEUE: z.string().default('complaints'),
  /** Workflows kept in worker memory; unset is the SDK's default (sized from the machine's RAM). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** The worker's V8 old space in MiB; unset with a cache bound is sized from it (config/worker-heap.ts). */
  WORKER_HEAP_MIB: z.coerce.number().int().min(64).optional(),
  /** Where the worker serves its Prometheus metrics (rules snapshot health); unset serves none. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_HOST: z.string().default('127.0.0.1'),
  /** How long an intake (POST /complaints, the driver webhook) waits for the case's answer before a 202 "opening". */
  INTAKE_ANSWER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** Express `trust proxy`: false (default), true, a hop count, or a comma list of proxy addresses/subnets. */
  TRUST_PROXY: z.string().default('false'),
  /** Driver webhook requests a minute per client address, counted before the signature check. */
  WEBHOOK_RATE_PER_ADDRESS: z.coerce.number().int().min(1).default(600),
  /** Driver reports a minute per driver id, counted once the signature holds. */
  WEBHOOK_RATE_PER_DRIVER: z.coerce.number().int().min(1).default(60),
  /** Shared nonce and rate-limit store for several API replicas; unset keeps them in the process. */
  REDIS_URL: z.string().url().optional(),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_DATA_DIR: z.string().default(path.join(PROJECT_ROOT, 'data', 'simulators')),
  PAYMENT_URL: z.string().url().default('http://127.0.0.1:4100/payment'),
  SMS_URL: z.string().url().default('http://127.0.0.1:4100/sms'),
  OA_URL: z.string().url().default('http://127.0.0.1:4100/oa'),
  PAYMENT_API_KEY: z.string().min(1).default(DEV_SECRETS.PAYMENT_API_KEY),
  SMS_API_KEY: z.string().min(1).default(DEV_SECRETS.SMS_API_KEY),
  OA_API_KEY: z.string().min(1).default(DEV_SECRETS.OA_API_KEY),
  CALENDAR_DIR: z.string().default(path.join(PROJECT_ROOT, 'config', 'holidays')),
  POLICY_FILE: z.string().optional(),
  /** JSON object: API key -> { id, role }. Unset means the documented development keys. */
  API_KEYS: z.string().optional(),
  /** JSON object: key id -> base64 32-byte AES key. Unset means the documented development key. */
  PAYLOAD_KEYS: z.string().optional(),
  /** The key id new payloads are encrypted with (one of PAYLOAD_KEYS). */
  PAYLOAD_KEY_ID: z.string().optional(),
  /** HMAC key of the driver-app webhook; every driver-app signer holds it, so it keys nothing else. */
  DRIVER_WEBHOOK_SECRET: z.string().min(16).default(DEV_SECRETS.DRIVER_WEBHOOK_SECRET),
  /** MAC key of the console's codec session cookie. */
  SESSION_SECRET: z.string().min(16).default(DEV_SECRETS.SESSION_SECRET),
  /** MAC key of the case list's page tokens; every API replica needs the same one. */
  PAGE_TOKEN_SECRET: z.string().min(16).default(DEV_SECRETS.PAGE_TOKEN_SECRET),
  /** HMAC key of the phone numbers' search attribute (PhoneHash): without it a hash list cannot be reversed by trying every number. */
  PHONE_HASH_SECRET: z.string().min(16).default(DEV_SECRETS.PHONE_HASH_SECRET),

  // Payment rails (docs/payment-rails.md). Keys and certificates: PEM text, or a path to a PEM file.
  /** Which rail moves the money: the platform's own payment centre, Alipay or WeChat Pay. */
  PAYMENT_RAIL: z.enum(['internal', 'alipay', 'wechatpay']).default('internal'),
  /** Alipay OpenAPI gateway: https://openapi-sandbox.dl.alipaydev.com/gateway.do (sandbox), https://openapi.alipay.com/gateway.do. */
  ALIPAY_GATEWAY: z.string().url().default('http://127.0.0.1:4100/alipay/gateway.do'),
  ALIPAY_APP_ID: z.string().optional(),
  /** The application's RSA2 private key (its public half is uploaded to the open platform). */
  ALIPAY_PRIVATE_KEY: z.string().optional(),
  /** Alipay's public key, from the open platform: every response signature is verified with it. */
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** WeChat Pay APIv3 root: https://api.mch.weixin.qq.com/ in production. */
  WECHATPAY_BASE_URL: z.string().url().default('http://127.0.0.1:4100/wechatpay/'),
  WECHATPAY_MCHID: z.string().optional(),
  /** Serial number of the merchant API certificate, and its private key. */
  WECHATPAY_SERIAL: z.string().optional(),
  WECHATPAY_PRIVATE_KEY: z.string().optional(),
  /** The platform certificate (or WeChat Pay public key) and its serial / key id: verifies responses and notifications. */
  WECHATPAY_PLATFORM_SERIAL: z.string().optional(),
  WECHATPAY_PLATFORM_CERT: z.string().optional(),
  /** The 32-byte APIv3 key set on the merchant platform: decrypts notification resources. */
  WECHATPAY_APIV3_KEY: z.string().optional(),
  /** Where WeChat Pay posts refund results: this API's /payment-notifications/wechatpay/refunds, reachable from the internet. */
  WECHATPAY_NOTIFY_URL: z.string().url().optional(),
  WECHATPAY_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),

  // --- Messaging rails (SMS and OA approvals): which adapter, and each rail's credentials. ---
  // Endpoints left unset point at the simulators behind SMS_URL / OA_URL.
  SMS_RAIL: z.enum(['internal', 'aliyun', 'tencent']).default('internal'),
  OA_RAIL: z.enum(['internal', 'dingtalk', 'feishu']).default('internal'),
  /** Templates and the codes each rail approved; read again when the file changes. */
  SMS_TEMPLATES_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'sms-templates.json')),
  /** The composer's reply templates per category; validated whole when the API starts. */
  REPLY_TEMPLATES_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'reply-templates.json')),
  /** A sent message without a success receipt within this window counts as undelivered. */
  SMS_RECEIPT_WINDOW_MS: z.coerce.number().int().min(0).default(10_000),
  /** How long the simulated carriers take to report (simulators only). */
  SMS_SIMULATED_RECEIPT_DELAY_MS: z.coerce.number().int().min(0).default(200),
  ALIYUN_SMS_ENDPOINT: z.string().optional(),
  ALIYUN_SMS_PROTOCOL: z.enum(['http', 'https']).default('http'),
  ALIYUN_ACCESS_KEY_ID: z.string().default('dev-aliyun-access-key'),
  ALIYUN_ACCESS_KEY_SECRET: z.string().default('dev-aliyun-access-secret'),
  TENCENT_SMS_ENDPOINT: z.string().optional(),
  TENCENT_SMS_PROTOCOL: z.enum(['http://', 'https://']).default('http://'),
  TENCENT_SECRET_ID: z.string().default('dev-tencent-secret-id'),
  TENCENT_SECRET_KEY: z.string().default('dev-tencent-secret-key'),
  TENCENT_SMS_REGION: z.string().default('ap-guangzhou'),
  TENCENT_SMS_SDK_APP_ID: z.string().default('1400000001'),
  DINGTALK_ENDPOINT: z.string().optional(),
  DINGTALK_PROTOCOL: z.enum(['http', 'https']).default('http'),
  DINGTALK_APP_KEY: z.string().default('dev-dingtalk-app-key'),
  DINGTALK_APP_SECRET: z.string().default('dev-dingtalk-app-secret'),
  DINGTALK_AGENT_ID: z.coerce.number().int().default(3001),
  /** The travel tool's approval form (process code) whose instances carry our order ids. */
  DINGTALK_PROCESS_CODE: z.string().default('PROC-TRAVEL-ANOMALY'),
  /** The DingTalk user our comments are posted as (userId) and its unionId for the drive. */
  DINGTALK_OPERATOR_USER_ID: z.string().default('complaint-bot'),
  DINGTALK_OPERATOR_UNION_ID: z.string().default('complaint-bot-union'),
  DINGTALK_EVENT_TOKEN: z.string().default('dev-dingtalk-event-token'),
  /** 43 characters of base64 (DingTalk's EncodingAESKey). */
  DINGTALK_EVENT_AES_KEY: z.string().length(43).default('ZGV2LWRpbmd0YWxrLWV2ZW50LWFlcy1rZXktMzItYnk'),
  DINGTALK_CORP_ID: z.string().default('ding-dev-corp'),
  FEISHU_BASE_URL: z.string().optional(),
  FEISHU_APP_ID: z.string().default('cli_dev_feishu_app'),
  FEISHU_APP_SECRET: z.string().default('dev-feishu-app-secret'),
  FEISHU_APPROVAL_CODE: z.string().default('TRAVEL-ANOMALY-APPROVAL'),
  /** The Feishu user (user_id) our comments are posted as. */
  FEISHU_OPERATOR_USER_ID: z.string().default('complaint-bot'),
  FEISHU_VERIFICATION_TOKEN: z.string().default('dev-feishu-verification-token'),
  FEISHU_ENCRYPT_KEY: z.string().default('dev-feishu-encrypt-key'),
});

export type Env = z.infer<typeof envSchema>;
export type EnvKey = keyof Env;
export const ENV_KEYS = Object.keys(envSchema.shape) as EnvKey[];

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Express's `trust proxy` value from TRUST_PROXY. */
export function trustProxySetting(raw: string): boolean | number | string[] {
  const value = raw.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
