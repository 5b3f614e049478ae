import { AnswerLost, RailRejected } from './port';

/**
 * Both Alibaba Cloud SDKs and the Tencent SDK throw errors that carry the HTTP status when an
 * answer came; none when it did not. A 4xx is the rail's final word, a 5xx or throttling may
 * pass, and no answer at all means the send may have happened.
 */
export function classifySdkError(rail: string, err: unknown): Error {
  const e = err as { statusCode?: number; httpCode?: number; code?: string; message?: string };
  const status = e?.statusCode ?? e?.httpCode;
  const message = e?.message ?? String(err);
  if (typeof status !== 'number') return new AnswerLost(rail, message);
  if (status >= 400 && status < 500 && status !== 408 && status !== 429 && !String(e.code).includes('Throttling')) {
    return new RailRejected(rail, e.code ?? String(status), message);
  }
  return err instanceof Error ? err : new Error(message);
}

/** E.164 in, the form mainland rails want for mainland numbers (11 digits, no +86). */
export function mainlandNumber(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+86')) return digits.slice(3);
  return digits.replace(/^\+/, '');
}

/** A calendar date in Asia/Shanghai, as yyyyMMdd: the Aliyun SendDate. */
export function shanghaiDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}
