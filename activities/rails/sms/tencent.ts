/**
 * Tencent Cloud SMS (2021-01-11) on the official SDK. SendSms takes the approved template id and
 * its parameters in template order; our key rides in SessionContext and comes back with the
 * status report. The rail does not dedupe, and its look-up (PullSmsSendStatusByPhoneNumber)
 * only sees messages that already have a report, so a retry waits out the receipt window first.
 */
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { placeholders, type TemplateCatalog } from '../../../domain/templates';
import { classifySdkError } from './errors';
import { AnswerLost, RailRejected, type OutgoingMessage, type RailMessage, type SmsRail } from './port';

type TencentClient = InstanceType<typeof sms.v20210111.Client>;

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  region: string;
  /** host[:port][/path]; the SDK's default is sms.tencentcloudapi.com. */
  endpoint: string;
  protocol: 'http://' | 'https://';
  smsSdkAppId: string;
  timeoutMs: number;
  catalog: () => TemplateCatalog;
}

/** Error codes that say "not now" rather than "never". */
const TRANSIENT = /^(InternalError|RequestLimitExceeded|LimitExceeded\.(AppCountryOrRegionDailyLimit|DailyLimit))/;

function classify(err: unknown): Error {
  const e = err as { code?: string; httpCode?: number; requestId?: string; message?: string };
  // An answer with an error code (HTTP 200, Response.Error) is the rail's decision.
  if (typeof e?.httpCode !== 'number' && e?.code) {
    if (TRANSIENT.test(e.code)) return new Error(`tencent: ${e.code}: ${e.message}`);
    return new RailRejected('tencent', e.code, e.message ?? '');
  }
  if (typeof e?.httpCode !== 'number') return new AnswerLost('tencent', e?.message ?? String(err));
  return classifySdkError('tencent', err);
}

export class TencentSmsRail implements SmsRail {
  readonly name = 'tencent' as const;
  readonly needsTemplate = true;
  readonly lookupSeesUnreceipted = false;
  private readonly client: TencentClient;

  constructor(private readonly config: TencentSmsConfig) {
    this.client = new sms.v20210111.Client({
      credential: { secretId: config.secretId, secretKey: config.secretKey },
      region: config.region,
      profile: { httpProfile: { endpoint: config.endpoint, protocol: config.protocol, reqTimeout: config.timeoutMs / 1000 } },
    });
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    const template = msg.template!;
    const catalog = this.config.catalog();
    const spec = catalog.templates[template.id];
    const templateId = spec?.codes[this.name]?.[template.language];
    if (!spec || !templateId) throw new RailRejected(this.name, 'NO_TEMPLATE_ID', `no approved tencent template for ${template.id}/${template.language}`);
    // Tencent templates are positional ({1}, {2}, ...): the order of the names in the text.
    const paramSet = placeholders(spec.text[template.language]).map((name) => template.params[name] ?? '');
    let res;
    try {
      res = await this.client.SendSms({
        PhoneNumberSet: [msg.phone],
        SmsSdkAppId: this.config.smsSdkAppId,
        SignName: catalog.rails[this.name]!.signName,
        TemplateId: templateId,
        TemplateParamSet: paramSet,
        SessionContext: msg.outId,
      });
    } catch (err) {
      throw classify(err);
    }
    const status = res.SendStatusSet?.[0];
    if (!status) throw new AnswerLost(this.name, 'SendSms answered without a status');
    if (status.Code !== 'Ok' || !status.SerialNo) throw new RailRejected(this.name, status.Code ?? 'UNKNOWN', status.Message ?? '');
    return { messageId: status.SerialNo };
  }

  async lookup(msg: OutgoingMessage, since: Date): Promise<RailMessage | null> {
    let found: RailMessage | null = null;
    for (let offset = 0; ; offset += 100) {
      let res;
      try {
        res = await this.client.PullSmsSendStatusByPhoneNumber({
          BeginTime: Math.floor(since.getTime() / 1000),
          EndTime: Math.ceil(Date.now() / 1000) + 60,
          Offset: offset,
          Limit: 100,
          PhoneNumber: msg.phone,
          SmsSdkAppId: this.config.smsSdkAppId,
        });
      } catch (err) {
        throw classify(err);
      }
      const rows = res.PullSmsSendStatusSet ?? [];
      for (const row of rows) {
        if (row.SessionContext !== msg.outId) continue;
        const state = row.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed';
        if (!found || state === 'delivered') {
          found = {
            messageId: row.SerialNo ?? '',
            state,
            reason: state === 'failed' ? `${row.ReportStatus}: ${row.Description ?? ''}` : null,
            receiptAt: row.UserReceiveTime ? new Date(row.UserReceiveTime * 1000).toISOString() : null,
          };
        }
      }
      if (rows.length < 100) break;
    }
    return found;
  }
}
