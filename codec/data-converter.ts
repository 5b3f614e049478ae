import type { DataConverter } from '@temporalio/common';
import type { Env } from '../config/env';
import { AesGcmCodec, type CodecKeys } from './aes-gcm-codec';

/** Development key, documented in the README; production sets PAYLOAD_KEYS and PAYLOAD_KEY_ID. */
export const DEV_KEY_ID = 'dev-2026';
export const DEV_KEY = Buffer.from('ZGV2LW9ubHktcGF5bG9hZC1rZXktMzItYnl0ZXMhISE=', 'base64');

export function codecKeys(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>): CodecKeys {
  if (!env.PAYLOAD_KEYS) return { activeKeyId: DEV_KEY_ID, keys: { [DEV_KEY_ID]: DEV_KEY } };
  const raw = JSON.parse(env.PAYLOAD_KEYS) as Record<string, string>;
  const keys = Object.fromEntries(Object.entries(raw).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
  return { activeKeyId: env.PAYLOAD_KEY_ID ?? Object.keys(keys)[0]!, keys };
}

export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function payloadCodec(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>): AesGcmCodec {
  return new AesGcmCodec(codecKeys(env));
}

/** The same converter for the worker, the API's client and every test client. */
export function dataConverter(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>): DataConverter {
  return { payloadCodecs: [payloadCodec(env)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
