/**
 * DingTalk approvals (workflow 1.0) on @alicloud/dingtalk. The order is found through the travel
 * tool's form field; comments are AddProcessInstanceComment, which has no idempotency key, so
 * the instance's operation records are read first (see ../oa/port.ts); attachments are uploaded
 * to the approval's drive space (upload info, PUT, commit) before the comment names them.
 */
import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import OAuth2, * as $OAuth2 from '@alicloud/dingtalk/dist/oauth2_1_0/client';
import Storage, * as $Storage from '@alicloud/dingtalk/dist/storage_1_0/client';
import Workflow, * as $Workflow from '@alicloud/dingtalk/dist/workflow_1_0/client';
import { HttpError } from '../../clients/http';
import { asHttpError, railRefusal } from './errors';
import { keyMarker, withKey, type ApprovalInstance, type OaPost, type OaRail } from './port';

export interface DingTalkConfig {
  endpoint: string;
  protocol: 'http' | 'https';
  appKey: string;
  appSecret: string;
  agentId: number;
  processCode: string;
  operatorUserId: string;
  operatorUnionId: string;
  timeoutMs: number;
  /** How far back instances are searched for an order. */
  lookbackDays?: number;
}

export const DINGTALK_ORDER_FIELD = '订单号';
const LIST_PAGE = 20;

export class DingTalkOaRail implements OaRail {
  readonly name = 'dingtalk' as const;
  readonly dedupes = false;
  private readonly workflow: Workflow;
  private readonly oauth: OAuth2;
  private readonly storage: Storage;
  private readonly runtime: $Util.RuntimeOptions;
  private token: { value: string; until: number } | null = null;
  /** Instance ids never change owner: one search per order and process. */
  private readonly orderOfInstance = new Map<string, string>();

