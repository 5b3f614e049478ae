/**
 * Offered-rate steps. In one round, cases are sent open-loop at `rate` per second for
 * `durationS` seconds (the sender never waits for the previous answer), bounded by
 * `maxInFlight` requests in flight; then the round waits (bounded) until visibility shows every
 * case closed, and reads close times (visibility) and apology delivery times (SMS simulator for
 * the complaint, the in-process probe for the baseline). A step may run as several rounds that
 * alternate baseline and complaint, so a burst of other load on the machine hits both paths
 * alike; `mergeRounds` folds the rounds of one path into one result.
 */
import fs from 'node:fs';
import type { BaselineShape } from './baseline-workflow';
import {
  apologyOutId,
  closedByCustomer,
  countClosed,
  deliveredByOutId,
  runBaselineToEnd,
  runComplaintToEnd,
  runFloorToEnd,
  seedStoryB,
  sendDriverReport,
  startBaselineCase,
  startFloorCase,
  type CaseTiming,
} from './drive';
import { processCpuMs, threadCpuMs, type BenchStack } from './stack';
import { pool, round, sleep, summarize, type Summary } from './stats';

/**
 * `withCalls`: the same-shape baseline whose first activity also makes the complaint's provider
 * calls (BaselineShape.withCalls): the same business work in the same shape, only the engine's
 * own code (API, domain, codec, payload sizes) left between it and the complaint.
 */
export type PathKind = 'baseline' | 'withCalls' | 'complaint' | 'floor';

/** Every path, in the order a round runs them. */
export const ALL_PATHS: readonly PathKind[] = ['baseline', 'withCalls', 'complaint', 'floor'];

const KEY_PREFIX: Record<PathKind, string> = { baseline: 'B', withCalls: 'W', complaint: 'C', floor: 'F' };

/** The shape a baseline path runs: the complaint's, plus its provider calls for `withCalls`. */
export function baselineShapeFor(path: PathKind, shape: BaselineShape): BaselineShape {
  return path === 'withCalls' ? { ...shape, withCalls: true } : shape;
}

export interface CpuShare {
  /** Average cores busy during the step (send + drain), per process. */
  workerProcess?: number;
  temporalServer?: number;
  api?: number;
  simulators?: number;
  /** The whole machine (from /proc/stat), and what was not ours (other engineers' tests). */
  machine?: number;
  others?: number;
}

/** CPU milliseconds spent per completed case, per process: the cost, independent of contention. */
export interface CpuPerCase {
  workerProcess?: number;
  temporalServer?: number;
  api?: number;
  simulators?: number;
  total?: number;
}

export interface StepResult {
  path: PathKind;
  label: string;
  offeredRate: number;
  durationS: number;
  rounds: number;
  sent: number;
  completed: number;
  errors: number;
  timedOut: number;
  firstError?: string;
  /** The rate the sender actually achieved (lower when maxInFlight held it back). */
  sendRate?: number;
  /** Completed cases per second: completed / the time from each round's first send to its last close, summed. */
  throughput?: number;
  /** The path fell behind the offered rate (throughput < 0.9 × send rate): its throughput is its capacity. */
  saturated?: boolean;
  /** ms: request sent -> apology delivered. */
  apology: Summary;
  /** ms: request sent -> the workflow closed (visibility close time). */
  close: Summary;
  /** ms: request sent -> 202 from the API (baseline: update-with-start answered). */
  accept: Summary;
  cpu: CpuShare;
  cpuMsPerCase: CpuPerCase;
  /** The worker process's CPU ms per case by thread name (diagnostics). */
  workerThreadsMsPerCase: Record<string, number>;
  wallS: number;
  /** Every latency sample (ms), for later analysis. */
  raw: { apology: number[]; close: number[]; accept: number[] };
}

export interface StepOptions {
  path: PathKind;
  label: string;
  round: number;
  rate: number;
  durationS: number;
  shape: BaselineShape;
  runTag: string;
  maxInFlight: number;
  drainTimeoutS: number;
  log: (line: string) => void;
}

/** What one round measured; `mergeRounds` turns a list of them into a StepResult. */
export interface RoundResult {
  path: PathKind;
  label: string;
  rate: number;
  durationS: number;
  sent: number;
  completed: number;
  errors: number;
  timedOut: number;
  firstError?: string;
  sendWindowS: number;
  /** From the first send to the last close. */
  busyS: number;
  apology: number[];
  close: number[];
  accept: number[];
  cpuBefore: CpuSnapshot;
  cpuAfter: CpuSnapshot;
}

/** Busy CPU time of the whole machine in ms (all cores), from /proc/stat. */
export function machineBusyMs(): number | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: busy = all - idle - iowait
    const busy = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0);
    return (busy * 1000) / 100;
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(stack: BenchStack) {
  const own = process.cpuUsage();
  return {
    at: Date.now(),
    threads: threadCpuMs(process.pid),
    worker: (own.user + own.system) / 1000,
    temporal: processCpuMs(stack.temporal.process.pid!),
    api: processCpuMs(stack.apiPid),
    sim: processCpuMs(stack.simPid),
    machine: machineBusyMs(),
  };
}
export type CpuSnapshot = ReturnType<typeof cpuSnapshot>;

