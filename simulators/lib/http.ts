import { timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';

/** An error a service throws to answer with a specific status and machine-readable code. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new Problem(400, 'INVALID_REQUEST', issues.join('; '));
  }
  return parsed.data;
}

export function requireBearer(expectedKey: string, service: string): RequestHandler {
  const expected = Buffer.from(expectedKey);
  return (req, res, next) => {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).json({ error: 'UNAUTHORIZED', message: `missing or wrong API key for ${service}` });
  };
}

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (res.headersSent) return;
  if (err instanceof Problem) {
    res.status(err.status).json({ error: err.code, message: err.message, ...err.extra });
    return;
  }
  // body-parser errors carry their own 4xx status (malformed JSON, too large).
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  res.status(status).json({ error: status === 500 ? 'INTERNAL' : 'BAD_REQUEST', message: String(err?.message ?? err) });
};

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'NO_ROUTE', message: `no route ${req.method} ${req.originalUrl}` });
};
