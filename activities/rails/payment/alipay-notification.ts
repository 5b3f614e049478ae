/**
 * Reading Alipay's alipay.trade.refund.depositback.completed message (a card refund credited, S,
 * or bounced, F): the RSA2 signature over the sorted parameters is verified by the SDK
 * (checkNotifySignV2) with Alipay's public key before anything is read.
 */
import { AlipaySdk } from 'alipay-sdk';
import { z } from 'zod';
import type { RefundNotification } from '../../../workflows/refund-notification';
import { beijingToIso } from './alipay';
import { yuanToFen } from './money';
import type { NotificationVerdict } from './wechatpay-notification';

export interface AlipayNotifyConfig {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
}

const DEPOSIT_BACK = 'alipay.trade.refund.depositback.completed';

/** The form parameters Alipay posts (documentation; the reader checks the signature before trusting any). */
export const alipayMessageSchema = z.object({
  notify_id: z.string(),
  utc_timestamp: z.string(),
  msg_method: z.literal(DEPOSIT_BACK),
  app_id: z.string(),
  version: z.string(),
  charset: z.string(),
  biz_content: z.string().describe('JSON: trade_no, out_trade_no, out_request_no, dback_status (S or F), dback_amount, bank_ack_time, est_bank_receipt_time'),
  sign_type: z.literal('RSA2'),
  sign: z.string().describe('base64 RSA-SHA256 over the other parameters but sign and sign_type, sorted, joined as k=v&...'),
});

const bizSchema = z.object({
  trade_no: z.string().min(1),
  out_trade_no: z.string().min(1),
  out_request_no: z.string().min(1),
  dback_status: z.enum(['S', 'F']),
  dback_amount: z.string(),
  bank_ack_time: z.string().optional(),
  est_bank_receipt_time: z.string().optional(),
});

export function alipayNotificationReader(config: AlipayNotifyConfig) {
  const sdk = new AlipaySdk({
    appId: config.appId,
    privateKey: config.privateKey,
    alipayPublicKey: config.alipayPublicKey,
    keyType: config.privateKey.includes('BEGIN PRIVATE KEY') ? 'PKCS8' : 'PKCS1',
  });
  // The SDK throws on parameters it cannot decode (an unknown charset): that is no signature either.
  const verifies = (params: Record<string, unknown>) => {
    try {
      return sdk.checkNotifySignV2(params);
    } catch {
      return false;
    }
  };
  return (params: Record<string, unknown>): NotificationVerdict => {
    if (typeof params.sign !== 'string' || !verifies(params)) return { ok: false, status: 401, reason: 'signature does not verify with the Alipay public key' };
    if (params.app_id !== config.appId) return { ok: false, status: 400, reason: `message for app ${String(params.app_id)}, not ours` };
    if (params.msg_method !== DEPOSIT_BACK) return { ok: false, status: 400, reason: `unexpected msg_method ${String(params.msg_method)}` };
    try {
      const b = bizSchema.parse(JSON.parse(String(params.biz_content)));
      const acked = b.bank_ack_time ? new Date(beijingToIso(b.bank_ack_time)).toISOString() : undefined;
      const notification: RefundNotification = {
        rail: 'alipay',
        notificationId: String(params.notify_id ?? `${b.trade_no}/${b.out_request_no}/${b.dback_status}`),
        orderId: b.out_trade_no,
        outRequestNo: b.out_request_no,
        status: b.dback_status === 'S' ? 'SUCCESS' : 'ABNORMAL',
        refundId: `${b.trade_no}:${b.out_request_no}`,
        providerRef: `${b.trade_no}/${b.out_request_no}`,
        transactionRef: b.trade_no,
        amountFen: yuanToFen(b.dback_amount),
        ...(b.dback_status === 'S' && acked ? { refundedAt: acked, arrival: { channel: 'bank_card' as const, expectedBy: acked } } : {}),
      };
      return { ok: true, notification };
    } catch (err) {
      return { ok: false, status: 400, reason: `not a deposit-back message we can read: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}
