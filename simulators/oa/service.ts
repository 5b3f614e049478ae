/**
 * Approval instances of the enterprise's OA system (Feishu / DingTalk-like). Unlike the SMS
 * gateway these APIs dedupe on idempotencyKey, per instance, as the real ones do with their uuid field.
 */
import { Buffer } from 'node:buffer';
import type { OaAttachment, OaAttachRequest, OaComment, OaCommentRequest, OaInstance, OaStatus } from '../../activities/clients/oa';
import type { SeedOaInstance } from '../admin/seed-schema';
import { Problem } from '../lib/http';
import { JsonStore } from '../lib/store';

interface OaData {
  version: 1;
  seq: number;
  instances: Record<string, OaInstance>;
  stats: { replayed: number; statusChanges: number; callbacksDelivered: number; callbacksFailed: number };
}

const initial = (): OaData => ({
  version: 1,
  seq: 0,
  instances: {},
  stats: { replayed: 0, statusChanges: 0, callbacksDelivered: 0, callbacksFailed: 0 },
});

export class OaService {
  readonly store: JsonStore<OaData>;
  private readonly now: () => Date;

  constructor(dataDir: string, now: () => Date) {
    this.store = new JsonStore(dataDir, 'oa', initial);
    this.now = now;
  }

  private nextId(data: OaData, prefix: string): string {
    data.seq += 1;
    return `${prefix}${String(data.seq).padStart(8, '0')}`;
  }

  private instance(instanceId: string): OaInstance {
    const inst = this.store.data.instances[instanceId];
    if (!inst) throw new Problem(404, 'INSTANCE_NOT_FOUND', `no approval instance ${instanceId}`);
    return inst;
  }

  create(seed: SeedOaInstance): OaInstance {
    if (seed.instanceId && this.store.data.instances[seed.instanceId]) {
      throw new Problem(409, 'INSTANCE_EXISTS', `approval instance ${seed.instanceId} already exists`);
    }
    return this.store.update((data) => {
      const at = this.now().toISOString();
      const inst: OaInstance = {
        instanceId: seed.instanceId ?? this.nextId(data, 'OA'),
        orderId: seed.orderId,
        enterpriseId: seed.enterpriseId,
        title: seed.title ?? `Travel expense approval for order ${seed.orderId}`,
        approver: seed.approver,
        status: seed.status,
        callbackUrl: seed.callbackUrl,
        createdAt: at,
        updatedAt: at,
        comments: [],
        attachments: [],
      };
      data.instances[inst.instanceId] = inst;
      return structuredClone(inst);
    });
  }

  get(instanceId: string): OaInstance {
    return this.instance(instanceId);
  }

  forOrder(orderId: string): OaInstance[] {
    return Object.values(this.store.data.instances)
      .filter((i) => i.orderId === orderId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  comment(instanceId: string, req: OaCommentRequest): OaComment {
    const inst = this.instance(instanceId);
    return this.store.update((data) => {
      const prior = inst.comments.find((c) => c.idempotencyKey === req.idempotencyKey);
      if (prior) {
        if (prior.text !== req.text) throw keyReused(req.idempotencyKey, instanceId);
        data.stats.replayed += 1;
        return prior;
      }
      const comment: OaComment = { commentId: this.nextId(data, 'CMT'), text: req.text, idempotencyKey: req.idempotencyKey, createdAt: this.now().toISOString() };
      inst.comments.push(comment);
      inst.updatedAt = comment.createdAt;
      return comment;
    });
  }

  attach(instanceId: string, req: OaAttachRequest): OaAttachment {
    const inst = this.instance(instanceId);
    return this.store.update((data) => {
      const prior = inst.attachments.find((a) => a.idempotencyKey === req.idempotencyKey);
      if (prior) {
        if (prior.name !== req.name || prior.content !== req.content) throw keyReused(req.idempotencyKey, instanceId);
        data.stats.replayed += 1;
        return prior;
      }
      const attachment: OaAttachment = {
        attachmentId: this.nextId(data, 'ATC'),
        ...req,
        sizeBytes: Buffer.byteLength(req.content),
        createdAt: this.now().toISOString(),
      };
      inst.attachments.push(attachment);
      inst.updatedAt = attachment.createdAt;
      return attachment;
    });
  }

  setStatus(instanceId: string, status: OaStatus): OaInstance {
    const inst = this.instance(instanceId);
    return this.store.update((data) => {
      inst.status = status;
      inst.updatedAt = this.now().toISOString();
      data.stats.statusChanges += 1;
      return structuredClone(inst);
    });
  }

  recordCallback(delivered: boolean): void {
    this.store.update((data) => {
      if (delivered) data.stats.callbacksDelivered += 1;
      else data.stats.callbacksFailed += 1;
    });
  }

  reset(): void {
    this.store.reset();
  }

  stats() {
    const instances = Object.values(this.store.data.instances);
    return {
      instances: instances.length,
      comments: instances.reduce((n, i) => n + i.comments.length, 0),
      attachments: instances.reduce((n, i) => n + i.attachments.length, 0),
      ...this.store.data.stats,
    };
  }
}

function keyReused(key: string, instanceId: string): Problem {
  return new Problem(409, 'IDEMPOTENCY_KEY_REUSED', `idempotencyKey ${key} was already used on ${instanceId} with different content`);
}
