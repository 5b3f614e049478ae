/** Security headers that a plain-http deployment behind a TLS load balancer depends on. */
import type { Server } from 'node:http';
import { inProcessApp } from './support/in-process-app';

test('helmet headers are set, and the CSP does not upgrade the console to https by itself', async () => {
  const server: Server = await new Promise((resolve) => {
    const s = inProcessApp().listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`, { headers: { connection: 'close' } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
