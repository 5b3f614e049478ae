/**
 * DingTalk's open API (api.dingtalk.com) as @alicloud/dingtalk sees it: an app access token from
 * /v1.0/oauth2/accessToken in x-acs-dingtalk-access-token, workflow 1.0 (instance ids by process
 * code, instance details, comments, the approval space) and storage 1.0 (upload info, commit).
 * The upload itself goes to the storage URL the upload info names, as on the real drive.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { type ErrorRequestHandler, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { TokenIssuer } from '../lib/tokens';
import { Problem } from '../lib/http';
import { rawBody } from '../lib/raw-body';
import { ORDER_FIELD, type DingTalkService } from './service';

export interface DingTalkDeps {
  service: DingTalkService;
  tokens: TokenIssuer;
  apps: Record<string, string>;
  /** Where the drive's upload URLs point (this simulator's origin + /dingtalk-oss). */
  uploadBase: () => string;
  uploadSecret: string;
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new Problem(400, 'paramError', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

const listBody = z.object({
  processCode: z.string().min(1),
  startTime: z.number().int(),
  endTime: z.number().int().optional(),
  nextToken: z.number().int().min(0).optional(),
  maxResults: z.number().int().min(1).max(20),
  userIds: z.array(z.string()).optional(),
  statuses: z.array(z.string()).optional(),
});
const commentBody = z.object({
  processInstanceId: z.string().min(1),
  text: z.string().min(1).max(2000),
  commentUserId: z.string().min(1),
  file: z
    .object({
      photos: z.array(z.string()).optional(),
      attachments: z.array(z.object({ spaceId: z.string(), fileSize: z.string(), fileId: z.string(), fileName: z.string(), fileType: z.string() })).optional(),
    })
    .optional(),
});

export function uploadSignature(secret: string, key: string): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

export function dingTalkRouter(deps: DingTalkDeps, faultGate: RequestHandler): Router {
  const { service } = deps;
  const r = Router();

  r.post('/oauth2/accessToken', (req, res) => {
    const { appKey, appSecret } = parse(z.object({ appKey: z.string(), appSecret: z.string() }), req.body);
    if (deps.apps[appKey] !== appSecret) throw new Problem(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
    const { token, expiresIn } = deps.tokens.issue();
    res.json({ accessToken: token, expireIn: expiresIn });
  });

  r.use((req, res, next) => {
    if (!deps.tokens.valid(req.get('x-acs-dingtalk-access-token'))) {
      res.status(401).json({ code: 'InvalidAuthentication', message: '不合法的access_token', requestid: randomUUID() });
      return;
    }
    next();
  });
  r.use(faultGate);

  r.post('/workflow/processes/instanceIds/query', (req, res) => {
    const q = parse(listBody, req.body);
    const page = service.list(q);
    res.json({ result: { list: page.list, ...(page.nextToken !== undefined ? { nextToken: String(page.nextToken) } : {}) }, success: true });
  });

  r.get('/workflow/processInstances', (req, res) => {
    const id = String(req.query.processInstanceId ?? '');
    const i = service.instance(id);
    res.json({
      result: {
        title: i.title,
        createTime: i.createTime,
        finishTime: i.finishTime ?? undefined,
        originatorUserId: i.originatorUserId,
        status: i.status,
        result: i.result,
        businessId: i.businessId,
        approverUserIds: [i.approver],
        formComponentValues: [{ id: 'TextField-order', name: ORDER_FIELD, value: i.orderId, componentType: 'TextField' }],
        operationRecords: i.operationRecords.map((o) => ({
          userId: o.userId,
          date: o.date,
          type: o.type,
          result: o.result,
          remark: o.remark,
          attachments: o.attachments.map((a) => ({ fileName: a.fileName, fileSize: String(a.fileSize), fileId: a.fileId, fileType: a.fileType })),
        })),
      },
      success: true,
    });
  });

  r.post('/workflow/processInstances/comments', (req, res) => {
    const c = parse(commentBody, req.body);
    service.addComment(c.processInstanceId, {
      userId: c.commentUserId,
      text: c.text,
      attachments: (c.file?.attachments ?? []).map((a) => ({ ...a, fileSize: Number(a.fileSize) })),
    });
    res.json({ result: true, success: true });
  });

  r.post('/workflow/processInstances/spaces/infos/query', (req, res) => {
    const { agentId } = parse(z.object({ userId: z.string().min(1), agentId: z.number().int() }), req.body);
    res.json({ result: { spaceId: Number(service.spaceId(agentId).slice(6)) }, success: true });
  });

  r.post('/storage/spaces/:spaceId/files/uploadInfos/query', (req, res) => {
    if (!req.query.unionId) throw new Problem(400, 'paramError', 'unionId is required');
    const { protocol } = parse(z.object({ protocol: z.literal('HEADER_SIGNATURE'), multipart: z.boolean().optional() }), req.body);
    const spaceId = `space-${req.params.spaceId}`;
    const uploadKey = service.beginUpload(spaceId);
    res.json({
      uploadKey,
      storageDriver: 'DINGTALK',
      protocol,
      headerSignatureInfo: {
        resourceUrls: [`${deps.uploadBase()}/${encodeURIComponent(uploadKey)}`],
        headers: { 'x-oss-signature': uploadSignature(deps.uploadSecret, uploadKey), 'Content-Type': 'application/octet-stream' },
        expirationSeconds: 900,
        region: 'ZHANGJIAKOU',
      },
    });
  });

  r.post('/storage/spaces/:spaceId/files/commit', (req, res) => {
    if (!req.query.unionId) throw new Problem(400, 'paramError', 'unionId is required');
    const { uploadKey, name } = parse(z.object({ uploadKey: z.string(), name: z.string().min(1), parentId: z.string().optional() }), req.body);
    const file = service.commit(`space-${req.params.spaceId}`, uploadKey, name);
    res.json({
      dentry: { id: file.id, spaceId: req.params.spaceId, name: file.name, size: file.size, type: 'FILE', extension: file.name.split('.').pop(), createTime: new Date().toISOString() },
    });
  });

  // DingTalk's error body: { code, message, requestid }.
  r.use(((err, _req, res, next) => {
    if (!(err instanceof Problem)) return next(err);
    res.status(err.status).json({ code: err.code, message: err.message, requestid: randomUUID() });
  }) as ErrorRequestHandler);
  return r;
}

/** The drive's storage endpoint: PUT the bytes with the headers the upload info gave. */
export function dingTalkUploadRouter(deps: DingTalkDeps): Router {
  const r = Router();
  r.put('/:key', (req, res) => {
    if (req.get('x-oss-signature') !== uploadSignature(deps.uploadSecret, req.params.key)) throw new Problem(403, 'SignatureDoesNotMatch', 'the upload signature does not match');
    deps.service.receiveUpload(req.params.key, rawBody(req));
    res.status(200).end();
  });
  return r;
}
