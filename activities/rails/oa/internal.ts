/** The platform's own OA service (activities/clients/oa.ts): it dedupes on idempotencyKey itself. */
import type { OaClient, OaInstance } from '../../clients/oa';
import type { ApprovalInstance, OaPost, OaRail } from './port';

const view = (i: OaInstance): ApprovalInstance => ({ instanceId: i.instanceId, orderId: i.orderId, status: i.status });
const fileKey = (key: string, name: string) => `${key}:${name.split('.').pop()}`;

export class InternalOaRail implements OaRail {
  readonly name = 'internal' as const;
  readonly dedupes = true;

  constructor(private readonly client: OaClient) {}

  async findInstanceForOrder(orderId: string): Promise<ApprovalInstance | null> {
    const i = await this.client.findInstanceForOrder(orderId);
    return i ? view(i) : null;
  }

  async getInstance(instanceId: string): Promise<ApprovalInstance | null> {
    const i = await this.client.getInstance(instanceId);
    return i ? view(i) : null;
  }

  async hasPost(instanceId: string, key: string): Promise<boolean> {
    const i = await this.client.getInstance(instanceId);
    return !!i && (i.comments.some((c) => c.idempotencyKey === key) || i.attachments.some((a) => a.idempotencyKey.startsWith(`${key}:`)));
  }

  /** Files go as the service's attachments (keyed per file type); text alone is a comment. */
  async post(instanceId: string, post: OaPost): Promise<void> {
    if (post.files.length === 0) {
      await this.client.comment(instanceId, { text: post.text, idempotencyKey: post.key });
      return;
    }
    for (const f of post.files) {
      await this.client.attach(instanceId, { ...f, idempotencyKey: fileKey(post.key, f.name) });
    }
  }
}
