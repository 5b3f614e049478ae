/**
 * WeChat Pay's refund notifications (REFUND.SUCCESS / ABNORMAL / CLOSED). No API key: the body
 * is signed with the platform certificate (verified before anything is read) and its resource is
 * AEAD_AES_256_GCM-encrypted with the APIv3 key. A verified result goes to the order's case as a
 * signal; the case decides what it means. Anything unverified changes nothing.
 */
import express, { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { z } from 'zod';
import { wechatRefund } from '../../activities/rails/payment/wechatpay';
import { complaintWorkflowId } from '../../workflows/definitions';
import { refundNotifiedSignal, type RefundNotification } from '../../workflows/refund-notification';
import type { ComplaintsService } from '../complaints-service';

export const WECHATPAY_REFUND_NOTIFY_PATH = '/payment-notifications/wechatpay/refunds';

export interface WechatPayNotifyConfig {
  mchid: string;
  platformSerial: string;
  platformCertificate: string;
  apiV3Key: string;
}

/** The envelope WeChat Pay posts (the OpenAPI document describes this). */
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

/** WeChat Pay retries until it sees 2xx; a failure answers its `{code: "FAIL", message}`. */
const refuse = (res: express.Response, status: number, message: string) => res.status(status).json({ code: 'FAIL', message });

const MAX_CLOCK_SKEW_S = 300;

export function paymentNotificationsRouter({ svc, wechatpay }: { svc: ComplaintsService; wechatpay?: WechatPayNotifyConfig }): Router {
  const router = Router();
  const platformKey = wechatpay ? Rsa.from(wechatpay.platformCertificate, Rsa.KEY_TYPE_PUBLIC) : null;

  router.post(WECHATPAY_REFUND_NOTIFY_PATH, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    if (!wechatpay || !platformKey) return refuse(res, 503, 'WeChat Pay is not configured on this deployment (WECHATPAY_* variables)');
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const [timestamp, nonce, serial, signature] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'wechatpay-signature'].map((h) => req.get(h) ?? '');
    if (!timestamp || !nonce || !serial || !signature) return refuse(res, 401, 'missing Wechatpay-Timestamp, -Nonce, -Serial or -Signature');
    if (serial !== wechatpay.platformSerial) return refuse(res, 401, `unknown platform certificate serial ${serial}`);
    if (!(Math.abs(Date.now() / 1000 - Number(timestamp)) <= MAX_CLOCK_SKEW_S)) return refuse(res, 401, 'Wechatpay-Timestamp is more than 5 minutes away');
    if (!Rsa.verify(Formatter.response(timestamp, nonce, raw), signature, platformKey)) return refuse(res, 401, 'signature does not verify with the platform certificate');

    if (!req.is('application/json')) return refuse(res, 415, 'notifications are application/json');
    let envelope: z.infer<typeof wechatpayNotificationSchema>;
    let resource: z.infer<typeof refundResourceSchema>;
    try {
      envelope = wechatpayNotificationSchema.parse(JSON.parse(raw));
      const { ciphertext, nonce: iv, associated_data: aad } = envelope.resource;
      resource = refundResourceSchema.parse(JSON.parse(Aes.AesGcm.decrypt(ciphertext, wechatpay.apiV3Key, iv, aad ?? '')));
    } catch (err) {
      return refuse(res, 400, `not a refund notification we can read: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (resource.mchid !== wechatpay.mchid) return refuse(res, 400, `notification for merchant ${resource.mchid}, not ours`);

    const port = wechatRefund({ ...resource, status: resource.refund_status, amount: { refund: resource.amount.refund, total: resource.amount.total } });
    const notification: RefundNotification = {
      rail: 'wechatpay',
      notificationId: envelope.id,
      orderId: resource.out_trade_no,
      outRequestNo: resource.out_refund_no,
      status: resource.refund_status,
      refundId: resource.refund_id,
      providerRef: resource.refund_id,
      transactionRef: resource.transaction_id,
      amountFen: resource.amount.refund,
      ...(port.refundedAt ? { refundedAt: port.refundedAt } : {}),
      ...(port.arrival ? { arrival: port.arrival } : {}),
    };
    try {
      await svc.client.workflow.getHandle(complaintWorkflowId(resource.out_trade_no)).signal(refundNotifiedSignal, notification);
    } catch (err) {
      // No case for this order (or it closed): nothing waits for this result, and a retry would not change that.
      if (!(err instanceof WorkflowNotFoundError)) return refuse(res, 503, 'the case could not be told; retry');
    }
    res.status(204).end();
  });
  return router;
}
