/**
 * Aliyun SMS (dysmsapi 2017-05-25) on the official SDK. SendSms takes the sign, the approved
 * template code and the parameters as JSON, plus our OutId; it does not dedupe, so the look-up
 * is QuerySendDetails (phone, send date) filtered by OutId, and its SendStatus is the receipt.
 */
import Dysmsapi, { QuerySendDetailsRequest, SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import type { TemplateCatalog } from '../../../domain/templates';
import { classifySdkError, mainlandNumber, shanghaiDate } from './errors';
import { RailRejected, type OutgoingMessage, type RailMessage, type SmsRail } from './port';

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** host[:port]; the SDK's default is dysmsapi.aliyuncs.com. */
  endpoint: string;
  protocol: 'http' | 'https';
  timeoutMs: number;
  catalog: () => TemplateCatalog;
}

/** SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered. */
const STATE_OF_STATUS: Record<number, RailMessage['state']> = { 1: 'sent', 2: 'failed', 3: 'delivered' };

export class AliyunSmsRail implements SmsRail {
  readonly name = 'aliyun' as const;
  readonly needsTemplate = true;
  readonly lookupSeesUnreceipted = true;
  private readonly client: Dysmsapi;
  private readonly runtime: $dara.RuntimeOptions;

  constructor(private readonly config: AliyunSmsConfig) {
    this.client = new Dysmsapi(
      new $OpenApiUtil.Config({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, endpoint: config.endpoint, protocol: config.protocol }),
    );
    // The SDK must never resend on its own: a retry is only safe after our look-up.
    this.runtime = new $dara.RuntimeOptions({ autoretry: false, readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs });
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    const template = msg.template!;
    const catalog = this.config.catalog();
    const code = catalog.templates[template.id]?.codes[this.name]?.[template.language];
    if (!code) throw new RailRejected(this.name, 'NO_TEMPLATE_CODE', `no approved aliyun template for ${template.id}/${template.language}`);
    let body;
    try {
      const res = await this.client.sendSmsWithOptions(
        new SendSmsRequest({
          phoneNumbers: msg.phone,
          signName: catalog.rails[this.name]!.signName,
          templateCode: code,
          templateParam: JSON.stringify(template.params),
          outId: msg.outId,
        }),
        this.runtime,
      );
      body = res.body;
    } catch (err) {
      throw classifySdkError(this.name, err);
    }
    // Business refusals come back as HTTP 200 with a Code other than OK.
    if (body?.code !== 'OK' || !body.bizId) throw new RailRejected(this.name, body?.code ?? 'UNKNOWN', body?.message ?? 'no BizId');
    return { messageId: body.bizId };
  }

  async lookup(msg: OutgoingMessage, since: Date): Promise<RailMessage | null> {
    const days = [...new Set([shanghaiDate(since), shanghaiDate(new Date())])];
    let found: RailMessage | null = null;
    for (const sendDate of days) {
      for (let page = 1; ; page++) {
        let body;
        try {
          const res = await this.client.querySendDetailsWithOptions(
            new QuerySendDetailsRequest({ phoneNumber: mainlandNumber(msg.phone), sendDate, pageSize: 50, currentPage: page }),
            this.runtime,
          );
          body = res.body;
        } catch (err) {
          throw classifySdkError(this.name, err);
        }
        if (body?.code !== 'OK') throw new RailRejected(this.name, body?.code ?? 'UNKNOWN', body?.message ?? 'QuerySendDetails failed');
        const rows = body.smsSendDetailDTOs?.smsSendDetailDTO ?? [];
        for (const row of rows) {
          if (row.outId !== msg.outId) continue;
          const state = STATE_OF_STATUS[row.sendStatus ?? 1] ?? 'sent';
          // A delivered copy wins over a failed one: the customer has the message.
          if (!found || state === 'delivered') {
            found = {
              messageId: `${row.phoneNum}:${row.sendDate}`,
              state,
              reason: state === 'failed' ? (row.errCode ?? 'FAILED') : null,
              // The rail reports Beijing wall-clock time without an offset.
              receiptAt: row.receiveDate ? `${row.receiveDate.replace(' ', 'T')}+08:00` : null,
            };
          }
        }
        if (rows.length < 50) break;
      }
    }
    return found;
  }
}
