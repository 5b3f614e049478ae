/** With NODE_ENV=production the worker and the API refuse to start on any development key or secret, naming each. */
import crypto from 'node:crypto';
import { readEnv } from '../../config/env';
import { productionProblems } from '../../config/production';
import { runProcess } from './spawn';

/** Port 1 on loopback: if a process got past its checks it would fail to connect, not hang on a real server. */
const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:1', API_PORT: '0' };

const secret = () => crypto.randomBytes(24).toString('base64url');
const key = () => crypto.randomBytes(32).toString('base64');

function productionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    API_KEYS: JSON.stringify({ [secret()]: { id: 'agent-1', role: 'agent', name: 'Agent' } }),
    PAYLOAD_KEYS: JSON.stringify({ 'k-2026': key() }),
    PAYLOAD_KEY_ID: 'k-2026',
    DRIVER_WEBHOOK_SECRET: secret(),
    SESSION_SECRET: secret(),
    PAGE_TOKEN_SECRET: secret(),
    PHONE_HASH_SECRET: secret(),
    PAYMENT_API_KEY: secret(),
    SMS_API_KEY: secret(),
    OA_API_KEY: secret(),
  };
}

test('the API refuses to start on the development defaults and names every one', async () => {
  const exit = await runProcess('api/server.ts', { NODE_ENV: 'production', ...NOWHERE });
  expect(exit.code).toBe(1);
  for (const name of ['API_KEYS', 'PAYLOAD_KEYS', 'DRIVER_WEBHOOK_SECRET', 'SESSION_SECRET', 'PAGE_TOKEN_SECRET', 'PHONE_HASH_SECRET']) expect(exit.stderr).toContain(name);
  expect(exit.stderr).not.toContain('listening');
});

test('the worker refuses to start on the development defaults and names every one', async () => {
  const exit = await runProcess('worker.ts', { NODE_ENV: 'production', ...NOWHERE });
  expect(exit.code).toBe(1);
  for (const name of ['PAYLOAD_KEYS', 'PAYMENT_API_KEY', 'SMS_API_KEY', 'OA_API_KEY']) expect(exit.stderr).toContain(name);
  expect(exit.stderr).not.toContain('polling');
});

test('with production secrets the checks pass and the process goes on to connect (and fails there, on port 1)', async () => {
  const exit = await runProcess('api/server.ts', { ...productionEnv(), ...NOWHERE });
  expect(exit.code).toBe(1);
  expect(exit.stderr).not.toContain('refusing to start');
});

describe('productionProblems', () => {
  const env = (over: Record<string, string>) => readEnv({ ...productionEnv(), ...over });

  test('none with production secrets; none at all outside production', () => {
    expect(productionProblems(env({}), 'api')).toEqual([]);
    expect(productionProblems(env({}), 'worker')).toEqual([]);
    expect(productionProblems(readEnv({}), 'api')).toEqual([]);
  });

  test.each([
    ['API_KEYS containing a development key', { API_KEYS: JSON.stringify({ 'dev-agent-key': { id: 'a', role: 'agent' } }) }, 'api', /API_KEYS contains the development key\(s\) dev-agent-key/],
    ['PAYLOAD_KEYS containing the development key', { PAYLOAD_KEYS: JSON.stringify({ 'k-2026': key(), old: 'ZGV2LW9ubHktcGF5bG9hZC1rZXktMzItYnl0ZXMhISE=' }) }, 'worker', /PAYLOAD_KEYS contains the development key \(key id old\)/],
    ['the development webhook secret', { DRIVER_WEBHOOK_SECRET: 'dev-driver-webhook-secret' }, 'api', /DRIVER_WEBHOOK_SECRET is the development default/],
    ['the development payment key', { PAYMENT_API_KEY: 'dev-payment-key' }, 'worker', /PAYMENT_API_KEY is the development default/],
    ['the development phone-hash secret', { PHONE_HASH_SECRET: 'dev-phone-hash-secret' }, 'api', /PHONE_HASH_SECRET is the development default/],
    ['the phone hash keyed like the page tokens', { PHONE_HASH_SECRET: 'the-same-secret-everywhere', PAGE_TOKEN_SECRET: 'the-same-secret-everywhere' }, 'api', /PHONE_HASH_SECRET equals PAGE_TOKEN_SECRET/],
    ['one secret for two purposes', { SESSION_SECRET: 'the-same-secret-everywhere', DRIVER_WEBHOOK_SECRET: 'the-same-secret-everywhere' }, 'api', /SESSION_SECRET equals DRIVER_WEBHOOK_SECRET/],
  ] as const)('%s is named', (_what, over, kind, message) => {
    expect(productionProblems(env(over), kind)).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    ['Alipay without its merchant keys', { PAYMENT_RAIL: 'alipay' }, [/ALIPAY_APP_ID is unset/, /ALIPAY_PRIVATE_KEY is unset/, /ALIPAY_PUBLIC_KEY is unset/]],
    ['Aliyun SMS on the simulator credentials', { SMS_RAIL: 'aliyun' }, [/ALIYUN_ACCESS_KEY_ID is the development default/, /ALIYUN_ACCESS_KEY_SECRET is the development default/]],
    ['Feishu on the simulator credentials', { OA_RAIL: 'feishu' }, [/FEISHU_APP_ID is the development default/, /FEISHU_APP_SECRET/, /FEISHU_VERIFICATION_TOKEN/, /FEISHU_ENCRYPT_KEY/]],
  ] as const)('a rail in use: %s is named', (_what, over, messages) => {
    expect(productionProblems(env(over), 'worker')).toEqual(messages.map((m) => expect.stringMatching(m)));
  });

  test('a rail in use with its own credentials passes', () => {
    expect(productionProblems(env({ SMS_RAIL: 'tencent', TENCENT_SECRET_ID: 'AKIDreal', TENCENT_SECRET_KEY: 'real-secret-key-value' }), 'worker')).toEqual([]);
  });
});