  constructor(private readonly config: DingTalkConfig) {
    const c = () => new $OpenApi.Config({ protocol: config.protocol, regionId: 'central', endpoint: config.endpoint });
    this.workflow = new Workflow(c());
    this.oauth = new OAuth2(c());
    this.storage = new Storage(c());
    this.runtime = new $Util.RuntimeOptions({ autoretry: false, readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const failure = asHttpError(`dingtalk ${what}`, err);
      if (failure.status === 401) {
        // A revoked or expired token is worth a fresh one: the next attempt fetches it.
        this.token = null;
        throw new HttpError(401, failure.body, true, 'http', failure.message);
      }
      throw failure;
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const res = await this.call('accessToken', () => this.oauth.getAccessToken(new $OAuth2.GetAccessTokenRequest({ appKey: this.config.appKey, appSecret: this.config.appSecret })));
    const value = res.body?.accessToken;
    if (!value) throw railRefusal('dingtalk', 'NO_TOKEN', 'accessToken missing');
    // Renewed five minutes early, so a token never expires mid-call.
    this.token = { value, until: Date.now() + ((res.body?.expireIn ?? 7200) - 300) * 1000 };
    return value;
  }

  private async instance(instanceId: string) {
    const token = await this.accessToken();
    const res = await this.call('getProcessInstance', () =>
      this.workflow.getProcessInstanceWithOptions(
        new $Workflow.GetProcessInstanceRequest({ processInstanceId: instanceId }),
        new $Workflow.GetProcessInstanceHeaders({ xAcsDingtalkAccessToken: token }),
        this.runtime,
      ),
    ).catch((err: HttpError) => {
      if (err.status === 400 && JSON.stringify(err.body).includes('notexist')) return null;
      throw err;
    });
    return res?.body?.result ?? null;
  }

  private view(instanceId: string, r: NonNullable<Awaited<ReturnType<DingTalkOaRail['instance']>>>): ApprovalInstance {
    const orderId = r.formComponentValues?.find((f) => f.name === DINGTALK_ORDER_FIELD)?.value ?? '';
    const status = r.result === 'agree' ? 'APPROVED' : r.result === 'refuse' ? 'REJECTED' : 'PENDING';
    return { instanceId, orderId, status };
  }

  async getInstance(instanceId: string): Promise<ApprovalInstance | null> {
    const r = await this.instance(instanceId);
    return r ? this.view(instanceId, r) : null;
  }

  async findInstanceForOrder(orderId: string): Promise<ApprovalInstance | null> {
    const token = await this.accessToken();
    const startTime = Date.now() - (this.config.lookbackDays ?? 90) * 86_400_000;
    let found: ApprovalInstance | null = null;
    for (let nextToken: number | undefined = 0; nextToken !== undefined; ) {
      const res = await this.call('listProcessInstanceIds', () =>
        this.workflow.listProcessInstanceIdsWithOptions(
          new $Workflow.ListProcessInstanceIdsRequest({ processCode: this.config.processCode, startTime, endTime: Date.now() + 60_000, nextToken, maxResults: LIST_PAGE }),
          new $Workflow.ListProcessInstanceIdsHeaders({ xAcsDingtalkAccessToken: token }),
          this.runtime,
        ),
      );
      for (const id of res.body?.result?.list ?? []) {
        const known = this.orderOfInstance.get(id);
        if (known !== undefined && known !== orderId) continue;
        const r = await this.instance(id);
        if (!r) continue;
        const v = this.view(id, r);
        this.orderOfInstance.set(id, v.orderId);
        if (v.orderId === orderId) found = v; // oldest first: the last match is the newest
      }
      const next = res.body?.result?.nextToken;
      nextToken = next ? Number(next) : undefined;
    }
    return found;
  }

  async hasPost(instanceId: string, key: string): Promise<boolean> {
    const r = await this.instance(instanceId);
    return !!r?.operationRecords?.some((o) => o.type === 'ADD_REMARK' && (o.remark ?? '').includes(keyMarker(key)));
  }

  async post(instanceId: string, post: OaPost): Promise<void> {
    const token = await this.accessToken();
    const attachments: $Workflow.AddProcessInstanceCommentRequestFileAttachments[] = [];
    for (const f of post.files) attachments.push(await this.upload(token, f));
    const res = await this.call('addProcessInstanceComment', () =>
      this.workflow.addProcessInstanceCommentWithOptions(
        new $Workflow.AddProcessInstanceCommentRequest({
          processInstanceId: instanceId,
          text: withKey(post.text, post.key),
          commentUserId: this.config.operatorUserId,
          ...(attachments.length > 0 ? { file: new $Workflow.AddProcessInstanceCommentRequestFile({ attachments }) } : {}),
        }),
        new $Workflow.AddProcessInstanceCommentHeaders({ xAcsDingtalkAccessToken: token }),
        this.runtime,
      ),
    );
    if (res.body?.success !== true) throw railRefusal('dingtalk', 'COMMENT_FAILED', JSON.stringify(res.body));
  }

  /** Upload first: the approval's space, an upload slot, the bytes, then commit to a file id. */
  private async upload(token: string, f: OaPost['files'][number]) {
    const space = await this.call('getAttachmentSpace', () =>
      this.workflow.getAttachmentSpaceWithOptions(
        new $Workflow.GetAttachmentSpaceRequest({ userId: this.config.operatorUserId, agentId: this.config.agentId }),
        new $Workflow.GetAttachmentSpaceHeaders({ xAcsDingtalkAccessToken: token }),
        this.runtime,
      ),
    );
    const spaceId = String(space.body?.result?.spaceId ?? '');
    const info = await this.call('getFileUploadInfo', () =>
      this.storage.getFileUploadInfoWithOptions(
        spaceId,
        new $Storage.GetFileUploadInfoRequest({ unionId: this.config.operatorUnionId, protocol: 'HEADER_SIGNATURE', multipart: false }),
        new $Storage.GetFileUploadInfoHeaders({ xAcsDingtalkAccessToken: token }),
        this.runtime,
      ),
    );
    const sig = info.body?.headerSignatureInfo;
    const url = sig?.resourceUrls?.[0];
    if (!info.body?.uploadKey || !url) throw railRefusal('dingtalk', 'NO_UPLOAD_URL', 'upload info without a URL');
    const bytes = Buffer.from(f.content, 'utf8');
    let put: Response;
    try {
      put = await fetch(url, { method: 'PUT', headers: sig.headers ?? {}, body: bytes, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (err) {
      throw new HttpError(0, null, true, 'network', `dingtalk upload: ${(err as Error).message}`);
    }
    if (!put.ok) throw new HttpError(put.status, await put.text(), put.status >= 500, 'http', `dingtalk upload -> ${put.status}`);
    const committed = await this.call('commitFile', () =>
      this.storage.commitFileWithOptions(
        spaceId,
        new $Storage.CommitFileRequest({ unionId: this.config.operatorUnionId, uploadKey: info.body!.uploadKey, name: f.name, parentId: '0' }),
        new $Storage.CommitFileHeaders({ xAcsDingtalkAccessToken: token }),
        this.runtime,
      ),
    );
    const dentry = committed.body?.dentry;
    if (!dentry?.id) throw railRefusal('dingtalk', 'COMMIT_FAILED', 'commit without a file id');
    return new $Workflow.AddProcessInstanceCommentRequestFileAttachments({
      spaceId,
      fileId: dentry.id,
      fileName: f.name,
      fileSize: String(bytes.length),
      fileType: f.name.split('.').pop() ?? 'file',
    });
  }
}
