/**
 * DingTalk's HTTP event callback envelope: the event JSON is AES-256-CBC encrypted with the
 * app's EncodingAESKey (43 base64 characters; the IV is the key's first 16 bytes), framed as
 * 16 random bytes + 4-byte big-endian length + message + the owner's id (corpId or appKey), and
 * padded PKCS#7 to 32-byte blocks; the signature is SHA-1 over the sorted token, timestamp,
 * nonce and ciphertext. Our answer ("success") travels in the same envelope.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DingTalkCallbackKeys {
  token: string;
  /** 43 characters of base64, as the developer console shows it. */
  aesKey: string;
  /** The corpId (or appKey) the envelope must name. */
  ownerKey: string;
}

const BLOCK = 32;

function keyOf(aesKey: string): Buffer {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('DingTalk EncodingAESKey must decode to 32 bytes');
  return key;
}

export function dingTalkSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function dingTalkEncrypt(keys: DingTalkCallbackKeys, plaintext: string): string {
  const key = keyOf(keys.aesKey);
  const msg = Buffer.from(plaintext, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(keys.ownerKey, 'utf8')]);
  const pad = BLOCK - (body.length % BLOCK);
  const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

export function dingTalkDecrypt(keys: DingTalkCallbackKeys, encrypt: string): string {
  const key = keyOf(keys.aesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  if (pad < 1 || pad > BLOCK) throw new Error('bad padding');
  const body = padded.subarray(0, padded.length - pad);
  const len = body.readUInt32BE(16);
  const msg = body.subarray(20, 20 + len).toString('utf8');
  const owner = body.subarray(20 + len).toString('utf8');
  if (owner !== keys.ownerKey) throw new Error('the envelope names another corp or app');
  return msg;
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The envelope DingTalk posts (and expects back): signature, timestamp and nonce sign `encrypt`. */
export function sealDingTalk(keys: DingTalkCallbackKeys, plaintext: string, timestamp = String(Date.now()), nonce = randomBytes(8).toString('hex')) {
  const encrypt = dingTalkEncrypt(keys, plaintext);
  return { msg_signature: dingTalkSignature(keys.token, timestamp, nonce, encrypt), timeStamp: timestamp, nonce, encrypt };
}
