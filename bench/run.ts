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
import { execFileSync } from 'node:child_process';
import { baselineWorkflowId, complaintWorkflowId, floorWorkflowId, runBaselineToEnd, runComplaintToEnd, runFloorToEnd, seedStoryB, startBaselineCase, type CaseTiming } from './drive';
import { describeCalls, recordProviderCalls } from './provider-calls';
import { CAPACITY_LABEL, cpuSplitOf, loadOf, openCasesOf, perCaseOf, ratiosOf } from './summary';
import { mib, pool, round, sleep } from './stats';
import { ALL_PATHS, baselineShapeFor, mergeRounds, prepareRound, resetSimulators, runRound, warmUp, type PathKind, type RoundResult, type StepResult } from './load';
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
  /** The worker process's cache for the open-case scale (the README's recommendation for many idle cases). */
  openMaxCached: number;
  rounds: number;
  skipRates: boolean;
  skipOpen: boolean;
  /** Diagnostics: start this many idle baseline workflows and report worker RSS per cached workflow. */
  idleBaselines: number;
  worker: Partial<WorkerOptions>;
  dynamicConfig: Record<string, unknown>;
  /** Diagnostics: run only these paths; override parts of the baseline's shape. */
  paths: PathKind[];
  shapeOverrides: Record<string, number>;
  out: string;
  /** Result file names (without extension). */
  names: string[];
  label?: string;
}

function parseArgs(argv: string[]): Args {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    // `--label before` as well as `--label=before` (npm run bench -- --label before).
    if (i >= 0 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) return argv[i + 1];
    return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
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
    // The low count is above the worker cache (500), so the RSS ratio compares full caches.
    checkpoints: list('open') ?? (quick ? [0, 600, 2_000] : [0, 1_000, 10_000]),
    samples: num('samples') ?? (quick ? 15 : 30),
    fillConcurrency: num('fill-concurrency') ?? 32,
    openMaxCached: num('open-max-cached') ?? 500,
    rounds: num('rounds') ?? (quick ? 1 : 2),
    skipRates: flag('skip-rates'),
    skipOpen: flag('skip-open'),
    idleBaselines: num('idle-baselines') ?? 0,
    worker,
    dynamicConfig,
    paths: (value('paths')?.split(',') as Args['paths'] | undefined) ?? [...ALL_PATHS],
    shapeOverrides: Object.fromEntries(
      (value('shape') ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.split(':')[0]!, Number(kv.split(':')[1])]),
    ),
    out: value('out') ?? path.join(__dirname, 'results'),
    names: [],
    label: value('label'),
  };
}

