/**
 * The benchmark's own stack, on free ports in a fresh temp dir, never the ports of `npm start`
 * (7233 / 3000 / 4100) so it can run next to a developer's stack or a test run:
 *
 *  - the real Temporal dev server (child process) with its SQLite file in the temp dir, started
 *    by scripts/temporal-server.ts, so it gets the same pragmas as `npm start`;
 *  - the provider simulators (child process, `simulators/server.ts`, temp data dir): their JSON
 *    stores are rewritten whole on every write, so they get their own event loop and never stall
 *    the worker's;
 *  - the HTTP API (child process): api/server.ts exactly as it runs in production;
 *  - one worker, in this process, on the bench workflow bundle (complaintWorkflow,
 *    baselineWorkflow, floorWorkflow) with the real activities plus the baselines' ones; for the
 *    open-case scale it is replaced by `worker.ts` in its own process (startWorkerProcess).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { workerNodeArgs } from '../config/worker-heap';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import { readEnv, type Env } from '../config/env';
import { activityDepsFromEnv, createActivities } from '../activities';
import { dataConverter } from '../codec/data-converter';
import { startDevServer, type DevServer } from '../scripts/temporal-server';
import { startWorker, type WorkerHandle } from '../worker';
import { createBaselineActivities, type BaselineProbe } from './baseline-activities';

export const ROOT = path.resolve(__dirname, '..');
const RESERVED_PORTS = new Set([7233, 8233, 3000, 4100]);
export const BENCH_TASK_QUEUE = 'complaints-bench';
export const DRIVER_SECRET = 'bench-driver-webhook-secret';

export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(p));
      });
      srv.on('error', reject);
    });
    if (!RESERVED_PORTS.has(port) && !RESERVED_PORTS.has(port + 1000)) return port;
  }
  throw new Error('no free port found');
}

export interface StackOptions {
  /** Worker options the benchmark tunes (cache size, slots, pollers). */
  workerOverrides?: Partial<WorkerOptions>;
  /** POLICY_FILE for the worker; default: the built-in policy (business clock). */
  policyFile?: string;
  /** Extra Temporal dynamic config. */
  dynamicConfig?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface BenchStack {
  tmp: string;
  env: Env;
  temporal: DevServer;
  simUrl: string;
  simPid: number;
  apiUrl: string;
  apiPid: number;
  connection: Connection;
  client: Client;
  worker: WorkerHandle;
  probe: BaselineProbe;
  /** The SQLite file of the dev server (its WAL beside it, `-wal`). */
  dbFile: string;
  /**
   * Stops the in-process worker and starts `worker.ts` as its own process, exactly as
   * `npm run worker` runs it, on the production bundle (workflows/ only): for memory measured from
   * /proc. Stopped with the stack.
   */
  startWorkerProcess(opts: { maxCachedWorkflows?: number }): Promise<{ pid: number }>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

/**
 * Diagnostics: BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API,
 * simulators and open-case worker too (Node refuses --cpu-prof in NODE_OPTIONS).
 */
function childNodeArgs(): string[] {
  return (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** A TypeScript entry point as a child node process (tsx loader), resolved when it prints `readyPattern`. */
async function spawnTs(
  file: string,
  env: NodeJS.ProcessEnv,
  readyPattern: RegExp,
  logFile: string,
  timeoutMs = 60_000,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, ...childNodeArgs(), '--import', 'tsx', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', log] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let buffer = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start within ${timeoutMs} ms (log: ${logFile})`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} during start-up (log: ${logFile})`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      if (ready) return;
      buffer += chunk.toString('utf8');
      const match = buffer.match(readyPattern);
      if (match) {
        ready = true;
        buffer = '';
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
  });
}

/** Runs a TypeScript script to completion in a child process; rejects unless it exits with 0. */
function runTs(file: string, args: string[], logFile: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  children.add(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      fs.closeSync(log);
      if (code === 0) resolve();
      else reject(new Error(`${file} exited with ${code} (log: ${logFile})`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}


let runtimeInstalled = false;

export async function startBenchStack(opts: StackOptions = {}): Promise<BenchStack> {
  killChildrenOnExit();
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'complaints-bench-'));
  try {
    return await startIn(tmp, opts);
  } catch (err) {
    // A failed start leaves nothing behind: every child this module started is stopped.
    await Promise.all([...children].map((c) => stopChild(c)));
    if (!process.env.BENCH_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(tmp: string, opts: StackOptions): Promise<BenchStack> {
  const log = opts.log ?? ((line: string) => console.log(line));
  log(`stack: temp dir ${tmp}`);

  const bundleFile = path.join(tmp, 'workflow-bundle.js');
  const productionBundle = path.join(tmp, 'production-bundle.js');
  const t0 = Date.now();
  const { BENCH_WORKFLOWS_PATH: _diagnosticPath, ...bundleEnv } = process.env;
  await Promise.all([
    runTs(path.join(__dirname, 'bundle.ts'), [bundleFile], path.join(tmp, 'bundle.log'), 180_000),
    runTs(path.join(__dirname, 'bundle.ts'), [productionBundle, path.join(ROOT, 'workflows', 'index.ts')], path.join(tmp, 'bundle-production.log'), 180_000, bundleEnv),
  ]);
  log(
    `stack: workflow bundles ${Math.round(fs.statSync(bundleFile).size / 1024)} KiB (bench) and ${Math.round(fs.statSync(productionBundle).size / 1024)} KiB (production) ` +
      `in ${Date.now() - t0} ms (built in child processes)`,
  );

  const temporalPort = await freePort();
  const temporal = await startDevServer({
    port: temporalPort,
    headless: true,
    dbFile: path.join(tmp, 'temporal.db'),
    logFile: path.join(tmp, 'temporal.log'),
    dynamicConfig: opts.dynamicConfig,
  });
  children.add(temporal.process);
  log(`stack: Temporal dev server ${temporal.address} (pid ${temporal.process.pid}, SQLite ${path.join(tmp, 'temporal.db')})`);

  const simPort = await freePort();
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  delete baseEnv.POLICY_FILE;
  delete baseEnv.API_KEYS;
  const sim = await spawnTs(
    path.join(ROOT, 'simulators', 'server.ts'),
    { ...baseEnv, SIMULATOR_PORT: String(simPort), SIMULATOR_HOST: '127.0.0.1', SIMULATOR_DATA_DIR: path.join(tmp, 'simulators') },
    /simulators listening on (http:\/\/\S+)/,
    path.join(tmp, 'simulators.log'),
  );
  const simUrl = sim.match[1]!;
  log(`stack: simulators ${simUrl} (pid ${sim.child.pid})`);

  const envVars: NodeJS.ProcessEnv = {
    ...baseEnv,
    TEMPORAL_ADDRESS: temporal.address,
    TASK_QUEUE: BENCH_TASK_QUEUE,
    API_HOST: '127.0.0.1',
    API_PORT: String(await freePort()),
    PAYMENT_URL: `${simUrl}/payment`,
    SMS_URL: `${simUrl}/sms`,
    OA_URL: `${simUrl}/oa`,
    DRIVER_WEBHOOK_SECRET: DRIVER_SECRET,
    ...(opts.policyFile ? { POLICY_FILE: opts.policyFile } : {}),
  };
  const env = readEnv(envVars);

  const api = await spawnTs(path.join(ROOT, 'api', 'server.ts'), envVars, /api: listening on (http:\/\/\S+)/, path.join(tmp, 'api.log'));
  const apiUrl = api.match[1]!;
  log(`stack: API ${apiUrl} (pid ${api.child.pid})`);

  const probe: BaselineProbe = { apologyAt: new Map() };
  const worker = await startWorker(env, {
    workflowBundlePath: bundleFile,
    overrides: {
      activities: { ...createActivities(activityDepsFromEnv(env)), ...createBaselineActivities(probe) },
      ...opts.workerOverrides,
    },
  });
  log(`stack: worker on task queue ${BENCH_TASK_QUEUE} (in this process, pid ${process.pid})`);

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverter(env) });

  let workerProcess: ChildProcess | undefined;
  let stopped: Promise<void> | undefined;
  return {
    tmp,
    env,
    temporal,
    simUrl,
    simPid: sim.child.pid!,
    apiUrl,
    apiPid: api.child.pid!,
    connection,
    client,
    worker,
    probe,
    dbFile: path.join(tmp, 'temporal.db'),
    async startWorkerProcess({ maxCachedWorkflows }) {
      await worker.shutdown().catch(() => undefined);
      const started = await spawnTs(
        path.join(ROOT, 'worker.ts'),
        {
          ...envVars,
          WORKFLOW_BUNDLE: productionBundle,
          ...(maxCachedWorkflows !== undefined ? { WORKER_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows) } : {}),
        },
        /worker: polling task queue/,
        path.join(tmp, 'worker.log'),
        60_000,
        // As npm start and the compose file start a worker with this cache (config/worker-heap.ts).
        workerNodeArgs({ WORKER_MAX_CACHED_WORKFLOWS: maxCachedWorkflows }),
      );
      workerProcess = started.child;
      log(`stack: worker process ${started.child.pid} (worker.ts on the production bundle, cache ${maxCachedWorkflows ?? 'SDK default'})`);
      return { pid: started.child.pid! };
    },
    stop() {
      stopped ??= (async () => {
        await stopChild(api.child);
        if (workerProcess) await stopChild(workerProcess);
        await worker.shutdown().catch(() => undefined);
        await connection.close().catch(() => undefined);
        await stopChild(sim.child);
        await temporal.stop();
        if (!process.env.BENCH_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** VmRSS of a process in bytes (Linux), or undefined when it is gone. */
export function processRss(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process in ms from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (0-based after the comm field), in clock ticks.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of every thread of a process, summed by thread name (/proc/<pid>/task/<tid>/stat):
 * shows where the in-process worker spends it (main JS thread, the workflow thread, the Rust
 * core's tokio threads, V8's GC helpers, libuv's pool).
 */
export function threadCpuMs(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      const key = tid === String(pid) ? 'main (JS)' : name;
      out[key] = (out[key] ?? 0) + ms;
    } catch {
      /* thread ended */
    }
  }
  return out;
}
