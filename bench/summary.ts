/**
 * The headline numbers of a run under stable keys (what bench/compare.ts and issue 16 read):
 * perCase, ratios, load, cpuMsPerCase and openCases. Pure: computed from the steps, the counted
 * history and the open-case checkpoints.
 */
import type { HistoryCounts } from './shape';
import { ALL_PATHS, type CpuPerCase, type PathKind, type StepResult } from './load';
import type { Checkpoint } from './open-cases';
import { round } from './stats';

export const CAPACITY_LABEL = 'capacity';

export interface PerCase {
  events: number;
  workflowTasks: number;
  activities: number;
  localActivityMarkers: number;
  upserts: number;
  timers: number;
  historyBytes: number;
  /** Provider HTTP calls one case made (what the floor replays). */
  providerCalls?: number;
  /** How many story-B histories the median is over, and the range of events and workflow tasks among them. */
  samples: number;
  eventsRange: [number, number];
  workflowTasksRange: [number, number];
}

export interface Ratios {
  /** Complaint capacity ÷ same-shape baseline capacity, both measured above their capacity. */
  sameShapeAtCapacity?: number;
  /** Complaint capacity ÷ floor baseline capacity. */
  floorAtCapacity?: number;
  /**
   * Complaint capacity ÷ the same-shape baseline that also makes the complaint's provider calls
   * (path `withCalls`): what the engine's own code costs, the business work being equal.
   */
  sameShapeWithCallsAtCapacity?: number;
  /**
   * The same ratios from CPU cost instead of throughput (baseline CPU ms per case ÷ the
   * complaint's, all processes, in the capacity step): what the capacity ratio would be on a
   * machine that is ours alone; a cross-check when other load disturbed the throughputs.
   */
  cpuCostSameShapeAtCapacity?: number;
  cpuCostFloorAtCapacity?: number;
  cpuCostSameShapeWithCallsAtCapacity?: number;
  /** Completed cases per second in the capacity step, per path. */
  capacityPerS: Partial<Record<PathKind, number>>;
  offeredPerS: Partial<Record<PathKind, number>>;
  /** Whether each path fell behind its offered rate (else its "capacity" is only a lower bound). */
  saturated: Partial<Record<PathKind, boolean>>;
}

export interface LoadSummary {
  /** Complaint report→apology at 2 reports/s (ms). */
  apologyP50MsAt2?: number;
  apologyP99MsAt2?: number;
  baselineApologyP50MsAt2?: number;
  floorApologyP50MsAt2?: number;
  closeP50MsAt2?: number;
}

export interface OpenCaseSummary {
  /** The open counts the "1k" and "10k" keys were measured at (quick mode: fewer). */
  lowCount?: number;
  highCount?: number;
  maxCachedWorkflows?: number;
  workerRssMiBAt0?: number;
  workerRssMiBAt1k?: number;
  workerRssMiBAt10k?: number;
  rssGrowth10kOver1k?: number;
  /** Growth of the dev server's SQLite file per open case, between the two counts. */
  storageBytesPerCase?: number;
  startP50MsAt0?: number;
  startP50MsAt10k?: number;
  startP50RatioAt10k?: number;
  /** Seconds it took to open the cases up to the high count. */
  fillSeconds?: number;
  checkpoints: Checkpoint[];
}

/** The lower median: a count some case really had. */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * The median over several story-B histories: a case gets one more workflow task when an
 * activity completes while a task is in flight, so one history can be off by one or two.
 */
export function perCaseOf(histories: HistoryCounts[], providerCalls?: number): PerCase {
  const of = (k: 'events' | 'workflowTasks' | 'activities' | 'localActivities' | 'upserts' | 'timers' | 'historyBytes') => median(histories.map((h) => h[k]));
  const range = (k: 'events' | 'workflowTasks'): [number, number] => [Math.min(...histories.map((h) => h[k])), Math.max(...histories.map((h) => h[k]))];
  return {
    events: of('events'),
    workflowTasks: of('workflowTasks'),
    activities: of('activities'),
    localActivityMarkers: of('localActivities'),
    upserts: of('upserts'),
    timers: of('timers'),
    historyBytes: of('historyBytes'),
    ...(providerCalls !== undefined ? { providerCalls } : {}),
    samples: histories.length,
    eventsRange: range('events'),
    workflowTasksRange: range('workflowTasks'),
  };
}

const step = (steps: StepResult[], path: PathKind, label: string) => steps.find((s) => s.path === path && s.label === label);

