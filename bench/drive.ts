/**
 * What the load generator does to one case, for each path:
 *  - complaint: seed a story-B order in the simulator, POST a signed driver report (admitted
 *    fault) to the public API; afterwards the apology's delivery time comes from the SMS
 *    simulator's outbox and the close time from Temporal's visibility;
 *  - baseline: update-with-start the baseline workflow (as the API starts a complaint);
 *    afterwards the moment its stand-in for the apology ran comes from the in-process probe
 *    and the close time from visibility;
 *  - floor: seed the same order, start the floor workflow; the moment its apology SMS was
 *    answered comes from the in-process probe, the close time from visibility.
 * Nothing waits on a workflow result while a step runs, so the measurement adds no long polls
 * to the server it measures.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { signDriverReport, SIGNATURE_HEADERS } from '../api/webhook-signature';
import { storyBRideOrder } from '../simulators/fixtures';
import { SA, complaintWorkflowId, type CaseView as ComplaintState } from '../workflows/definitions';
import { baselineIntakeUpdate, type BaselineResult, type BaselineShape } from './baseline-workflow';
import type { FloorResult } from './floor-workflow';
import { BENCH_TASK_QUEUE, DRIVER_SECRET } from './stack';

const SMS_KEY = process.env.SMS_API_KEY ?? 'dev-sms-key';

export interface CaseTiming {
  id: string;
  workflowId?: string;
  /** The complaint's case reference (from the API's answer): keys its apology's outId. */
  caseRef?: string;
  /** Date.now() just before the request was sent. */
  sentAt: number;
  /** The API's (or the update-with-start's) answer. */
  acceptedAt?: number;
  /** The apology's delivery (SMS simulator's deliveredAt; baseline: its stand-in ran). */
  apologyAt?: number;
  /** The workflow's close time (Temporal visibility). */
  closedAt?: number;
  error?: string;
}

async function httpJson(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body };
}

export async function seedStoryB(simUrl: string, orderId: string): Promise<void> {
  const seed = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 60 * 60_000) });
  const res = await httpJson(`${simUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
  if (res.status >= 300) throw new Error(`seeding ${orderId}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Reports come from many drivers: the API also limits each driver id (60 reports a minute by default). */
const DRIVERS = 1_000;
let nextDriver = 0;

/** `customerId` tags the cases of one step, so visibility can list exactly them. */
export function driverReportBody(orderId: string, reportId: string, customerId: string): string {
  return JSON.stringify({
    reportId,
    orderId,
    driverId: `DRV-${nextDriver++ % DRIVERS}`,
    kind: 'detour',
    admittedFault: true,
    text: '我绕路了，多收了乘客的车费，我承认',
    reportedAt: new Date().toISOString(),
    passenger: { customerId, name: '李四', phone: '+8613900000000', language: 'zh' },
    tier: 'enterprise',
  });
}

/**
 * Driver apps report from many addresses, and the API limits each address to 600 requests a
 * minute (api/app.ts). The load generator does the same from loopback: on Linux all of
 * 127.0.0.0/8 is the local host, so each request leaves from one of DRIVER_SOURCES source
 * addresses 127.0.1.x (the destination is always the API on 127.0.0.1). 32 addresses keep
 * every one of them far below the limit up to ~60 reports/s.
 */
export const DRIVER_SOURCES = 32;
// One connection per report, as separate apps would open (keep-alive races the server's idle timeout).
const driverAgents = Array.from({ length: DRIVER_SOURCES }, () => new http.Agent({ keepAlive: false, maxSockets: 64 }));
let nextSource = 0;

function postFrom(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: any }> {
  const i = nextSource++ % DRIVER_SOURCES;
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        localAddress: `127.0.1.${i + 1}`,
        agent: driverAgents[i],
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs the signed report; resolves when the API answered (202) with the case. */
export async function sendDriverReport(apiUrl: string, orderId: string, customerId: string, timing: CaseTiming): Promise<void> {
  try {
    const body = driverReportBody(orderId, `R-${orderId}`.slice(0, 40), customerId);
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = crypto.randomBytes(12).toString('hex');
    timing.sentAt = Date.now();
    const res = await postFrom(
      `${apiUrl}/webhooks/driver-reports`,
      {
        'content-type': 'application/json',
        [SIGNATURE_HEADERS.signature]: signDriverReport(DRIVER_SECRET, body, timestamp, nonce),
        [SIGNATURE_HEADERS.timestamp]: String(timestamp),
        [SIGNATURE_HEADERS.nonce]: nonce,
      },
      body,
    );
    timing.acceptedAt = Date.now();
    if (res.status !== 202) throw new Error(`driver report ${orderId}: ${res.status} ${JSON.stringify(res.body)}`);
    timing.workflowId = res.body.complaintId as string;
    timing.caseRef = res.body.caseRef as string;
  } catch (err) {
    timing.error = err instanceof Error ? err.message : String(err);
  }
}

export function baselineWorkflowId(key: string): string {
  return `baseline-${key}`;
}

/** Starts the baseline exactly as the API starts a complaint: update-with-start, USE_EXISTING, the same search attributes. */
export async function startBaselineCase(client: Client, key: string, customerId: string, shape: BaselineShape, timing: CaseTiming): Promise<void> {
  const workflowId = baselineWorkflowId(key);
  timing.workflowId = workflowId;
  try {
    const intakeId = crypto.randomUUID();
    const startWorkflowOperation = new WithStartWorkflowOperation('baselineWorkflow', {
      workflowId,
      taskQueue: BENCH_TASK_QUEUE,
      args: [shape],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SA.status, value: 'received' },
        { key: SA.level, value: 1 },
        { key: SA.orderId, value: key },
        { key: SA.customerId, value: customerId },
        { key: SA.category, value: 'ride_detour' },
        { key: SA.tier, value: 'enterprise' },
        { key: SA.breached, value: false },
      ]),
    });
    timing.sentAt = Date.now();
    await client.workflow.executeUpdateWithStart(baselineIntakeUpdate, { args: [{ intakeId }], startWorkflowOperation });
    timing.acceptedAt = Date.now();
  } catch (err) {
    timing.error = err instanceof Error ? err.message : String(err);
  }
}

