import crypto from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, ENCODING } from '../../codec/aes-gcm-codec';
import { codecKeys } from '../../codec/data-converter';

const key = (fill: number) => Buffer.alloc(32, fill);
const phone = '+8613800138000';

describe('AES-GCM payload codec', () => {
  const codec = new AesGcmCodec({ activeKeyId: 'k2', keys: { k1: key(1), k2: key(2) } });

  test('encrypts with the active key id in the metadata, no plaintext left, and decodes back', async () => {
    const payload = defaultPayloadConverter.toPayload({ customer: { name: '张三', phone } })!;
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCODING);
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain(phone);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ customer: { name: '张三', phone } });
  });

  test('two encodings of one value differ (random nonce)', async () => {
    const payload = defaultPayloadConverter.toPayload('same')!;
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  test('payloads written with a retired key still decode after rotation', async () => {
    const old = new AesGcmCodec({ activeKeyId: 'k1', keys: { k1: key(1) } });
    const [encoded] = await old.encode([defaultPayloadConverter.toPayload(42)!]);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toBe(42);
  });

  test('a tampered payload or an unknown key id is refused, never decoded to garbage', async () => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('x')!]);
    const tampered = { ...encoded!, data: Buffer.from(encoded!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    const stranger = new AesGcmCodec({ activeKeyId: 'k9', keys: { k9: key(9) } });
    await expect(stranger.decode([encoded!])).rejects.toThrow(/no payload key with id "k2"/);
  });

  test('plain payloads pass through decode (histories from before encryption stay readable)', async () => {
    const plain = defaultPayloadConverter.toPayload({ a: 1 })!;
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  test('keys come from configuration and must be 32 bytes', () => {
    const k = crypto.randomBytes(32).toString('base64');
    expect(codecKeys({ PAYLOAD_KEYS: JSON.stringify({ a: k }), PAYLOAD_KEY_ID: 'a' }).activeKeyId).toBe('a');
    expect(() => new AesGcmCodec({ activeKeyId: 'a', keys: { a: Buffer.alloc(16) } })).toThrow(/32 bytes/);
  });
});
