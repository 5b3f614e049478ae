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

/**
 * Nonces seen within the replay window. In memory, per process: with several API replicas a
 * replay could land on another one, so that deployment needs a shared store (e.g. Redis SET NX
 * with a TTL of the window) in place of this class.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly capacity = 100_000,
    private readonly windowMs = REPLAY_WINDOW_MS,
  ) {}

  /** Records the nonce. A store full of live nonces refuses new ones (fails closed) rather than forget one that could be replayed. */
  remember(nonce: string, now: number): 'new' | 'seen' | 'full' {
    this.evictExpired(now);
    if (this.seen.has(nonce)) return 'seen';
    if (this.seen.size >= this.capacity) return 'full';
    this.seen.set(nonce, now + this.windowMs);
    return 'new';
  }

  /** Insertion order is expiry order (same window for all), so expired entries are at the front. */
  private evictExpired(now: number): void {
    for (const [nonce, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(nonce);
    }
  }
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
export function verifySignedRequest(secret: string, req: SignedRequest, nonces: NonceStore, now: number): SignatureVerdict {
  const { signature, timestamp, nonce, rawBody } = req;
  if (!signature || !timestamp || !nonce) return refuse('X-Signature, X-Timestamp and X-Nonce are required');
  if (!/^[0-9]{1,12}$/.test(timestamp)) return refuse('X-Timestamp must be unix seconds');
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(nonce)) return refuse('X-Nonce must be 8-128 letters, digits, _ or -');
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return refuse('X-Signature must be a hex HMAC-SHA256');
  if (Math.abs(now - Number(timestamp) * 1000) > REPLAY_WINDOW_MS) return refuse('X-Timestamp is outside the 5-minute window');
  const expected = Buffer.from(signDriverReport(secret, rawBody, timestamp, nonce), 'hex');
  if (!crypto.timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return refuse('signature does not match');
  const seen = nonces.remember(nonce, now);
  if (seen === 'seen') return refuse('this nonce was already used');
  if (seen === 'full') return { ok: false, status: 503, reason: 'too many signed requests in the replay window; retry later' };
  return { ok: true };
}
