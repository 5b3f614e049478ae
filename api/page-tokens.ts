/**
 * Visibility page tokens are opaque bytes that Temporal trusts: a corrupted or forged one makes
 * the server fail (and the SDK retry) instead of answering 400. So the API hands out tokens sealed
 * with an HMAC and only passes back tokens it issued.
 */
import crypto from 'node:crypto';

const MAC_BYTES = 16;

export interface PageTokens {
  seal(token: Uint8Array): string;
  /** The Temporal token, or undefined if this API did not issue it. */
  open(sealed: string): Buffer | undefined;
}

export function pageTokens(key: Buffer): PageTokens {
  const mac = (data: Buffer) => crypto.createHmac('sha256', key).update(data).digest().subarray(0, MAC_BYTES);
  return {
    seal(token) {
      const data = Buffer.from(token);
      return `${data.toString('base64url')}.${mac(data).toString('base64url')}`;
    },
    open(sealed) {
      const [data, tag, extra] = sealed.split('.');
      if (!data || !tag || extra !== undefined) return undefined;
      const bytes = Buffer.from(data, 'base64url');
      const given = Buffer.from(tag, 'base64url');
      if (given.length !== MAC_BYTES || !crypto.timingSafeEqual(given, mac(bytes))) return undefined;
      return bytes;
    },
  };
}

/** Every replica must open the others' tokens, so the key derives from a secret they share (domain-separated, never the secret itself). */
export function pageTokenKey(sharedSecret: string): Buffer {
  return crypto.createHmac('sha256', sharedSecret).update('complaints-api/page-token/v1').digest();
}
