/**
 * OA approval client (shaped like Feishu / DingTalk approvals): the enterprise side of a
 * dispute (C8). Comments tell the approver the order is under dispute and by when it will
 * be resolved; attachments carry the written explanation and the payment voucher.
 * Both dedupe on idempotencyKey per instance.
 */
import { type CallOptions, type ClientConfig, requestJson, requestJsonStrict } from './http';

export type OaStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface OaComment {
  commentId: string;
  text: string;
  idempotencyKey: string;
  createdAt: string;
}

export interface OaAttachment {
  attachmentId: string;
  name: string;
  contentType: string;
  content: string;
  sizeBytes: number;
  idempotencyKey: string;
  createdAt: string;
}

export interface OaInstance {
  instanceId: string;
  orderId: string;
  enterpriseId: string | null;
  title: string;
  approver: string;
  status: OaStatus;
  /** Where the OA system POSTs `{instanceId, orderId, status}` when the status changes. */
  callbackUrl: string | null;
  createdAt: string;
  updatedAt: string;
  comments: OaComment[];
  attachments: OaAttachment[];
}

export interface OaCommentRequest {
  text: string;
  idempotencyKey: string;
}

export interface OaAttachRequest {
  name: string;
  contentType: string;
  content: string;
  idempotencyKey: string;
}

/** Body of the status-change callback the OA system sends to `callbackUrl`. */
export interface OaStatusCallback {
  instanceId: string;
  orderId: string;
  status: OaStatus;
}

export class OaClient {
  private readonly config: ClientConfig;

  constructor(config: ClientConfig) {
    this.config = config;
  }

  /** The newest approval instance for the order, or null (not an enterprise order, or not flagged yet). */
  async findInstanceForOrder(orderId: string, call?: CallOptions): Promise<OaInstance | null> {
    const res = await requestJsonStrict<{ instances: OaInstance[] }>(this.config, { method: 'GET', path: '/instances', query: { orderId } }, call);
    return res.instances.at(-1) ?? null;
  }

  getInstance(instanceId: string, call?: CallOptions): Promise<OaInstance | null> {
    return requestJson(this.config, { method: 'GET', path: `/instances/${encodeURIComponent(instanceId)}`, nullOn: [404] }, call);
  }

  /** Same key, same comment; 409 if the key was used with another text. */
  comment(instanceId: string, request: OaCommentRequest, call?: CallOptions): Promise<OaComment> {
    return requestJsonStrict(this.config, { method: 'POST', path: `/instances/${encodeURIComponent(instanceId)}/comments`, body: request }, call);
  }

  /** Same key, same attachment; 409 if the key was used with another name or content. */
  attach(instanceId: string, request: OaAttachRequest, call?: CallOptions): Promise<OaAttachment> {
    return requestJsonStrict(this.config, { method: 'POST', path: `/instances/${encodeURIComponent(instanceId)}/attachments`, body: request }, call);
  }
}
