import type { Request } from 'express';

/** The body bytes exactly as they arrived: signatures are over these, not over a re-serialisation. */
export function rawBody(req: Request): Buffer {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (raw) return raw;
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** For express.json's `verify` hook. */
export function keepRawBody(req: unknown, _res: unknown, buf: Buffer): void {
  (req as { rawBody?: Buffer }).rawBody = buf;
}
