/** The contract is exact: 405 with Allow for a method a path lacks, keys that only a Map can hold, every client mistake a 4xx. */
import http from 'node:http';
import { api, openComplaint, temporalClient, untilState } from '../harness/client';
import { inProcessApp } from './support/in-process-app';

let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer(inProcessApp());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${base}${path}`, { method, headers: { connection: 'close', ...headers }, body });
  const text = await res.text();
  return { status: res.status, allow: res.headers.get('allow'), text };
}

test.each([
  ['PUT', '/complaints', 'GET, HEAD, POST'],
  ['DELETE', '/complaints/complaint-X1', 'GET, HEAD'],
  ['PATCH', '/complaints/complaint-X1/history', 'GET, HEAD'],
  ['GET', '/complaints/complaint-X1/actions/escalate', 'POST'],
  ['GET', '/webhooks/driver-reports', 'POST'],
  ['DELETE', '/healthz', 'GET, HEAD'],
  ['PUT', '/codec/decode', 'POST'],
])('%s %s is a 405 with Allow: %s, with or without a key', async (method, path, allow) => {
  for (const headers of [{}, { authorization: 'Bearer dev-agent-key' }] as Array<Record<string, string>>) {
    const res = await send(method, path, headers);
    expect([res.status, res.allow]).toEqual([405, allow]);
  }
});

test('unknown paths stay 404 (after authentication), known ones answer their own methods', async () => {
  expect((await send('GET', '/complaints/complaint-X1/actions/refund-everything', { authorization: 'Bearer dev-agent-key' })).status).toBe(404);
  expect((await send('GET', '/healthz')).status).toBe(200);
});

test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('Bearer %s is a 401, as is the X-API-Key header', async (key) => {
  expect((await send('GET', '/me', { authorization: `Bearer ${key}` })).status).toBe(401);
  expect((await send('GET', '/me', { 'x-api-key': key })).status).toBe(401);
  expect((await send('GET', '/complaints', { authorization: `Bearer ${key}` })).status).toBe(401);
});

test('POST /codec/session without its body is a 400; with {} it sets the cookie', async () => {
  const ops = { authorization: 'Bearer dev-ops-key' };
  expect((await send('POST', '/codec/session', ops)).status).toBe(400);
  expect((await send('POST', '/codec/session', { ...ops, 'content-type': 'application/json' }, '{}')).status).toBe(204);
});

test('actions with fields need their body; actions without fields take an absent body as {}', async () => {
  const agent = { authorization: 'Bearer dev-agent-key' };
  expect((await api('POST', '/complaints/complaint-NOSUCH1/actions/escalate')).status).toBe(400);
  // Past validation, the missing case is the only problem: this app's Temporal is unreachable, so 503.
  expect([404, 503]).toContain((await send('POST', '/complaints/complaint-NOSUCH1/actions/claim', agent)).status);
});

test('a signal to a case that closed after its state was read is a 409, not a 500', async () => {
  const { id } = await openComplaint();
  await untilState(id, (s) => s.status === 'investigating');
  expect((await api('POST', `/complaints/${id}/actions/request-info`, { body: { question: 'which card?' } })).status).toBe(200);
  const { client, close } = await temporalClient();
  try {
    // Terminated while waiting for the customer: its last state still says awaiting_customer.
    await client.workflow.getHandle(id).terminate('closed between the check and the signal');
  } finally {
    await close();
  }
  const reply = await api('POST', `/complaints/${id}/customer-reply`, { body: { text: 'the Visa one' } });
  expect(reply.status).toBe(409);
  expect(reply.body).toMatchObject({ type: 'InvalidState', error: expect.stringContaining('closed') });
});
