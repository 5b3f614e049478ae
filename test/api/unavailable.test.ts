/** When Temporal is away (503) or a case is overloaded (429) the API says so, with Retry-After, instead of a 500 that looks like a bug. */
import type { Server } from 'node:http';
import express from 'express';
import { errorHandler } from '../../api/errors';

test.each([
  ['UNAVAILABLE', { code: 14, message: 'connect ECONNREFUSED' }, 503],
  ['DEADLINE_EXCEEDED wrapped by the client', { message: 'query failed', cause: { code: 4 } }, 503],
  ['RESOURCE_EXHAUSTED (too many in-flight updates)', { message: 'update failed', cause: { code: 8, details: 'limit on number of concurrent in-flight updates has been reached' } }, 429],
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
    if (status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  } finally {
    errors.mockRestore();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
