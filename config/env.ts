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
});

export type Env = z.infer<typeof envSchema>;

/** Every variable the code reads: deployment files are checked against this list (test/deploy/). */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as Array<keyof Env>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
