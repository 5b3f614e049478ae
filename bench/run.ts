/**
 * Proof under load: `npx tsx bench/run.ts [--quick]`. See bench/README.md.
 *
 * Starts its own stack (bench/stack.ts), counts a real story-B history, builds the baseline to
 * the same shape, then measures both paths at a few offered rates and the engine with up to
 * 10,000 open complaints. Writes bench/results/latest.{json,md} and prints the table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter';
import { runBaselineToEnd, runComplaintToEnd, seedStoryB, startBaselineCase, type CaseTiming } from './drive';
import { mib, pool, round, sleep } from './stats';
import { mergeRounds, prepareRound, resetSimulators, runRound, warmUp, type RoundResult, type StepResult } from './load';
import { runOpenCases } from './open-cases';
import { markdown, ratioOf, target, type BenchResults, type Target } from './report';
import { countHistory, shapeFrom, type HistoryCounts } from './shape';
import type { BaselineShape } from './baseline-workflow';
import { startBenchStack } from './stack';

interface Args {
  quick: boolean;
  rates: number[];
  durationS: number;
  saturation?: { rate: number; durationS: number };
  checkpoints: number[];
  samples: number;
  fillConcurrency: number;
  rounds: number;
  skipRates: boolean;
  skipOpen: boolean;
  /** Diagnostics: start this many idle baseline workflows and report worker RSS per cached workflow. */
  idleBaselines: number;
  worker: Partial<WorkerOptions>;
  dynamicConfig: Record<string, unknown>;
  /** Diagnostics: run only these paths; override parts of the baseline's shape. */
  paths: Array<'baseline' | 'complaint'>;
  shapeOverrides: Record<string, number>;
  out: string;
  /** Result file names (without extension). */
  names: string[];
}

function parseArgs(argv: string[]): Args {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const num = (name: string) => (value(name) !== undefined ? Number(value(name)) : undefined);
  const list = (name: string) => value(name)?.split(',').map(Number);
  const quick = flag('quick');
  const worker: Partial<WorkerOptions> = {};
  if (num('max-cached') !== undefined) worker.maxCachedWorkflows = num('max-cached');
  if (num('wft-slots') !== undefined) worker.maxConcurrentWorkflowTaskExecutions = num('wft-slots');
  if (num('activity-slots') !== undefined) worker.maxConcurrentActivityTaskExecutions = num('activity-slots');
  if (num('wft-pollers') !== undefined) worker.workflowTaskPollerBehavior = { type: 'simple-maximum', maximum: num('wft-pollers')! };
  if (num('activity-pollers') !== undefined) worker.activityTaskPollerBehavior = { type: 'simple-maximum', maximum: num('activity-pollers')! };
  if (value('reuse-v8-context') !== undefined) worker.reuseV8Context = value('reuse-v8-context') !== 'false';
  const saturationRate = num('saturation') ?? (quick ? 20 : 25);
  // The bench's Temporal server runs with the tuned dynamic config (README, "What was tuned")
  // unless --npm-start-config asks for exactly what `npm start` runs. --dc=key=value (repeatable)
  // adds or overrides keys, the value parsed as JSON when it can be.
  const dynamicConfig: Record<string, unknown> = flag('npm-start-config') ? {} : { ...TUNED_DYNAMIC_CONFIG };
  for (const a of argv.filter((x) => x.startsWith('--dc='))) {
    const [key, ...rest] = a.slice(5).split('=');
    const raw = rest.join('=');
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      /* a string */
    }
    dynamicConfig[key!] = parsed;
  }
  return {
    quick,
    rates: list('rates') ?? [2, 5, 10],
    durationS: num('duration') ?? (quick ? 6 : 30),
    saturation: saturationRate > 0 ? { rate: saturationRate, durationS: num('saturation-duration') ?? (quick ? 6 : 20) } : undefined,
    checkpoints: list('open') ?? (quick ? [0, 150, 300] : [0, 5_000, 10_000]),
    samples: num('samples') ?? (quick ? 15 : 30),
    fillConcurrency: num('fill-concurrency') ?? 16,
    rounds: num('rounds') ?? (quick ? 1 : 2),
    skipRates: flag('skip-rates'),
    skipOpen: flag('skip-open'),
    idleBaselines: num('idle-baselines') ?? 0,
    worker,
    dynamicConfig,
    paths: (value('paths')?.split(',') as Args['paths'] | undefined) ?? ['baseline', 'complaint'],
    shapeOverrides: Object.fromEntries(
      (value('shape') ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.split(':')[0]!, Number(kv.split(':')[1])]),
    ),
    out: value('out') ?? path.join(__dirname, 'results'),
    names: [],
  };
}

