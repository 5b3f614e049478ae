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
    throw err;
  }
}
