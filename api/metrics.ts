/**
 * Prometheus metrics on the API's own registry (several apps in one process, as in tests, never
 * share counters). SLA and settlement figures are not counted here: the workflow decides them
 * where the API cannot see, so they are gauges read from Temporal visibility on scrape.
 */
import type { RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STATUSES } from '../domain/types';
import { COMPLAINT_WORKFLOW_TYPE } from '../workflows/definitions';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  complaintsStarted: Counter<'channel' | 'result'>;
  agentActions: Counter<'action' | 'result'>;
}

const CACHE_MS = 10_000;
const OPEN = `WorkflowType = '${COMPLAINT_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
const SLA_CONDITIONS = ['breached', 'overdue', 'due_within_1h'] as const;

interface VisibilityCounts {
  byStatus: Record<string, number>;
  sla: Record<(typeof SLA_CONDITIONS)[number], number>;
  closed: number;
}

async function countVisibility(client: Client, now: Date): Promise<VisibilityCounts> {
  const count = async (query: string) => (await client.workflow.count(query)).count;
  const at = (ms: number) => `'${new Date(now.getTime() + ms).toISOString()}'`;
  const open = STATUSES.filter((s) => s !== 'closed');
  const [statusCounts, breached, overdue, dueSoon, closed] = await Promise.all([
    Promise.all(open.map((s) => count(`${OPEN} AND ComplaintStatus = '${s}'`))),
    count(`${OPEN} AND Breached = true`),
    count(`${OPEN} AND NextDeadline < ${at(0)}`),
    count(`${OPEN} AND NextDeadline >= ${at(0)} AND NextDeadline < ${at(3_600_000)}`),
    count(`WorkflowType = '${COMPLAINT_WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed'`),
  ]);
  return {
    byStatus: Object.fromEntries(open.map((s, i) => [s, statusCounts[i]!])),
    sla: { breached, overdue, due_within_1h: dueSoon },
    closed,
  };
}

/**
 * One visibility round trip per 10 s however many gauges or scrapers ask. A scrape waits at most
 * 2 s: with Temporal down it answers with the last figures and visibility_up 0 instead of hanging.
 */
function cachedCounts(client: Client) {
  let counts: VisibilityCounts | undefined;
  let ok = false;
  let fetchedAt = 0;
  let pending: Promise<void> | undefined;
  return async (): Promise<{ counts?: VisibilityCounts; ok: boolean }> => {
    if (!pending && Date.now() - fetchedAt >= CACHE_MS) {
      pending = countVisibility(client, new Date())
        .then((fresh) => {
          counts = fresh;
          ok = true;
        })
        .catch((err: Error) => {
          console.error('metrics: visibility count failed:', err.message);
          ok = false;
        })
        .finally(() => {
          fetchedAt = Date.now();
          pending = undefined;
        });
    }
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      (pending ?? Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2_000))),
    ]);
    clearTimeout(timer);
    return { counts, ok: settled && ok };
  };
}

export function createMetrics(client: Client): ApiMetrics {
  const registry = new Registry();
  const visibility = cachedCounts(client);

  const httpDuration = new Histogram({
    name: 'complaints_api_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const complaintsStarted = new Counter({
    name: 'complaints_api_intakes_total',
    help: 'Complaint intakes by channel; result created opened a case, joined added to the open one',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  });
  const agentActions = new Counter({
    name: 'complaints_api_agent_actions_total',
    help: 'Agent actions by action; result refused means the workflow validator said no (409/422)',
    labelNames: ['action', 'result'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'complaints_open_cases',
    help: 'Running complaints by status (Temporal visibility, cached 10 s)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { counts } = await visibility();
      for (const [status, n] of Object.entries(counts?.byStatus ?? {})) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'complaints_sla_cases',
    help: 'Running complaints whose deadline was breached, is past, or falls within the next hour (Temporal visibility, cached 10 s)',
    labelNames: ['condition'] as const,
    registers: [registry],
    async collect() {
      const { counts } = await visibility();
      for (const condition of SLA_CONDITIONS) if (counts) this.set({ condition }, counts.sla[condition]);
    },
  });
  new Gauge({
    name: 'complaints_closed_cases',
    help: 'Complaints that completed: settled, resolved, rejected or withdrawn and apologised for (Temporal visibility, cached 10 s)',
    registers: [registry],
    async collect() {
      const { counts } = await visibility();
      if (counts) this.set(counts.closed);
    },
  });
  new Gauge({
    name: 'complaints_visibility_up',
    help: '1 if the last visibility count succeeded, 0 if the case gauges are stale',
    registers: [registry],
    async collect() {
      this.set((await visibility()).ok ? 1 : 0);
    },
  });

  return { registry, httpDuration, complaintsStarted, agentActions };
}

/** Labels by route template, never by raw path, so ids do not explode the series count. */
export function httpMetrics(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.path.startsWith('/console/') ? '/console/*' : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
