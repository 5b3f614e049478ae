/**
 * Feishu/Lark open platform as @larksuiteoapi/node-sdk sees it: a tenant_access_token from the
 * app's id and secret, approval v4 instances (create with uuid, list, get) and comments, and
 * the approval file upload. Every answer is { code, msg, data }; errors are HTTP 400 with a code.
 */
import { type ErrorRequestHandler, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { TokenIssuer } from '../lib/tokens';
import { parseMultipart } from '../lib/multipart';
import { rawBody } from '../lib/raw-body';
import type { FeishuService } from './service';

export interface FeishuDeps {
  service: FeishuService;
  tokens: TokenIssuer;
  apps: Record<string, string>;
  approvalCodes: () => string[];
  fileBase: () => string;
}

/** Feishu's codes (approval: 139xxxx). The uuid conflict code is this simulator's choice. */
export const FEISHU_CODES = { paramInvalid: 1390001, approvalNotFound: 1390002, instanceNotFound: 1390003, uuidConflict: 1390013, invalidToken: 99991663, invalidApp: 10014 } as const;

class FeishuError extends Error {
  constructor(readonly code: number, message: string, readonly status = 400) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new FeishuError(FEISHU_CODES.paramInvalid, `param is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const ok = (data: unknown) => ({ code: 0, msg: 'success', data });

export function feishuRouter(deps: FeishuDeps, faultGate: RequestHandler): Router {
  const { service } = deps;
  const r = Router();

  r.post('/open-apis/auth/v3/tenant_access_token/internal', (req, res) => {
    const { app_id, app_secret } = parse(z.object({ app_id: z.string(), app_secret: z.string() }), req.body);
    if (deps.apps[app_id] !== app_secret) throw new FeishuError(FEISHU_CODES.invalidApp, 'app_id or app_secret is invalid');
    const { token, expiresIn } = deps.tokens.issue();
    res.json({ code: 0, msg: 'ok', tenant_access_token: token, expire: expiresIn });
  });

  r.use((req, _res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!deps.tokens.valid(token)) throw new FeishuError(FEISHU_CODES.invalidToken, 'Invalid access token for authorization. Please make a request with token attached.');
    next();
  });
  r.use(faultGate);

  const instanceOf = (code: string) => {
    const inst = service.get(code);
    if (!inst) throw new FeishuError(FEISHU_CODES.instanceNotFound, 'instance code not found');
    return inst;
  };

  r.post('/open-apis/approval/v4/instances', (req, res) => {
    const b = parse(z.object({ approval_code: z.string(), user_id: z.string().optional(), open_id: z.string().optional(), form: z.string(), uuid: z.string().max(64).optional() }), req.body);
    if (!deps.approvalCodes().includes(b.approval_code)) throw new FeishuError(FEISHU_CODES.approvalNotFound, 'approval code not found');
    let widgets: Array<{ id?: string; value?: unknown }>;
    try {
      widgets = JSON.parse(b.form);
    } catch {
      throw new FeishuError(FEISHU_CODES.paramInvalid, 'form is not a JSON array');
    }
    const orderId = String(widgets.find((w) => w.id === 'order_id')?.value ?? '');
    const inst = service.create({ approvalCode: b.approval_code, orderId, userId: b.user_id ?? b.open_id ?? '', approver: 'manager', uuid: b.uuid ?? null, form: b.form });
    if (!inst) throw new FeishuError(FEISHU_CODES.uuidConflict, `uuid ${b.uuid} conflict: an instance was already created with it`);
    res.json(ok({ instance_code: inst.instanceCode }));
  });

  r.get('/open-apis/approval/v4/instances', (req, res) => {
    const q = parse(z.object({ approval_code: z.string(), start_time: z.coerce.number(), end_time: z.coerce.number(), page_size: z.coerce.number().int().min(1).max(100).default(100), page_token: z.string().optional() }), req.query);
    const all = service.list(q.approval_code, q.start_time, q.end_time);
    const from = q.page_token ? Number(q.page_token) : 0;
    const page = all.slice(from, from + q.page_size);
    const more = from + q.page_size < all.length;
    res.json(ok({ instance_code_list: page, has_more: more, ...(more ? { page_token: String(from + q.page_size) } : {}) }));
  });

  r.get('/open-apis/approval/v4/instances/:id', (req, res) => {
    const i = instanceOf(req.params.id);
    res.json(
      ok({
        approval_code: i.approvalCode,
        approval_name: '差旅费用异常审批',
        instance_code: i.instanceCode,
        serial_number: i.serialNumber,
        status: i.status,
        uuid: i.uuid ?? '',
        user_id: i.userId,
        start_time: String(i.startTime),
        end_time: String(i.endTime),
        form: i.form,
        comment_list: i.comments.map((c) => ({ id: c.id, user_id: c.userId, comment: (JSON.parse(c.content) as { text?: string }).text ?? '', create_time: String(c.createTime) })),
        task_list: [{ id: `task-${i.instanceCode}`, user_id: i.approver, status: i.status === 'PENDING' ? 'PENDING' : i.status, node_name: '直属上级' }],
        timeline: [],
      }),
    );
  });

  r.post('/open-apis/approval/v4/instances/:id/comments', (req, res) => {
    instanceOf(req.params.id);
    const userId = String(req.query.user_id ?? '');
    if (!userId) throw new FeishuError(FEISHU_CODES.paramInvalid, 'user_id is required');
    const b = parse(z.object({ content: z.string().min(1), at_info_list: z.array(z.unknown()).optional(), parent_comment_id: z.string().optional(), comment_id: z.string().optional() }), req.body);
    let content: { text?: unknown; files?: Array<{ url?: unknown }> };
    try {
      content = JSON.parse(b.content);
    } catch {
      throw new FeishuError(FEISHU_CODES.paramInvalid, 'content must be JSON');
    }
    if (typeof content.text !== 'string') throw new FeishuError(FEISHU_CODES.paramInvalid, 'content.text is required');
    for (const f of content.files ?? []) {
      if (typeof f.url !== 'string' || !service.fileByUrl(f.url)) throw new FeishuError(FEISHU_CODES.paramInvalid, 'a file in content.files was not uploaded to approval');
    }
    res.json(ok({ comment_id: service.comment(req.params.id, userId, b.content).id }));
  });

  r.get('/open-apis/approval/v4/instances/:id/comments', (req, res) => {
    const i = instanceOf(req.params.id);
    if (!req.query.user_id) throw new FeishuError(FEISHU_CODES.paramInvalid, 'user_id is required');
    res.json(
      ok({
        comments: i.comments.map((c) => ({ id: c.id, content: c.content, create_time: String(c.createTime), update_time: String(c.createTime), is_delete: 0, commentator: c.userId, replies: [] })),
        has_more: false,
      }),
    );
  });

  r.post('/approval/openapi/v2/file/upload', (req, res) => {
    const parts = parseMultipart(req.get('content-type'), rawBody(req));
    const field = (n: string) => parts?.find((p) => p.name === n);
    const content = field('content');
    const name = field('name')?.data.toString('utf8');
    const type = field('type')?.data.toString('utf8');
    if (!content || !name || (type !== 'attachment' && type !== 'image')) throw new FeishuError(FEISHU_CODES.paramInvalid, 'name, type (attachment|image) and content are required');
    const file = service.upload({ name, type, size: content.data.length, contentBase64: content.data.toString('base64') }, (code) => `${deps.fileBase()}/${code}`);
    res.json(ok({ code: file.code, url: file.url }));
  });

  r.use(((err, _req, res, next) => {
    if (!(err instanceof FeishuError)) return next(err);
    res.status(err.status).json({ code: err.code, msg: err.message, data: {} });
  }) as ErrorRequestHandler);
  return r;
}
