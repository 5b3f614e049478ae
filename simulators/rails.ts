/**
 * The rail stand-ins beside the platform's own services: Aliyun and Tencent Cloud SMS, DingTalk
 * and Feishu approvals, each on its own protocol and paths, with the shared fault switches
 * ('sms' for the SMS rails, 'oa' for the approval rails) and one admin view of all of them.
 */
import path from 'node:path';
import type express from 'express';
import { PROJECT_ROOT, readEnv } from '../config/env';
import { templateCatalogReader } from '../activities/rails/sms/templates-file';
import { sealDingTalk, dingTalkDecrypt, dingTalkSignature } from '../activities/rails/oa/dingtalk-callback-crypto';
import { feishuEncrypt, feishuSignature } from '../activities/rails/oa/feishu-event-crypto';
import type { OaInstance } from '../activities/clients/oa';
import { aliyunSmsRouter } from './aliyun-sms/routes';
import { tencentSmsRouter } from './tencent-sms/routes';
import { DingTalkService, type DingTalkInstance } from './dingtalk/service';
import { dingTalkRouter, dingTalkUploadRouter } from './dingtalk/routes';
import { FeishuService, type FeishuInstance } from './feishu/service';
import { feishuRouter } from './feishu/routes';
import type { Faults } from './lib/faults';
import { SmsBook } from './lib/sms-book';
import { TokenIssuer } from './lib/tokens';

export interface RailSimulatorOptions {
  templatesFile: string;
  receiptDelayMs: number;
  aliyun: { accessKeyId: string; accessKeySecret: string };
  tencent: { secretId: string; secretKey: string; smsSdkAppId: string };
  dingtalk: { appKey: string; appSecret: string; processCode: string; eventToken: string; eventAesKey: string; corpId: string };
  feishu: { appId: string; appSecret: string; approvalCode: string; verificationToken: string; encryptKey: string };
}

export function railOptionsFromEnv(): RailSimulatorOptions {
  const env = readEnv();
  return {
    templatesFile: env.SMS_TEMPLATES_FILE,
    receiptDelayMs: env.SMS_SIMULATED_RECEIPT_DELAY_MS,
    aliyun: { accessKeyId: env.ALIYUN_ACCESS_KEY_ID, accessKeySecret: env.ALIYUN_ACCESS_KEY_SECRET },
    tencent: { secretId: env.TENCENT_SECRET_ID, secretKey: env.TENCENT_SECRET_KEY, smsSdkAppId: env.TENCENT_SMS_SDK_APP_ID },
    dingtalk: {
      appKey: env.DINGTALK_APP_KEY,
      appSecret: env.DINGTALK_APP_SECRET,
      processCode: env.DINGTALK_PROCESS_CODE,
      eventToken: env.DINGTALK_EVENT_TOKEN,
      eventAesKey: env.DINGTALK_EVENT_AES_KEY,
      corpId: env.DINGTALK_CORP_ID,
    },
    feishu: { appId: env.FEISHU_APP_ID, appSecret: env.FEISHU_APP_SECRET, approvalCode: env.FEISHU_APPROVAL_CODE, verificationToken: env.FEISHU_VERIFICATION_TOKEN, encryptKey: env.FEISHU_ENCRYPT_KEY },
  };
}

export const OA_RAIL_NAMES = ['internal', 'dingtalk', 'feishu'] as const;
export type OaRailName = (typeof OA_RAIL_NAMES)[number];
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface EventOutcome {
  rail: 'dingtalk' | 'feishu';
  url: string;
  delivered: boolean;
  status: number | null;
  error: string | null;
}

export type RailSimulators = ReturnType<typeof createRailSimulators>;

