/**
 * Starts the real stack once per test run: the Temporal dev server (the real binary), the
 * simulators, a worker on the prebuilt workflow bundle and the HTTP API.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { readEnv } from '../../config/env';
import { startApi } from '../../api/server';
import { startSimulators } from '../../simulators/start';
import { startDevServer } from '../../scripts/temporal-server';
import { ensureBinary, TEMPORAL_TEST_SERVER } from '../../scripts/temporal-bin';
import { startWorker } from '../../worker';
import { railEnv, subscribeRailMessages } from '../rails/rail-env';
import { ARTIFACTS, FAST_POLICY, harnessFile, workflowBundle, type HarnessInfo } from './paths';

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

export default async function globalSetup(): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  process.env.COMPLAINTS_TEST_RUN = String(process.pid);
  const WORKFLOW_BUNDLE = workflowBundle();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  ensureBinary(TEMPORAL_TEST_SERVER);
  const code = await bundleWorkflows();
  fs.writeFileSync(WORKFLOW_BUNDLE, code);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'complaints-test-'));
  const port = await freePort();
  const server = await startDevServer({ port, headless: true, logFile: path.join(ARTIFACTS, 'temporal.log') });
  const simulatorDataDir = path.join(tmp, 'simulators');
  const simulators = await startSimulators({ port: 0, dataDir: simulatorDataDir, autoChargeIntervalMs: 200 });

  // Known before the worker starts: WeChat Pay's refunds name the API as their notify_url.
  const apiPort = await freePort();
  await subscribeRailMessages(simulators.url, `http://127.0.0.1:${apiPort}`);
  const env = readEnv({
    ...process.env,
    // PAYMENT_RAIL from the caller picks the rail; the credentials are the simulators' sandbox ones.
    ...(await railEnv(simulators.url, `http://127.0.0.1:${apiPort}`)),
    TEMPORAL_ADDRESS: server.address,
    TASK_QUEUE: 'complaints-test',
    API_PORT: String(apiPort),
    PAYMENT_URL: `${simulators.url}/payment`,
    SMS_URL: `${simulators.url}/sms`,
    OA_URL: `${simulators.url}/oa`,
    POLICY_FILE: FAST_POLICY,
    // A test waits seconds, not the production window, for a receipt that will never come.
    SMS_RECEIPT_WINDOW_MS: process.env.SMS_RECEIPT_WINDOW_MS ?? '3000',
  });
  const worker = await startWorker(env, { workflowBundlePath: WORKFLOW_BUNDLE });
  const api = await startApi(env);
  // The approval rails push their events to the API, as the apps' event subscriptions would.
  simulators.state.rails.setEventUrls({ dingtalk: `${api.url}/oa-events/dingtalk`, feishu: `${api.url}/oa-events/feishu` });

  const info: HarnessInfo = {
    temporalAddress: server.address,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TASK_QUEUE,
    apiUrl: api.url,
    simulatorUrl: simulators.url,
    simulatorDataDir,
    paymentRail: env.PAYMENT_RAIL,
    smsRail: env.SMS_RAIL,
    oaRail: env.OA_RAIL,
  };
  fs.writeFileSync(harnessFile(), JSON.stringify(info, null, 2));
  (globalThis as Record<string, unknown>).__harness = { server, simulators, worker, api, tmp };
}
