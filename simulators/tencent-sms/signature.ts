/**
 * Tencent Cloud API signature v3 (TC3-HMAC-SHA256), checked as the gateway does: the canonical
 * request from what arrived, the key derived from the SecretKey through date and service, the
 * timestamp within five minutes.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { rawBody } from '../lib/raw-body';

export type Tc3Verdict = { ok: true; secretId: string } | { ok: false; code: string; message: string };

const SKEW_S = 300;
const hmac = (key: Buffer | string, msg: string) => createHmac('sha256', key).update(msg).digest();
const sha256hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export function verifyTc3(req: Request, secrets: Record<string, string>, now: Date): Tc3Verdict {
  const auth = req.get('authorization') ?? '';
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The provided credentials could not be validated (malformed Authorization).' };
  const [, secretId, date, service, signedList, signature] = m as unknown as [string, string, string, string, string, string];
  const secretKey = secrets[secretId];
  if (!secretKey) return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found.' };
  const timestamp = Number(req.get('x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(timestamp - now.getTime() / 1000) > SKEW_S) {
    return { ok: false, code: 'AuthFailure.SignatureExpire', message: 'The signature expired: X-TC-Timestamp is missing or off by more than 5 minutes.' };
  }
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The credential date is not the timestamp date.' };

  const url = new URL(req.originalUrl, 'http://simulator');
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('content-type')) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'content-type and host must be signed.' };
  // The SDK signs the host name without the port.
  const headerValue = (h: string) => (h === 'host' ? (req.get('host') ?? '').replace(/:\d+$/, '') : (req.get(h) ?? '')).trim();
  const headers = signed.map((h) => `${h}:${headerValue(h)}\n`).join('');
  const canonical = [req.method, url.pathname, url.search.slice(1), headers, signedList, sha256hex(rawBody(req))].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The provided credentials could not be validated.' };
  }
  return { ok: true, secretId };
}
