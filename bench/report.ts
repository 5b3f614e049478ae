/** The results as JSON and as a markdown table, with the targets. */
import type { HistoryCounts } from './shape';
import type { StepResult } from './load';
import { CAPACITY_LABEL, type LoadSummary, type OpenCaseSummary, type PerCase, type Ratios } from './summary';
import type { CpuPerCase, PathKind } from './load';
import { round } from './stats';

export interface Target {
  name: string;
  measured?: number;
  limit: number;
  unit: string;
  /** 'lt': measured < limit, 'le': measured <= limit, 'ge': measured >= limit. */
  op: 'lt' | 'le' | 'ge';
  verdict: 'PASS' | 'MISS' | 'N/A';
  margin?: string;
  note?: string;
}

export interface BenchResults {
  mode: 'full' | 'quick';
  /** --label (e.g. before / after), or the standard name. */
  label?: string;
  /** The commit whose workflow code ran (git HEAD of the tree the bench ran in). */
  commit?: string;
  startedAt: string;
  finishedAt?: string;
  machine: { cpus: number; node: string; loadAvgAtStart: number[]; loadAvgAtEnd?: number[] };
  config: Record<string, unknown>;
  storyB: { counts: HistoryCounts; baselineCounts?: HistoryCounts; withCallsCounts?: HistoryCounts; floorCounts?: HistoryCounts; providerCalls?: string[] };
  perCase?: PerCase;
  ratios?: Ratios;
  load?: LoadSummary;
  /** CPU ms per case by process, at 2/s (`at2`) and in the capacity step (`atCapacity`), per path. */
  cpuMsPerCase?: Record<string, Partial<Record<PathKind, CpuPerCase>>>;
  steps: StepResult[];
  openCases?: OpenCaseSummary;
  targets: Target[];
  notes: string[];
}

export function target(name: string, measured: number | undefined, op: Target['op'], limit: number, unit: string, note?: string): Target {
  if (measured === undefined || !Number.isFinite(measured)) return { name, measured, limit, unit, op, verdict: 'N/A', note };
  const ok = op === 'lt' ? measured < limit : op === 'le' ? measured <= limit : measured >= limit;
  const diff = op === 'ge' ? measured - limit : limit - measured;
  const pct = limit !== 0 ? (diff / limit) * 100 : 0;
  const sign = diff >= 0 ? '+' : '';
  return {
    name,
    measured: round(measured, 2),
    limit,
    unit,
    op,
    verdict: ok ? 'PASS' : 'MISS',
    margin: `${sign}${round(diff, 2)} ${unit} (${sign}${round(pct, 0)}% of the limit)`,
    note,
  };
}

const v = (x: number | undefined) => (x === undefined ? '–' : String(x));
const opText = { lt: '<', le: '≤', ge: '≥' } as const;

export function ratioOf(steps: StepResult[], label: string, to: PathKind = 'baseline'): number | undefined {
  const b = steps.find((s) => s.path === to && s.label === label);
  const c = steps.find((s) => s.path === 'complaint' && s.label === label);
  return b?.throughput && c?.throughput ? round(c.throughput / b.throughput, 2) : undefined;
}