/** Only a standard run (no diagnostics, no custom tuning) replaces latest.* and full.* / quick.*. */
function resultNames(args: Args, argv: string[]): string[] {
  const explicit = argv.find((a) => a.startsWith('--name='))?.slice(7) ?? args.label;
  if (explicit) return [explicit];
  const mode = args.quick ? 'quick' : 'full';
  const custom =
    args.skipRates ||
    args.skipOpen ||
    args.idleBaselines > 0 ||
    args.paths.length !== ALL_PATHS.length ||
    Object.keys(args.shapeOverrides).length > 0 ||
    Object.keys(args.worker).length > 0 ||
    JSON.stringify(args.dynamicConfig) !== JSON.stringify(TUNED_DYNAMIC_CONFIG) ||
    process.env.BENCH_WORKFLOWS_PATH !== undefined ||
    argv.some((a) => /^--(rates|duration|saturation|open|samples|rounds|fill-concurrency|open-max-cached)=/.test(a));
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
    label: args.names[0],
    commit: gitHead(),
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
      openMaxCachedWorkflows: args.openMaxCached,
      workerOverrides: args.worker,
      workflowsPath: process.env.BENCH_WORKFLOWS_PATH,
      temporalDynamicConfig: args.dynamicConfig,
      policy: 'built-in default (business clock)',
    },
    storyB: { counts: undefined as never },
    steps: [],
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
      // The probe's provider calls are what the floor replays (bench/provider-calls.ts).
      const recorder = recordProviderCalls(stack.simUrl);
      const probeState = await runComplaintToEnd(stack.client, stack.apiUrl, stack.simUrl, probeOrder, 'CUST-PROBE').finally(() => {
        stack.probe.floor = { simUrl: stack.simUrl, probeOrder, calls: recorder.stop() };
      });
      if (probeState.hold?.status !== 'captured' || probeState.outcome === undefined) {
        throw new Error(`the story-B probe did not take the fast path: hold ${probeState.hold?.status}, outcome ${probeState.outcome}`);
      }
      counts = await countHistory(stack.client, probeState.complaintId, codec);
      results.storyB.providerCalls = describeCalls(stack.probe.floor!.calls, probeOrder);
      log(`story-B provider calls (${results.storyB.providerCalls.length}): ${results.storyB.providerCalls.join(', ')}`);
    } else {
      // Diagnostics on a bundle without the complaint: the baseline runs on its own shape.
      await runBaselineToEnd(stack.client, `${runTag}shape`, 'CUST-PROBE', DIAGNOSTIC_SHAPE);
      counts = await countHistory(stack.client, `baseline-${runTag}shape`, codec);
      counts.apologyIndex = DIAGNOSTIC_SHAPE.apologyIndex;
      results.notes.push('diagnostic run without the complaint workflow: baseline shape fixed, not counted from story B');
    }
    const shape = { ...shapeFrom(counts), ...args.shapeOverrides };
    if (Object.keys(args.shapeOverrides).length) {
      // The overrides reshape the counts; the per-task script would ignore them.
      delete shape.tasks;
      results.notes.push(`diagnostic run: baseline shape overridden with ${JSON.stringify(args.shapeOverrides)}`);
    }
    await runBaselineToEnd(stack.client, `${runTag}probe`, 'CUST-PROBE', shape);
    const baselineCounts = await countHistory(stack.client, `baseline-${runTag}probe`, codec);
    results.storyB = { ...results.storyB, counts, baselineCounts };
    results.perCase = perCaseOf([counts], stack.probe.floor?.calls.length);
    if (args.paths.includes('floor') && stack.probe.floor) {
      const floorOrder = `${runTag}Fprobe`;
      await seedStoryB(stack.simUrl, floorOrder);
      await runFloorToEnd(stack.client, floorOrder, 'CUST-PROBE');
      results.storyB.floorCounts = await countHistory(stack.client, floorWorkflowId(floorOrder), codec);
      const fc = results.storyB.floorCounts;
      log(`floor:             ${fc.activities} activity (${stack.probe.floor.calls.length} provider calls), ${fc.workflowTasks} workflow tasks, ${fc.events} events, ${fc.historyBytes} history bytes`);
    }
    if (args.paths.includes('withCalls') && stack.probe.floor) {
      const key = `${runTag}Wprobe`;
      await seedStoryB(stack.simUrl, key);
      await runBaselineToEnd(stack.client, key, 'CUST-PROBE', baselineShapeFor('withCalls', shape));
      results.storyB.withCallsCounts = await countHistory(stack.client, baselineWorkflowId(key), codec);
      const wc = results.storyB.withCallsCounts;
      log(`baseline + calls:  ${wc.activities} activities, ${wc.workflowTasks} workflow tasks, ${wc.events} events, ${wc.historyBytes} history bytes`);
    }
    log(
      `story-B fast path: ${counts.activities} activities (${counts.activityTypes.join(', ')}), ${counts.timers} timers, ` +
        `${counts.updates} update, ${counts.signals} signals, ${counts.upserts} search-attribute upserts, ${counts.workflowTasks} workflow tasks, ` +
        `${counts.events} events, ${counts.historyBytes} history bytes (largest activity result: ${counts.largestActivityResult.type}, ${counts.largestActivityResult.bytes} B)`,
    );
    log(
      `baseline:          ${baselineCounts.activities} activities, ${baselineCounts.timers} timers, ${baselineCounts.updates} update, ${baselineCounts.signals} signals, ` +
        `${baselineCounts.upserts} upserts, ${baselineCounts.workflowTasks} workflow tasks, ${baselineCounts.events} events, ${baselineCounts.historyBytes} history bytes`,
    );
    const copies = [['baseline', baselineCounts], ['baseline + calls', results.storyB.withCallsCounts]] as const;
    for (const [name, copy] of copies) {
      for (const k of ['activities', 'localActivities', 'timers', 'updates', 'signals', 'upserts', 'workflowTasks', 'events'] as const) {
        if (copy && counts[k] !== copy[k]) results.notes.push(`${name} ${k} (${copy[k]}) differs from story B (${counts[k]})`);
      }
    }

    // 2. Offered rates, baseline then complaint at each, plus a step above capacity.
    if (!args.skipRates) {
      await warmUp(stack, shape, runTag, 5, args.paths);
      if (args.paths.includes('complaint') && results.storyB.counts) {
        // The warm-up complaints are story-B cases run one at a time, like the probe: the per-case
        // counts are the median over all of them.
        const warm = await Promise.all(Array.from({ length: 5 }, (_, i) => countHistory(stack.client, complaintWorkflowId(`${runTag}Cwarm-${i}`), codec)));
        results.perCase = perCaseOf([counts, ...warm], stack.probe.floor?.calls.length);
        log(`story-B per case over ${warm.length + 1} histories: ${results.perCase.events} events (${results.perCase.eventsRange.join('-')}), ${results.perCase.workflowTasks} workflow tasks (${results.perCase.workflowTasksRange.join('-')})`);
      }
      const steps: Array<{ label: string; rate: number; durationS: number }> = args.rates.map((rate) => ({ label: `${rate}rps`, rate, durationS: args.durationS }));
      if (args.saturation) steps.push({ label: CAPACITY_LABEL, rate: args.saturation.rate, durationS: args.saturation.durationS });
      for (const step of steps) {
        // Rounds alternate the paths (baseline, complaint, baseline, ...), so a burst of other
        // load on the machine lands on both; each round is durationS / rounds long.
        // The capacity step always alternates the paths twice: its ratio is the headline.
        const rounds = step.label === CAPACITY_LABEL ? Math.max(2, args.rounds) : args.rounds;
        const roundS = step.durationS / rounds;
        const byPath = new Map<string, RoundResult[]>();
        for (let roundNo = 1; roundNo <= rounds; roundNo++) {
          for (const p of args.paths) {
            const rate = step.label === CAPACITY_LABEL ? capacityRate(p, step.rate, results.steps, results.machine.cpus) : step.rate;
            const ids = await prepareRound(stack, { path: p, label: step.label, round: roundNo, rate, durationS: roundS, runTag });
            log(`${p} at ${rate}/s for ${roundS} s (${ids.length} cases; round ${roundNo}/${rounds})`);
            const rr = await runRound(
              stack,
              { path: p, label: step.label, round: roundNo, rate, durationS: roundS, shape, runTag, maxInFlight: 1_000, drainTimeoutS: Math.max(90, roundS * 8), log },
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
        log(
          `  complaint/baseline throughput at ${step.label}: ${ratioOf(results.steps, step.label)}; ` +
            `complaint/(baseline + calls): ${ratioOf(results.steps, step.label, 'withCalls')}; complaint/floor: ${ratioOf(results.steps, step.label, 'floor')}`,
        );
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
      const { pid } = await stack.startWorkerProcess({ maxCachedWorkflows: args.openMaxCached });
      const checkpoints = await runOpenCases(stack, {
        workerPid: pid,
        checkpoints: args.checkpoints,
        samples: args.samples,
        concurrency: args.fillConcurrency,
        runTag,
        settleTimeoutS: args.quick ? 300 : 900,
        log,
      });
      results.openCases = openCasesOf(checkpoints, args.checkpoints, args.openMaxCached);
    }
  } catch (err) {
    failed = true;
    console.error('benchmark failed:', err);
    results.notes.push(`the run failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    log('stopping the stack');
    await stack.stop();
  }

  results.ratios = ratiosOf(results.steps);
  results.load = loadOf(results.steps);
  results.cpuMsPerCase = cpuSplitOf(results.steps);
  for (const [p, sat] of Object.entries(results.ratios.saturated)) {
    if (!sat) results.notes.push(`${p} did not fall behind its offered rate in the capacity step: its capacity (${results.ratios.capacityPerS[p as PathKind]}/s) is a lower bound`);
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
  out.push(target('story-B events per case', r.perCase?.events, 'le', 35, 'events'));
  out.push(target('story-B workflow tasks per case', r.perCase?.workflowTasks, 'le', 5, 'tasks'));
  out.push(target(`report→apology p50 at ${top.replace('rps', '')}/s`, topComplaint?.apology.p50, 'lt', 1000, 'ms'));
  out.push(target(`report→apology p99 at ${top.replace('rps', '')}/s`, topComplaint?.apology.p99, 'lt', 3000, 'ms'));
  out.push(target('complaint/same-shape baseline capacity', r.ratios?.sameShapeAtCapacity, 'ge', 0.9, '×', 'each path above its capacity'));
  out.push(
    target('complaint/same-shape baseline making the same provider calls, capacity', r.ratios?.sameShapeWithCallsAtCapacity, 'ge', 0.9, '×', "the engine's own cost, the business work equal"),
  );
  const o = r.openCases;
  if (o) {
    out.push(target(`worker RSS at ${o.highCount} open ÷ at ${o.lowCount} open`, o.rssGrowth10kOver1k, 'le', 1.2, '×'));
    out.push(target(`worker RSS at ${o.highCount} open`, o.workerRssMiBAt10k, 'le', 1024, 'MiB', `cache ${o.maxCachedWorkflows}`));
    out.push(target(`start latency p50 at ${o.highCount} open ÷ at 0 open`, o.startP50RatioAt10k, 'le', 1.2, '×'));
  }
  return out;
}

/** Which workflow code ran: the HEAD of the tree the bench runs in (a plain export has none). */
function gitHead(): string | undefined {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

/**
 * The capacity step offers each path more than it can do, so its throughput is its capacity:
 * 1.5 × what the machine's cores could serve at the CPU per case measured in the highest fixed
 * step, and at least `--saturation`. Reports stay under the webhook's per-address limits (32
 * source addresses × 120 a minute).
 */
function capacityRate(p: PathKind, atLeast: number, steps: StepResult[], cpus: number): number {
  const fixed = steps.filter((s) => s.path === p && s.label !== CAPACITY_LABEL && s.cpuMsPerCase.total);
  const last = fixed[fixed.length - 1];
  const cpuBound = last ? (cpus * 1000) / last.cpuMsPerCase.total! : 0;
  const rate = Math.max(atLeast, Math.ceil(1.5 * cpuBound));
  return p === 'complaint' ? Math.min(rate, 50) : rate;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
