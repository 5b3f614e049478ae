import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Parses with a zod schema or answers 400 with the issues; nothing downstream runs. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpProblem(400, 'invalid request', result.error.issues);
  return result.data;
}

export const notFound: RequestHandler = (req, _res, next) => next(new HttpProblem(404, `no route ${req.method} ${req.path}`));

/** Client mistakes are 4xx with a reason; only our own faults are 500, and they are logged. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof HttpProblem) {
    res.status(err.status).json({ error: err.message, ...(err.details !== undefined ? { issues: err.details } : {}) });
    return;
  }
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : undefined;
  if (status) {
    // body-parser's own errors: malformed JSON, oversized or wrongly encoded bodies.
    res.status(status).json({ error: err.type === 'entity.too.large' ? 'request body too large' : 'malformed request body' });
    return;
  }
  console.error('api error:', err);
  res.status(500).json({ error: 'internal error' });
};
