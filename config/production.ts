/**
 * With NODE_ENV=production a process refuses to start while a development key or secret is in
 * force: they are public (this repository, the README), so running on them is running unlocked.
 * Each process checks what it holds: the API never sees the provider keys, the worker never
 * sees the staff keys.
 */
import { DEV_API_KEYS } from '../api/auth';
import { DEV_KEY } from '../codec/data-converter';
import { DEV_SECRETS, envSchema, type Env } from './env';

export type ProcessKind = 'api' | 'worker';

const USES: Record<ProcessKind, ReadonlyArray<keyof Env>> = {
  api: ['API_KEYS', 'PAYLOAD_KEYS', 'DRIVER_WEBHOOK_SECRET', 'SESSION_SECRET', 'PAGE_TOKEN_SECRET', 'PHONE_HASH_SECRET'],
  worker: ['PAYLOAD_KEYS', 'PAYMENT_API_KEY', 'SMS_API_KEY', 'OA_API_KEY'],
};

function apiKeysProblem(raw: string | undefined): string | undefined {
  if (!raw) return 'API_KEYS is unset: the public development keys (dev-agent-key, ...) would be in force';
  let keys: unknown;
  try {
    keys = JSON.parse(raw);
  } catch {
    return 'API_KEYS is not valid JSON';
  }
  const dev = Object.keys(keys && typeof keys === 'object' ? keys : {}).filter((k) => Object.hasOwn(DEV_API_KEYS, k));
  return dev.length ? `API_KEYS contains the development key(s) ${dev.join(', ')}` : undefined;
}

function payloadKeysProblem(raw: string | undefined): string | undefined {
  if (!raw) return 'PAYLOAD_KEYS is unset: payloads would be encrypted with the public development key';
  let keys: unknown;
  try {
    keys = JSON.parse(raw);
  } catch {
    return 'PAYLOAD_KEYS is not valid JSON';
  }
  const dev = Object.entries(keys && typeof keys === 'object' ? keys : {})
    .filter(([, b64]) => typeof b64 === 'string' && Buffer.from(b64, 'base64').equals(DEV_KEY))
    .map(([id]) => id);
  return dev.length ? `PAYLOAD_KEYS contains the development key (key id ${dev.join(', ')})` : undefined;
}

/** Each development key or secret in force for this process, named; empty when it may start. */
export function productionProblems(env: Env, kind: ProcessKind): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  for (const name of USES[kind]) {
    if (name === 'API_KEYS') {
      const p = apiKeysProblem(env.API_KEYS);
      if (p) problems.push(p);
    } else if (name === 'PAYLOAD_KEYS') {
      const p = payloadKeysProblem(env.PAYLOAD_KEYS);
      if (p) problems.push(p);
    } else if (env[name] === DEV_SECRETS[name as keyof typeof DEV_SECRETS]) {
      problems.push(`${name} is the development default`);
    }
  }
  if (kind === 'api') {
    // One secret per purpose: a leaked driver-app signer must not forge console sessions or page tokens.
    const pairs: Array<[keyof Env, keyof Env]> = [
      ['SESSION_SECRET', 'DRIVER_WEBHOOK_SECRET'],
      ['PAGE_TOKEN_SECRET', 'DRIVER_WEBHOOK_SECRET'],
      ['PAGE_TOKEN_SECRET', 'SESSION_SECRET'],
      ['PHONE_HASH_SECRET', 'DRIVER_WEBHOOK_SECRET'],
      ['PHONE_HASH_SECRET', 'SESSION_SECRET'],
      ['PHONE_HASH_SECRET', 'PAGE_TOKEN_SECRET'],
    ];
    for (const [a, b] of pairs) if (env[a] === env[b]) problems.push(`${a} equals ${b}; each purpose needs its own secret`);
  }
  if (env.NODE_ENV === 'production') problems.push(...railCredentialProblems(env));
  return problems;
}

/** The variables of each rail: only the rails in use must hold real credentials. */
const RAIL_VARIABLES: Record<string, RegExp> = {
  alipay: /^ALIPAY_(APP_ID|PRIVATE_KEY|PUBLIC_KEY)$/,
  wechatpay: /^WECHATPAY_(MCHID|SERIAL|PRIVATE_KEY|PLATFORM_SERIAL|PLATFORM_CERT|APIV3_KEY)$/,
  aliyun: /^ALIYUN_ACCESS_KEY_(ID|SECRET)$/,
  tencent: /^TENCENT_SECRET_(ID|KEY)$/,
  dingtalk: /^DINGTALK_(APP_KEY|APP_SECRET|EVENT_TOKEN|EVENT_AES_KEY)$/,
  feishu: /^FEISHU_(APP_ID|APP_SECRET|VERIFICATION_TOKEN|ENCRYPT_KEY)$/,
};

/** A rail in use whose credentials are missing or still the simulators' development defaults, named. */
export function railCredentialProblems(env: Env): string[] {
  const defaults = envSchema.parse({}) as Record<string, unknown>;
  const inUse = [env.PAYMENT_RAIL, env.SMS_RAIL, env.OA_RAIL].filter((r) => r in RAIL_VARIABLES);
  const problems: string[] = [];
  for (const rail of inUse) {
    for (const name of Object.keys(envSchema.shape).filter((k) => RAIL_VARIABLES[rail]!.test(k))) {
      const value = (env as Record<string, unknown>)[name];
      if (value === undefined || value === '') problems.push(`${name} is unset but ${rail} is in use`);
      else if (value === defaults[name]) problems.push(`${name} is the development default (the ${rail} simulator's)`);
    }
  }
  return problems;
}

/** Throws one error naming every problem, for the process's start-up path to print and exit on. */
export function assertProductionReady(env: Env, kind: ProcessKind): void {
  const problems = productionProblems(env, kind);
  if (problems.length) {
    throw new Error(`refusing to start the ${kind} with NODE_ENV=production:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
