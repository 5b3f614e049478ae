/**
 * The books of a Feishu approval definition (approval v4): instances with their form (which
 * carries the order id), status and comments. Comments have no idempotency key; instance
 * creation does: a second create with a uuid already used fails.
 */
import { randomUUID } from 'node:crypto';
import { JsonStore } from '../lib/store';

export interface FeishuComment {
  id: string;
  userId: string;
  /** JSON: { text, files: [{ url, fileSize, title, type }] }, as posted. */
  content: string;
  createTime: number;
}

export interface FeishuInstance {
  instanceCode: string;
  approvalCode: string;
  uuid: string | null;
  orderId: string;
  userId: string;
  approver: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELED';
  serialNumber: string;
  form: string;
  startTime: number;
  endTime: number;
  comments: FeishuComment[];
}

export interface FeishuFile {
  code: string;
  url: string;
  name: string;
  type: string;
  size: number;
  contentBase64: string;
}

interface FeishuData {
  version: 1;
  seq: number;
  instances: Record<string, FeishuInstance>;
  files: Record<string, FeishuFile>;
  stats: { comments: number; uploads: number; events: number; uuidConflicts: number };
}

/** The form widget that carries the order. */
export const ORDER_WIDGET = 'order_id';

export class FeishuService {
  readonly store: JsonStore<FeishuData>;

  constructor(dataDir: string, private readonly now: () => Date) {
    this.store = new JsonStore(dataDir, 'feishu', () => ({ version: 1, seq: 0, instances: {}, files: {}, stats: { comments: 0, uploads: 0, events: 0, uuidConflicts: 0 } }));
  }

  get(code: string): FeishuInstance | undefined {
    return this.store.data.instances[code];
  }

  byUuid(uuid: string): FeishuInstance | undefined {
    return Object.values(this.store.data.instances).find((i) => i.uuid === uuid);
  }

  /** Returns null when the uuid was used already: the caller answers the conflict. */
  create(seed: { approvalCode: string; orderId: string; userId: string; approver: string; uuid?: string | null; form?: string; instanceCode?: string }): FeishuInstance | null {
    if (seed.uuid && this.byUuid(seed.uuid)) {
      this.store.update((data) => {
        data.stats.uuidConflicts += 1;
      });
      return null;
    }
    return this.store.update((data) => {
      data.seq += 1;
      const inst: FeishuInstance = {
        instanceCode: seed.instanceCode ?? randomUUID().toUpperCase(),
        approvalCode: seed.approvalCode,
        uuid: seed.uuid ?? null,
        orderId: seed.orderId,
        userId: seed.userId,
        approver: seed.approver,
        status: 'PENDING',
        serialNumber: `20261201${String(data.seq).padStart(6, '0')}`,
        form: seed.form ?? JSON.stringify([{ id: ORDER_WIDGET, name: '订单号', type: 'input', value: seed.orderId }]),
        startTime: this.now().getTime(),
        endTime: 0,
        comments: [],
      };
      data.instances[inst.instanceCode] = inst;
      return structuredClone(inst);
    });
  }

  list(approvalCode: string, start: number, end: number): string[] {
    return Object.values(this.store.data.instances)
      .filter((i) => i.approvalCode === approvalCode && i.startTime >= start && i.startTime <= end)
      .sort((a, b) => a.startTime - b.startTime)
      .map((i) => i.instanceCode);
  }

  comment(code: string, userId: string, content: string): FeishuComment {
    const inst = this.store.data.instances[code]!;
    return this.store.update((data) => {
      data.seq += 1;
      const c: FeishuComment = { id: String(7_300_000_000 + data.seq), userId, content, createTime: this.now().getTime() };
      inst.comments.push(c);
      data.stats.comments += 1;
      return structuredClone(c);
    });
  }

  upload(f: Omit<FeishuFile, 'code' | 'url'>, urlOf: (code: string) => string): FeishuFile {
    return this.store.update((data) => {
      const code = randomUUID();
      const file: FeishuFile = { ...f, code, url: urlOf(code) };
      data.files[code] = file;
      data.stats.uploads += 1;
      return structuredClone(file);
    });
  }

  setStatus(code: string, status: FeishuInstance['status']): FeishuInstance {
    const inst = this.store.data.instances[code]!;
    return this.store.update(() => {
      inst.status = status;
      inst.endTime = status === 'PENDING' ? 0 : this.now().getTime();
      return structuredClone(inst);
    });
  }

  recordEvent(): void {
    this.store.update((data) => {
      data.stats.events += 1;
    });
  }

  forOrder(orderId: string): FeishuInstance[] {
    return Object.values(this.store.data.instances).filter((i) => i.orderId === orderId).sort((a, b) => a.startTime - b.startTime);
  }

  fileByUrl(url: string): FeishuFile | undefined {
    return Object.values(this.store.data.files).find((f) => f.url === url);
  }

  reset(): void {
    this.store.reset();
  }
}