export function createRailSimulators(dataDir: string, now: () => Date, faults: Faults, over: Partial<RailSimulatorOptions> = {}) {
  const opts: RailSimulatorOptions = { ...railOptionsFromEnv(), ...over };
  const catalog = templateCatalogReader(opts.templatesFile || path.join(PROJECT_ROOT, 'config', 'sms-templates.json'));
  const aliyun = new SmsBook(dataDir, 'aliyun', now, opts.receiptDelayMs);
  const tencent = new SmsBook(dataDir, 'tencent', now, opts.receiptDelayMs);
  const dingtalk = new DingTalkService(dataDir, now);
  const feishu = new FeishuService(dataDir, now);
  const eventUrls: { dingtalk: string | null; feishu: string | null } = { dingtalk: null, feishu: null };
  let origin = 'http://127.0.0.1';
  const dingKeys = { token: opts.dingtalk.eventToken, aesKey: opts.dingtalk.eventAesKey, ownerKey: opts.dingtalk.corpId };

  const dingTokens = new TokenIssuer(now);
  const feishuTokens = new TokenIssuer(now, 7200, 't-');
  const dingDeps = {
    service: dingtalk,
    tokens: dingTokens,
    apps: { [opts.dingtalk.appKey]: opts.dingtalk.appSecret },
    uploadBase: () => `${origin}/dingtalk-oss`,
    uploadSecret: `${opts.dingtalk.appSecret}:oss`,
  };

  function mount(app: express.Express): void {
    // The origin the simulator is reached at, for the URLs it hands out (uploads, files).
    app.use((req, _res, next) => {
      origin = `${req.protocol}://${req.get('host')}`;
      next();
    });
    app.use('/', aliyunSmsRouter({ book: aliyun, faults, catalog, accessKeys: { [opts.aliyun.accessKeyId]: opts.aliyun.accessKeySecret }, now }, faults.middleware('sms')));
    app.use('/tencent-sms', tencentSmsRouter({ book: tencent, faults, catalog, secrets: { [opts.tencent.secretId]: opts.tencent.secretKey }, smsSdkAppId: opts.tencent.smsSdkAppId, now }, faults.middleware('sms')));
    app.use('/v1.0', dingTalkRouter(dingDeps, faults.middleware('oa')));
    app.use('/dingtalk-oss', dingTalkUploadRouter(dingDeps));
    app.use(
      '/feishu',
      feishuRouter(
        { service: feishu, tokens: feishuTokens, apps: { [opts.feishu.appId]: opts.feishu.appSecret }, approvalCodes: () => [opts.feishu.approvalCode], fileBase: () => `${origin}/feishu/approval-files` },
        faults.middleware('oa'),
      ),
    );
  }

  /** The order's approval, created on every approval rail under one instance id (the rail in use sees its own). */
  function seedInstance(seed: { instanceId: string; orderId: string; approver: string; title?: string }): void {
    if (!dingtalk.store.data.instances[seed.instanceId]) dingtalk.create({ ...seed, processCode: opts.dingtalk.processCode });
    if (!feishu.get(seed.instanceId)) feishu.create({ approvalCode: opts.feishu.approvalCode, orderId: seed.orderId, userId: 'employee', approver: seed.approver, instanceCode: seed.instanceId });
  }

  async function postDingTalkEvent(inst: DingTalkInstance): Promise<EventOutcome | null> {
    const url = eventUrls.dingtalk;
    if (!url) return null;
    const event = {
      EventType: 'bpms_instance_change',
      processInstanceId: inst.processInstanceId,
      processCode: inst.processCode,
      corpId: opts.dingtalk.corpId,
      businessId: inst.businessId,
      title: inst.title,
      type: inst.status === 'COMPLETED' ? 'finish' : 'start',
      result: inst.result,
      staffId: inst.approver,
      createTime: Date.parse(inst.createTime),
      finishTime: inst.finishTime ? Date.parse(inst.finishTime) : undefined,
    };
    const sealed = sealDingTalk(dingKeys, JSON.stringify(event));
    const target = `${url}${url.includes('?') ? '&' : '?'}signature=${sealed.msg_signature}&timestamp=${sealed.timeStamp}&nonce=${sealed.nonce}`;
    const outcome = await post('dingtalk', target, { 'content-type': 'application/json' }, JSON.stringify({ encrypt: sealed.encrypt }), (body) => {
      // DingTalk only counts the push as taken when the answer is "success", sealed with our keys.
      const reply = JSON.parse(body) as { msg_signature: string; timeStamp: string; nonce: string; encrypt: string };
      return reply.msg_signature === dingTalkSignature(dingKeys.token, reply.timeStamp, reply.nonce, reply.encrypt) && dingTalkDecrypt(dingKeys, reply.encrypt) === 'success';
    });
    dingtalk.recordEvent();
    return outcome;
  }

  async function postFeishuEvent(inst: FeishuInstance): Promise<EventOutcome | null> {
    const url = eventUrls.feishu;
    if (!url) return null;
    const event = {
      uuid: `evt-${inst.instanceCode}-${inst.status}-${now().getTime()}`,
      token: opts.feishu.verificationToken,
      ts: String(now().getTime() / 1000),
      type: 'event_callback',
      event: {
        app_id: opts.feishu.appId,
        approval_code: inst.approvalCode,
        instance_code: inst.instanceCode,
        instance_operate_time: String(now().getTime()),
        operate_time: String(now().getTime()),
        status: inst.status,
        tenant_key: 'tenant-dev',
        type: 'approval_instance',
        uuid: inst.uuid ?? '',
      },
    };
    const body = JSON.stringify({ encrypt: feishuEncrypt(opts.feishu.encryptKey, JSON.stringify(event)) });
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const nonce = Math.random().toString(36).slice(2);
    const headers = {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': feishuSignature(timestamp, nonce, opts.feishu.encryptKey, body),
    };
    const outcome = await post('feishu', url, headers, body, () => true);
    feishu.recordEvent();
    return outcome;
  }

  async function post(rail: 'dingtalk' | 'feishu', url: string, headers: Record<string, string>, body: string, accepted: (body: string) => boolean): Promise<EventOutcome> {
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(3_000) });
      const text = await res.text();
      let ok = res.ok;
      try {
        ok = ok && accepted(text);
      } catch {
        ok = false;
      }
      return { rail, url, delivered: ok, status: res.status, error: ok ? null : `HTTP ${res.status}: ${text.slice(0, 200)}` };
    } catch (err) {
      return { rail, url, delivered: false, status: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Approved or rejected on the rail: the instance changes and the rail pushes its event. */
  async function setStatus(rail: 'dingtalk' | 'feishu', instanceId: string, status: ApprovalStatus): Promise<{ found: boolean; event: EventOutcome | null }> {
    if (rail === 'dingtalk') {
      if (!dingtalk.store.data.instances[instanceId]) return { found: false, event: null };
      const inst = dingtalk.finish(instanceId, status === 'APPROVED' ? 'agree' : status === 'REJECTED' ? 'refuse' : 'pending');
      return { found: true, event: await postDingTalkEvent(inst) };
    }
    if (!feishu.get(instanceId)) return { found: false, event: null };
    return { found: true, event: await postFeishuEvent(feishu.setStatus(instanceId, status)) };
  }

  function fileText(base64: string): string {
    return Buffer.from(base64, 'base64').toString('utf8');
  }

  /** Every rail's instances of an order in the internal shape, so one test reads them all alike. */
  function instances(rail: 'dingtalk' | 'feishu', orderId: string): OaInstance[] {
    if (rail === 'dingtalk') {
      return dingtalk.forOrder(orderId).map((i) => {
        const remarks = i.operationRecords.filter((o) => o.type === 'ADD_REMARK');
        return {
          instanceId: i.processInstanceId,
          orderId: i.orderId,
          enterpriseId: null,
          title: i.title,
          approver: i.approver,
          status: i.result === 'agree' ? 'APPROVED' : i.result === 'refuse' ? 'REJECTED' : 'PENDING',
          callbackUrl: eventUrls.dingtalk,
          createdAt: i.createTime,
          updatedAt: remarks.at(-1)?.date ?? i.createTime,
          comments: remarks.map((o, n) => ({ commentId: `${i.processInstanceId}:${n}`, text: o.remark, idempotencyKey: '', createdAt: o.date })),
          attachments: remarks.flatMap((o) =>
            o.attachments.map((a) => {
              const file = dingtalk.store.data.files[a.fileId];
              return { attachmentId: a.fileId, name: a.fileName, contentType: a.fileType, content: file ? fileText(file.contentBase64) : '', sizeBytes: a.fileSize, idempotencyKey: '', createdAt: o.date };
            }),
          ),
        };
      });
    }
    return feishu.forOrder(orderId).map((i) => {
      const parsed = i.comments.map((c) => ({ c, content: JSON.parse(c.content) as { text: string; files?: Array<{ url: string; title: string; type: string; fileSize: number }> } }));
      return {
        instanceId: i.instanceCode,
        orderId: i.orderId,
        enterpriseId: null,
        title: '差旅费用异常审批',
        approver: i.approver,
        status: i.status === 'CANCELED' ? 'REJECTED' : i.status,
        callbackUrl: eventUrls.feishu,
        createdAt: new Date(i.startTime).toISOString(),
        updatedAt: new Date(parsed.at(-1)?.c.createTime ?? i.startTime).toISOString(),
        comments: parsed.map(({ c, content }) => ({ commentId: c.id, text: content.text, idempotencyKey: '', createdAt: new Date(c.createTime).toISOString() })),
        attachments: parsed.flatMap(({ c, content }) =>
          (content.files ?? []).map((f) => {
            const file = feishu.fileByUrl(f.url);
            return { attachmentId: file?.code ?? f.url, name: f.title, contentType: f.type, content: file ? fileText(file.contentBase64) : '', sizeBytes: f.fileSize, idempotencyKey: '', createdAt: new Date(c.createTime).toISOString() };
          }),
        ),
      };
    });
  }

  function smsStats(book: SmsBook) {
    const deliveredPerOutId: Record<string, number> = {};
    const perOutId: Record<string, number> = {};
    for (const m of book.messages()) {
      perOutId[m.outId] = (perOutId[m.outId] ?? 0) + 1;
      if (book.receiptNow(m)?.status === 'DELIVERED') deliveredPerOutId[m.outId] = (deliveredPerOutId[m.outId] ?? 0) + 1;
    }
    return {
      messages: book.messages().length,
      perOutId,
      deliveredPerOutId,
      duplicated: Object.entries(deliveredPerOutId).filter(([, n]) => n > 1).map(([id]) => id),
    };
  }

  return {
    mount,
    seedInstance,
    setStatus,
    instances,
    setEventUrls(urls: Partial<typeof eventUrls>) {
      Object.assign(eventUrls, urls);
      return { ...eventUrls };
    },
    outbox: () => [...aliyun.outbox(), ...tencent.outbox()],
    revokeTokens() {
      dingTokens.revokeAll();
      feishuTokens.revokeAll();
    },
    stats: () => ({
      aliyun: smsStats(aliyun),
      tencent: smsStats(tencent),
      dingtalk: { instances: Object.keys(dingtalk.store.data.instances).length, ...dingtalk.store.data.stats },
      feishu: { instances: Object.keys(feishu.store.data.instances).length, ...feishu.store.data.stats },
    }),
    reset() {
      aliyun.reset();
      tencent.reset();
      dingtalk.reset();
      feishu.reset();
    },
    books: { aliyun, tencent, dingtalk, feishu },
  };
}
