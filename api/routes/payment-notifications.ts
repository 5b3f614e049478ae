/**
 * The rails' refund results, pushed to us: WeChat Pay's refund notifications (REFUND.SUCCESS /
 * ABNORMAL / CLOSED) and Alipay's deposit-back messages (a card refund credited or bounced). No
 * API key: each is verified with the rail's own key before anything is read (see the readers in
 * activities/rails/payment/), then passed to the order's case as a signal; the case decides what
 * it means. Anything unverified changes nothing.
 */
import express, { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { alipayNotificationReader, type AlipayNotifyConfig } from '../../activities/rails/payment/alipay-notification';
import { wechatpayNotificationReader, type NotificationVerdict, type WechatPayNotifyConfig } from '../../activities/rails/payment/wechatpay-notification';
import { complaintWorkflowId } from '../../workflows/definitions';
import { refundNotifiedSignal } from '../../workflows/refund-notification';
import type { ComplaintsService } from '../complaints-service';

export { wechatpayNotificationSchema } from '../../activities/rails/payment/wechatpay-notification';
export { alipayMessageSchema } from '../../activities/rails/payment/alipay-notification';
export type { AlipayNotifyConfig, WechatPayNotifyConfig };

export const WECHATPAY_REFUND_NOTIFY_PATH = '/payment-notifications/wechatpay/refunds';
export const ALIPAY_REFUND_NOTIFY_PATH = '/payment-notifications/alipay/refunds';

/** Both rails retry until they see success; a failure is WeChat Pay's `{code: "FAIL", message}`, with our Problem's `error` beside it. */
const refuse = (res: express.Response, status: number, message: string) => res.status(status).json({ code: 'FAIL', message, error: message });

export function paymentNotificationsRouter({ svc, wechatpay, alipay }: { svc: ComplaintsService; wechatpay?: WechatPayNotifyConfig; alipay?: AlipayNotifyConfig }): Router {
  const router = Router();
  const readWechat = wechatpay ? wechatpayNotificationReader(wechatpay) : null;
  const readAlipay = alipay ? alipayNotificationReader(alipay) : null;

  /** True when the case was told, or no case waits (closed or never opened): either way the rail may stop retrying. */
  const tellCase = async (verdict: NotificationVerdict & { ok: true }): Promise<boolean> => {
    try {
      await svc.client.workflow.getHandle(complaintWorkflowId(verdict.notification.orderId)).signal(refundNotifiedSignal, verdict.notification);
      return true;
    } catch (err) {
      return err instanceof WorkflowNotFoundError;
    }
  };

  router.post(WECHATPAY_REFUND_NOTIFY_PATH, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    if (!readWechat) return refuse(res, 503, 'WeChat Pay is not configured on this deployment (WECHATPAY_* variables)');
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const verdict = readWechat((h) => req.get(h), raw);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (!req.is('application/json')) return refuse(res, 415, 'notifications are application/json');
    if (!(await tellCase(verdict))) return refuse(res, 503, 'the case could not be told; retry');
    res.status(204).end();
  });

  router.post(ALIPAY_REFUND_NOTIFY_PATH, express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    if (!readAlipay) return refuse(res, 503, 'Alipay is not configured on this deployment (ALIPAY_* variables)');
    if (!req.is('application/x-www-form-urlencoded')) return refuse(res, 415, 'Alipay messages are application/x-www-form-urlencoded');
    const verdict = readAlipay((req.body ?? {}) as Record<string, unknown>);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (!(await tellCase(verdict))) return refuse(res, 503, 'the case could not be told; retry');
    // Alipay stops retrying only on this exact body.
    res.type('text/plain').send('success');
  });
  return router;
}
