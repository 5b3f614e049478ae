import { workerHeapMib, workerNodeArgs } from '../../config/worker-heap';

describe("the worker's heap follows its cache", () => {
  test.each([
    [{}, undefined],
    [{ WORKER_MAX_CACHED_WORKFLOWS: 0 }, 160],
    [{ WORKER_MAX_CACHED_WORKFLOWS: 500 }, 285],
    [{ WORKER_MAX_CACHED_WORKFLOWS: 2000 }, 660],
    [{ WORKER_MAX_CACHED_WORKFLOWS: 500, WORKER_HEAP_MIB: 1024 }, 1024],
    [{ WORKER_HEAP_MIB: 512 }, 512],
  ])('%o -> %p MiB', (env, mib) => {
    expect(workerHeapMib(env)).toBe(mib);
    expect(workerNodeArgs(env)).toEqual(mib === undefined ? [] : [`--max-old-space-size=${mib}`]);
  });
});
