/** HTTP for the fault test: every call has a deadline and none throws, because a dead server is an expected answer here. */

export interface Reply<T = any> {
  /** 0 when no answer came (connection refused, reset, timed out). */
  status: number;
  body: T;
  error?: string;
}

export async function http<T = any>(
  method: string,
  url: string,
  opts: { key?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body };
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return { status: 0, body: null as T, error: e.cause?.message ?? e.message };
  }
}

export const KEYS = {
  agent: 'dev-agent-key',
  expert: 'dev-expert-key',
  supervisor: 'dev-supervisor-key',
} as const;

/** Runs `fn` on every item with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}