/** Only a standard run (no diagnostics, no custom tuning) replaces latest.* and full.* / quick.*. */
function resultNames(args: Args, argv: string[]): string[] {
  const explicit = argv.find((a) => a.startsWith('--name='))?.slice(7);
  if (explicit) return [explicit];
  const mode = args.quick ? 'quick' : 'full';
  const custom =
    args.skipRates ||
    args.skipOpen ||
    args.idleBaselines > 0 ||
    args.paths.length !== 2 ||
    Object.keys(args.shapeOverrides).length > 0 ||
    Object.keys(args.worker).length > 0 ||
    JSON.stringify(args.dynamicConfig) !== JSON.stringify(TUNED_DYNAMIC_CONFIG) ||
    process.env.BENCH_WORKFLOWS_PATH !== undefined ||
    argv.some((a) => /^--(rates|duration|saturation|open|samples|rounds|fill-concurrency)=/.test(a));
  return custom ? [`${mode}-custom`] : ['latest', mode];
}

/**
 * history.transferProcessorMaxPollRPS: the history service reads new transfer tasks (every
 * workflow task the server has to hand to a worker) at most 20 times a second by default, so
 * when tasks trickle in one at a time each waits for the next 50 ms tick. With one history
 * shard (the dev server) that tick is on every step of a case: ~30 ms per workflow task, ~250 ms
 * per story-B complaint. 1000 removes the wait at no measurable CPU cost.
 */
export const TUNED_DYNAMIC_CONFIG: Record<string, unknown> = { 'history.transferProcessorMaxPollRPS': 1000 };

