import { HttpError, type HttpErrorKind } from '../../clients/http';

/** A rail's answer as the HttpError the activities classify: retryable only when trying again can help. */
export function railError(rail: string, what: string, retryable: boolean, status: number, body: unknown, detail: string, timedOut = false): HttpError {
  const kind: HttpErrorKind = timedOut ? 'timeout' : status === 0 ? 'network' : 'http';
  return new HttpError(status, body, retryable, kind, `${rail} ${what}: ${detail}`);
}
