/** Test-side access to the stack global setup started: HTTP to the API, a Temporal client, the simulators. */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { harnessFile, type HarnessInfo } from './paths';
import { dataConverter } from '../../codec/data-converter';
import { MACHINE_VERSION } from '../../domain/case/state';

export const harness: HarnessInfo = JSON.parse(fs.readFileSync(harnessFile(), 'utf8'));

export const KEYS = {
  agent: 'dev-agent-key',
  expert: 'dev-expert-key',
  supervisor: 'dev-supervisor-key',
  ops: 'dev-ops-key',
} as const;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(method: string, path: string, opts: { key?: string | null; body?: unknown; raw?: string } = {}): Promise<ApiResponse<T>> {
  // Closed after each request, so jest's workers have no sockets left open at the end of a file.
  const headers: Record<string, string> = { connection: 'close' };
  const key = opts.key === undefined ? KEYS.agent : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${harness.apiUrl}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // non-JSON bodies (HTML pages) stay text
  }
  return { status: res.status, body, headers: res.headers };
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: harness.temporalAddress });
  return { client: new Client({ connection, namespace: harness.namespace, dataConverter: dataConverter({}) }), close: () => connection.close() };
}

const SIMULATOR_KEYS: Record<string, string> = { payment: 'dev-payment-key', sms: 'dev-sms-key', oa: 'dev-oa-key' };

export async function simulator<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${harness.simulatorUrl}${path}`, {
    method,
    headers: { connection: 'close', 'content-type': 'application/json', authorization: `Bearer ${SIMULATOR_KEYS[path.split('/')[1] ?? ''] ?? ''}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` returns a value (not undefined), or fails with the last value seen. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let counter = 0;
export function uniqueOrderId(prefix = 'T'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${counter}`.toUpperCase();
}

export function complaintBody(orderId: string, over: Record<string, unknown> = {}) {
  return {
    orderId,
    customerId: 'CUST-1',
    category: 'service_quality',
    tier: 'individual',
    orderKind: 'other',
    description: '司机态度恶劣 / rude driver',
    customer: { name: '张三', phone: '+8613800138000', language: 'zh' },
    ...over,
  };
}

/**
 * With CAPTURE_HISTORIES=1, saves a finished case's event history for the replay test, which
 * then proves every later workflow change still replays the cases already in production.
 */
export async function captureHistory(complaintId: string, name: string): Promise<void> {
  if (process.env.CAPTURE_HISTORIES !== '1') return;
  const { client, close } = await temporalClient();
  try {
    const history = await client.workflow.getHandle(complaintId).fetchHistory();
    const dir = path.join(__dirname, '..', 'replay', 'histories', `machine-v${MACHINE_VERSION}`);
    fs.mkdirSync(dir, { recursive: true });
    // Binary protobuf: exact, and independent of the JSON mapping of any one protobufjs copy.
    fs.writeFileSync(path.join(dir, `${name}.history.pb`), temporal.api.history.v1.History.encode(history).finish());
  } finally {
    await close();
  }
}

/** Polls the case detail until `pred` holds; returns that state. */
export async function untilState(id: string, pred: (s: any) => boolean, what = 'the expected state', timeoutMs = 30_000): Promise<any> {
  return eventually(async () => {
    const s = (await api('GET', `/complaints/${id}`)).body;
    return pred(s) ? s : undefined;
  }, timeoutMs, `${id}: ${what}`);
}

export const untilClosed = (id: string, timeoutMs = 40_000) => untilState(id, (s) => s.status === 'closed', 'closed', timeoutMs);

/** Opens a complaint through the API and expects a new case. */
export async function openComplaint(over: Record<string, unknown> = {}, orderId = uniqueOrderId()) {
  const res = await api('POST', '/complaints', { body: complaintBody(orderId, over) });
  if (res.status !== 201) throw new Error(`expected 201 opening ${orderId}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return { orderId, id: res.body.complaintId as string, caseRef: res.body.caseRef as string };
}
