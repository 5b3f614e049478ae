/** The webhook limits each driver (after the signature holds) and each address, and believes X-Forwarded-For only as TRUST_PROXY says. */
import http from 'node:http';
import { uniqueOrderId } from '../harness/client';
import { driverReportBody, postDriverReport } from './support/driver';
import { inProcessApp, TEST_WEBHOOK_SECRET } from './support/in-process-app';
import { unpolledApi } from './support/unpolled-api';

test('a driver over the per-driver limit gets 429 with Retry-After; another driver behind the same address does not', async () => {
  const stack = await unpolledApi({ intakeAnswerMs: 200, driverRatePerMinute: 2 });
  const ids: string[] = [];
  try {
    const send = async (driverId: string) => {
      const orderId = uniqueOrderId('RATE');
      ids.push(`complaint-${orderId}`);
      return postDriverReport(driverReportBody(orderId, { driverId }), { baseUrl: stack.baseUrl, secret: TEST_WEBHOOK_SECRET });
    };
    const statuses = [(await send('DRV-A')).status, (await send('DRV-A')).status];
    const third = await send('DRV-A');
    expect(statuses).toEqual([202, 202]);
    expect(third.status).toBe(429);
    expect(third.body.error).toContain('DRV-A');
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await send('DRV-B')).status).toBe(202);
  } finally {
    for (const id of ids) await stack.client.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined);
    await stack.close();
  }
});

async function statusesFrom(trustProxy: boolean, forwardedFor: string[]): Promise<number[]> {
  const server = http.createServer(inProcessApp({ driverWebhookRatePerMinute: 1, trustProxy }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const out: number[] = [];
    for (const xff of forwardedFor) {
      const res = await fetch(`${baseUrl}/webhooks/driver-reports`, { method: 'POST', headers: { 'x-forwarded-for': xff, 'content-type': 'application/json', connection: 'close' }, body: '{}' });
      out.push(res.status);
    }
    return out;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('behind a trusted proxy each client address has its own bucket; untrusted, X-Forwarded-For is ignored', async () => {
  // 401: unsigned, but counted; 429: that address's bucket is spent.
  expect(await statusesFrom(true, ['10.0.0.1', '10.0.0.2', '10.0.0.1'])).toEqual([401, 401, 429]);
  expect(await statusesFrom(false, ['10.0.0.1', '10.0.0.2'])).toEqual([401, 429]);
});

test('with its shared store unreachable the webhook refuses with 503 and Retry-After, never a 500', async () => {
  const { RedisStores } = await import('../../api/webhook-stores');
  // Never connected (port 1): every store call fails at once.
  const stores = new RedisStores('redis://127.0.0.1:1');
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const server = http.createServer(inProcessApp({ webhookStores: stores }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await postDriverReport(driverReportBody(uniqueOrderId('NOREDIS')), { baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, secret: TEST_WEBHOOK_SECRET });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  } finally {
    errors.mockRestore();
    await new Promise((resolve) => server.close(resolve));
    await stores.close();
  }
});
