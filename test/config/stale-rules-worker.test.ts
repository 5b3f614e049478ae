/**
 * A real worker whose calendar file breaks while it runs: the next case still opens and moves
 * past `received` on the last good snapshot, its timeline says so, and the worker's /metrics counts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { freePort } from '../faults/stack';
import { complaintBody, eventually, harness, temporalClient, uniqueOrderId } from '../harness/client';
import { FAST_POLICY, workflowBundle } from '../harness/paths';
import { inProcessApp } from '../api/support/in-process-app';
import { ROOT } from './spawn';

const taskQueue = `stale-rules-${crypto.randomUUID().slice(0, 8)}`;
const calendarDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stale-calendar-'));
let worker: ChildProcess;
let metricsUrl = '';
let apiUrl = '';
let server: http.Server;
let client: Client;
let closeClient: () => Promise<void>;

beforeAll(async () => {
  for (const f of fs.readdirSync(path.join(ROOT, 'config', 'holidays'))) if (f.endsWith('.json')) fs.copyFileSync(path.join(ROOT, 'config', 'holidays', f), path.join(calendarDir, f));
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: harness.temporalAddress,
      TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE: workflowBundle(),
      CALENDAR_DIR: calendarDir,
      POLICY_FILE: FAST_POLICY,
      PAYMENT_URL: `${harness.simulatorUrl}/payment`,
      SMS_URL: `${harness.simulatorUrl}/sms`,
      OA_URL: `${harness.simulatorUrl}/oa`,
      WORKER_METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not polling within 60 s:\n${log}`)), 60_000);
    const read = (c: Buffer) => {
      log += c.toString();
      if (log.includes('worker: polling task queue')) {
        clearTimeout(timer);
        resolve();
      }
    };
    worker.stdout!.on('data', read);
    worker.stderr!.on('data', read);
    worker.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${log}`)));
  });
  ({ client, close: closeClient } = await temporalClient());
  server = http.createServer(inProcessApp({ client, taskQueue }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 90_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await closeClient?.();
  if (worker && worker.exitCode === null) {
    const gone = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await gone;
  }
});

const get = async (p: string) => (await fetch(`${apiUrl}${p}`, { headers: { authorization: 'Bearer dev-agent-key', connection: 'close' } })).json() as Promise<any>;

test('a calendar file broken while the worker runs: the case opens on the last good snapshot, marked stale, and it is counted', async () => {
  expect(await (await fetch(metricsUrl)).text()).toMatch(/complaint_rules_stale_loads_total 0\b/);
  const file = path.join(calendarDir, 'cn-2026.json');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"2026-01-01"', '"2026-13-01"'));

  const orderId = uniqueOrderId('STALE');
  const res = await fetch(`${apiUrl}/complaints`, {
    method: 'POST',
    headers: { authorization: 'Bearer dev-agent-key', 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify(complaintBody(orderId)),
  });
  expect(res.status).toBe(201);
  const id = `complaint-${orderId}`;
  try {
    const state = await eventually(async () => {
      const s = await get(`/complaints/${id}`);
      return s.status === 'investigating' ? s : undefined;
    }, 30_000, 'the case past received');
    // The case records which snapshot it runs on, and says so on its own record.
    expect(state.rulesSnapshot).toMatchObject({ snapshotId: expect.stringMatching(/^[0-9a-f]{16}$/), stale: true });
    const events = state.events as Array<{ kind: string; text: string }>;
    expect(events.find((e) => e.kind === 'rules_stale')?.text).toMatch(/last good snapshot [0-9a-f]{16} of /);
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toMatch(/complaint_rules_stale_loads_total 1\b/);
    expect(metrics).toMatch(/complaint_rules_files_broken 1\b/);
  } finally {
    await client.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined);
  }
});
