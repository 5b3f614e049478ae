import type { OaStatusCallback } from '../../activities/clients/oa';

export interface CallbackOutcome {
  url: string;
  delivered: boolean;
  status: number | null;
  error: string | null;
}

/**
 * Best effort, like the real OA webhooks: one try, short timeout, never throws. The admin
 * caller gets the outcome so a test can tell "not delivered" from "delivered and ignored".
 */
export async function postStatusCallback(url: string, body: OaStatusCallback, timeoutMs = 3_000): Promise<CallbackOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { url, delivered: res.ok, status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    return { url, delivered: false, status: null, error: err instanceof Error ? err.message : String(err) };
  }
}
