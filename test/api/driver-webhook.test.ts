import http from 'node:http';
import crypto from 'node:crypto';
import { api, complaintBody, eventually, uniqueOrderId } from '../harness/client';
import { driverReportBody, postDriverReport } from './support/driver';
import { inProcessApp, TEST_WEBHOOK_SECRET } from './support/in-process-app';
import { seedStoryBRide } from './support/orders';

async function expectNoCase(orderId: string): Promise<void> {
  expect((await api('GET', `/complaints/complaint-${orderId}`)).status).toBe(404);
}

describe('POST /webhooks/driver-reports (signed driver app reports)', () => {
  test("a driver's report opens the order's complaint by itself (story B2) and the trace settles it", async () => {
    const orderId = uniqueOrderId('DRV');
    await seedStoryBRide(orderId);
    const body = driverReportBody(orderId);
    const res = await postDriverReport(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ complaintId: `complaint-${orderId}`, created: true, level: 1 });
    expect(res.headers.get('location')).toBe(`/complaints/complaint-${orderId}`);
    // The answer is the case, not the customer's promise: it did not wait for the first deadline.
    expect(res.body).not.toHaveProperty('nextDeadline');

    const state = await eventually(async () => {
      const r = await api('GET', `/complaints/complaint-${orderId}`);
      return r.body.status === 'closed' ? r.body : undefined;
    }, 30_000, 'the driver-reported case to close');
    expect(state).toMatchObject({ channel: 'driver_app', category: 'ride_detour', orderKind: 'ride', tier: 'enterprise', outcome: expect.any(String) });
    expect(state.driverReports).toEqual([expect.objectContaining({ reportId: body.reportId, driverId: 'DRV-B-042', admittedFault: true, kind: 'detour' })]);
    expect(state.events[0]).toMatchObject({ actor: 'driver:DRV-B-042', kind: 'received' });
  });

  test('a report on an order with an open complaint joins it: same case, created=false, the report on the case', async () => {
    const orderId = uniqueOrderId('JOIN');
    const opened = await api('POST', '/complaints', { body: complaintBody(orderId, { orderKind: 'ride', category: 'ride_detour' }) });
    expect(opened.status).toBe(201);

    const body = driverReportBody(orderId, { kind: 'fare', admittedFault: false, tier: 'individual' });
    const joined = await postDriverReport(body);
    expect(joined.status).toBe(202);
    expect(joined.body).toMatchObject({ complaintId: opened.body.complaintId, caseRef: opened.body.caseRef, created: false });

    const state = await eventually(async () => {
      const r = await api('GET', `/complaints/complaint-${orderId}`);
      return r.body.driverReports?.some((d: { reportId: string }) => d.reportId === body.reportId) ? r.body : undefined;
    });
    expect(state.channel).toBe('console');
    expect(state.events.some((e: { kind: string; actor: string }) => e.kind === 'intake_joined' && e.actor === 'driver:DRV-B-042')).toBe(true);
  });

  test('a wrong secret, a missing header or a tampered body is a 401 and starts nothing', async () => {
    const orderId = uniqueOrderId('SIG');
    const body = driverReportBody(orderId);
    const wrongSecret = await postDriverReport(body, { secret: 'not-the-driver-webhook-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toMatch(/signature/);
    for (const omit of ['signature', 'timestamp', 'nonce'] as const) {
      expect((await postDriverReport(body, { omit: [omit] })).status).toBe(401);
    }
    const tampered = await postDriverReport({ ...body, text: 'no detour at all' }, { signedBody: JSON.stringify(body) });
    expect(tampered.status).toBe(401);
    await expectNoCase(orderId);
  });

  test('a timestamp outside the 5-minute window is a 401 even when correctly signed', async () => {
    const orderId = uniqueOrderId('OLD');
    const now = Math.floor(Date.now() / 1000);
    expect((await postDriverReport(driverReportBody(orderId), { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await postDriverReport(driverReportBody(orderId), { timestamp: now + 6 * 60 })).status).toBe(401);
    await expectNoCase(orderId);
  });

  test('a nonce already used within the window is refused, even on a new, correctly signed body', async () => {
    const first = uniqueOrderId('NONCE');
    const nonce = `nonce-${crypto.randomUUID()}`;
    const ok = await postDriverReport(driverReportBody(first, { tier: 'individual' }), { nonce });
    expect(ok.status).toBe(202);

    const replay = await postDriverReport(driverReportBody(first, { tier: 'individual' }), { nonce });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatch(/nonce/);

    const second = uniqueOrderId('NONCE');
    expect((await postDriverReport(driverReportBody(second, { tier: 'individual' }), { nonce })).status).toBe(401);
    await expectNoCase(second);
  });

  test('a signed body that is not a valid report is a 400 (or 415 when not JSON) and starts nothing', async () => {
    const orderId = uniqueOrderId('BAD');
    const invalid = await postDriverReport(driverReportBody(orderId, { kind: 'speeding', extra: 1 }));
    expect(invalid.status).toBe(400);
    const paths = invalid.body.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['kind']));
    expect((await postDriverReport('{"reportId": ')).status).toBe(400);
    expect((await postDriverReport('[1,2]')).status).toBe(400);
    expect((await postDriverReport(driverReportBody(orderId), { contentType: 'text/plain' })).status).toBe(415);
    expect((await postDriverReport({ ...driverReportBody(orderId), text: 'x'.repeat(70_000) })).status).toBe(413);
    await expectNoCase(orderId);
  });

  test('the webhook needs no API key, and an API key does not replace the signature', async () => {
    const res = await api('POST', '/webhooks/driver-reports', { body: driverReportBody(uniqueOrderId('KEY')) });
    expect(res.status).toBe(401);
  });

  test('the webhook is rate-limited per address (429 with Retry-After)', async () => {
    const app = inProcessApp({ driverWebhookRatePerMinute: 3 });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await postDriverReport({}, { baseUrl, secret: `${TEST_WEBHOOK_SECRET}-wrong` })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await postDriverReport({}, { baseUrl });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
