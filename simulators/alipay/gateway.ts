/**
 * Alipay OpenAPI (v2 gateway) over the shared books: one POST /gateway.do, the method named in
 * the query string, the request RSA2-signed by the application, every answer signed by Alipay
 * as `{"<method>_response": {...}, "sign": "..."}`. Business errors are HTTP 200 with a code
 * other than 10000, as on the real gateway.
 */
import { createSign, createVerify } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { PaymentService } from '../payment/service';
import { AlipayError, alipayMethods } from './methods';
import type { AlipayDepositBacks } from './deposit-back';
import type { AlipayCredentials } from './keys';

const SIGNED_OUTSIDE = new Set(['sign']);

function signedString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => !SIGNED_OUTSIDE.has(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

function answer(res: Response, method: string, body: Record<string, unknown>, creds: AlipayCredentials): void {
  const sign = createSign('RSA-SHA256').update(JSON.stringify(body), 'utf8').sign(creds.alipayPrivateKey, 'base64');
  // res.json stringifies the body exactly as signed: JSON.stringify is deterministic for one object.
  res.json({ [`${method.replaceAll('.', '_')}_response`]: body, sign });
}

function flatten(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) })) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function alipayRouter(payment: PaymentService, credentials: () => AlipayCredentials, depositBacks: AlipayDepositBacks): Router {
  const r = Router();
  const methods = alipayMethods(payment, depositBacks);
  r.post('/gateway.do', (req, res) => {
    const creds = credentials();
    const params = flatten(req);
    const method = params.method ?? '';
    const fail = (code: string, msg: string, subCode: string, subMsg: string) =>
      answer(res, method || 'error', { code, msg, sub_code: subCode, sub_msg: subMsg }, creds);

    if (params.app_id !== creds.appId) return fail('40002', 'Invalid Arguments', 'isv.invalid-app-id', `unknown app_id ${params.app_id ?? ''}`);
    if (params.sign_type !== 'RSA2') return fail('40002', 'Invalid Arguments', 'isv.invalid-signature-type', 'only RSA2 is accepted');
    const valid = createVerify('RSA-SHA256').update(signedString(params), 'utf8').verify(creds.appPublicKey, params.sign ?? '', 'base64');
    if (!valid) return fail('40002', 'Invalid Arguments', 'isv.invalid-signature', 'request signature does not verify with the application public key');
    const handler = methods[method];
    if (!handler) return fail('40002', 'Invalid Arguments', 'isv.invalid-method', `unknown method ${method}`);
    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(params.biz_content ?? '{}');
    } catch {
      return fail('40002', 'Invalid Arguments', 'isv.invalid-parameter', 'biz_content is not JSON');
    }
    try {
      answer(res, method, { code: '10000', msg: 'Success', ...handler(biz) }, creds);
    } catch (err) {
      if (err instanceof AlipayError) return fail(err.code, err.code === '40004' ? 'Business Failed' : 'Invalid Arguments', err.subCode, err.message);
      throw err;
    }
  });
  return r;
}
