import { ApplicationFailure } from '@temporalio/common';
import { isHttpError } from './clients/http';

/** A provider's 4xx will not change on retry: fail the activity for good instead of looping. */
export async function classify<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isHttpError(err) && !err.retryable) {
      throw ApplicationFailure.nonRetryable(`${operation}: ${err.message}`, 'ProviderRejected', { status: err.status, body: err.body });
    }
    // The rail said when to come back (WeChat Pay: one refund a minute on one order): Temporal waits
    // that long, durably, instead of spending the backoff on answers that cannot change yet.
    const retryAfterMs = (err as { retryAfterMs?: unknown }).retryAfterMs;
    if (isHttpError(err) && typeof retryAfterMs === 'number') {
      throw ApplicationFailure.create({ message: `${operation}: ${err.message}`, type: 'ProviderBusy', nonRetryable: false, nextRetryDelay: retryAfterMs, details: [{ status: err.status }] });
    }
    throw err;
  }
}
