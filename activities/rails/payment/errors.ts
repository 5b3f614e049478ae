import { HttpError } from '../../clients/http';

/** A rail's answer as the HttpError the activities classify: retryable only when trying again can help. */
export function railError(rail: string, what: string, retryable: boolean, status: number, body: unknown, detail: string): HttpError {
  return new HttpError(status, body, retryable, status === 0 ? 'network' : 'http', `${rail} ${what}: ${detail}`);
}
