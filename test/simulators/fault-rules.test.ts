/** Parallel tests break their own orders: one fault rule per match, and resetting one keeps the others. */
import express from 'express';
import { Faults } from '../../simulators/lib/faults';

async function status(app: express.Express, path: string): Promise<number> {
  const server = app.listen(0);
  try {
    const port = (server.address() as { port: number }).port;
    return (await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { connection: 'close' } })).status;
  } finally {
    server.close();
  }
}

test('two matched rules hold at once; none with a match removes only that one; none without a match clears all', async () => {
  const faults = new Faults(() => 0);
  const app = express();
  app.use(faults.middleware('payment'));
  app.post('/orders/:id/refund', (_req, res) => void res.json({ ok: true }));
  faults.set({ service: 'payment', mode: '5xx', rate: 1, match: 'A1' });
  faults.set({ service: 'payment', mode: 'refuse_writes', rate: 1, match: 'B2' });
  expect([await status(app, '/orders/A1/refund'), await status(app, '/orders/B2/refund'), await status(app, '/orders/C3/refund')]).toEqual([503, 403, 200]);
  faults.set({ service: 'payment', mode: 'none', rate: 1, match: 'A1' });
  expect([await status(app, '/orders/A1/refund'), await status(app, '/orders/B2/refund')]).toEqual([200, 403]);
  faults.set({ service: 'payment', mode: 'none', rate: 1 });
  expect(await status(app, '/orders/B2/refund')).toBe(200);
  expect(faults.all().payment.mode).toBe('none');
});
