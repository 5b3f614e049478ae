/**
 * The one HTTP helper shared by the payment, SMS and OA clients.
 *
 * Activities decide retry vs. give-up from `HttpError.retryable`, so the classification
 * lives here, in one place: a 5xx, a timeout or a dropped connection may succeed on the
 * next try (and may even have executed already, which is why every mutating call carries
 * an idempotency key); a 4xx will fail the same way again.
 */

export interface ClientConfig {
  /** Service root, e.g. http://127.0.0.1:4100/payment (no trailing slash needed). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; empty string sends no header. */
  apiKey: string;
  /** Per-request deadline; default 10 s. */
  timeoutMs?: number;
}

/** Optional per-call knobs; pass an activity's cancellation signal so a cancelled activity stops waiting. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type HttpErrorKind = 'http' | 'timeout' | 'network' | 'cancelled';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    /** HTTP status, or 0 when no response arrived (timeout, network, cancelled). */
    readonly status: number,
    /** Parsed JSON body when there was one, else the raw text, else null. */
    readonly body: unknown,
    readonly retryable: boolean,
    readonly kind: HttpErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function isHttpError(err: unknown): err is HttpError {
  return err instanceof HttpError;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * 408 and 429 are 4xx but transient by definition (the server asks us to come back),
 * so they are the only 4xx treated as retryable.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Statuses that resolve to `null` instead of throwing (e.g. 404 for "no such refund"). */
  nullOn?: number[];
}

export function joinUrl(baseUrl: string, path: string, query?: RequestSpec['query']): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}

export async function requestJson<T>(config: ClientConfig, spec: RequestSpec, call: CallOptions = {}): Promise<T | null> {
  const url = joinUrl(config.baseUrl, spec.path, spec.query);
  const timeoutMs = call.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  const what = `${spec.method} ${url}`;

  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal,
    });
    // The body is read under the same signal: a server that sends headers and then stalls still times out.
    text = await res.text();
  } catch (err) {
    if (timeout.aborted) {
      throw new HttpError(0, null, true, 'timeout', `${what}: no response within ${timeoutMs} ms`);
    }
    if (call.signal?.aborted) {
      // Cancelled by the caller: retrying makes no sense, and the caller knows why.
      throw new HttpError(0, null, false, 'cancelled', `${what}: cancelled by caller`);
    }
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new HttpError(0, null, true, 'network', `${what}: ${reason}`);
  }

  const body = parseBody(text);
  if (res.ok) return body as T;
  if (spec.nullOn?.includes(res.status)) return null;
  const detail = typeof body === 'object' && body !== null && 'message' in body ? `: ${String(body.message)}` : '';
  throw new HttpError(res.status, body, isRetryableStatus(res.status), 'http', `${what} -> ${res.status}${detail}`);
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Same as requestJson, for endpoints that never answer null. */
export async function requestJsonStrict<T>(config: ClientConfig, spec: Omit<RequestSpec, 'nullOn'>, call?: CallOptions): Promise<T> {
  return (await requestJson<T>(config, spec, call)) as T;
}