/** The story-B fast path as counted on 2026-11-27 (8 activities, the apology 7th, 6 upserts); diagnostics only. */
const DIAGNOSTIC_SHAPE: BaselineShape = { activities: 8, apologyIndex: 6, intakeAfterActivities: 2, timers: 0, upserts: 6, signals: 0 };

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  args.names = resultNames(args, process.argv.slice(2));
  const runTag = `R${Date.now().toString(36).slice(-5).toUpperCase()}`;
  const results: BenchResults = {
    mode: args.quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAvgAtStart: os.loadavg() },
    config: {
      rates: args.rates,
      durationS: args.durationS,
      rounds: args.rounds,
      saturation: args.saturation,
      openCheckpoints: args.checkpoints,
      startLatencySamples: args.samples,
      fillConcurrency: args.fillConcurrency,
      workerOverrides: args.worker,
      workflowsPath: process.env.BENCH_WORKFLOWS_PATH,
      temporalDynamicConfig: args.dynamicConfig,
      policy: 'built-in default (business clock)',
    },
    storyB: { counts: undefined as never },
    steps: [],
    openCases: [],
    targets: [],
    notes: [],
  };
  log(`benchmark (${results.mode}); run tag ${runTag}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const stack = await startBenchStack({ workerOverrides: args.worker, dynamicConfig: args.dynamicConfig, log });
  let failed = false;
  const onSignal = () => {
    log('interrupted: stopping the stack');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // 1. Count a real story-B history, build the baseline to match, and check it does.
    const codec = dataConverter(stack.env).payloadCodecs![0]!;
    let counts: HistoryCounts;
    if (args.paths.includes('complaint') || !process.env.BENCH_WORKFLOWS_PATH) {
      const probeOrder = `${runTag}Cprobe`;
      await seedStoryB(stack.simUrl, probeOrder);
      const probeState = await runComplaintToEnd(stack.client, stack.apiUrl, stack.simUrl, probeOrder, 'CUST-PROBE');
      if (probeState.hold?.status !== 'captured' || probeState.outcome === undefined) {
        throw new Error(`the story-B probe did not take the fast path: hold ${probeState.hold?.status}, outcome ${probeState.outcome}`);
      }
      counts = await countHistory(stack.client, probeState.complaintId, codec);
    } else {
      // Diagnostics on a bundle without the complaint: the baseline runs on its own shape.
      await runBaselineToEnd(stack.client, `${runTag}shape`, 'CUST-PROBE', DIAGNOSTIC_SHAPE);
      counts = await countHistory(stack.client, `baseline-${runTag}shape`, codec);
      counts.apologyIndex = DIAGNOSTIC_SHAPE.apologyIndex;
      results.notes.push('diagnostic run without the complaint workflow: baseline shape fixed, not counted from story B');
    }
    const shape = { ...shapeFrom(counts), ...args.shapeOverrides };
    if (Object.keys(args.shapeOverrides).length) results.notes.push(`diagnostic run: baseline shape overridden with ${JSON.stringify(args.shapeOverrides)}`);
    await runBaselineToEnd(stack.client, `${runTag}probe`, 'CUST-PROBE', shape);
    const baselineCounts = await countHistory(stack.client, `baseline-${runTag}probe`, codec);
    results.storyB = { counts, baselineCounts };
    log(
      `story-B fast path: ${counts.activities} activities (${counts.activityTypes.join(', ')}), ${counts.timers} timers, ` +
        `${counts.updates} update, ${counts.signals} signals, ${counts.upserts} search-attribute upserts, ${counts.workflowTasks} workflow tasks, ` +
        `${counts.events} events, ${counts.historyBytes} history bytes (largest activity result: ${counts.largestActivityResult.type}, ${counts.largestActivityResult.bytes} B)`,
    );
    log(
      `baseline:          ${baselineCounts.activities} activities, ${baselineCounts.timers} timers, ${baselineCounts.updates} update, ${baselineCounts.signals} signals, ` +
        `${baselineCounts.upserts} upserts, ${baselineCounts.workflowTasks} workflow tasks, ${baselineCounts.events} events, ${baselineCounts.historyBytes} history bytes`,
    );
    for (const k of ['activities', 'timers', 'updates', 'signals', 'upserts', 'workflowTasks'] as const) {
      if (counts[k] !== baselineCounts[k]) results.notes.push(`baseline ${k} (${baselineCounts[k]}) differs from story B (${counts[k]})`);
    }

    // 2. Offered rates, baseline then complaint at each, plus a step above capacity.
    if (!args.skipRates) {
      await warmUp(stack, shape, runTag, 5, args.paths);
      const steps: Array<{ label: string; rate: number; durationS: number }> = args.rates.map((rate) => ({ label: `${rate}rps`, rate, durationS: args.durationS }));
      if (args.saturation) steps.push({ label: `sat${args.saturation.rate}`, rate: args.saturation.rate, durationS: args.saturation.durationS });
      for (const step of steps) {
        // Rounds alternate the paths (baseline, complaint, baseline, ...), so a burst of other
        // load on the machine lands on both; each round is durationS / rounds long.
        const roundS = step.durationS / args.rounds;
        const byPath = new Map<string, RoundResult[]>();
        for (let roundNo = 1; roundNo <= args.rounds; roundNo++) {
          for (const p of args.paths) {
            const ids = await prepareRound(stack, { path: p, label: step.label, round: roundNo, rate: step.rate, durationS: roundS, runTag });
            log(`${p} at ${step.rate}/s for ${roundS} s (${ids.length} cases; round ${roundNo}/${args.rounds})`);
            const rr = await runRound(
              stack,
              { path: p, label: step.label, round: roundNo, rate: step.rate, durationS: roundS, shape, runTag, maxInFlight: 1_000, drainTimeoutS: Math.max(90, roundS * 8), log },
              ids,
            );
            byPath.set(p, [...(byPath.get(p) ?? []), rr]);
            log(`  ${rr.completed}/${rr.sent} closed in ${rr.busyS.toFixed(1)} s${rr.firstError ? `; first error: ${rr.firstError}` : ''}`);
          }
        }
        for (const p of args.paths) {
          const r: StepResult = mergeRounds(byPath.get(p)!);
          results.steps.push(r);
          log(
            `  ${p} ${step.label}: ${r.completed}/${r.sent} done (${r.errors} errors, ${r.timedOut} timed out); throughput ${r.throughput}/s; ` +
              `apology p50/p95/p99 ${r.apology.p50}/${r.apology.p95}/${r.apology.p99} ms; closed p50/p99 ${r.close.p50}/${r.close.p99} ms; ` +
              `CPU ms/case worker ${r.cpuMsPerCase.workerProcess} Temporal ${r.cpuMsPerCase.temporalServer} API ${r.cpuMsPerCase.api} sims ${r.cpuMsPerCase.simulators}; ` +
              `cores busy: ours ${[r.cpu.workerProcess, r.cpu.temporalServer, r.cpu.api, r.cpu.simulators].join('/')}, others ${r.cpu.others}; ` +
              `worker threads ms/case ${JSON.stringify(r.workerThreadsMsPerCase)}`,
          );
        }
        const ratio = ratioOf(results.steps, step.label);
        log(`  complaint/baseline throughput at ${step.label}: ${ratio}`);
      }
    }

    if (args.idleBaselines > 0) {
      const idle: BaselineShape = { activities: 0, apologyIndex: -1, intakeAfterActivities: 0, timers: 0, upserts: 0, signals: 1 };
      const rss0 = process.memoryUsage().rss;
      const keys = Array.from({ length: args.idleBaselines }, (_, i) => `${runTag}idle-${i}`);
      await pool(keys, 16, async (key) => {
        const t: CaseTiming = { id: key, sentAt: 0 };
        await startBaselineCase(stack.client, key, 'CUST-IDLE', idle, t);
        if (t.error) throw new Error(t.error);
      });
      await sleep(3_000);
      const rss1 = process.memoryUsage().rss;
      const cached = stack.worker.worker.getStatus().numCachedWorkflows;
      const line = `idle baselines: ${keys.length} started, ${cached} cached; worker RSS ${mib(rss0)} -> ${mib(rss1)} MiB = ${round((rss1 - rss0) / 1024 / Math.max(1, cached), 0)} KiB per cached workflow`;
      log(line);
      results.notes.push(`diagnostic: ${line}`);
    }

    // 3. Open-case scale.
    if (!args.skipOpen) {
      await resetSimulators(stack);
      log(`open-case scale: checkpoints ${args.checkpoints.join(', ')}; ${args.samples} start-latency samples each; fill concurrency ${args.fillConcurrency}`);
      results.openCases = await runOpenCases(stack, {
        checkpoints: args.checkpoints,
        samples: args.samples,
        concurrency: args.fillConcurrency,
        runTag,
        settleTimeoutS: args.quick ? 120 : 900,
        log,
      });
    }
  } catch (err) {
    failed = true;
    console.error('benchmark failed:', err);
    results.notes.push(`the run failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    log('stopping the stack');
    await stack.stop();
  }

  results.finishedAt = new Date().toISOString();
  results.machine.loadAvgAtEnd = os.loadavg();
  results.targets = targets(args, results);
  const md = markdown(results);
  fs.mkdirSync(args.out, { recursive: true });
  for (const name of args.names) {
    fs.writeFileSync(path.join(args.out, `${name}.json`), JSON.stringify(results, null, 2) + '\n');
    fs.writeFileSync(path.join(args.out, `${name}.md`), md);
  }
  console.log('\n' + md);
  log(`written ${args.names.map((n) => path.join(args.out, `${n}.{json,md}`)).join(' and ')}`);
  process.exit(failed ? 1 : 0);
}

