/**
 * Approval events from the enterprise's OA (story B4/C8): DingTalk's bpms_instance_change and
 * Feishu's approval_instance, each verified by the rail's own envelope (DingTalk: SHA-1 over
 * token, timestamp, nonce and ciphertext, AES body; Feishu: X-Lark-Signature and the AES body,
 * then the verification token). An approved or rejected instance becomes the case's
 * oaStatusChanged signal; the order is read from the instance's form on the rail.
 */
import express, { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Env } from '../../config/env';
import { dingTalkRail, feishuRail } from '../../activities/rails/from-env';
import { dingTalkDecrypt, dingTalkSignature, sealDingTalk, signatureMatches, type DingTalkCallbackKeys } from '../../activities/rails/oa/dingtalk-callback-crypto';
import { feishuDecrypt, feishuSignature } from '../../activities/rails/oa/feishu-event-crypto';
import type { OaRail } from '../../activities/rails/oa/port';
import { complaintWorkflowId, oaStatusChangedSignal } from '../../workflows/definitions';
import { HttpProblem, parse } from '../errors';

export const OA_EVENT_PATHS = { dingtalk: '/oa-events/dingtalk', feishu: '/oa-events/feishu' } as const;

export interface OaEventsConfig {
  dingtalk: { keys: DingTalkCallbackKeys; rail: OaRail };
  feishu: { verificationToken: string; encryptKey: string; rail: OaRail };
  /** How far a signed timestamp may be from now. */
  maxSkewMs?: number;
}

export function oaEventsConfigFromEnv(env: Env): OaEventsConfig {
  return {
    dingtalk: { keys: { token: env.DINGTALK_EVENT_TOKEN, aesKey: env.DINGTALK_EVENT_AES_KEY, ownerKey: env.DINGTALK_CORP_ID }, rail: dingTalkRail(env) },
    feishu: { verificationToken: env.FEISHU_VERIFICATION_TOKEN, encryptKey: env.FEISHU_ENCRYPT_KEY, rail: feishuRail(env) },
  };
}

export const dingTalkQuery = z.object({ signature: z.string().regex(/^[0-9a-f]{40}$/), timestamp: z.string().regex(/^\d{10,13}$/), nonce: z.string().min(1).max(64) });
export const encryptedBody = z.object({ encrypt: z.string().min(1) });
export const dingTalkReply = z.object({ msg_signature: z.string(), timeStamp: z.string(), nonce: z.string(), encrypt: z.string() });
export const feishuReply = z.union([z.object({ challenge: z.string() }), z.object({ signalled: z.boolean(), complaintId: z.string().nullable() })]);
const dingTalkEvent = z.looseObject({
  EventType: z.string(),
  processInstanceId: z.string().optional(),
  type: z.string().optional(),
  result: z.string().optional(),
});
const feishuEvent = z.union([
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string(), token: z.string() }),
  z.looseObject({
    type: z.literal('event_callback'),
    token: z.string(),
    event: z.looseObject({ type: z.string(), instance_code: z.string().optional(), status: z.string().optional() }),
  }),
]);

const DINGTALK_STATUS: Record<string, string> = { agree: 'APPROVED', refuse: 'REJECTED' };
const FEISHU_STATUS = new Set(['APPROVED', 'REJECTED', 'CANCELED']);

function json(raw: Buffer): unknown {
  if (!Buffer.isBuffer(raw) || raw.length === 0) throw new HttpProblem(400, 'the event body is empty');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'malformed JSON body: it must be a JSON object');
  }
}

export function oaEventsRouter(client: Client, config: OaEventsConfig): Router {
  const router = Router();
  const skew = config.maxSkewMs ?? 5 * 60_000;
  const raw = express.raw({ type: () => true, limit: '64kb' });

  /** The order's case hears it; a case that ended (or never was) has nothing left to be told. */
  async function tell(rail: OaRail, instanceId: string, status: string): Promise<{ signalled: boolean; complaintId: string | null }> {
    const instance = await rail.getInstance(instanceId);
    if (!instance?.orderId) return { signalled: false, complaintId: null };
    const complaintId = complaintWorkflowId(instance.orderId);
    try {
      await client.workflow.getHandle(complaintId).signal(oaStatusChangedSignal, { instanceId, status });
      return { signalled: true, complaintId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { signalled: false, complaintId };
      throw err;
    }
  }

  const jsonOnly: express.RequestHandler = (req, _res, next) => next(req.is('application/json') ? undefined : new HttpProblem(415, 'request bodies must be application/json'));

  router.post(OA_EVENT_PATHS.dingtalk, jsonOnly, raw, async (req, res) => {
    const q = parse(dingTalkQuery, req.query);
    const { encrypt } = parse(encryptedBody, json(req.body as Buffer));
    const { keys } = config.dingtalk;
    if (!signatureMatches(dingTalkSignature(keys.token, q.timestamp, q.nonce, encrypt), q.signature)) throw new HttpProblem(401, 'DingTalk event signature does not match');
    const ms = q.timestamp.length === 10 ? Number(q.timestamp) * 1000 : Number(q.timestamp);
    if (Math.abs(Date.now() - ms) > skew) throw new HttpProblem(401, 'DingTalk event timestamp is outside the accepted window');
    let plain: string;
    try {
      plain = dingTalkDecrypt(keys, encrypt);
    } catch (err) {
      throw new HttpProblem(400, `DingTalk event cannot be decrypted: ${(err as Error).message}`);
    }
    const event = parse(dingTalkEvent, json(Buffer.from(plain)));
    const status = event.type === 'terminate' ? 'TERMINATED' : event.type === 'finish' ? DINGTALK_STATUS[event.result ?? ''] : undefined;
    if (event.EventType === 'bpms_instance_change' && event.processInstanceId && status) await tell(config.dingtalk.rail, event.processInstanceId, status);
    // DingTalk takes the push as delivered only when the answer is "success" in its envelope.
    res.json(sealDingTalk(keys, 'success'));
  });

  router.post(OA_EVENT_PATHS.feishu, jsonOnly, raw, async (req, res) => {
    const body = req.body as Buffer;
    const { verificationToken, encryptKey } = config.feishu;
    const timestamp = req.get('x-lark-request-timestamp') ?? '';
    const nonce = req.get('x-lark-request-nonce') ?? '';
    const signature = req.get('x-lark-signature') ?? '';
    if (!signatureMatches(feishuSignature(timestamp, nonce, encryptKey, body), signature)) throw new HttpProblem(401, 'Feishu event signature does not match');
    if (!/^\d{10}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp) * 1000) > skew) throw new HttpProblem(401, 'Feishu event timestamp is outside the accepted window');
    const { encrypt } = parse(encryptedBody, json(body));
    let plain: string;
    try {
      plain = feishuDecrypt(encryptKey, encrypt);
    } catch (err) {
      throw new HttpProblem(400, `Feishu event cannot be decrypted: ${(err as Error).message}`);
    }
    const event = parse(feishuEvent, json(Buffer.from(plain)));
    if (!signatureMatches(verificationToken, event.token)) throw new HttpProblem(401, 'Feishu verification token does not match');
    if (event.type === 'url_verification') {
      res.json({ challenge: event.challenge });
      return;
    }
    const e = event.event;
    if (e.type === 'approval_instance' && e.instance_code && e.status && FEISHU_STATUS.has(e.status)) {
      res.json(await tell(config.feishu.rail, e.instance_code, e.status));
      return;
    }
    res.json({ signalled: false, complaintId: null });
  });

  return router;
}
