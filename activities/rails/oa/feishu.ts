/**
 * Feishu/Lark approvals (approval v4) on @larksuiteoapi/node-sdk, which fetches and caches the
 * tenant_access_token itself. The order is in the instance form (widget `order_id`); comments
 * have no idempotency key, so the instance's comments are read first (see ./port.ts); files go
 * through the approval file upload and are named in the comment. Creating an instance carries a
 * uuid: a second create with it fails, so a create whose answer was lost is settled by a look-up.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import { HttpError } from '../../clients/http';
import { asHttpError, railRefusal } from './errors';
import { keyMarker, withKey, type ApprovalInstance, type ApprovalStatus, type OaPost, type OaRail } from './port';

export interface FeishuConfig {
  /** The open platform's root (https://open.feishu.cn); the SDK's `domain`. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  approvalCode: string;
  operatorUserId: string;
  timeoutMs: number;
  lookbackDays?: number;
}

export const FEISHU_ORDER_WIDGET = 'order_id';
/** Feishu answers a create with a uuid already used with this code. */
export const FEISHU_UUID_CONFLICT = 1390013;

type Reply<T> = { code?: number; msg?: string; data?: T };

/** The SDK's own HTTP instance, with our deadline on every call. */
function timedHttp(timeoutMs: number): lark.HttpInstance {
  const base = lark.defaultHttpInstance;
  const t = <O>(opts?: O) => ({ timeout: timeoutMs, ...(opts ?? {}) });
  return {
    request: (opts) => base.request(t(opts)),
    get: (url, opts) => base.get(url, t(opts)),
    delete: (url, opts) => base.delete(url, t(opts)),
    head: (url, opts) => base.head(url, t(opts)),
    options: (url, opts) => base.options(url, t(opts)),
    post: (url, data, opts) => base.post(url, data, t(opts)),
    put: (url, data, opts) => base.put(url, data, t(opts)),
    patch: (url, data, opts) => base.patch(url, data, t(opts)),
  } as lark.HttpInstance;
}

/** The tenant token, held per client so a token the rail no longer accepts can be dropped. */
class TokenCache implements lark.Cache {
  private readonly values = new Map<unknown, { value: unknown; until?: number }>();
  async set(key: string | Symbol, value: unknown, expire?: number): Promise<boolean> {
    this.values.set(key, { value, until: expire });
    return true;
  }
  async get(key: string | Symbol): Promise<unknown> {
    const v = this.values.get(key);
    return v && (!v.until || v.until > Date.now()) ? v.value : undefined;
  }
  clear(): void {
    this.values.clear();
  }
}

/** Feishu's "access token invalid / expired": a fresh token is worth one more try. */
const TOKEN_REFUSED = /9999166[134]/;

const STATUS: Record<string, ApprovalStatus> = { APPROVED: 'APPROVED', REJECTED: 'REJECTED' };

export class FeishuOaRail implements OaRail {
  readonly name = 'feishu' as const;
  readonly dedupes = false;
  readonly client: lark.Client;
  private readonly orderOfInstance = new Map<string, string>();
  private readonly tokens = new TokenCache();

