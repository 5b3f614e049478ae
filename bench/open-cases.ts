/**
 * Open-case scale: fills the engine with complaints that stay open (each waits on its live
 * business-time deadline timer) and, at each checkpoint, measures memory, the dev server's
 * SQLite file and the start latency of a new complaint (POST /complaints -> 201) on an
 * otherwise idle system. The worker is `worker.ts` in its own process (its RSS from /proc).
 */
import fs from 'node:fs';
import type { BenchStack } from './stack';
import { processRss } from './stack';
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
  fillStartLatency?: Summary;
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

async function postComplaint(apiUrl: string, orderId: string): Promise<number> {
  const t = Date.now();
  const res = await fetch(`${apiUrl}/complaints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_KEY}`, 'content-type': 'application/json' },
    body: complaintBody(orderId),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /complaints ${orderId}: ${res.status} ${text.slice(0, 300)}`);
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

function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

async function measure(stack: BenchStack, open: number, opts: OpenCaseOptions, sampleTag: string): Promise<Omit<Checkpoint, 'fillS' | 'fillRate' | 'fillErrors' | 'fillStartLatency'>> {
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
  for (let i = 0; i < opts.samples; i++) {
    latencies.push(await postComplaint(stack.apiUrl, `${opts.runTag}S${sampleTag}-${i}`.slice(0, 40)));
    // Let the sample's own follow-up work (evidence, acknowledgement SMS) finish before the next one.
    await sleep(300);
  }
  return { ...checkpoint, startLatency: summarize(latencies) };
}

export async function runOpenCases(stack: BenchStack, opts: OpenCaseOptions): Promise<Checkpoint[]> {
  const results: Checkpoint[] = [];
  let opened = 0;
  for (const [ci, target] of opts.checkpoints.entries()) {
    const toOpen = Math.max(0, target - opened);
    const ids = Array.from({ length: toOpen }, (_, i) => `${opts.runTag}O${opened + i}`.slice(0, 40));
    const t0 = Date.now();
    let errors = 0;
    let firstError: string | undefined;
    const fillLatencies: number[] = [];
    let lastLog = Date.now();
    await pool(ids, opts.concurrency, async (id) => {
      try {
        fillLatencies.push(await postComplaint(stack.apiUrl, id));
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
    if (toOpen) opts.log(`  opened ${fillLatencies.length} complaints in ${fillS.toFixed(1)} s (${(fillLatencies.length / fillS).toFixed(1)}/s, ${opts.concurrency} at a time)`);
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
      fillStartLatency: toOpen ? summarize(fillLatencies) : undefined,
    });
    opts.log(
      `  at ${settled} open: start p50 ${m.startLatency.p50} ms p95 ${m.startLatency.p95} ms; worker RSS ${m.workerRssMiB} MiB, Temporal RSS ${m.temporalRssMiB} MiB, ` +
        `SQLite ${mib(m.dbBytes)} MiB (+ WAL ${mib(m.walBytes)} MiB)`,
    );
  }
  return results;
}
