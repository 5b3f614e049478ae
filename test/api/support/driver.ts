/** Signed driver-app webhook calls against the running API. */
import crypto from 'node:crypto';
import { readEnv } from '../../../config/env';
import { signDriverReport } from '../../../api/webhook-signature';
import { harness, type ApiResponse } from '../../harness/client';

/** Global setup builds its env from the same process env, so the API and the tests share this secret. */
export const WEBHOOK_SECRET = readEnv().DRIVER_WEBHOOK_SECRET;

export function driverReportBody(orderId: string, over: Record<string, unknown> = {}) {
  return {
    reportId: `R-${crypto.randomUUID().slice(0, 8)}`,
    orderId,
    driverId: 'DRV-B-042',
    kind: 'detour',
    admittedFault: true,
    text: '我绕路了，愿意退差价 / I took a detour',
    reportedAt: new Date().toISOString(),
    passenger: { customerId: 'CUST-B-001', name: '刘洋', phone: '+8613900139000', language: 'zh' },
    tier: 'enterprise',
    ...over,
  };
}

export interface SignOptions {
  secret?: string;
  timestamp?: number;
  nonce?: string;
  /** Sign these bytes but send the body: a tampered request. */
  signedBody?: string;
  contentType?: string;
  omit?: Array<'signature' | 'timestamp' | 'nonce'>;
}

export function signedHeaders(raw: string, opts: SignOptions = {}): Record<string, string> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = opts.nonce ?? crypto.randomUUID();
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json',
    'x-signature': signDriverReport(opts.secret ?? WEBHOOK_SECRET, opts.signedBody ?? raw, timestamp, nonce),
    'x-timestamp': String(timestamp),
    'x-nonce': nonce,
  };
  for (const h of opts.omit ?? []) delete headers[`x-${h}`];
  return headers;
}

export async function postDriverReport<T = any>(body: unknown, opts: SignOptions & { baseUrl?: string } = {}): Promise<ApiResponse<T>> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${opts.baseUrl ?? harness.apiUrl}/webhooks/driver-reports`, { method: 'POST', headers: signedHeaders(raw, opts), body: raw });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
