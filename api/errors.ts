import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';

/** A client-facing refusal: `extra` goes into the JSON body beside `error` (zod issues, a refusal type). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Parses with a zod schema or answers 400 with the issues; nothing downstream runs. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpProblem(400, 'invalid request', { issues: result.error.issues });
  return result.data;
}

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * express.json() silently skips other content types, which would turn a form post into an
 * empty body and a confusing 400; say what is wrong instead.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || !hasBody(req) || req.is('application/json')) return next();
  next(new HttpProblem(415, 'request bodies must be application/json'));
};

export const notFound: RequestHandler = (req, _res, next) => next(new HttpProblem(404, `no route ${req.method} ${req.path}`));

/** body-parser's and the router's own errors carry a status and a type; these are client mistakes. */
const CLIENT_ERROR_TEXT: Record<string, string> = {
  'entity.too.large': 'request body too large',
  'entity.parse.failed': 'malformed JSON body: it must be a JSON object',
  'charset.unsupported': 'unsupported charset; send UTF-8',
  'encoding.unsupported': 'unsupported content encoding',
  'request.aborted': 'request aborted',
  'request.size.invalid': 'request body length does not match Content-Length',
};

/** Client mistakes are 4xx with a reason; only our own faults are 500, and they are logged. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof HttpProblem) {
    // Every "retry later" says when.
    if (err.status === 503 && !res.get('retry-after')) res.set('retry-after', '5');
    res.status(err.status).json({ error: err.message, ...err.extra });
    return;
  }
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : undefined;
  if (status) {
    res.status(status).json({ error: CLIENT_ERROR_TEXT[err.type as string] ?? (err.expose ? String(err.message) : 'bad request') });
    return;
  }
  if (grpcCode(err, [8])) {
    // RESOURCE_EXHAUSTED: too many in-flight updates on the case (or a namespace rate limit). The case is fine; slow down.
    res.status(429).set('retry-after', '2').json({ error: 'the case is busy with other requests; retry after the Retry-After delay' });
    return;
  }
  if (temporalUnavailable(err)) {
    // Not the client's mistake and not a bug: the case store is away for a moment. Try again.
    res.status(503).set('retry-after', '5').json({ error: 'the Temporal service is unavailable; retry shortly' });
    return;
  }
  console.error('api error:', err);
  res.status(500).json({ error: 'internal error' });
};

/** A gRPC status among `codes`, as the client reports it directly or wrapped. */
function grpcCode(err: unknown, codes: number[]): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number' && codes.includes(e.code)) return true;
  }
  return false;
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4). */
const temporalUnavailable = (err: unknown) => grpcCode(err, [14, 4]);
