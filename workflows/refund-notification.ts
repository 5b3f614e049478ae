/**
 * What a rail's refund notification tells the case: the lead's workflow awaits this signal or
 * its timer (polling the refundStatus activity), whichever comes first. Bundle-safe: types and
 * a signal definition only.
 */
import { defineSignal } from '@temporalio/workflow';

export interface RefundNotification {
  rail: 'wechatpay' | 'alipay';
  /** The rail's notification id: the same id again is a redelivery, not news. */
  notificationId: string;
  orderId: string;
  outRequestNo: string;
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  refundId: string;
  providerRef: string;
  transactionRef: string;
  amountFen: number;
  refundedAt?: string;
  arrival?: { channel: 'balance' | 'bank_card' | 'credit_card' | 'original' | 'other'; expectedBy?: string };
}

export const refundNotifiedSignal = defineSignal<[RefundNotification]>('refundNotified');