type CpuKey = 'worker' | 'temporal' | 'api' | 'sim' | 'machine';
const CPU_KEYS: CpuKey[] = ['worker', 'temporal', 'api', 'sim', 'machine'];

/** Sum of per-round CPU deltas (ms) and wall time (ms). */
function cpuDeltas(rounds: RoundResult[]) {
  const sum: Record<CpuKey, number | undefined> = { worker: 0, temporal: 0, api: 0, sim: 0, machine: 0 };
  const threads: Record<string, number> = {};
  let wall = 0;
  for (const r of rounds) {
    wall += r.cpuAfter.at - r.cpuBefore.at;
    for (const k of CPU_KEYS) {
      const a = r.cpuBefore[k];
      const b = r.cpuAfter[k];
      sum[k] = a === undefined || b === undefined || sum[k] === undefined ? undefined : sum[k]! + (b - a);
    }
    for (const [name, ms] of Object.entries(r.cpuAfter.threads)) threads[name] = (threads[name] ?? 0) + ms - (r.cpuBefore.threads[name] ?? 0);
  }
  return { sum, threads, wall };
}

export function mergeRounds(rounds: RoundResult[]): StepResult {
  const first = rounds[0]!;
  const { sum, threads, wall } = cpuDeltas(rounds);
  const completed = rounds.reduce((n, r) => n + r.completed, 0);
  const sent = rounds.reduce((n, r) => n + r.sent, 0);
  const busyS = rounds.reduce((n, r) => n + r.busyS, 0);
  const sendWindowS = rounds.reduce((n, r) => n + r.sendWindowS, 0);
  const share = (k: CpuKey) => (sum[k] === undefined || wall <= 0 ? undefined : round(sum[k]! / wall, 2));
  const per = (k: CpuKey) => (sum[k] === undefined || completed <= 0 ? undefined : Math.round(sum[k]! / completed));
  const ours = (['worker', 'temporal', 'api', 'sim'] as const).map(share);
  const machine = share('machine');
  const perCase = { workerProcess: per('worker'), temporalServer: per('temporal'), api: per('api'), simulators: per('sim') };
  const apology = rounds.flatMap((r) => r.apology);
  const close = rounds.flatMap((r) => r.close);
  const accept = rounds.flatMap((r) => r.accept);
  return {
    path: first.path,
    label: first.label,
    offeredRate: first.rate,
    durationS: rounds.reduce((n, r) => n + r.durationS, 0),
    rounds: rounds.length,
    sent,
    completed,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    timedOut: rounds.reduce((n, r) => n + r.timedOut, 0),
    firstError: rounds.find((r) => r.firstError)?.firstError,
    sendRate: sendWindowS > 0 ? round((sent - rounds.length) / sendWindowS, 2) : undefined,
    throughput: busyS > 0 ? round(completed / busyS, 2) : undefined,
    saturated: busyS > 0 && sendWindowS > 0 ? completed / busyS < 0.9 * ((sent - rounds.length) / sendWindowS) : undefined,
    apology: summarize(apology),
    close: summarize(close),
    accept: summarize(accept),
    cpu: {
      workerProcess: ours[0],
      temporalServer: ours[1],
      api: ours[2],
      simulators: ours[3],
      machine,
      others: machine === undefined ? undefined : round(Math.max(0, machine - ours.reduce<number>((n, x) => n + (x ?? 0), 0)), 2),
    },
    cpuMsPerCase: { ...perCase, total: Object.values(perCase).reduce<number>((n, x) => n + (x ?? 0), 0) },
    workerThreadsMsPerCase: Object.fromEntries(
      Object.entries(threads)
        .map(([name, ms]) => [name, completed > 0 ? Math.round(ms / completed) : 0] as const)
        .filter(([, ms]) => ms > 0),
    ),
    wallS: round(wall / 1000, 1)!,
    raw: { apology, close, accept },
  };
}

