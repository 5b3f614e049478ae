/**
 * The worker is away (nothing polls the task queue): intake still answers within its bound, with
 * the case id and status "opening", and the case exists. Never a 500 for a case that was started.
 */
import { complaintBody, uniqueOrderId } from '../harness/client';
import { driverReportBody, postDriverReport } from './support/driver';
import { TEST_WEBHOOK_SECRET } from './support/in-process-app';
import { unpolledApi, type UnpolledApi } from './support/unpolled-api';

const BOUND_MS = 1_500;
let stack: UnpolledApi;
const started: string[] = [];

beforeAll(async () => {
  stack = await unpolledApi({ intakeAnswerMs: BOUND_MS });
});

afterAll(async () => {
  for (const id of started) await stack.client.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined);
  await stack.close();
});

async function expectRunningOnQueue(complaintId: string): Promise<void> {
  const description = await stack.client.workflow.getHandle(complaintId).describe();
  expect(description.status.name).toBe('RUNNING');
  expect(description.taskQueue).toBe(stack.taskQueue);
}

test('POST /complaints answers 202 {complaintId, status: opening} within the bound, and the case is started', async () => {
  const orderId = uniqueOrderId('AWAY');
  const t0 = Date.now();
  const res = await fetch(`${stack.baseUrl}/complaints`, {
    method: 'POST',
    headers: { authorization: 'Bearer dev-agent-key', 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify(complaintBody(orderId)),
  });
  const elapsed = Date.now() - t0;
  const body = (await res.json()) as { complaintId: string };
  started.push(`complaint-${orderId}`);
  expect(res.status).toBe(202);
  expect(body).toEqual({ complaintId: `complaint-${orderId}`, status: 'opening' });
  expect(res.headers.get('location')).toBe(`/complaints/complaint-${orderId}`);
  expect(elapsed).toBeGreaterThanOrEqual(BOUND_MS - 50);
  expect(elapsed).toBeLessThan(BOUND_MS + 1_500);
  await expectRunningOnQueue(body.complaintId);

  // A second intake on the same order joins the same started case, also within the bound.
  const again = await fetch(`${stack.baseUrl}/complaints`, {
    method: 'POST',
    headers: { authorization: 'Bearer dev-agent-key', 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify(complaintBody(orderId)),
  });
  expect(again.status).toBe(202);
  expect(((await again.json()) as { complaintId: string }).complaintId).toBe(`complaint-${orderId}`);
});

test('the driver webhook answers 202 opening within the bound when the worker is away', async () => {
  const orderId = uniqueOrderId('AWAYD');
  const t0 = Date.now();
  const res = await postDriverReport(driverReportBody(orderId), { baseUrl: stack.baseUrl, secret: TEST_WEBHOOK_SECRET });
  started.push(`complaint-${orderId}`);
  expect(Date.now() - t0).toBeLessThan(BOUND_MS + 1_500);
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ complaintId: `complaint-${orderId}`, status: 'opening' });
  await expectRunningOnQueue(res.body.complaintId);
});
