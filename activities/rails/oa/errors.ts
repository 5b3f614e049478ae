import { HttpError } from '../../clients/http';

/**
 * The OA SDKs' errors as the HttpError the activities already classify: a status when the rail
 * answered, none (timeout, network) when it did not, so retry-or-refuse stays in one place.
 */
export function asHttpError(rail: string, err: unknown): HttpError {
  const e = err as { statusCode?: number; response?: { status?: number; data?: unknown }; code?: string; message?: string; data?: unknown };
  const status = e?.statusCode ?? e?.response?.status;
  const message = `${rail}: ${e?.message ?? String(err)}`;
  if (typeof status !== 'number') return new HttpError(0, null, true, e?.code === 'ECONNABORTED' || /timeout/i.test(message) ? 'timeout' : 'network', message);
  const retryable = status >= 500 || status === 408 || status === 429;
  return new HttpError(status, e?.response?.data ?? e?.data ?? null, retryable, 'http', message);
}

/** A rail that answered 200 with an error code in the body: the rail's decision, not a transport fault. */
export function railRefusal(rail: string, code: string | number, message: string): HttpError {
  return new HttpError(400, { code, message }, false, 'http', `${rail} refused: ${code}: ${message}`);
}