function targets(args: Args, r: BenchResults): Target[] {
  const out: Target[] = [];
  const top = `${Math.max(...args.rates)}rps`;
  const topComplaint = r.steps.find((s) => s.path === 'complaint' && s.label === top);
  out.push(target(`report→apology p50 at ${top.replace('rps', '')}/s`, topComplaint?.apology.p50, 'lt', 1000, 'ms'));
  out.push(target(`report→apology p99 at ${top.replace('rps', '')}/s`, topComplaint?.apology.p99, 'lt', 3000, 'ms'));
  out.push(target(`complaint/baseline throughput at ${top.replace('rps', '')}/s offered`, ratioOf(r.steps, top), 'ge', 0.8, '×'));
  if (args.saturation) {
    out.push(target(`complaint/baseline throughput above capacity (${args.saturation.rate}/s offered)`, ratioOf(r.steps, `sat${args.saturation.rate}`), 'ge', 0.8, '×', 'capacity'));
  }
  const first = r.openCases[0];
  const last = r.openCases[r.openCases.length - 1];
  if (first && last && last !== first && first.startLatency.p50 && last.startLatency.p50) {
    out.push(target(`start latency p50 at ${last.open} open ÷ at ${first.open} open`, last.startLatency.p50 / first.startLatency.p50, 'le', 1.5, '×'));
    if (first.startLatency.p95 && last.startLatency.p95) {
      out.push(target(`start latency p95 at ${last.open} open ÷ at ${first.open} open`, last.startLatency.p95 / first.startLatency.p95, 'le', 1.5, '×'));
    }
  } else {
    out.push(target('start latency at most open ÷ at 0 open', undefined, 'le', 1.5, '×'));
  }
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
