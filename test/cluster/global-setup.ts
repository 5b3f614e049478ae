/**
 * `npm run test:cluster`: the cluster from `npm run cluster` (scripts/cluster.ts, started as a child
 * process on a fresh data folder and free ports) instead of the dev server. The simulators run here,
 * as in the main harness, so the story tests see the same fast automatic-charge clock; the story
 * tests reach the stack through the same harness file the main suite writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv } from '../../config/env';
import { startSimulators } from '../../simulators/start';
import { ARTIFACTS, harnessFile, type HarnessInfo } from '../harness/paths';
import { railUnderTest } from '../rails/rail-env';
import { CLUSTER_TASK_QUEUE, clusterTestFile, startRunner, type ClusterTest } from './runner';

export default async function globalSetup(): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  process.env.COMPLAINTS_TEST_RUN = String(process.pid);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'complaints-cluster-'));
  // PostgreSQL runs as its own user and must reach its data folder inside this one.
  fs.chmodSync(dataDir, 0o755);
  const simulatorsDataDir = path.join(dataDir, 'simulators');
  const simulators = await startSimulators({ port: 0, dataDir: simulatorsDataDir, autoChargeIntervalMs: 200 });
  (globalThis as Record<string, unknown>).__cluster = { simulators, dataDir };

  const runnerLog = path.join(ARTIFACTS, `cluster-runner-${process.pid}.log`);
  const started = Date.now();
  const info = await startRunner({ dataDir, simulatorsUrl: simulators.url, runnerLog });
  const test: ClusterTest = { dataDir, simulatorsUrl: simulators.url, simulatorsDataDir, runnerLog, firstStartMs: Date.now() - started };
  fs.writeFileSync(clusterTestFile(), JSON.stringify(test, null, 2));

  const harness: HarnessInfo = {
    temporalAddress: info.temporalAddress,
    namespace: info.namespace,
    taskQueue: CLUSTER_TASK_QUEUE,
    apiUrl: info.apiUrls[0]!,
    simulatorUrl: simulators.url,
    simulatorDataDir: simulatorsDataDir,
    // The runner gives the workers and the APIs the simulators' sandbox credentials for it.
    paymentRail: railUnderTest(),
    // The workers inherit this environment from the runner: the messaging rails are what it says.
    smsRail: readEnv().SMS_RAIL,
    oaRail: readEnv().OA_RAIL,
  };
  fs.writeFileSync(harnessFile(), JSON.stringify(harness, null, 2));
  process.stdout.write(`\n[cluster] up in ${test.firstStartMs} ms: frontend ${info.temporalAddress}, APIs ${info.apiUrls.join(' ')}, UI ${info.uiUrl}; data ${dataDir}; log ${runnerLog}\n`);
}
