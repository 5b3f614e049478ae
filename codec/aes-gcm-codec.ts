/**
 * Encrypts every payload Temporal stores (inputs, results, update arguments, query answers and,
 * with the failure converter, failure messages): complaint payloads carry phone numbers and names.
 * AES-256-GCM with a random nonce; the key id travels in the metadata so keys can rotate.
 */
import crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCODING = 'binary/encrypted';
const KEY_ID_HEADER = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKeys {
  /** The key new payloads are encrypted with. */
  activeKeyId: string;
  /** Every key that may still be needed to read older payloads, by id. 32 bytes each. */
  keys: Record<string, Buffer>;
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly config: CodecKeys) {
    for (const [id, key] of Object.entries(config.keys)) {
      if (key.length !== 32) throw new Error(`payload key ${id} must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!config.keys[config.activeKeyId]) throw new Error(`payload key ${config.activeKeyId} is not among the configured keys`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.config.keys[this.config.activeKeyId]!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const nonce = crypto.randomBytes(NONCE_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: text(ENCODING), [KEY_ID_HEADER]: text(this.config.activeKeyId) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (str(payload.metadata?.encoding) !== ENCODING) return payload;
      const keyId = str(payload.metadata?.[KEY_ID_HEADER]) ?? '';
      const key = this.config.keys[keyId];
      if (!key) throw new Error(`no payload key with id "${keyId}" is configured`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
