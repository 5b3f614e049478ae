/**
 * The books of a DingTalk approval (workflow 1.0): process instances of the travel tool's form,
 * their operation records (comments are ADD_REMARK records, with no idempotency key: two posts
 * are two remarks), and the approval's drive space where attachments are uploaded first.
 */
import { randomUUID } from 'node:crypto';
import { Problem } from '../lib/http';
import { JsonStore } from '../lib/store';

export interface DingTalkAttachment {
  spaceId: string;
  fileId: string;
  fileName: string;
  fileSize: number;
  fileType: string;
}

export interface DingTalkRecord {
  userId: string;
  date: string;
  type: 'START_PROCESS_INSTANCE' | 'ADD_REMARK' | 'EXECUTE_TASK_NORMAL';
  result: 'NONE' | 'AGREE' | 'REFUSE';
  remark: string;
  attachments: DingTalkAttachment[];
}

export interface DingTalkInstance {
  processInstanceId: string;
  processCode: string;
  businessId: string;
  title: string;
  orderId: string;
  approver: string;
  originatorUserId: string;
  status: 'RUNNING' | 'COMPLETED' | 'TERMINATED';
  result: '' | 'agree' | 'refuse';
  createTime: string;
  finishTime: string | null;
  operationRecords: DingTalkRecord[];
}

export interface DriveFile {
  id: string;
  spaceId: string;
  name: string;
  size: number;
  contentBase64: string;
}

interface DingTalkData {
  version: 1;
  seq: number;
  instances: Record<string, DingTalkInstance>;
  uploads: Record<string, { spaceId: string; contentBase64: string | null }>;
  files: Record<string, DriveFile>;
  stats: { comments: number; uploads: number; events: number };
}

/** The form field that carries the order: the travel tool fills it, we search by it. */
export const ORDER_FIELD = '订单号';

export class DingTalkService {
  readonly store: JsonStore<DingTalkData>;

  constructor(dataDir: string, private readonly now: () => Date) {
    this.store = new JsonStore(dataDir, 'dingtalk', () => ({ version: 1, seq: 0, instances: {}, uploads: {}, files: {}, stats: { comments: 0, uploads: 0, events: 0 } }));
  }

  private get data() {
    return this.store.data;
  }

  instance(id: string): DingTalkInstance {
    const inst = this.data.instances[id];
    if (!inst) throw new Problem(400, 'workflow.instance.notexist', `process instance ${id} does not exist`);
    return inst;
  }

  create(seed: { orderId: string; processCode: string; approver: string; title?: string; instanceId?: string }): DingTalkInstance {
    return this.store.update((data) => {
      data.seq += 1;
      const at = this.now().toISOString();
      const inst: DingTalkInstance = {
        processInstanceId: seed.instanceId ?? `dt-${randomUUID()}`,
        processCode: seed.processCode,
        businessId: `2026${String(data.seq).padStart(10, '0')}`,
        title: seed.title ?? `差旅费用异常审批 ${seed.orderId}`,
        orderId: seed.orderId,
        approver: seed.approver,
        originatorUserId: 'travel-tool',
        status: 'RUNNING',
        result: '',
        createTime: at,
        finishTime: null,
        operationRecords: [{ userId: 'travel-tool', date: at, type: 'START_PROCESS_INSTANCE', result: 'NONE', remark: '', attachments: [] }],
      };
      data.instances[inst.processInstanceId] = inst;
      return structuredClone(inst);
    });
  }

  list(q: { processCode: string; startTime: number; endTime?: number; statuses?: string[]; nextToken?: number; maxResults: number }) {
    const all = Object.values(this.data.instances)
      .filter((i) => i.processCode === q.processCode)
      .filter((i) => {
        const t = Date.parse(i.createTime);
        return t >= q.startTime && (q.endTime === undefined || t <= q.endTime);
      })
      .filter((i) => !q.statuses?.length || q.statuses.includes(i.status))
      .sort((a, b) => a.createTime.localeCompare(b.createTime));
    const from = q.nextToken ?? 0;
    const page = all.slice(from, from + q.maxResults);
    return { list: page.map((i) => i.processInstanceId), nextToken: from + q.maxResults < all.length ? from + q.maxResults : undefined };
  }

  addComment(id: string, c: { userId: string; text: string; attachments: DingTalkAttachment[] }): void {
    const inst = this.instance(id);
    for (const a of c.attachments) {
      if (!this.data.files[a.fileId]) throw new Problem(400, 'workflow.attachment.notexist', `file ${a.fileId} is not in the approval space`);
    }
    this.store.update((data) => {
      inst.operationRecords.push({ userId: c.userId, date: this.now().toISOString(), type: 'ADD_REMARK', result: 'NONE', remark: c.text, attachments: c.attachments });
      data.stats.comments += 1;
    });
  }

  /** The approval's drive space for this app and user: one per app in the simulator. */
  spaceId(agentId: number): string {
    return `space-${agentId}`;
  }

  beginUpload(spaceId: string): string {
    return this.store.update((data) => {
      const key = `upload-${randomUUID()}`;
      data.uploads[key] = { spaceId, contentBase64: null };
      return key;
    });
  }

  receiveUpload(key: string, content: Buffer): void {
    const up = this.data.uploads[key];
    if (!up) throw new Problem(403, 'AccessDenied', 'unknown or expired upload URL');
    this.store.update(() => {
      up.contentBase64 = content.toString('base64');
    });
  }

  commit(spaceId: string, uploadKey: string, name: string): DriveFile {
    const up = this.data.uploads[uploadKey];
    if (!up || up.spaceId !== spaceId) throw new Problem(400, 'paramError', `uploadKey ${uploadKey} is not an upload to ${spaceId}`);
    if (up.contentBase64 === null) throw new Problem(400, 'fileNotUploaded', 'nothing was uploaded with this key');
    return this.store.update((data) => {
      data.seq += 1;
      const file: DriveFile = { id: String(1_000_000 + data.seq), spaceId, name, size: Buffer.from(up.contentBase64!, 'base64').length, contentBase64: up.contentBase64! };
      data.files[file.id] = file;
      delete data.uploads[uploadKey];
      data.stats.uploads += 1;
      return structuredClone(file);
    });
  }

  finish(id: string, result: 'agree' | 'refuse' | 'pending'): DingTalkInstance {
    const inst = this.instance(id);
    return this.store.update(() => {
      const at = this.now().toISOString();
      if (result === 'pending') {
        inst.status = 'RUNNING';
        inst.result = '';
        inst.finishTime = null;
      } else {
        inst.status = 'COMPLETED';
        inst.result = result;
        inst.finishTime = at;
        inst.operationRecords.push({ userId: inst.approver, date: at, type: 'EXECUTE_TASK_NORMAL', result: result === 'agree' ? 'AGREE' : 'REFUSE', remark: '', attachments: [] });
      }
      return structuredClone(inst);
    });
  }

  recordEvent(): void {
    this.store.update((data) => {
      data.stats.events += 1;
    });
  }

  forOrder(orderId: string): DingTalkInstance[] {
    return Object.values(this.data.instances).filter((i) => i.orderId === orderId).sort((a, b) => a.createTime.localeCompare(b.createTime));
  }

  reset(): void {
    this.store.reset();
  }
}
