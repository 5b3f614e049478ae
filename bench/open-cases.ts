/**
 * Open-case scale: fills the engine with complaints that stay open (each waits on its live
 * business-time deadline timer) and, at each checkpoint, measures memory, the dev server's
 * SQLite file and the start latency of a new complaint (POST /complaints -> 201) on an
 * otherwise idle system. The worker is `worker.ts` in its own process (its RSS from /proc).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { BenchStack } from './stack';
import { machineBusyMs } from './load';
import { processCpuMs, processRss } from './stack';
import { mib, pool, round, sleep, summarize, type Summary } from './stats';

const AGENT_KEY = 'dev-agent-key';

export interface Checkpoint {
  open: number;
  /** ms, POST /complaints -> 201, sequential requests on an idle system. */
  startLatency: Summary;
  /** VmRSS of the worker process. */
  workerRssMiB?: number;
  temporalRssMiB?: number;
  apiRssMiB?: number;
  simulatorsRssMiB?: number;
  /** Size of the dev server's SQLite file and of its WAL. */
  dbBytes?: number;
  walBytes?: number;
  /** How long filling up to this checkpoint took, and its rate. */
  fillS?: number;
  fillRate?: number;
  fillErrors: number;
  /** Fill requests answered 202 "opening" (started, the intake answer later than the API waits). */
  fillOpening?: number;
  /** Start-latency samples answered 202 (their latency is the API's wait bound). */
  samplesOpening?: number;
  fillStartLatency?: Summary;
  /** CPU ms per opened case while filling, per process; and the machine's busy cores (ours and others). */
  fillCpuMsPerCase?: { worker?: number; temporal?: number; api?: number; simulators?: number };
  fillMachineBusyCores?: number;
}

export interface OpenCaseOptions {
  workerPid: number;
  checkpoints: number[];
  samples: number;
  concurrency: number;
  runTag: string;
  settleTimeoutS: number;
  log: (line: string) => void;
}

function complaintBody(orderId: string): string {
  return JSON.stringify({
    orderId,
    customerId: 'CUST-OPEN-1',
    category: 'service_quality',
    tier: 'individual',
    channel: 'api',
    orderKind: 'other',
    description: '司机态度不好，希望平台处理',
    customer: { name: '王五', phone: '+8613700000000', language: 'zh' },
  });
}

