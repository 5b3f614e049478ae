/**
 * The worker's V8 heap, sized from its workflow cache. With a cache of 500 and V8's default heap
 * limit (sized from the machine's RAM, several GB here), the worker's RSS kept growing with the
 * number of idle open cases long after the cache was full: nothing leaked, V8 simply did not
 * collect while it had room (3,030 open: 924 MiB; the same run with a 160 MiB old space: 547 MiB,
 * the same start latency). Bounded by what the cache needs, RSS stays flat as open cases grow.
 */
export interface WorkerHeapEnv {
  WORKER_MAX_CACHED_WORKFLOWS?: number;
  WORKER_HEAP_MIB?: number;
}

/** Old space for the worker's own work, plus a generous share per cached workflow (measured: under 0.1 MiB each). */
const BASE_MIB = 160;
const PER_CACHED_WORKFLOW_MIB = 0.25;

/** `--max-old-space-size` for the worker process, or undefined to leave V8's default (no cache bound set). */
export function workerHeapMib(env: WorkerHeapEnv): number | undefined {
  if (env.WORKER_HEAP_MIB !== undefined) return env.WORKER_HEAP_MIB;
  if (env.WORKER_MAX_CACHED_WORKFLOWS === undefined) return undefined;
  return Math.ceil(BASE_MIB + PER_CACHED_WORKFLOW_MIB * env.WORKER_MAX_CACHED_WORKFLOWS);
}

/** The node flags a worker process is started with (npm start, the benchmark's worker, the cluster's replicas). */
export function workerNodeArgs(env: WorkerHeapEnv): string[] {
  const mib = workerHeapMib(env);
  return mib === undefined ? [] : [`--max-old-space-size=${mib}`];
}
