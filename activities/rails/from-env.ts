/**
 * The rail adapters as configuration chooses them (SMS_RAIL, OA_RAIL). An endpoint left unset
 * points at the simulator behind SMS_URL / OA_URL, so development and tests need no extra setup.
 */
import type { Env } from '../../config/env';
import { OaClient } from '../clients/oa';
import { SmsClient } from '../clients/sms';
import { DingTalkOaRail } from './oa/dingtalk';
import { FeishuOaRail } from './oa/feishu';
import { InternalOaRail } from './oa/internal';
import type { OaRail, OaRailName } from './oa/port';
import { AliyunSmsRail } from './sms/aliyun';
import { InternalSmsRail } from './sms/internal';
import type { SmsRail, SmsRailName } from './sms/port';
import { TencentSmsRail } from './sms/tencent';
import { templateCatalogReader } from './sms/templates-file';

const TIMEOUT_MS = 5_000;
const hostOf = (url: string) => new URL(url).host;

export function smsRailFor(env: Env, name: SmsRailName, templates = templateCatalogReader(env.SMS_TEMPLATES_FILE)): SmsRail {
  switch (name) {
    case 'internal':
      return new InternalSmsRail(new SmsClient({ baseUrl: env.SMS_URL, apiKey: env.SMS_API_KEY, timeoutMs: TIMEOUT_MS }));
    case 'aliyun':
      return new AliyunSmsRail({
        accessKeyId: env.ALIYUN_ACCESS_KEY_ID,
        accessKeySecret: env.ALIYUN_ACCESS_KEY_SECRET,
        endpoint: env.ALIYUN_SMS_ENDPOINT ?? hostOf(env.SMS_URL),
        protocol: env.ALIYUN_SMS_PROTOCOL,
        timeoutMs: TIMEOUT_MS,
        catalog: templates,
      });
    case 'tencent':
      return new TencentSmsRail({
        secretId: env.TENCENT_SECRET_ID,
        secretKey: env.TENCENT_SECRET_KEY,
        region: env.TENCENT_SMS_REGION,
        endpoint: env.TENCENT_SMS_ENDPOINT ?? `${hostOf(env.SMS_URL)}/tencent-sms`,
        protocol: env.TENCENT_SMS_PROTOCOL,
        smsSdkAppId: env.TENCENT_SMS_SDK_APP_ID,
        timeoutMs: TIMEOUT_MS,
        catalog: templates,
      });
  }
}

export function dingTalkRail(env: Env): DingTalkOaRail {
  return new DingTalkOaRail({
    endpoint: env.DINGTALK_ENDPOINT ?? hostOf(env.OA_URL),
    protocol: env.DINGTALK_PROTOCOL,
    appKey: env.DINGTALK_APP_KEY,
    appSecret: env.DINGTALK_APP_SECRET,
    agentId: env.DINGTALK_AGENT_ID,
    processCode: env.DINGTALK_PROCESS_CODE,
    operatorUserId: env.DINGTALK_OPERATOR_USER_ID,
    operatorUnionId: env.DINGTALK_OPERATOR_UNION_ID,
    timeoutMs: TIMEOUT_MS,
  });
}

export function feishuRail(env: Env): FeishuOaRail {
  return new FeishuOaRail({
    baseUrl: env.FEISHU_BASE_URL ?? `${new URL(env.OA_URL).origin}/feishu`,
    appId: env.FEISHU_APP_ID,
    appSecret: env.FEISHU_APP_SECRET,
    approvalCode: env.FEISHU_APPROVAL_CODE,
    operatorUserId: env.FEISHU_OPERATOR_USER_ID,
    timeoutMs: TIMEOUT_MS,
  });
}

export function oaRailFor(env: Env, name: OaRailName): OaRail {
  switch (name) {
    case 'internal':
      return new InternalOaRail(new OaClient({ baseUrl: env.OA_URL, apiKey: env.OA_API_KEY, timeoutMs: TIMEOUT_MS }));
    case 'dingtalk':
      return dingTalkRail(env);
    case 'feishu':
      return feishuRail(env);
  }
}
