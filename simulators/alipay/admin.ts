/** The sandbox credentials a test or `npm start` configures the Alipay adapter with (/_admin/alipay). */
import { Router } from 'express';
import type { AlipayCredentials } from './keys';

export function alipayAdminRouter(creds: AlipayCredentials): Router {
  const r = Router();
  // The merchant's half only: Alipay's private key never leaves the gateway.
  r.get('/credentials', (_req, res) => {
    res.json({ appId: creds.appId, appPrivateKey: creds.appPrivateKey, alipayPublicKey: creds.alipayPublicKey });
  });
  return r;
}
