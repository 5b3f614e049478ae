/**
 * Feishu/Lark event delivery with an Encrypt Key: the body is {"encrypt": base64(IV + AES-256-CBC
 * (PKCS#7) of the event JSON)} with the key SHA-256(Encrypt Key), and X-Lark-Signature is
 * SHA-256 hex over timestamp + nonce + Encrypt Key + the raw body.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const keyOf = (encryptKey: string) => createHash('sha256').update(encryptKey).digest();

export function feishuEncrypt(encryptKey: string, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function feishuDecrypt(encryptKey: string, encrypt: string): string {
  const buf = Buffer.from(encrypt, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Buffer): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}