/** Closed workflows tagged with `customerId`, by workflow id: close time (ms) and status. */
export function floorWorkflowId(key: string): string {
  return `floor-${key}`;
}

/**
 * Starts the floor for the seeded order `key`: a plain start (the smallest way in), with only the
 * CustomerId search attribute the load generator lists a round by.
 */
export async function startFloorCase(client: Client, key: string, customerId: string, timing: CaseTiming): Promise<void> {
  const workflowId = floorWorkflowId(key);
  timing.workflowId = workflowId;
  try {
    timing.sentAt = Date.now();
    await client.workflow.start('floorWorkflow', {
      workflowId,
      taskQueue: BENCH_TASK_QUEUE,
      args: [key],
      typedSearchAttributes: new TypedSearchAttributes([{ key: SA.customerId, value: customerId }]),
    });
    timing.acceptedAt = Date.now();
  } catch (err) {
    timing.error = err instanceof Error ? err.message : String(err);
  }
}

export async function runFloorToEnd(client: Client, key: string, customerId: string): Promise<FloorResult> {
  const timing: CaseTiming = { id: key, sentAt: 0 };
  await startFloorCase(client, key, customerId, timing);
  if (timing.error) throw new Error(timing.error);
  return (await client.workflow.getHandle(timing.workflowId!).result()) as FloorResult;
}

export async function closedByCustomer(client: Client, customerId: string): Promise<Map<string, { closedAt: number; status: string }>> {
  const out = new Map<string, { closedAt: number; status: string }>();
  for await (const wf of client.workflow.list({ query: `CustomerId = '${customerId}' AND ExecutionStatus != 'Running'`, pageSize: 1000 })) {
    if (wf.closeTime) out.set(wf.workflowId, { closedAt: wf.closeTime.getTime(), status: wf.status.name });
  }
  return out;
}

export async function countClosed(client: Client, customerId: string): Promise<number> {
  return (await client.workflow.count(`CustomerId = '${customerId}' AND ExecutionStatus != 'Running'`)).count;
}

/** Delivery time of every delivered message in the SMS simulator's outbox, by outId. */
export async function deliveredByOutId(simUrl: string): Promise<Map<string, number>> {
  const res = await httpJson(`${simUrl}/sms/outbox`, { headers: { authorization: `Bearer ${SMS_KEY}` }, timeoutMs: 60_000 });
  const out = new Map<string, number>();
  for (const m of (res.body?.messages ?? []) as Array<{ outId: string; status: string; deliveredAt: string | null }>) {
    if (m.status === 'DELIVERED' && m.deliveredAt && !out.has(m.outId)) out.set(m.outId, Date.parse(m.deliveredAt));
  }
  return out;
}

/** The outId the complaint workflow gives its first apology on the first channel (see sendNotice in workflows/complaint.ts). */
export function apologyOutId(caseRef: string): string {
  return `${caseRef}:apology:sms`;
}

/** One complaint, start to finish, waiting for its result: for the probe that counts a real history. */
export async function runComplaintToEnd(client: Client, apiUrl: string, simUrl: string, orderId: string, customerId: string): Promise<ComplaintState> {
  const timing: CaseTiming = { id: orderId, sentAt: 0 };
  await sendDriverReport(apiUrl, orderId, customerId, timing);
  if (timing.error) throw new Error(timing.error);
  const state = (await client.workflow.getHandle(timing.workflowId!).result()) as ComplaintState;
  if (!state.apologyDelivered) throw new Error(`${timing.workflowId} closed without a delivered apology`);
  return state;
}

export async function runBaselineToEnd(client: Client, key: string, customerId: string, shape: BaselineShape): Promise<BaselineResult> {
  const timing: CaseTiming = { id: key, sentAt: 0 };
  await startBaselineCase(client, key, customerId, shape, timing);
  if (timing.error) throw new Error(timing.error);
  const result = (await client.workflow.getHandle(timing.workflowId!).result()) as BaselineResult;
  if (result.activities !== shape.activities) throw new Error(`${timing.workflowId} ran ${result.activities} activities, expected ${shape.activities}`);
  return result;
}

export { complaintWorkflowId };