export async function resetSimulators(stack: BenchStack): Promise<void> {
  const res = await fetch(`${stack.simUrl}/_admin/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`simulator reset: ${res.status}`);
}

function caseKey(runTag: string, path: PathKind, label: string, roundNo: number, i: number): string {
  return `${runTag}${KEY_PREFIX[path]}${label}r${roundNo}-${i}`.slice(0, 40);
}

/** Tags every case of one round (the CustomerId search attribute), so visibility lists exactly them. */
function roundCustomer(runTag: string, path: PathKind, label: string, roundNo: number): string {
  return `CUST-${runTag}-${path}-${label}-r${roundNo}`.slice(0, 40);
}

/**
 * The simulators rewrite their whole JSON store on each write (simulators/lib/store.ts), so every
 * round starts them empty; the complaint's orders are seeded before the clock starts.
 */
export async function prepareRound(stack: BenchStack, opts: Pick<StepOptions, 'path' | 'label' | 'round' | 'rate' | 'durationS' | 'runTag'>): Promise<string[]> {
  await resetSimulators(stack);
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const ids = Array.from({ length: total }, (_, i) => caseKey(opts.runTag, opts.path, opts.label, opts.round, i));
  if (opts.path !== 'baseline') await pool(ids, 8, (id) => seedStoryB(stack.simUrl, id));
  return ids;
}

export async function runRound(stack: BenchStack, opts: StepOptions, ids: string[]): Promise<RoundResult> {
  const { path, rate } = opts;
  const customerId = roundCustomer(opts.runTag, path, opts.label, opts.round);
  const timings: CaseTiming[] = [];
  const sending: Promise<void>[] = [];
  let inFlight = 0;
  const cpuBefore = cpuSnapshot(stack);
  const t0 = Date.now() + 100;
  let lastSend = t0;

  for (let i = 0; i < ids.length; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    for (let guard = 0; inFlight >= opts.maxInFlight && guard < 10_000; guard++) await sleep(5);
    const key = ids[i]!;
    const timing: CaseTiming = { id: key, sentAt: Date.now() };
    timings.push(timing);
    inFlight++;
    lastSend = Date.now();
    const work =
      path === 'complaint'
        ? sendDriverReport(stack.apiUrl, key, customerId, timing)
        : path === 'floor'
          ? startFloorCase(stack.client, key, customerId, timing)
          : startBaselineCase(stack.client, key, customerId, baselineShapeFor(path, opts.shape), timing);
    sending.push(work.finally(() => inFlight--));
  }
  const sendWindowS = (lastSend - t0) / 1000;
  await Promise.all(sending);
  const accepted = timings.filter((t) => !t.error).length;

  // Wait (bounded) until every accepted case has closed, polling visibility once a second.
  const until = Date.now() + opts.drainTimeoutS * 1000;
  let closed = 0;
  while (Date.now() < until) {
    closed = await countClosed(stack.client, customerId);
    if (closed >= accepted) break;
    await sleep(1_000);
  }
  const cpuAfter = cpuSnapshot(stack);
  if (closed < accepted) opts.log(`  ${path} ${opts.label}: ${accepted - closed} cases still open after ${opts.drainTimeoutS} s`);

  const closedMap = await closedByCustomer(stack.client, customerId);
  const delivered = path === 'complaint' ? await deliveredByOutId(stack.simUrl) : undefined;
  for (const t of timings) {
    if (t.error || !t.workflowId) continue;
    const c = closedMap.get(t.workflowId);
    if (c && c.status !== 'COMPLETED') t.error = `${t.workflowId} ended ${c.status}`;
    t.closedAt = c?.closedAt;
    t.apologyAt = delivered ? delivered.get(apologyOutId(t.caseRef ?? '')) : stack.probe.apologyAt.get(t.workflowId);
    stack.probe.apologyAt.delete(t.workflowId);
  }

  const ok = timings.filter((t) => !t.error && t.closedAt !== undefined);
  const failed = timings.filter((t) => t.error);
  const firstSent = Math.min(...timings.map((t) => t.sentAt));
  const lastClose = ok.length ? Math.max(...ok.map((t) => t.closedAt!)) : firstSent;
  return {
    path,
    label: opts.label,
    rate,
    durationS: opts.durationS,
    sent: timings.length,
    completed: ok.length,
    errors: failed.length,
    timedOut: timings.filter((t) => !t.error && t.closedAt === undefined).length,
    firstError: failed[0]?.error,
    sendWindowS,
    busyS: (lastClose - firstSent) / 1000,
    apology: ok.filter((t) => t.apologyAt !== undefined).map((t) => t.apologyAt! - t.sentAt),
    close: ok.map((t) => t.closedAt! - t.sentAt),
    accept: ok.filter((t) => t.acceptedAt !== undefined).map((t) => t.acceptedAt! - t.sentAt),
    cpuBefore,
    cpuAfter,
  };
}

/** A few sequential cases of each path before measuring: JIT, connections, worker caches. */
export async function warmUp(stack: BenchStack, shape: BaselineShape, runTag: string, n: number, paths: PathKind[]): Promise<void> {
  await resetSimulators(stack);
  for (let i = 0; i < n; i++) {
    if (paths.includes('baseline')) await runBaselineToEnd(stack.client, `${runTag}warm-${i}`, 'CUST-WARM', shape);
    if (paths.includes('withCalls')) {
      await seedStoryB(stack.simUrl, `${runTag}Wwarm-${i}`);
      await runBaselineToEnd(stack.client, `${runTag}Wwarm-${i}`, 'CUST-WARM', baselineShapeFor('withCalls', shape));
    }
    if (paths.includes('floor')) {
      await seedStoryB(stack.simUrl, `${runTag}Fwarm-${i}`);
      await runFloorToEnd(stack.client, `${runTag}Fwarm-${i}`, 'CUST-WARM');
    }
    if (!paths.includes('complaint')) continue;
    const orderId = `${runTag}Cwarm-${i}`;
    await seedStoryB(stack.simUrl, orderId);
    await runComplaintToEnd(stack.client, stack.apiUrl, stack.simUrl, orderId, 'CUST-WARM');
  }
  stack.probe.apologyAt.clear();
}
