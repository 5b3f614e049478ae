/**
 * `npm run cluster` as the tests run it: the real runner script as a child process on a data folder
 * of its own, on free ports, with the test's simulators. Stopping it is Ctrl-C (SIGTERM).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/env';
import type { ClusterInfo } from '../../scripts/cluster/cluster';
import { ARTIFACTS, FAST_POLICY } from '../harness/paths';

export const CLUSTER_TASK_QUEUE = 'complaints-cluster';
const READY_LINE = 'Press Ctrl-C to stop.';

/** What global setup started, for the test files. */
export interface ClusterTest {
  dataDir: string;
  simulatorsUrl: string;
  simulatorsDataDir: string;
  runnerLog: string;
  /** Milliseconds the first start took (a fresh database: initdb, schemas, namespace). */
  firstStartMs: number;
}

const runId = () => process.env.COMPLAINTS_TEST_RUN ?? 'default';
export const clusterTestFile = () => path.join(ARTIFACTS, `cluster-test-${runId()}.json`);
export const readClusterTest = (): ClusterTest => JSON.parse(fs.readFileSync(clusterTestFile(), 'utf8'));

export const infoFile = (dataDir: string) => path.join(dataDir, 'cluster', 'cluster.json');
export const readInfo = (dataDir: string): ClusterInfo => JSON.parse(fs.readFileSync(infoFile(dataDir), 'utf8'));

export function alive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts the runner and waits (bounded) until it printed its console; fails with its log if it exits first. */
export async function startRunner(t: Pick<ClusterTest, 'dataDir' | 'simulatorsUrl' | 'runnerLog'>, timeoutMs = 600_000): Promise<ClusterInfo> {
  const env: NodeJS.ProcessEnv = { ...process.env, TASK_QUEUE: CLUSTER_TASK_QUEUE, POLICY_FILE: FAST_POLICY };
  // The development keys are what the tests use; a configured key set would lock them out.
  delete env.API_KEYS;
  const from = fs.existsSync(t.runnerLog) ? fs.statSync(t.runnerLog).size : 0;
  const fd = fs.openSync(t.runnerLog, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'cluster.ts'), '--data-dir', t.dataDir, '--random-ports', '--simulators', t.simulatorsUrl], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  let exited = false;
  child.once('exit', () => (exited = true));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const out = fs.readFileSync(t.runnerLog, 'utf8').slice(from);
    if (out.includes(READY_LINE)) break;
    if (exited || Date.now() > until) {
      if (!exited) child.kill('SIGTERM');
      throw new Error(`the cluster ${exited ? 'runner exited' : `was not up within ${timeoutMs} ms`}:\n${out.split('\n').slice(-40).join('\n')}`);
    }
    await sleep(250);
  }
  child.unref();
  return readInfo(t.dataDir);
}

/** Ctrl-C for the runner; waits until the runner and every process it started are gone. */
export async function stopRunner(dataDir: string, timeoutMs = 90_000): Promise<number> {
  if (!fs.existsSync(infoFile(dataDir))) return 0;
  const info = readInfo(dataDir);
  const started = Date.now();
  if (alive(info.runnerPid)) process.kill(info.runnerPid, 'SIGTERM');
  const pids = () => [info.runnerPid, ...Object.values(readInfo(dataDir).pids)].filter(alive) as number[];
  while (pids().length && Date.now() - started < timeoutMs) await sleep(200);
  const left = pids();
  for (const pid of left) process.kill(pid, 'SIGKILL');
  if (left.length) throw new Error(`still running ${timeoutMs} ms after SIGTERM to the runner: pids ${left.join(', ')}`);
  return Date.now() - started;
}