  constructor(private readonly config: FeishuConfig) {
    this.client = new lark.Client({
      appId: config.appId,
      appSecret: config.appSecret,
      appType: lark.AppType.SelfBuild,
      domain: config.baseUrl,
      // Failures reach the caller as errors; the SDK's own console logging would only repeat them.
      logger: { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} },
      httpInstance: timedHttp(config.timeoutMs),
      cache: this.tokens,
    });
  }

  private async call<T>(what: string, fn: () => Promise<Reply<T>>): Promise<T> {
    let reply: Reply<T>;
    try {
      reply = await fn();
    } catch (err) {
      const failure = asHttpError(`feishu ${what}`, err);
      if (TOKEN_REFUSED.test(JSON.stringify(failure.body))) {
        // The next attempt (Temporal's retry) fetches a new tenant token.
        this.tokens.clear();
        throw new HttpError(failure.status, failure.body, true, failure.kind, failure.message);
      }
      throw failure;
    }
    if (reply.code !== 0) throw railRefusal('feishu', reply.code ?? 'UNKNOWN', reply.msg ?? what);
    return reply.data as T;
  }

  private async details(instanceId: string) {
    try {
      return await this.call('instance.get', () => this.client.approval.v4.instance.get({ path: { instance_id: instanceId } }));
    } catch (err) {
      if (err instanceof HttpError && JSON.stringify(err.body).includes('1390003')) return null;
      throw err;
    }
  }

  private view(instanceId: string, d: { form?: string; status?: string }): ApprovalInstance {
    let orderId = '';
    try {
      const widgets = JSON.parse(d.form ?? '[]') as Array<{ id?: string; value?: unknown }>;
      orderId = String(widgets.find((w) => w.id === FEISHU_ORDER_WIDGET)?.value ?? '');
    } catch {
      // A form we cannot read names no order of ours.
    }
    return { instanceId, orderId, status: STATUS[d.status ?? ''] ?? 'PENDING' };
  }

  async getInstance(instanceId: string): Promise<ApprovalInstance | null> {
    const d = await this.details(instanceId);
    return d ? this.view(instanceId, d) : null;
  }

  private async *instanceCodes(): AsyncGenerator<string> {
    const start = Date.now() - (this.config.lookbackDays ?? 90) * 86_400_000;
    for (let pageToken: string | undefined = ''; pageToken !== undefined; ) {
      const token: string = pageToken;
      const page = await this.call('instance.list', () =>
        this.client.approval.v4.instance.list({
          params: { approval_code: this.config.approvalCode, start_time: String(start), end_time: String(Date.now() + 60_000), page_size: 100, ...(token ? { page_token: token } : {}) },
        }),
      );
      for (const code of page?.instance_code_list ?? []) yield code;
      pageToken = page?.has_more ? page.page_token : undefined;
    }
  }

  async findInstanceForOrder(orderId: string): Promise<ApprovalInstance | null> {
    let found: ApprovalInstance | null = null;
    for await (const code of this.instanceCodes()) {
      const known = this.orderOfInstance.get(code);
      if (known !== undefined && known !== orderId) continue;
      const d = await this.details(code);
      if (!d) continue;
      const v = this.view(code, d);
      this.orderOfInstance.set(code, v.orderId);
      if (v.orderId === orderId) found = v;
    }
    return found;
  }

  async hasPost(instanceId: string, key: string): Promise<boolean> {
    const page = await this.call('instanceComment.list', () =>
      this.client.approval.v4.instanceComment.list({ path: { instance_id: instanceId }, params: { user_id_type: 'user_id', user_id: this.config.operatorUserId, page_size: 100 } }),
    );
    return (page?.comments ?? []).some((c) => (c.content ?? '').includes(keyMarker(key)));
  }

  async post(instanceId: string, post: OaPost): Promise<void> {
    const files: Array<{ url: string; fileSize: number; title: string; type: string }> = [];
    for (const f of post.files) files.push(await this.upload(f));
    await this.call('instanceComment.create', () =>
      this.client.approval.v4.instanceComment.create({
        path: { instance_id: instanceId },
        params: { user_id_type: 'user_id', user_id: this.config.operatorUserId },
        data: { content: JSON.stringify({ text: withKey(post.text, post.key), files }) },
      }),
    );
  }

  private async upload(f: OaPost['files'][number]) {
    // As the SDK's own uploads do: a plain object that axios sends as multipart/form-data.
    const data = await this.call<{ code: string; url: string }>('file upload', () =>
      this.client.request({
        method: 'POST',
        url: `${this.config.baseUrl.replace(/\/+$/, '')}/approval/openapi/v2/file/upload`,
        headers: { 'Content-Type': 'multipart/form-data' },
        data: { name: f.name, type: 'attachment', content: Buffer.from(f.content, 'utf8') },
      }),
    );
    return { url: data.url, fileSize: Buffer.byteLength(f.content), title: f.name, type: 'attachment' };
  }

  /**
   * Opens an approval for the order under our uuid, exactly once: a conflict (the uuid was used)
   * or a lost answer is settled by finding the instance that carries the uuid.
   */
  async openInstance(req: { orderId: string; uuid: string; fields?: Array<{ id: string; type: string; value: string }> }): Promise<ApprovalInstance> {
    const form = JSON.stringify([{ id: FEISHU_ORDER_WIDGET, type: 'input', value: req.orderId }, ...(req.fields ?? [])]);
    try {
      const created = await this.call<{ instance_code: string }>('instance.create', () =>
        this.client.approval.v4.instance.create({ data: { approval_code: this.config.approvalCode, user_id: this.config.operatorUserId, form, uuid: req.uuid } }),
      );
      return { instanceId: created.instance_code, orderId: req.orderId, status: 'PENDING' };
    } catch (err) {
      const conflict = err instanceof HttpError && JSON.stringify(err.body).includes(String(FEISHU_UUID_CONFLICT));
      const lost = err instanceof HttpError && (err.kind === 'timeout' || err.kind === 'network');
      if (!conflict && !lost) throw err;
      const existing = await this.findByUuid(req.uuid);
      if (existing) return existing;
      throw err;
    }
  }

  async findByUuid(uuid: string): Promise<ApprovalInstance | null> {
    for await (const code of this.instanceCodes()) {
      const d = await this.details(code);
      if (d && (d as { uuid?: string }).uuid === uuid) return this.view(code, d);
    }
    return null;
  }
}
