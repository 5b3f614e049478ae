/**
 * HMAC authentication of driver-app webhooks. The signature covers the timestamp and the nonce
 * as well as the body, so neither can be swapped to replay a captured request.
 */
import crypto from 'node:crypto';

export const REPLAY_WINDOW_MS = 5 * 60_000;

export const SIGNATURE_HEADERS = { signature: 'x-signature', timestamp: 'x-timestamp', nonce: 'x-nonce' } as const;

/** Hex HMAC-SHA256 over `${timestamp}.${nonce}.${rawBody}`: what a driver app (or curl + openssl) sends in X-Signature. */
export function signDriverReport(secret: string, body: string | Buffer, timestamp: number | string, nonce: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(body).digest('hex');
}

/** Where seen nonces are kept: in the process by default, in Redis across replicas (webhook-stores.ts). */
export interface ReplayStore {
  /** Records the nonce until `expiresAt` (ms). 'full' means the store refuses new nonces rather than forget a live one. */
  remember(nonce: string, expiresAt: number, now: number): Promise<'new' | 'seen' | 'full'>;
}

/**
 * A signed request is fresh while the clock is within the window of its timestamp, on either side,
 * so its nonce must be kept until the timestamp plus the window (a request stamped 4.5 minutes
 * ahead stays replayable until 9.5 minutes after it arrived), plus a second for the whole-second stamp.
 */
export function nonceExpiry(timestampSeconds: number): number {
  return timestampSeconds * 1000 + REPLAY_WINDOW_MS + 1000;
}

export type SignatureVerdict = { ok: true } | { ok: false; status: 401 | 503; reason: string };

const refuse = (reason: string): SignatureVerdict => ({ ok: false, status: 401, reason });

export interface SignedRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  nonce: string | undefined;
  rawBody: Buffer;
}

/** Checks shape, freshness and signature; the nonce is only remembered once the signature holds, so strangers cannot burn nonces. */
export async function verifySignedRequest(secret: string, req: SignedRequest, nonces: ReplayStore, now: number): Promise<SignatureVerdict> {
  const { signature, timestamp, nonce, rawBody } = req;
  if (!signature || !timestamp || !nonce) return refuse('X-Signature, X-Timestamp and X-Nonce are required');
  if (!/^[0-9]{1,12}$/.test(timestamp)) return refuse('X-Timestamp must be unix seconds');
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(nonce)) return refuse('X-Nonce must be 8-128 letters, digits, _ or -');
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return refuse('X-Signature must be a hex HMAC-SHA256');
  if (Math.abs(now - Number(timestamp) * 1000) > REPLAY_WINDOW_MS) return refuse('X-Timestamp is outside the 5-minute window');
  const expected = Buffer.from(signDriverReport(secret, rawBody, timestamp, nonce), 'hex');
  if (!crypto.timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return refuse('signature does not match');
  const seen = await nonces.remember(nonce, nonceExpiry(Number(timestamp)), now);
  if (seen === 'seen') return refuse('this nonce was already used');
  if (seen === 'full') return { ok: false, status: 503, reason: 'too many signed requests in the replay window; retry later' };
  return { ok: true };
}
