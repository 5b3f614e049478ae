import type { Env } from '../config/env';
import { OaClient } from './clients/oa';
import { SmsClient } from './clients/sms';
import { createMessageActivities } from './messages';
import { createOaActivities } from './oa';
import { createPaymentActivities } from './payment';
import { createRulesActivities, type RulesMetrics } from './rules';
import { paymentPortFromEnv } from './rails/payment/from-env';
import type { PaymentPort } from './rails/payment/port';
import { oaRailFor, smsRailFor } from './rails/from-env';
import type { OaRail } from './rails/oa/port';
import type { SmsRail } from './rails/sms/port';
import { templateCatalogReader } from './rails/sms/templates-file';
import type { TemplateCatalog } from '../domain/templates';

export interface ActivityDeps {
  /** The rail PAYMENT_RAIL names: internal (the platform's own centre), alipay or wechatpay. */
  payment: PaymentPort;
  sms: SmsClient;
  oa: OaClient;
  /** The SMS channel's rail and the approval rail; unset: the internal services behind sms / oa. */
  smsRail?: SmsRail;
  oaRail?: OaRail;
  templates?: () => TemplateCatalog;
  receiptWindowMs?: number;
  policyFile?: string;
  calendarDir: string;
  rulesMetrics?: RulesMetrics;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createRulesActivities(deps),
    ...createMessageActivities(deps),
    ...createPaymentActivities(deps),
    ...createOaActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** The real clients from configuration: simulators by default, provider adapters in production. */
export function activityDepsFromEnv(env: Env): ActivityDeps {
  return {
    payment: paymentPortFromEnv(env),
    sms: new SmsClient({ baseUrl: env.SMS_URL, apiKey: env.SMS_API_KEY, timeoutMs: 5_000 }),
    oa: new OaClient({ baseUrl: env.OA_URL, apiKey: env.OA_API_KEY, timeoutMs: 5_000 }),
    ...railDepsFromEnv(env),
    policyFile: env.POLICY_FILE,
    calendarDir: env.CALENDAR_DIR,
  };
}

/** SMS_RAIL / OA_RAIL and the template catalog: additive to the clients above. */
function railDepsFromEnv(env: Env): Pick<ActivityDeps, 'smsRail' | 'oaRail' | 'templates' | 'receiptWindowMs'> {
  const templates = templateCatalogReader(env.SMS_TEMPLATES_FILE);
  return {
    smsRail: smsRailFor(env, env.SMS_RAIL, templates),
    oaRail: oaRailFor(env, env.OA_RAIL),
    templates,
    receiptWindowMs: env.SMS_RECEIPT_WINDOW_MS,
  };
}
