/**
 * The whole product as child processes of the test, each on a free port, each killable with
 * SIGKILL and restartable: the Temporal dev server (on a SQLite file in a temp dir, restarted on
 * the same file and port), the simulators, the worker (on a workflow bundle built once) and the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/env';
import { startDevServer, type DevServer } from '../../scripts/temporal-server';
import { railEnv, subscribeRailMessages } from '../rails/rail-env';

/** The ports `npm start` uses: a developer's running stack must never be touched. */
const RESERVED_PORTS = new Set([3000, 4100, 7233, 8233]);

export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(p));
      });
    });
    if (!RESERVED_PORTS.has(port)) return port;
  }
  throw new Error('no free port found in 20 tries');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

function track(name: string, proc: ChildProcess, logFile: string): Child {
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  return { name, process: proc, pid: proc.pid!, logFile, exit, alive: () => !exited && proc.exitCode === null && proc.signalCode === null };
}

export interface TimelineEntry {
  atMs: number;
  what: string;
}

export class Stack {
  readonly dir: string;
  readonly dbFile: string;
  readonly logDir: string;
  readonly taskQueue = 'complaints-faults';
  readonly t0 = Date.now();
  readonly timeline: TimelineEntry[] = [];
  ports = { temporal: 0, simulators: 0, api: 0 };
  bundlePath = '';
  temporal?: DevServer;
  temporalChild?: Child;
  simulators?: Child;
  worker?: Child;
  api?: Child;
  /** Every child ever started, so teardown can kill the ones a failed test left behind. */
  private readonly all: Child[] = [];
  private starts: Record<string, number> = {};
  /** PAYMENT_RAIL (from the caller) and the simulators' sandbox credentials, for the worker and the API. */
  private rails: Record<string, string> = {};

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complaints-faults-'));
    this.dbFile = path.join(this.dir, 'temporal', 'temporal.db');
    this.logDir = path.join(this.dir, 'logs');
    fs.mkdirSync(this.logDir, { recursive: true });
  }

  note(what: string): void {
    this.timeline.push({ atMs: Date.now() - this.t0, what });
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }
  get simulatorUrl(): string {
    return `http://127.0.0.1:${this.ports.simulators}`;
  }
  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  async allocatePorts(): Promise<void> {
    const taken = new Set<number>();
    for (const key of ['temporal', 'simulators', 'api'] as const) {
      let port = await freePort();
      for (let i = 0; i < 10 && taken.has(port); i++) port = await freePort();
      taken.add(port);
      this.ports[key] = port;
    }
  }

  private logFor(name: string): string {
    this.starts[name] = (this.starts[name] ?? 0) + 1;
    return path.join(this.logDir, `${name}.${this.starts[name]}.log`);
  }

  /** The real dev server on the SQLite file; a restart uses the same file and the same port. */
  async startTemporal(): Promise<void> {
    const logFile = this.logFor('temporal');
    const started = Date.now();
    this.temporal = await startDevServer({ port: this.ports.temporal, dbFile: this.dbFile, headless: true, logFile });
    this.temporalChild = track('temporal', this.temporal.process, logFile);
    this.all.push(this.temporalChild);
    this.note(`temporal dev server up (pid ${this.temporalChild.pid}) in ${Date.now() - started} ms`);
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    // The development keys are what the test uses; a configured key set would lock it out.
    delete env.API_KEYS;
    return env;
  }

  private launch(name: string, entry: string, extra: Record<string, string>): Child {
    const logFile = this.logFor(name);
    const fd = fs.openSync(logFile, 'a');
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, entry)], {
        cwd: PROJECT_ROOT,
        env: this.env(extra),
        stdio: ['ignore', fd, fd],
      });
      const child = track(name, proc, logFile);
      this.all.push(child);
      return child;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Waits (bounded) until the child's log has `line`; fails at once if the child exits first. */
  private async ready(child: Child, line: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!child.alive()) throw new Error(`${child.name} exited during start-up:\n${this.tail(child, 30)}`);
      if (fs.readFileSync(child.logFile, 'utf8').includes(line)) return;
      await sleep(100);
    }
    throw new Error(`${child.name} not ready within ${timeoutMs} ms:\n${this.tail(child, 30)}`);
  }

  async startSimulators(): Promise<void> {
    const started = Date.now();
    const child = this.launch('simulators', 'simulators/server.ts', {
      SIMULATOR_PORT: String(this.ports.simulators),
      SIMULATOR_HOST: '127.0.0.1',
      SIMULATOR_DATA_DIR: path.join(this.dir, 'simulators'),
    });
    await this.ready(child, 'simulators listening on', 60_000);
    this.simulators = child;
    this.rails = await railEnv(this.simulatorUrl, this.apiUrl);
    await subscribeRailMessages(this.simulatorUrl, this.apiUrl);
    this.note(`simulators up (pid ${child.pid}) in ${Date.now() - started} ms`);
  }

  async startWorker(): Promise<void> {
    const started = Date.now();
    const child = this.launch('worker', 'worker.ts', {
      TEMPORAL_ADDRESS: this.temporalAddress,
      TASK_QUEUE: this.taskQueue,
      PAYMENT_URL: `${this.simulatorUrl}/payment`,
      SMS_URL: `${this.simulatorUrl}/sms`,
      OA_URL: `${this.simulatorUrl}/oa`,
      POLICY_FILE: path.join(PROJECT_ROOT, 'test', 'fixtures', 'policy.fast.json'),
      WORKFLOW_BUNDLE: this.bundlePath,
      ...this.rails,
    });
    await this.ready(child, 'worker: polling task queue', 90_000);
    this.worker = child;
    this.note(`worker up (pid ${child.pid}) in ${Date.now() - started} ms`);
  }

  async startApi(): Promise<void> {
    const started = Date.now();
    const child = this.launch('api', 'api/server.ts', {
      TEMPORAL_ADDRESS: this.temporalAddress,
      TASK_QUEUE: this.taskQueue,
      API_PORT: String(this.ports.api),
      API_HOST: '127.0.0.1',
      ...this.rails,
    });
    await this.ready(child, 'api: listening on', 60_000);
    this.api = child;
    this.note(`api up (pid ${child.pid}) in ${Date.now() - started} ms`);
  }

  /** kill -9, and wait (bounded) until the process is gone. */
  async kill9(child: Child | undefined): Promise<void> {
    if (!child || !child.alive()) return;
    child.process.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([child.exit.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000)))]);
    clearTimeout(timer);
    if (!gone) throw new Error(`${child.name} (pid ${child.pid}) still running 10 s after SIGKILL`);
    this.note(`${child.name} (pid ${child.pid}) killed with SIGKILL`);
  }

  async killTemporal(): Promise<void> {
    await this.kill9(this.temporalChild);
  }

  tail(child: Child | undefined, lines: number): string {
    if (!child) return '(not started)';
    try {
      return fs.readFileSync(child.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Kills every child still running (SIGKILL: nothing here needs a graceful stop) and removes the temp dir unless kept. */
  async teardown(keep: boolean): Promise<void> {
    await Promise.all(this.all.map((c) => this.kill9(c).catch(() => undefined)));
    if (!keep) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