export function markdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`# Benchmark results (${r.mode})`, '');
  lines.push(
    `Started ${r.startedAt}, finished ${r.finishedAt ?? '?'}; ${r.machine.cpus} CPUs, Node ${r.machine.node}; ` +
      `load average at start ${r.machine.loadAvgAtStart.map((x) => x.toFixed(2)).join(' / ')}` +
      (r.machine.loadAvgAtEnd ? `, at end ${r.machine.loadAvgAtEnd.map((x) => x.toFixed(2)).join(' / ')}` : '') +
      '.',
    '',
  );
  const dc = (r.config.temporalDynamicConfig ?? {}) as Record<string, unknown>;
  const wo = (r.config.workerOverrides ?? {}) as Record<string, unknown>;
  lines.push(
    `Temporal dynamic config: ${Object.keys(dc).length ? Object.entries(dc).map(([k, x]) => `\`${k}=${JSON.stringify(x)}\``).join(', ') : 'none (as `npm start`)'}; ` +
      `worker options: ${Object.keys(wo).length ? Object.entries(wo).map(([k, x]) => `\`${k}=${JSON.stringify(x)}\``).join(', ') : 'SDK defaults (as `worker.ts`)'}; ` +
      `policy: ${String(r.config.policy)}.`,
    '',
  );
  const c = r.storyB.counts;
  lines.push('## Story-B fast path (counted from a real history) and the baseline built to match', '');
  lines.push('| | activities | local activities | timers | updates | signals | SA upserts | workflow tasks | events | history bytes |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  lines.push(`| complaint | ${c.activities} | ${c.localActivities} | ${c.timers} | ${c.updates} | ${c.signals} | ${c.upserts} | ${c.workflowTasks} | ${c.events} | ${c.historyBytes} |`);
  const b = r.storyB.baselineCounts;
  if (b) lines.push(`| baseline | ${b.activities} | ${b.localActivities} | ${b.timers} | ${b.updates} | ${b.signals} | ${b.upserts} | ${b.workflowTasks} | ${b.events} | ${b.historyBytes} |`);
  const w = r.storyB.withCallsCounts;
  if (w) lines.push(`| baseline + calls | ${w.activities} | ${w.localActivities} | ${w.timers} | ${w.updates} | ${w.signals} | ${w.upserts} | ${w.workflowTasks} | ${w.events} | ${w.historyBytes} |`);
  const f = r.storyB.floorCounts;
  if (f) lines.push(`| floor | ${f.activities} | ${f.localActivities} | ${f.timers} | ${f.updates} | ${f.signals} | ${f.upserts} | ${f.workflowTasks} | ${f.events} | ${f.historyBytes} |`);
  lines.push('', `Complaint activities in order: ${c.activityTypes.join(' → ')}; the apology is #${c.apologyIndex + 1}; local-activity markers: ${c.localActivities}.`, '');
  if (r.storyB.providerCalls) lines.push(`Provider calls of one case (the floor's one activity replays them): ${r.storyB.providerCalls.join(', ')}.`, '');
  lines.push('## Headline (stable keys)', '', '| key | value |', '|---|---|');
  const flat = (prefix: string, o: object | undefined) => {
    for (const [k, x] of Object.entries(o ?? {})) {
      if (k === 'checkpoints') continue;
      if (x !== null && typeof x === 'object') flat(`${prefix}.${k}`, x);
      else lines.push(`| \`${prefix}.${k}\` | ${v(x as number | undefined)} |`);
    }
  };
  flat('perCase', r.perCase);
  flat('ratios', r.ratios);
  flat('load', r.load);
  const { checkpoints: _c, ...open } = r.openCases ?? { checkpoints: [] };
  flat('openCases', open);
  lines.push('');

  if (r.steps.length) {
    lines.push('## Throughput and latency (ms) at offered rates', '');
    lines.push(
      '| step | path | offered /s | sent | done | err | throughput /s | saturated | report→apology p50 | p95 | p99 | report→closed p50 | p95 | p99 | accepted p50 | complaint/baseline throughput | CPU ms per case: worker proc + Temporal + API + sims = total | other load (cores) |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of r.steps) {
      const ratio =
        s.path === 'complaint' ? `${v(ratioOf(r.steps, s.label))} (+ calls ${v(ratioOf(r.steps, s.label, 'withCalls'))}; floor ${v(ratioOf(r.steps, s.label, 'floor'))})` : '';
      const m = s.cpuMsPerCase;
      const cpu = `${v(m.workerProcess)} + ${v(m.temporalServer)} + ${v(m.api)} + ${v(m.simulators)} = ${v(m.total)}`;
      lines.push(
        `| ${s.label} | ${s.path} | ${s.offeredRate} | ${s.sent} | ${s.completed} | ${s.errors + s.timedOut} | ${v(s.throughput)} | ${s.saturated ? 'yes' : 'no'} | ${v(s.apology.p50)} | ${v(s.apology.p95)} | ${v(s.apology.p99)} | ${v(s.close.p50)} | ${v(s.close.p95)} | ${v(s.close.p99)} | ${v(s.accept.p50)} | ${ratio} | ${cpu} | ${v(s.cpu.others)} |`,
      );
    }
    lines.push('');
    lines.push(
      `Capacity if CPU-bound (${r.machine.cpus} cores ÷ CPU ms per case, all of the machine for us): ` +
        r.steps
          .filter((s) => s.cpuMsPerCase.total)
          .map((s) => `${s.path} ${s.label} ${round((r.machine.cpus * 1000) / s.cpuMsPerCase.total!, 1)}/s`)
          .join(', ') +
        '.',
      '',
    );
    const top = [...r.steps].filter((s) => s.label !== CAPACITY_LABEL).pop();
    if (top) {
      const pair = r.steps.filter((s) => s.label === top.label);
      const threadNames = [...new Set(pair.flatMap((s) => Object.keys(s.workerThreadsMsPerCase)))].sort();
      lines.push(`### Where the CPU goes at ${top.label} (ms per case)`, '');
      lines.push(`| path | Temporal server | API | simulators | worker process | ${threadNames.map((t) => `worker: ${t}`).join(' | ')} |`);
      lines.push(`|---|---|---|---|---|${threadNames.map(() => '---|').join('')}`);
      for (const s of pair) {
        lines.push(
          `| ${s.path} | ${v(s.cpuMsPerCase.temporalServer)} | ${v(s.cpuMsPerCase.api)} | ${v(s.cpuMsPerCase.simulators)} | ${v(s.cpuMsPerCase.workerProcess)} | ${threadNames.map((t) => v(s.workerThreadsMsPerCase[t])).join(' | ')} |`,
        );
      }
      lines.push('');
    }
  }

  if (r.openCases?.checkpoints.length) {
    lines.push(`## Open-case scale (worker process, cache ${r.openCases.maxCachedWorkflows ?? 'SDK default'})`, '');
    lines.push('| open cases | start latency p50 | p95 | p99 | worker RSS MiB | Temporal RSS MiB | API RSS MiB | SQLite MiB (WAL) | fill s | fill rate /s (fill p50 / p99 ms) |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    const mb = (b?: number) => (b === undefined ? undefined : round(b / 1024 / 1024, 1));
    for (const o of r.openCases.checkpoints) {
      const fill = o.fillRate !== undefined ? `${o.fillRate} (${v(o.fillStartLatency?.p50)} / ${v(o.fillStartLatency?.p99)})` : '–';
      lines.push(
        `| ${o.open} | ${v(o.startLatency.p50)} | ${v(o.startLatency.p95)} | ${v(o.startLatency.p99)} | ${v(o.workerRssMiB)} | ${v(o.temporalRssMiB)} | ${v(o.apiRssMiB)} | ${v(mb(o.dbBytes))} (${v(mb(o.walBytes))}) | ${v(o.fillS)} | ${fill} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Targets', '');
  lines.push('| target | measured | limit | verdict | margin |');
  lines.push('|---|---|---|---|---|');
  for (const t of r.targets) {
    lines.push(`| ${t.name}${t.note ? ` (${t.note})` : ''} | ${v(t.measured)} ${t.unit} | ${opText[t.op]} ${t.limit} ${t.unit} | ${t.verdict} | ${t.margin ?? '–'} |`);
  }
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  lines.push('');
  return lines.join('\n');
}
