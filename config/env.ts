import path from 'node:path';
import { z } from 'zod';

/** The project root, whether we run from source (tsx) or from dist/. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', path.basename(path.resolve(__dirname, '..')) === 'dist' ? '..' : '.');

const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  TASK_QUEUE: z.string().default('complaints'),
  /** Workflows kept in worker memory; unset is the SDK's default (sized from the machine's RAM). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_DATA_DIR: z.string().default(path.join(PROJECT_ROOT, 'data', 'simulators')),
  PAYMENT_URL: z.string().url().default('http://127.0.0.1:4100/payment'),
  SMS_URL: z.string().url().default('http://127.0.0.1:4100/sms'),
  OA_URL: z.string().url().default('http://127.0.0.1:4100/oa'),
  PAYMENT_API_KEY: z.string().default('dev-payment-key'),
  SMS_API_KEY: z.string().default('dev-sms-key'),
  OA_API_KEY: z.string().default('dev-oa-key'),
  CALENDAR_DIR: z.string().default(path.join(PROJECT_ROOT, 'config', 'holidays')),
  POLICY_FILE: z.string().optional(),
  /** JSON object: API key -> { id, role }. Unset means the documented development keys. */
  API_KEYS: z.string().optional(),
  /** JSON object: key id -> base64 32-byte AES key. Unset means the documented development key. */
  PAYLOAD_KEYS: z.string().optional(),
  /** The key id new payloads are encrypted with (one of PAYLOAD_KEYS). */
  PAYLOAD_KEY_ID: z.string().optional(),
  DRIVER_WEBHOOK_SECRET: z.string().min(16).default('dev-driver-webhook-secret'),

  // --- Messaging rails (SMS and OA approvals): which adapter, and each rail's credentials. ---
  // Endpoints left unset point at the simulators behind SMS_URL / OA_URL.
  SMS_RAIL: z.enum(['internal', 'aliyun', 'tencent']).default('internal'),
  OA_RAIL: z.enum(['internal', 'dingtalk', 'feishu']).default('internal'),
  /** Templates and the codes each rail approved; read again when the file changes. */
  SMS_TEMPLATES_FILE: z.string().default(path.join(PROJECT_ROOT, 'config', 'sms-templates.json')),
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

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
