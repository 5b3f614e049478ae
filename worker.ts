/**
 * The worker: runs complaint workflows and their activities on the task queue. Run as many
 * replicas as load needs; they share nothing but the Temporal server.
 */
import http from 'node:http';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { readEnv, type Env } from './config/env';
import { assertProductionReady } from './config/production';
import { activityDepsFromEnv, createActivities } from './activities';
import { createRulesMetrics } from './activities/rules';
import { dataConverter } from './codec/data-converter';

export interface WorkerHandle {
  worker: Worker;
  run: Promise<void>;
  /** The worker's own Prometheus registry (rules snapshot health). */
  metrics: Registry;
  shutdown(): Promise<void>;
}

/**
 * A prebuilt bundle (tests, benchmarks) skips webpack; otherwise the sources are bundled once.
 * Refuses to build a worker on development secrets in production, or on a broken policy or
 * calendar file: both throw before anything connects, naming what is wrong.
 */
export async function startWorker(env: Env, opts: { workflowBundlePath?: string; overrides?: Partial<WorkerOptions> } = {}): Promise<WorkerHandle> {
  assertProductionReady(env, 'worker');
  const metrics = new Registry();
  const activities = createActivities({ ...activityDepsFromEnv(env), rulesMetrics: createRulesMetrics(metrics) });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const workflowSource = opts.workflowBundlePath
    ? { workflowBundle: { codePath: opts.workflowBundlePath } }
    : { workflowsPath: require.resolve('./workflows') };
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TASK_QUEUE,
    ...workflowSource,
    activities,
    dataConverter: dataConverter(env),
    // Idle cases wait on timers and need no cache: an evicted one replays its short history when
    // its timer fires. The benchmark measured 4.6 -> 1.8 GB RSS at 10,000 open with 500.
    ...(env.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    ...opts.overrides,
  }).catch(async (err) => {
    await connection.close();
    throw err;
  });
  const run = worker.run().finally(() => connection.close());
  return {
    worker,
    run,
    metrics,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  };
}

/** GET /metrics on the worker, for the stale-rules alert. */
function serveMetrics(registry: Registry, port: number): http.Server {
  return http
    .createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
    })
    .listen(port, '0.0.0.0');
}

if (require.main === module) {
  Promise.resolve()
    .then(async () => {
      const env = readEnv();
      const handle = await startWorker(env, { workflowBundlePath: process.env.WORKFLOW_BUNDLE });
      const metricsServer = env.WORKER_METRICS_PORT !== undefined ? serveMetrics(handle.metrics, env.WORKER_METRICS_PORT) : undefined;
      console.log(`worker: polling task queue "${env.TASK_QUEUE}" on ${env.TEMPORAL_ADDRESS}`);
      await handle.run;
      metricsServer?.close();
    })
    .catch((err) => {
      console.error('worker failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
