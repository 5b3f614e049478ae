/**
 * Live updates cost Temporal per followed case, not per viewer: six tabs on one case are one
 * watch, described once a tick. Measured on an API built in this process against the real
 * Temporal server, counting the DescribeWorkflowExecution calls its client makes.
 */
import http from 'node:http';
import type { Client } from '@temporalio/client';
import { KEYS, openComplaint, temporalClient, untilState } from '../harness/client';
import { inProcessApp } from './support/in-process-app';
import { openSse, type SseStream } from './support/sse';

const POLL_MS = 250;
let client: Client;
let closeClient: () => Promise<void>;
let server: http.Server;
let base: string;
let describes = 0;

beforeAll(async () => {
  ({ client, close: closeClient } = await temporalClient());
  const getHandle = client.workflow.getHandle.bind(client.workflow);
  client.workflow.getHandle = ((...args: Parameters<typeof getHandle>) => {
    const handle = getHandle(...args);
    const describe = handle.describe.bind(handle);
    handle.describe = () => {
      describes += 1;
      return describe();
    };
    return handle;
  }) as typeof client.workflow.getHandle;
  server = http.createServer(inProcessApp({ client, live: { casePollMs: POLL_MS } }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await closeClient();
});

async function gauge(name: string, kind: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^${name}\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

test('six viewers of one case are one watch, described once a tick; the watch stops with the last viewer', async () => {
  const { id } = await openComplaint();
  await untilState(id, (s) => s.status === 'investigating');
  const streams: SseStream[] = [];
  for (const key of [KEYS.agent, KEYS.agent, KEYS.agent, KEYS.expert, KEYS.expert, KEYS.supervisor]) {
    const s = await openSse(`${base}/complaints/${id}/live`, { authorization: `Bearer ${key}` });
    expect(s.status).toBe(200);
    streams.push(s);
  }
  await Promise.all(streams.map((s) => s.seen((e) => e.event === 'presence' && e.data.viewers.length === 3, 10_000, 'all three people')));
  expect(await gauge('complaints_live_watches', 'case')).toBe(1);
  expect(await gauge('complaints_live_streams', 'case')).toBe(6);

  const from = describes;
  const windowMs = 4_000;
  await new Promise((r) => setTimeout(r, windowMs));
  const calls = describes - from;
  console.log(`6 streams on one case for ${windowMs} ms at a ${POLL_MS} ms tick: ${calls} describe calls (one watch: ~${windowMs / POLL_MS}; one per viewer would be ~${(6 * windowMs) / POLL_MS})`);
  // At least a few ticks (a slow answer skips a tick, never doubles one), never one per viewer.
  expect(calls).toBeGreaterThanOrEqual(3);
  expect(calls).toBeLessThanOrEqual(windowMs / POLL_MS + 2);

  for (const s of streams) s.close();
  await new Promise((r) => setTimeout(r, 500));
  expect(await gauge('complaints_live_watches', 'case')).toBe(0);
  const after = describes;
  await new Promise((r) => setTimeout(r, 1_000));
  expect(describes).toBe(after);
}, 60_000);
