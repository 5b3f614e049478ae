import { buildVoucher, voucherHtml } from '../domain/voucher';
import type { CaseRecord } from '../workflows/definitions';
import type { OaClient } from './clients/oa';
import { classify } from './errors';

export function createOaActivities(deps: { oa: OaClient }) {
  const { oa } = deps;
  return {
    /** Tells the manager's approval that the anomaly is being settled, and by when. Null: no approval. */
    async notifyOaDispute(req: { orderId: string; idempotencyKey: string; text: string }): Promise<{ instanceId: string } | null> {
      const instance = await classify('oa lookup', () => oa.findInstanceForOrder(req.orderId));
      if (!instance) return null;
      await classify('oa comment', () => oa.comment(instance.instanceId, { text: req.text, idempotencyKey: req.idempotencyKey }));
      return { instanceId: instance.instanceId };
    },

    /** The written explanation and payment voucher, as HTML to read and JSON to process. */
    async deliverOaVoucher(req: { orderId: string; idempotencyKey: string; state: CaseRecord }): Promise<{ instanceId: string } | null> {
      const instance = await classify('oa lookup', () => oa.findInstanceForOrder(req.orderId));
      if (!instance) return null;
      const voucher = buildVoucher(req.state);
      await classify('oa attach', () =>
        oa.attach(instance.instanceId, { name: `${voucher.voucherNo}.html`, contentType: 'text/html', content: voucherHtml(voucher), idempotencyKey: `${req.idempotencyKey}:html` }),
      );
      await classify('oa attach', () =>
        oa.attach(instance.instanceId, { name: `${voucher.voucherNo}.json`, contentType: 'application/json', content: JSON.stringify(voucher), idempotencyKey: `${req.idempotencyKey}:json` }),
      );
      return { instanceId: instance.instanceId };
    },
  };
}
