/** The bench's pure helpers: the headline keys issue 16 reads, the before/after comparison, the floor's replay plan. */
import { compareResults, formatComparison, valueAt } from '../../bench/compare';
import type { StepResult } from '../../bench/load';
import type { Checkpoint } from '../../bench/open-cases';
import { apologyCallIndex, describeCalls, retarget, type ProviderCall } from '../../bench/provider-calls';
import type { HistoryCounts } from '../../bench/shape';
import { CAPACITY_LABEL, loadOf, openCasesOf, perCaseOf, ratiosOf } from '../../bench/summary';

const summary = (p50: number) => ({ n: 10, p50, p95: p50 * 2, p99: p50 * 3 });
function step(path: StepResult['path'], label: string, throughput: number, extra: Partial<StepResult> = {}): StepResult {
  return { path, label, offeredRate: 20, throughput, saturated: true, apology: summary(100), close: summary(150), accept: summary(20), cpuMsPerCase: {}, ...extra } as StepResult;
}
function checkpoint(open: number, workerRssMiB: number, dbBytes: number, p50: number, fillS?: number): Checkpoint {
  return { open, workerRssMiB, dbBytes, startLatency: summary(p50), fillErrors: 0, ...(fillS !== undefined ? { fillS } : {}) };
}

describe('ratios come from the capacity step only', () => {
  const steps = [
    step('baseline', '2rps', 2),
    step('complaint', '2rps', 2, { apology: summary(310) }),
    step('floor', '2rps', 2),
    step('baseline', CAPACITY_LABEL, 15),
    step('complaint', CAPACITY_LABEL, 12),
    step('withCalls', CAPACITY_LABEL, 12.5),
    step('floor', CAPACITY_LABEL, 30, { saturated: false, offeredRate: 45 }),
  ];
  it('divides the complaint capacity by each baseline capacity', () => {
    const r = ratiosOf(steps);
    expect(r.sameShapeAtCapacity).toBe(0.8);
    expect(r.floorAtCapacity).toBe(0.4);
    expect(r.sameShapeWithCallsAtCapacity).toBe(0.96);
    expect(r.capacityPerS).toEqual({ complaint: 12, baseline: 15, withCalls: 12.5, floor: 30 });
  });
  it('says which path never fell behind its offered rate', () => {
    expect(ratiosOf(steps).saturated).toEqual({ complaint: true, baseline: true, withCalls: true, floor: false });
    expect(ratiosOf(steps).offeredPerS.floor).toBe(45);
  });
  it('has no ratio without a capacity step (a run with --saturation=0)', () => {
    expect(ratiosOf(steps.filter((s) => s.label !== CAPACITY_LABEL)).sameShapeAtCapacity).toBeUndefined();
  });
  it('reads report→apology at 2/s from the complaint, not the baselines', () => {
    expect(loadOf(steps).apologyP50MsAt2).toBe(310);
    expect(loadOf(steps).baselineApologyP50MsAt2).toBe(100);
  });
});

describe('per-case counts', () => {
  const history = (events: number, workflowTasks: number) => ({ events, workflowTasks, activities: 7, localActivities: 1, upserts: 6, timers: 0, historyBytes: 33_000 }) as HistoryCounts;
  it('takes the median over the story-B histories, with their range', () => {
    const p = perCaseOf([history(56, 8), history(53, 7), history(53, 7), history(59, 9)], 14);
    expect(p).toMatchObject({ events: 53, workflowTasks: 7, samples: 4, eventsRange: [53, 59], workflowTasksRange: [7, 9], providerCalls: 14, localActivityMarkers: 1 });
  });
});

describe('open-case keys', () => {
  const full = [checkpoint(0, 300, 50e6, 60), checkpoint(1_030, 400, 80e6, 62, 60), checkpoint(10_060, 440, 350.9e6, 72, 600)];
  it('measures RSS growth and storage between the low and the high count, start latency against 0 open', () => {
    const o = openCasesOf(full, [0, 1_000, 10_000], 500);
    expect(o).toMatchObject({ lowCount: 1_030, highCount: 10_060, workerRssMiBAt1k: 400, workerRssMiBAt10k: 440, rssGrowth10kOver1k: 1.1, maxCachedWorkflows: 500 });
    expect(o.storageBytesPerCase).toBe(Math.round(270.9e6 / 9_030));
    expect(o.startP50RatioAt10k).toBe(1.2);
    expect(o.fillSeconds).toBe(660);
  });
  it('leaves the 10k keys empty when the run stopped before the last checkpoint', () => {
    const o = openCasesOf(full.slice(0, 2), [0, 1_000, 10_000]);
    expect(o.workerRssMiBAt10k).toBeUndefined();
    expect(o.rssGrowth10kOver1k).toBeUndefined();
    expect(o.storageBytesPerCase).toBeUndefined();
    expect(o.workerRssMiBAt1k).toBe(400);
  });
});

describe('before / after', () => {
  const before = { load: { apologyP50MsAt2: 300 }, perCase: { events: 61 }, ratios: { floorAtCapacity: 0.4 } };
  const after = { load: { apologyP50MsAt2: 150 }, perCase: { events: 33 } };
  it('divides after by before per key and leaves a missing side empty', () => {
    const rows = compareResults(before, after, ['load.apologyP50MsAt2', 'perCase.events', 'ratios.floorAtCapacity']);
    expect(rows).toEqual([
      { key: 'load.apologyP50MsAt2', before: 300, after: 150, change: 0.5 },
      { key: 'perCase.events', before: 61, after: 33, change: 0.54 },
      { key: 'ratios.floorAtCapacity', before: 0.4, after: undefined, change: undefined },
    ]);
    expect(formatComparison(rows)).toContain('| `perCase.events` | 61 | 33 | 0.54 |');
  });
  it('reads only numbers at a dotted key', () => {
    expect(valueAt({ a: { b: '3' } }, 'a.b')).toBeUndefined();
    expect(valueAt({ a: null }, 'a.b')).toBeUndefined();
  });
});

describe("the floor's replay of the probe's provider calls", () => {
  const calls: ProviderCall[] = [
    { method: 'POST', path: '/payment/orders/R1Cprobe/hold', headers: { authorization: 'Bearer k' }, body: '{"idempotencyKey":"R1Cprobe:hold"}', status: 200 },
    { method: 'POST', path: '/sms/messages', headers: {}, body: '{"outId":"R1Cprobe-AB12:ack:sms"}', status: 201 },
    { method: 'POST', path: '/sms/messages', headers: {}, body: '{"outId":"R1Cprobe-AB12:apology:sms"}', status: 201 },
  ];
  it('moves every call to the new order: path, body and headers', () => {
    const moved = retarget(calls, 'R1Cprobe', 'R1Ffloor-7');
    expect(moved[0]).toMatchObject({ path: '/payment/orders/R1Ffloor-7/hold', body: '{"idempotencyKey":"R1Ffloor-7:hold"}', status: 200 });
    expect(JSON.stringify(moved)).not.toContain('R1Cprobe');
    expect(calls[0]!.path).toContain('R1Cprobe');
  });
  it('knows which call is the apology', () => {
    expect(apologyCallIndex(calls)).toBe(2);
    expect(apologyCallIndex(calls.slice(0, 2))).toBe(-1);
    expect(describeCalls(calls, 'R1Cprobe')[0]).toBe('POST /payment/orders/:order/hold 200');
  });
});
