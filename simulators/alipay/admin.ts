/** Test controls and the sandbox credentials for the Alipay simulator, under /_admin/alipay (no key: 127.0.0.1 only). */
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../lib/http';
import type { AlipayDepositBacks } from './deposit-back';
import type { AlipayCredentials } from './keys';

const outcomeBody = z.object({ match: z.string().min(1).max(200), status: z.literal('ABNORMAL'), count: z.number().int().positive().optional() });
const configBody = z.object({ settleAfterMs: z.number().int().min(0).max(3_600_000).optional(), notifyUrl: z.url().nullable().optional() });

export function alipayAdminRouter(credentials: () => AlipayCredentials, depositBacks: AlipayDepositBacks): Router {
  const r = Router();
  // The merchant's half only: Alipay's private key never leaves the gateway.
  r.get('/credentials', (_req, res) => {
    const creds = credentials();
    res.json({ appId: creds.appId, appPrivateKey: creds.appPrivateKey, alipayPublicKey: creds.alipayPublicKey });
  });
  /** The next matching refunds to a bank card bounce at the bank (deposit back F: the port's ABNORMAL). */
  r.post('/refund-outcomes', (req, res) => {
    const body = parseBody(outcomeBody, req.body);
    depositBacks.failNext(body.match, body.count);
    res.json(body);
  });
  /** settleAfterMs: how long a bank takes; notifyUrl: where depositback messages go (the open platform's subscription). */
  r.post('/config', (req, res) => {
    const body = parseBody(configBody, req.body);
    depositBacks.config = { ...depositBacks.config, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) };
    res.json(depositBacks.config);
  });
  r.get('/notifications', (req, res) => {
    res.json({ notifications: depositBacks.notifications(typeof req.query.outRequestNo === 'string' ? req.query.outRequestNo : undefined) });
  });
  return r;
}
