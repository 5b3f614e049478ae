/**
 * Alibaba Cloud's POP signature, version 3 (ACS3-HMAC-SHA256), checked the way the gateway
 * checks it: the canonical request rebuilt from what arrived (method, path, sorted query,
 * the signed headers, the body's SHA-256), signed with the secret of the AccessKey it names.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { rawBody } from '../lib/raw-body';

export type PopVerdict = { ok: true; accessKeyId: string } | { ok: false; status: number; code: string; message: string };

const SKEW_MS = 15 * 60_000;

/** RFC 3986, as the SDK encodes query values. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function verifyPopV3(req: Request, secrets: Record<string, string>, seenNonces: Set<string>, now: Date): PopVerdict {
  const auth = req.get('authorization') ?? '';
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth);
  if (!m) return { ok: false, status: 400, code: 'IncompleteSignature', message: 'Authorization is not an ACS3-HMAC-SHA256 signature' };
  const [, accessKeyId, signedList, signature] = m as unknown as [string, string, string, string];
  const secret = secrets[accessKeyId];
  if (!secret) return { ok: false, status: 404, code: 'InvalidAccessKeyId.NotFound', message: `Specified access key is not found: ${accessKeyId}` };

  const date = Date.parse(req.get('x-acs-date') ?? '');
  if (Number.isNaN(date) || Math.abs(date - now.getTime()) > SKEW_MS) return { ok: false, status: 400, code: 'InvalidTimeStamp.Expired', message: 'x-acs-date is missing or too far from now' };
  const nonce = req.get('x-acs-signature-nonce') ?? '';
  if (!nonce) return { ok: false, status: 400, code: 'MissingSignatureNonce', message: 'x-acs-signature-nonce is required' };
  if (seenNonces.has(nonce)) return { ok: false, status: 400, code: 'SignatureNonceUsed', message: 'the signature nonce has been used' };

  const bodyHash = createHash('sha256').update(rawBody(req)).digest('hex');
  if (req.get('x-acs-content-sha256') !== bodyHash) return { ok: false, status: 400, code: 'InvalidParameter.ContentSha256', message: 'x-acs-content-sha256 does not match the body' };

  const url = new URL(req.originalUrl, 'http://simulator');
  const query = [...url.searchParams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${encode(v)}`)
    .join('&');
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-acs-date') || !signed.includes('x-acs-content-sha256')) {
    return { ok: false, status: 400, code: 'IncompleteSignature', message: 'host, x-acs-date and x-acs-content-sha256 must be signed' };
  }
  const headers = signed.map((h) => `${h}:${(req.get(h) ?? '').trim()}\n`).join('');
  const canonical = [req.method, url.pathname, query, headers, signedList, bodyHash].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', secret).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 400, code: 'SignatureDoesNotMatch', message: 'Specified signature does not match our calculation' };
  }
  // A simulator's memory, not a replay cache for years: the time window bounds what matters.
  if (seenNonces.size > 50_000) seenNonces.clear();
  seenNonces.add(nonce);
  return { ok: true, accessKeyId };
}
