import { Context } from '@temporalio/activity';
import { buildVoucher, voucherHtml } from '../domain/voucher';
import type { CaseRecord } from '../workflows/definitions';
import { isHttpError } from './clients/http';
import type { OaClient } from './clients/oa';
import { classify } from './errors';
import { InternalOaRail } from './rails/oa/internal';
import type { OaPost, OaRail } from './rails/oa/port';

/** How long a comment whose answer was lost may take to show on the instance. */
export const OA_SETTLE_MS = 5_000;
const LOOK_EVERY_MS = 500;

export function createOaActivities(deps: { oa: OaClient; oaRail?: OaRail; oaSettleMs?: number }) {
  const rail = deps.oaRail ?? new InternalOaRail(deps.oa);
  const settleMs = deps.oaSettleMs ?? OA_SETTLE_MS;

  async function landed(instanceId: string, key: string): Promise<boolean> {
    for (const until = Date.now() + settleMs; Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, LOOK_EVERY_MS));
      Context.current().heartbeat();
      if (await classify('oa lookup', () => rail.hasPost(instanceId, key))) return true;
    }
    return false;
  }

  /**
   * Comments on the approval rails carry no idempotency key: read what the instance shows before
   * writing, and after a lost answer wait for our own post to appear instead of posting again.
   */
  async function postOnce(instanceId: string, post: OaPost): Promise<void> {
    if (!rail.dedupes && (await classify('oa lookup', () => rail.hasPost(instanceId, post.key)))) return;
    try {
      await classify('oa comment', () => rail.post(instanceId, post));
    } catch (err) {
      if (!rail.dedupes && isHttpError(err) && (err.kind === 'timeout' || err.kind === 'network') && (await landed(instanceId, post.key))) return;
      throw err;
    }
  }

  return {
    /** Tells the manager's approval that the anomaly is being settled, and by when. Null: no approval. */
    async notifyOaDispute(req: { orderId: string; idempotencyKey: string; text: string }): Promise<{ instanceId: string } | null> {
      const instance = await classify('oa lookup', () => rail.findInstanceForOrder(req.orderId));
      if (!instance) return null;
      await postOnce(instance.instanceId, { key: req.idempotencyKey, text: req.text, files: [] });
      return { instanceId: instance.instanceId };
    },

    /** The written explanation and payment voucher, as HTML to read and JSON to process. */
    async deliverOaVoucher(req: { orderId: string; idempotencyKey: string; state: CaseRecord }): Promise<{ instanceId: string } | null> {
      const instance = await classify('oa lookup', () => rail.findInstanceForOrder(req.orderId));
      if (!instance) return null;
      const voucher = buildVoucher(req.state);
      await postOnce(instance.instanceId, {
        key: req.idempotencyKey,
        text: `书面说明与付款凭证 / Written explanation and payment voucher ${voucher.voucherNo}`,
        files: [
          { name: `${voucher.voucherNo}.html`, contentType: 'text/html', content: voucherHtml(voucher) },
          { name: `${voucher.voucherNo}.json`, contentType: 'application/json', content: JSON.stringify(voucher) },
        ],
      });
      return { instanceId: instance.instanceId };
    },
  };
}
