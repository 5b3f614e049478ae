/**
 * Owns the cluster's processes: starts each with its log file, restarts the ones that must always
 * run (PostgreSQL and the Temporal services hold no state of their own: a crashed or restarted one
 * comes back on the same ports), and stops them all in order. Replicas of our own processes are not
 * restarted: the point of two is that the other carries on, and the console says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  logFile: string;
  /** Started again after an exit nobody asked for. */
  restart: boolean;
  /** How to ask it to stop (PostgreSQL: SIGINT is its "fast shutdown"). */
  stopSignal?: NodeJS.Signals;
  /** Waits until the new process serves; a restart waits for it too. */
  ready(proc: Running): Promise<void>;
}

export interface Running {
  spec: ProcessSpec;
  child: ChildProcess;
  pid: number;
  startedAt: number;
  /** Where this run's output starts in the (appended) log file. */
  logOffset: number;
  exited: boolean;
  /** Set once `ready` resolved: an exit before that fails the start instead of restarting. */
  ready: boolean;
  stopRequested: boolean;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SupervisorEvents {
  log(message: string): void;
  /** After a start, a restart or an exit, so the info file shows the live pids. */
  changed(): void;
  /** A process that is not restarted exited. */
  lost(name: string, code: number | null, signal: NodeJS.Signals | null): void;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Supervisor {
  private readonly procs = new Map<string, Running>();
  private stopping = false;
  readonly restarts: Array<{ name: string; at: number; reason: string; readyMs?: number }> = [];

  constructor(private readonly events: SupervisorEvents) {}

  get(name: string): Running | undefined {
    return this.procs.get(name);
  }

  commands(): Record<string, string> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, [p.spec.command, ...p.spec.args].join(' ')]));
  }

  pids(): Record<string, number | null> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, p.exited ? null : p.pid]));
  }

  private spawn(spec: ProcessSpec): Running {
    const logOffset = fs.existsSync(spec.logFile) ? fs.statSync(spec.logFile).size : 0;
    const fd = fs.openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      // Its own process group: Ctrl-C reaches the runner only, which then stops everything in order.
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env ?? process.env, uid: spec.uid, gid: spec.gid, stdio: ['ignore', fd, fd], detached: true });
    } finally {
      fs.closeSync(fd);
    }
    const running: Running = {
      spec,
      child,
      pid: child.pid ?? -1,
      startedAt: Date.now(),
      logOffset,
      exited: false,
      ready: false,
      stopRequested: false,
      exit: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          running.exited = true;
          resolve({ code, signal });
        });
        child.once('error', (err) => {
          running.exited = true;
          fs.appendFileSync(spec.logFile, `spawn error: ${err.message}\n`);
          resolve({ code: -1, signal: null });
        });
      }),
    };
    this.procs.set(spec.name, running);
    void running.exit.then(({ code, signal }) => this.onExit(running, code, signal));
    this.events.changed();
    return running;
  }

  async start(spec: ProcessSpec): Promise<Running> {
    const running = this.spawn(spec);
    await Promise.race([
      spec.ready(running),
      running.exit.then(({ code, signal }) => {
        throw new Error(`${spec.name} exited during start-up (code ${code}, signal ${signal}); see ${spec.logFile}:\n${tail(spec.logFile, 8)}`);
      }),
    ]);
    running.ready = true;
    return running;
  }

  private async onExit(running: Running, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.events.changed();
    if (this.stopping || running.stopRequested || !running.ready || this.procs.get(running.spec.name) !== running) return;
    const { spec } = running;
    if (!spec.restart) {
      this.events.lost(spec.name, code, signal);
      return;
    }
    const reason = signal ? `signal ${signal}` : `code ${code}`;
    // A process that keeps dying right after its start is not hammered: back off up to 10 s.
    const recent = this.restarts.filter((r) => r.name === spec.name && Date.now() - r.at < 60_000).length;
    const delay = Math.min(10_000, 250 * 2 ** recent);
    const record: { name: string; at: number; reason: string; readyMs?: number } = { name: spec.name, at: Date.now(), reason };
    this.restarts.push(record);
    this.events.log(`${spec.name} (pid ${running.pid}) exited (${reason}); restarting in ${delay} ms`);
    await sleep(delay);
    if (this.stopping) return;
    try {
      const started = Date.now();
      const next = await this.start(spec);
      record.readyMs = Date.now() - started;
      this.events.changed();
      this.events.log(`${spec.name} is back as pid ${next.pid} (ready in ${record.readyMs} ms)`);
    } catch (err) {
      this.events.log(`${spec.name} failed to restart: ${(err as Error).message}`);
    }
  }

  /** Stops one process and waits for it; the supervisor does not restart it. */
  async stop(name: string, timeoutMs = 20_000): Promise<void> {
    const running = this.procs.get(name);
    if (!running || running.exited) return;
    running.stopRequested = true;
    running.child.kill(running.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
    await running.exit;
    clearTimeout(timer);
  }

  /** Stops in groups: each group in parallel, groups in the given order (clients before servers). */
  async stopAll(groups: string[][]): Promise<void> {
    this.stopping = true;
    const named = new Set(groups.flat());
    const rest = [...this.procs.keys()].filter((n) => !named.has(n));
    for (const group of [rest, ...groups]) await Promise.all(group.map((n) => this.stop(n)));
  }
}

export function tail(file: string, lines: number): string {
  try {
    // Server logs are JSON lines with stack traces: the start of each line says what happened.
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).map((l) => (l.length > 400 ? `${l.slice(0, 400)} ...` : l)).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `check` until it is true; fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, everyMs = 200): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Ready when the log file has `line` (our processes print one when they serve). */
export function logLine(line: string, timeoutMs = 90_000) {
  return (p: Running) => waitFor(`${p.spec.name} to print "${line}"`, timeoutMs, () => readFrom(p.spec.logFile, p.logOffset).includes(line));
}

function readFrom(file: string, offset: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