/** 201: the case answered; 202: still opening when the API's intake bound passed (the case is started either way). */
async function postComplaint(apiUrl: string, orderId: string, opening?: { count: number }): Promise<number> {
  const t = Date.now();
  const res = await fetch(`${apiUrl}/complaints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
    body: complaintBody(orderId),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status === 202 && opening) opening.count++;
  else if (res.status !== 201) throw new Error(`POST /complaints ${orderId}: ${res.status} ${text.slice(0, 300)}`);
  return Date.now() - t;
}

/** Waits until every case we opened has sent its acknowledgement and sleeps on its timer. */
async function settle(stack: BenchStack, runTag: string, expected: number, timeoutS: number, log: (l: string) => void): Promise<number> {
  const query = `ExecutionStatus = 'Running' AND ComplaintStatus = 'investigating' AND CustomerId = 'CUST-OPEN-1'`;
  const until = Date.now() + timeoutS * 1000;
  let count = 0;
  let lastLog = 0;
  while (Date.now() < until) {
    count = (await stack.client.workflow.count(query)).count;
    if (count >= expected) break;
    if (Date.now() - lastLog > 15_000) {
      log(`  open cases: ${count}/${expected} acknowledged and waiting on their deadline timers`);
      lastLog = Date.now();
    }
    await sleep(1_000);
  }
  // Visibility lags the workflow by a moment; a short pause lets the last tasks finish too.
  await sleep(2_000);
  void runTag;
  return count;
}

function fillCpu(stack: BenchStack, workerPid: number) {
  return {
    worker: processCpuMs(workerPid),
    temporal: processCpuMs(stack.temporal.process.pid!),
    api: processCpuMs(stack.apiPid),
    sim: processCpuMs(stack.simPid),
    machine: machineBusyMs(),
  };
}

function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

async function measure(stack: BenchStack, open: number, opts: OpenCaseOptions, sampleTag: string): Promise<Omit<Checkpoint, 'fillS' | 'fillRate' | 'fillErrors' | 'fillOpening' | 'fillStartLatency'>> {
  const checkpoint = {
    open,
    workerRssMiB: mib(processRss(opts.workerPid)),
    temporalRssMiB: mib(processRss(stack.temporal.process.pid!)),
    apiRssMiB: mib(processRss(stack.apiPid)),
    simulatorsRssMiB: mib(processRss(stack.simPid)),
    dbBytes: fileSize(stack.dbFile),
    walBytes: fileSize(`${stack.dbFile}-wal`),
  };
  const latencies: number[] = [];
  const opening = { count: 0 };
  for (let i = 0; i < opts.samples; i++) {
    latencies.push(await postComplaint(stack.apiUrl, `${opts.runTag}S${sampleTag}-${i}`.slice(0, 40), opening));
    // Let the sample's own follow-up work (evidence, acknowledgement SMS) finish before the next one.
    await sleep(300);
  }
  return { ...checkpoint, startLatency: summarize(latencies), samplesOpening: opening.count };
}

export async function runOpenCases(stack: BenchStack, opts: OpenCaseOptions): Promise<Checkpoint[]> {
  const results: Checkpoint[] = [];
  let opened = 0;
  // Every order id is used once, also after a request failed (a timed-out one may have opened its case).
  let nextId = 0;
  for (const [ci, target] of opts.checkpoints.entries()) {
    const toOpen = Math.max(0, target - opened);
    const ids = Array.from({ length: toOpen }, () => `${opts.runTag}O${nextId++}`.slice(0, 40));
    const cpu0 = fillCpu(stack, opts.workerPid);
    const t0 = Date.now();
    let errors = 0;
    let firstError: string | undefined;
    const fillLatencies: number[] = [];
    const opening = { count: 0 };
    let lastLog = Date.now();
    await pool(ids, opts.concurrency, async (id) => {
      try {
        fillLatencies.push(await postComplaint(stack.apiUrl, id, opening));
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        opts.log(`  filling: ${opened + fillLatencies.length + errors}/${target} started`);
      }
    });
    const fillS = (Date.now() - t0) / 1000;
    const cpu1 = fillCpu(stack, opts.workerPid);
    const perCase = (k: keyof typeof cpu0) => (cpu0[k] === undefined || cpu1[k] === undefined || !fillLatencies.length ? undefined : Math.round((cpu1[k]! - cpu0[k]!) / fillLatencies.length));
    const busy = cpu0.machine !== undefined && cpu1.machine !== undefined && fillS > 0 ? round((cpu1.machine - cpu0.machine) / 1000 / fillS, 2) : undefined;
    if (toOpen) {
      opts.log(
        `  opened ${fillLatencies.length} complaints in ${fillS.toFixed(1)} s (${(fillLatencies.length / fillS).toFixed(1)}/s, ${opts.concurrency} at a time; ` +
          `${opening.count} answered 202 "opening"); CPU ms per case worker ${perCase('worker')} Temporal ${perCase('temporal')} API ${perCase('api')} ` +
          `sims ${perCase('sim')}; machine busy ${busy} of ${os.cpus().length} cores`,
      );
    }
    if (firstError) opts.log(`  fill errors: ${errors}, first: ${firstError}`);
    opened += fillLatencies.length;
    // The checkpoint's own samples from earlier checkpoints are open cases too.
    const openNow = opened + ci * opts.samples;
    const settled = await settle(stack, opts.runTag, openNow, opts.settleTimeoutS, opts.log);
    opts.log(`  ${settled} open cases waiting on their timers; measuring`);
    const m = await measure(stack, settled, opts, String(ci));
    results.push({
      ...m,
      fillS: toOpen ? round(fillS, 1) : undefined,
      fillRate: toOpen ? round(fillLatencies.length / fillS, 1) : undefined,
      fillErrors: errors,
      fillOpening: opening.count,
      ...(toOpen ? { fillCpuMsPerCase: { worker: perCase('worker'), temporal: perCase('temporal'), api: perCase('api'), simulators: perCase('sim') }, fillMachineBusyCores: busy } : {}),
      fillStartLatency: toOpen ? summarize(fillLatencies) : undefined,
    });
    opts.log(
      `  at ${settled} open: start p50 ${m.startLatency.p50} ms p95 ${m.startLatency.p95} ms; worker RSS ${m.workerRssMiB} MiB, Temporal RSS ${m.temporalRssMiB} MiB, ` +
        `SQLite ${mib(m.dbBytes)} MiB (+ WAL ${mib(m.walBytes)} MiB)`,
    );
  }
  return results;
}
