/**
 * Reading a WeChat Pay refund notification: the signature over the raw body is verified with the
 * platform certificate first (nothing is parsed before), then the resource is decrypted with the
 * APIv3 key (AEAD_AES_256_GCM, so a changed ciphertext fails too). Both with the SDK's own helpers.
 */
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { z } from 'zod';
import type { RefundNotification } from '../../../workflows/refund-notification';
import { wechatRefund } from './wechatpay';

export interface WechatPayNotifyConfig {
  mchid: string;
  platformSerial: string;
  platformCertificate: string;
  apiV3Key: string;
}

/** The envelope WeChat Pay posts. */
export const wechatpayNotificationSchema = z.object({
  id: z.string().min(1).max(64),
  create_time: z.string(),
  event_type: z.enum(['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED']),
  resource_type: z.literal('encrypt-resource'),
  summary: z.string().optional(),
  resource: z.object({
    original_type: z.literal('refund'),
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1),
    associated_data: z.string().optional(),
    nonce: z.string().min(1),
  }),
});

const refundResourceSchema = z.object({
  mchid: z.string(),
  out_trade_no: z.string().min(1),
  transaction_id: z.string().min(1),
  out_refund_no: z.string().min(1),
  refund_id: z.string().min(1),
  refund_status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']),
  success_time: z.string().optional(),
  user_received_account: z.string().optional(),
  amount: z.object({ total: z.number().int(), refund: z.number().int(), payer_total: z.number().int(), payer_refund: z.number().int() }),
});

const MAX_CLOCK_SKEW_S = 300;

export type NotificationVerdict = { ok: true; notification: RefundNotification } | { ok: false; status: 400 | 401; reason: string };

export function wechatpayNotificationReader(config: WechatPayNotifyConfig) {
  const platformKey = Rsa.from(config.platformCertificate, Rsa.KEY_TYPE_PUBLIC);
  return (headers: (name: string) => string | undefined, raw: string, nowMs = Date.now()): NotificationVerdict => {
    const [timestamp, nonce, serial, signature] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'wechatpay-signature'].map((h) => headers(h) ?? '');
    if (!timestamp || !nonce || !serial || !signature) return { ok: false, status: 401, reason: 'missing Wechatpay-Timestamp, -Nonce, -Serial or -Signature' };
    if (serial !== config.platformSerial) return { ok: false, status: 401, reason: `unknown platform certificate serial ${serial}` };
    if (!(Math.abs(nowMs / 1000 - Number(timestamp)) <= MAX_CLOCK_SKEW_S)) return { ok: false, status: 401, reason: 'Wechatpay-Timestamp is more than 5 minutes away' };
    if (!Rsa.verify(Formatter.response(timestamp, nonce, raw), signature, platformKey)) return { ok: false, status: 401, reason: 'signature does not verify with the platform certificate' };
    try {
      const envelope = wechatpayNotificationSchema.parse(JSON.parse(raw));
      const { ciphertext, nonce: iv, associated_data: aad } = envelope.resource;
      const r = refundResourceSchema.parse(JSON.parse(Aes.AesGcm.decrypt(ciphertext, config.apiV3Key, iv, aad ?? '')));
      if (r.mchid !== config.mchid) return { ok: false, status: 400, reason: `notification for merchant ${r.mchid}, not ours` };
      const port = wechatRefund({ ...r, status: r.refund_status, amount: { refund: r.amount.refund, total: r.amount.total } });
      return {
        ok: true,
        notification: {
          rail: 'wechatpay',
          notificationId: envelope.id,
          orderId: r.out_trade_no,
          outRequestNo: r.out_refund_no,
          status: r.refund_status,
          refundId: r.refund_id,
          providerRef: r.refund_id,
          transactionRef: r.transaction_id,
          amountFen: r.amount.refund,
          ...(port.refundedAt ? { refundedAt: port.refundedAt } : {}),
          ...(port.arrival ? { arrival: port.arrival } : {}),
        },
      };
    } catch (err) {
      return { ok: false, status: 400, reason: `not a refund notification we can read: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}
