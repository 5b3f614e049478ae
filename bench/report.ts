/** The results as JSON and as a markdown table, with the targets. */
import type { HistoryCounts } from './shape';
import type { StepResult } from './load';
import type { Checkpoint } from './open-cases';
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
  startedAt: string;
  finishedAt?: string;
  machine: { cpus: number; node: string; loadAvgAtStart: number[]; loadAvgAtEnd?: number[] };
  config: Record<string, unknown>;
  storyB: { counts: HistoryCounts; baselineCounts?: HistoryCounts };
  steps: StepResult[];
  openCases: Checkpoint[];
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

export function ratioOf(steps: StepResult[], label: string): number | undefined {
  const b = steps.find((s) => s.path === 'baseline' && s.label === label);
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
  lines.push('| | activities | timers | updates | signals | SA upserts | workflow tasks | events | history bytes |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  lines.push(`| complaint | ${c.activities} | ${c.timers} | ${c.updates} | ${c.signals} | ${c.upserts} | ${c.workflowTasks} | ${c.events} | ${c.historyBytes} |`);
  const b = r.storyB.baselineCounts;
  if (b) lines.push(`| baseline | ${b.activities} | ${b.timers} | ${b.updates} | ${b.signals} | ${b.upserts} | ${b.workflowTasks} | ${b.events} | ${b.historyBytes} |`);
  lines.push('', `Complaint activities in order: ${c.activityTypes.join(' → ')}; the apology is #${c.apologyIndex + 1}.`, '');

  if (r.steps.length) {
    lines.push('## Throughput and latency (ms) at offered rates', '');
    lines.push(
      '| step | path | offered /s | sent | done | err | throughput /s | report→apology p50 | p95 | p99 | report→closed p50 | p95 | p99 | accepted p50 | complaint/baseline throughput | CPU ms per case: worker proc + Temporal + API + sims = total | other load (cores) |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of r.steps) {
      const ratio = s.path === 'complaint' ? v(ratioOf(r.steps, s.label)) : '';
      const m = s.cpuMsPerCase;
      const cpu = `${v(m.workerProcess)} + ${v(m.temporalServer)} + ${v(m.api)} + ${v(m.simulators)} = ${v(m.total)}`;
      lines.push(
        `| ${s.label} | ${s.path} | ${s.offeredRate} | ${s.sent} | ${s.completed} | ${s.errors + s.timedOut} | ${v(s.throughput)} | ${v(s.apology.p50)} | ${v(s.apology.p95)} | ${v(s.apology.p99)} | ${v(s.close.p50)} | ${v(s.close.p95)} | ${v(s.close.p99)} | ${v(s.accept.p50)} | ${ratio} | ${cpu} | ${v(s.cpu.others)} |`,
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
    const top = [...r.steps].filter((s) => !s.label.startsWith('sat')).pop();
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

  if (r.openCases.length) {
    lines.push('## Open-case scale', '');
    lines.push('| open cases | start latency p50 | p95 | p99 | worker RSS MiB | worker heap MiB | Temporal RSS MiB | API RSS MiB | cached workflows | fill rate /s (fill p50 / p99 ms) |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const o of r.openCases) {
      const fill = o.fillRate !== undefined ? `${o.fillRate} (${v(o.fillStartLatency?.p50)} / ${v(o.fillStartLatency?.p99)})` : '–';
      lines.push(
        `| ${o.open} | ${v(o.startLatency.p50)} | ${v(o.startLatency.p95)} | ${v(o.startLatency.p99)} | ${v(o.workerRssMiB)} | ${v(o.workerHeapUsedMiB)} | ${v(o.temporalRssMiB)} | ${v(o.apiRssMiB)} | ${o.cachedWorkflows} | ${fill} |`,
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
