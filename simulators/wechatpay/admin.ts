/** Test controls for the WeChat Pay simulator, under /_admin/wechatpay (no key: 127.0.0.1 only). */
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../lib/http';
import type { WechatPayService } from './service';

const outcomeBody = z.object({ match: z.string().min(1).max(200), status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']), count: z.number().int().positive().optional() });
const configBody = z.object({
  settleAfterMs: z.number().int().min(0).max(3_600_000).optional(),
  refundIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
  maxRefundsPerTransaction: z.number().int().positive().max(1_000).optional(),
});

export function wechatpayAdminRouter(wx: WechatPayService): Router {
  const r = Router();
  /** How the next matching refunds end (default SUCCESS). */
  r.post('/refund-outcomes', (req, res) => {
    res.json(wx.setOutcome(parseBody(outcomeBody, req.body)));
  });
  r.post('/config', (req, res) => {
    const body = parseBody(configBody, req.body);
    wx.config = { ...wx.config, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) };
    res.json(wx.config);
  });
  r.get('/config', (_req, res) => {
    res.json(wx.config);
  });
  /** The callbacks as posted (headers and body), for tests that replay or tamper with one. */
  r.get('/notifications', (req, res) => {
    res.json({ notifications: wx.notifications(typeof req.query.outRefundNo === 'string' ? req.query.outRefundNo : undefined) });
  });
  return r;
}

/** The merchant's side of the sandbox credentials (the platform's private key stays here). */
export function wechatpayCredentialsRouter(wx: WechatPayService): Router {
  const r = Router();
  r.get('/credentials', (_req, res) => {
    const c = wx.creds;
    res.json({ mchid: c.mchid, merchantSerial: c.merchantSerial, merchantPrivateKey: c.merchantPrivateKey, platformSerial: c.platformSerial, platformCertificate: c.platformCertificate, apiV3Key: c.apiV3Key });
  });
  return r;
}
