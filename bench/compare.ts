/**
 * Before / after of two bench results: `npx tsx bench/compare.ts [before.json] [after.json]`
 * (default bench/results/before.json and after.json). Prints the headline keys side by side
 * with after ÷ before; absolute numbers move with the machine's other load, so read the ratios
 * (measured within one run) first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { round } from './stats';

export interface CompareRow {
  key: string;
  before?: number;
  after?: number;
  /** after ÷ before. */
  change?: number;
}

/** The keys compared, in print order: the stable keys first. */
export const COMPARED_KEYS = [
  'load.apologyP50MsAt2',
  'load.apologyP99MsAt2',
  'perCase.events',
  'perCase.workflowTasks',
  'perCase.activities',
  'perCase.localActivityMarkers',
  'perCase.upserts',
  'perCase.historyBytes',
  'ratios.sameShapeAtCapacity',
  'ratios.floorAtCapacity',
  'ratios.sameShapeWithCallsAtCapacity',
  'ratios.cpuCostSameShapeAtCapacity',
  'ratios.cpuCostFloorAtCapacity',
  'ratios.capacityPerS.complaint',
  'ratios.capacityPerS.baseline',
  'ratios.capacityPerS.withCalls',
  'ratios.capacityPerS.floor',
  'cpuMsPerCase.atCapacity.complaint.temporalServer',
  'cpuMsPerCase.atCapacity.complaint.workerProcess',
  'cpuMsPerCase.atCapacity.complaint.total',
  'openCases.lowCount',
  'openCases.highCount',
  'openCases.workerRssMiBAt1k',
  'openCases.workerRssMiBAt10k',
  'openCases.rssGrowth10kOver1k',
  'openCases.storageBytesPerCase',
  'openCases.startP50MsAt0',
  'openCases.startP50MsAt10k',
  'openCases.startP50RatioAt10k',
  'openCases.fillSeconds',
] as const;

/** The number at a dotted key, or undefined when any part is missing or not a number. */
export function valueAt(obj: unknown, key: string): number | undefined {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : undefined;
}

export function compareResults(before: unknown, after: unknown, keys: readonly string[] = COMPARED_KEYS): CompareRow[] {
  return keys.map((key) => {
    const b = valueAt(before, key);
    const a = valueAt(after, key);
    return { key, before: b, after: a, change: a !== undefined && b ? round(a / b, 2) : undefined };
  });
}

export function formatComparison(rows: CompareRow[], labels: [string, string] = ['before', 'after']): string {
  const v = (x: number | undefined) => (x === undefined ? '–' : String(x));
  return [
    `| key | ${labels[0]} | ${labels[1]} | ${labels[1]} ÷ ${labels[0]} |`,
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.key}\` | ${v(r.before)} | ${v(r.after)} | ${v(r.change)} |`),
  ].join('\n');
}

function describe(file: string, r: Record<string, any>): string {
  const load = (r.machine?.loadAvgAtStart ?? []).map((x: number) => x.toFixed(2)).join(' / ');
  const others = (r.steps ?? []).map((s: any) => s.cpu?.others).filter((x: unknown) => typeof x === 'number');
  const busy = others.length ? (others.reduce((a: number, b: number) => a + b, 0) / others.length).toFixed(2) : '?';
  return `${path.basename(file)}: ${r.mode} run ${r.startedAt} on commit ${String(r.commit ?? '?').slice(0, 10)}, load average at start ${load}, cores busy with other work during the steps ${busy}`;
}

if (require.main === module) {
  const results = path.join(__dirname, 'results');
  const [beforeFile = path.join(results, 'before.json'), afterFile = path.join(results, 'after.json')] = process.argv.slice(2);
  const before = JSON.parse(fs.readFileSync(beforeFile, 'utf8'));
  const after = JSON.parse(fs.readFileSync(afterFile, 'utf8'));
  console.log(describe(beforeFile, before));
  console.log(describe(afterFile, after));
  console.log('');
  console.log(formatComparison(compareResults(before, after), [path.basename(beforeFile, '.json'), path.basename(afterFile, '.json')]));
}
