/** When Temporal is away the API says so (503, retry) instead of a 500 that looks like a bug. */
import type { Server } from 'node:http';
import express from 'express';
import { errorHandler } from '../../api/errors';

test.each([
  ['UNAVAILABLE', { code: 14, message: 'connect ECONNREFUSED' }, 503],
  ['DEADLINE_EXCEEDED wrapped by the client', { message: 'query failed', cause: { code: 4 } }, 503],
  ['a real bug', new Error('boom'), 500],
])('%s -> %i', async (_name, thrown, status) => {
  const app = express();
  app.get('/x', () => {
    throw thrown;
  });
  app.use(errorHandler);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/x`, { headers: { connection: 'close' } });
    expect(res.status).toBe(status);
    if (status === 503) expect(res.headers.get('retry-after')).toBe('5');
  } finally {
    errors.mockRestore();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
