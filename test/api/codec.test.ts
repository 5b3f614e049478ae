/** The remote codec endpoint the Temporal Web UI calls, with its own authorization. */
import type { Server } from 'node:http';
import { defaultPayloadConverter } from '@temporalio/common';
import { inProcessApp } from './support/in-process-app';

const PROD_KEYS = {
  'prod-ops-key-0001': { id: 'ops-1', role: 'ops' as const, name: 'ops' },
  'prod-agent-key-001': { id: 'agent-1', role: 'agent' as const, name: 'agent' },
};

let server: Server;
let base = '';

beforeAll(async () => {
  const app = inProcessApp({ apiKeys: PROD_KEYS, developmentKeys: false, temporalUiUrl: 'http://ui.test:8233' });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const plain = defaultPayloadConverter.toPayload({ phone: '+8613800138000' })!;
const asJson = (p: typeof plain) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
  data: Buffer.from(p.data!).toString('base64'),
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any, headers: res.headers };
}

test('ops encode and decode round-trip; the encoded form hides the data', async () => {
  const auth = { authorization: 'Bearer prod-ops-key-0001' };
  const encoded = await post('/codec/encode', { payloads: [asJson(plain)] }, auth);
  expect(encoded.status).toBe(200);
  expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString('latin1')).not.toContain('13800138000');
  const decoded = await post('/codec/decode', encoded.body, auth);
  expect(decoded.status).toBe(200);
  expect(decoded.body.payloads[0]).toEqual(asJson(plain));
});

test('without credentials 401, an agent 403, garbage 400 or 422 — never 500', async () => {
  expect((await post('/codec/decode', { payloads: [] })).status).toBe(401);
  expect((await post('/codec/decode', { payloads: [] }, { authorization: 'Bearer prod-agent-key-001' })).status).toBe(403);
  const auth = { authorization: 'Bearer prod-ops-key-0001' };
  expect((await post('/codec/decode', { payloads: 'x' }, auth)).status).toBe(400);
  const forged = { payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('dev-2026').toString('base64') }, data: 'AAAA' }] };
  expect((await post('/codec/decode', forged, auth)).status).toBe(422);
});

test('the console session cookie authorizes the Web UI, cross-origin from the UI origin only', async () => {
  const session = await post('/codec/session', {}, { authorization: 'Bearer prod-ops-key-0001' });
  expect(session.status).toBe(204);
  const cookie = session.headers.get('set-cookie')!;
  expect(cookie).toMatch(/codec_session=.*HttpOnly/);
  const res = await post('/codec/encode', { payloads: [asJson(plain)] }, { cookie: cookie.split(';')[0]!, origin: 'http://ui.test:8233' });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe('http://ui.test:8233');
  expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  const tampered = cookie.split(';')[0]!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  expect((await post('/codec/encode', { payloads: [] }, { cookie: tampered })).status).toBe(401);
  const other = await post('/codec/encode', { payloads: [] }, { cookie: cookie.split(';')[0]!, origin: 'http://evil.test' });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
  expect((await post('/codec/session', {}, { authorization: 'Bearer prod-agent-key-001' })).status).toBe(403);
});

test('preflight from the UI is answered without credentials', async () => {
  const res = await fetch(`${base}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://ui.test:8233', 'access-control-request-method': 'POST', connection: 'close' } });
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-headers')).toContain('x-namespace');
});

/** Another replica of the API, sharing (or not) the session secret, with keys as they are now. */
async function replica(keys: Record<string, { id: string; role: 'ops' | 'agent' | 'supervisor'; name: string }>, over: { sessionSecret?: string; driverWebhookSecret?: string } = {}) {
  const app = inProcessApp({ apiKeys: keys, developmentKeys: false, temporalUiUrl: 'http://ui.test:8233', ...over });
  const s: Server = await new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  const url = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  const encode = async (cookie: string) =>
    (await fetch(`${url}/codec/encode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, connection: 'close' }, body: JSON.stringify({ payloads: [] }) })).status;
  return { encode, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

test('the session cookie is checked at every use: a user whose key is gone, or who is no longer ops, is refused', async () => {
  const session = await post('/codec/session', {}, { authorization: 'Bearer prod-ops-key-0001' });
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const same = await replica(PROD_KEYS);
  const removed = await replica({ 'prod-agent-key-001': PROD_KEYS['prod-agent-key-001'] });
  const demoted = await replica({ 'prod-ops-key-0002': { id: 'ops-1', role: 'agent', name: 'ops, now an agent' } });
  try {
    expect(await same.encode(cookie)).toBe(200);
    expect(await removed.encode(cookie)).toBe(401);
    expect(await demoted.encode(cookie)).toBe(401);
  } finally {
    await Promise.all([same.close(), removed.close(), demoted.close()]);
  }
});

test('the cookie is keyed by SESSION_SECRET: a replica with the same webhook secret but another session secret refuses it', async () => {
  const session = await post('/codec/session', {}, { authorization: 'Bearer prod-ops-key-0001' });
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const otherSession = await replica(PROD_KEYS, { sessionSecret: 'another-session-secret-0001' });
  try {
    expect(await otherSession.encode(cookie)).toBe(401);
  } finally {
    await otherSession.close();
  }
});
