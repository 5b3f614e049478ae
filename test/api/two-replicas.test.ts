/** Two API processes share one Redis: a signed report replayed to the second replica is refused, and the limits are shared. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startRedis, type RedisProcess } from '../../scripts/redis';
import { harness, KEYS, openComplaint, uniqueOrderId, untilState } from '../harness/client';
import { openSse } from './support/sse';
import { driverReportBody, signedHeaders } from './support/driver';

const ROOT = path.join(__dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** An API process on the test stack, as `npm run api` starts it; resolves with its URL once listening. */
function apiProcess(redisUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'server.ts')], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: harness.temporalAddress, TEMPORAL_NAMESPACE: harness.namespace, TASK_QUEUE: harness.taskQueue, API_PORT: '0', REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`api not listening within 60 s:\n${log}`)), 60_000);
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /api: listening on (http:\/\/[^\s]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`api exited (${code}):\n${log}`)));
  });
}

let redis: RedisProcess;
let replicas: Array<{ url: string; child: ChildProcess }> = [];

beforeAll(async () => {
  redis = await startRedis({ port: await freePort(), dir: fs.mkdtempSync(path.join(os.tmpdir(), 'redis-')) });
  replicas = await Promise.all([apiProcess(redis.url), apiProcess(redis.url)]);
}, 90_000);

afterAll(async () => {
  await Promise.all(replicas.map(({ child }) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))))));
  await redis?.stop();
});

test('a signed report accepted by replica A is refused when replayed to replica B', async () => {
  const [a, b] = replicas;
  const raw = JSON.stringify(driverReportBody(uniqueOrderId('REPL')));
  const headers = { ...signedHeaders(raw), connection: 'close' };
  const first = await fetch(`${a!.url}/webhooks/driver-reports`, { method: 'POST', headers, body: raw });
  expect(first.status).toBe(202);
  const replay = await fetch(`${b!.url}/webhooks/driver-reports`, { method: 'POST', headers, body: raw });
  expect(replay.status).toBe(401);
  expect(((await replay.json()) as { error: string }).error).toMatch(/nonce was already used/);
});

test('the per-address limit counts across replicas', async () => {
  const [a, b] = replicas;
  // Unsigned requests are refused (401) but counted. Alternating, each replica sees about half:
  // with per-process counters neither would reach its 600 a minute within 601 requests.
  let firstLimited = -1;
  for (let i = 0; i < 601 && firstLimited < 0; i++) {
    const target = i % 2 ? b! : a!;
    const res = await fetch(`${target.url}/webhooks/driver-reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (res.status === 429) firstLimited = i;
    else expect(res.status).toBe(401);
  }
  expect(firstLimited).toBeGreaterThan(500);
  expect(firstLimited).toBeLessThanOrEqual(600);
});

test('people on two replicas see each other on a case, and a session signed out on one is refused by the other', async () => {
  const [a, b] = replicas;
  const { id } = await openComplaint();
  await untilState(id, (s) => s.status === 'investigating');
  const onA = await openSse(`${a!.url}/complaints/${id}/live`, { authorization: `Bearer ${KEYS.agent}` });
  const onB = await openSse(`${b!.url}/complaints/${id}/live`, { authorization: `Bearer ${KEYS.expert}` });
  const both = (e: { event: string; data: any }) => e.event === 'presence' && e.data.viewers.map((v: { id: string }) => v.id).join() === 'agent-li,expert-wang';
  await onA.seen(both, 15_000, 'the expert on replica B, seen from A');
  await onB.seen(both, 15_000, 'the agent on replica A, seen from B');
  onA.close();
  onB.close();

  const signIn = await fetch(`${a!.url}/session`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.agent}`, connection: 'close' } });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  expect((await fetch(`${b!.url}/me`, { headers: { cookie, connection: 'close' } })).status).toBe(200);
  expect((await fetch(`${a!.url}/session/end`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, connection: 'close' } })).status).toBe(204);
  expect((await fetch(`${b!.url}/me`, { headers: { cookie, connection: 'close' } })).status).toBe(401);
  await fetch(`${a!.url}/complaints/${id}/actions/withdraw`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ reason: 'test over' }) });
}, 60_000);