export function ratiosOf(steps: StepResult[]): Ratios {
  const cap = (p: PathKind) => step(steps, p, CAPACITY_LABEL)?.throughput;
  const cpu = (p: PathKind) => step(steps, p, CAPACITY_LABEL)?.cpuMsPerCase.total;
  const ratio = (a?: number, b?: number) => (a && b ? round(a / b, 2) : undefined);
  const pick = <T>(f: (s: StepResult) => T | undefined) =>
    Object.fromEntries(ALL_PATHS.flatMap((p) => {
      const s = step(steps, p, CAPACITY_LABEL);
      const x = s ? f(s) : undefined;
      return x === undefined ? [] : [[p, x]];
    }));
  return {
    sameShapeAtCapacity: ratio(cap('complaint'), cap('baseline')),
    floorAtCapacity: ratio(cap('complaint'), cap('floor')),
    sameShapeWithCallsAtCapacity: ratio(cap('complaint'), cap('withCalls')),
    cpuCostSameShapeAtCapacity: ratio(cpu('baseline'), cpu('complaint')),
    cpuCostFloorAtCapacity: ratio(cpu('floor'), cpu('complaint')),
    cpuCostSameShapeWithCallsAtCapacity: ratio(cpu('withCalls'), cpu('complaint')),
    capacityPerS: pick((s) => s.throughput),
    offeredPerS: pick((s) => s.offeredRate),
    saturated: pick((s) => s.saturated),
  };
}

export function loadOf(steps: StepResult[]): LoadSummary {
  const c = step(steps, 'complaint', '2rps');
  return {
    apologyP50MsAt2: c?.apology.p50,
    apologyP99MsAt2: c?.apology.p99,
    baselineApologyP50MsAt2: step(steps, 'baseline', '2rps')?.apology.p50,
    floorApologyP50MsAt2: step(steps, 'floor', '2rps')?.apology.p50,
    closeP50MsAt2: c?.close.p50,
  };
}

/** CPU ms per case by process (Temporal server, worker process, API, simulators), at 2/s and at capacity. */
export function cpuSplitOf(steps: StepResult[]): Record<string, Partial<Record<PathKind, CpuPerCase>>> {
  const out: Record<string, Partial<Record<PathKind, CpuPerCase>>> = {};
  for (const label of ['2rps', CAPACITY_LABEL]) {
    for (const s of steps.filter((x) => x.label === label)) (out[label === '2rps' ? 'at2' : 'atCapacity'] ??= {})[s.path] = s.cpuMsPerCase;
  }
  return out;
}

/**
 * `targets`: the checkpoint counts asked for, e.g. [0, 1000, 10000]; the second is "1k", the
 * last "10k". Checkpoints are matched by position (their open counts include the samples).
 */
export function openCasesOf(checkpoints: Checkpoint[], targets: number[], maxCachedWorkflows?: number): OpenCaseSummary {
  const zero = targets[0] === 0 ? checkpoints[0] : undefined;
  const lowAt = targets.length >= 3 ? 1 : targets[0] === 0 ? -1 : 0;
  const low = lowAt >= 0 ? checkpoints[lowAt] : undefined;
  const high = checkpoints.length > 1 && checkpoints.length === targets.length ? checkpoints[checkpoints.length - 1] : undefined;
  const ratio = (a?: number, b?: number, digits = 2) => (a !== undefined && b ? round(a / b, digits) : undefined);
  const storage =
    low?.dbBytes !== undefined && high?.dbBytes !== undefined && high.open > low.open ? Math.round((high.dbBytes - low.dbBytes) / (high.open - low.open)) : undefined;
  return {
    lowCount: low?.open,
    highCount: high?.open,
    maxCachedWorkflows,
    workerRssMiBAt0: zero?.workerRssMiB,
    workerRssMiBAt1k: low?.workerRssMiB,
    workerRssMiBAt10k: high?.workerRssMiB,
    rssGrowth10kOver1k: ratio(high?.workerRssMiB, low?.workerRssMiB),
    storageBytesPerCase: storage,
    startP50MsAt0: zero?.startLatency.p50,
    startP50MsAt10k: high?.startLatency.p50,
    startP50RatioAt10k: ratio(high?.startLatency.p50, zero?.startLatency.p50),
    fillSeconds: checkpoints.length ? round(checkpoints.reduce((n, c) => n + (c.fillS ?? 0), 0), 1) : undefined,
    checkpoints,
  };
}
