/**
 * `npm start`: the whole product on one machine. The real Temporal dev server with a SQLite file
 * under data/, the payment/SMS/OA simulators, the worker and the API. Ctrl-C stops all of them;
 * starting again finds every complaint where it was.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, readEnv } from '../config/env';
import { startRedis, type RedisProcess } from './redis';
import { railSandboxEnv, subscribeRailMessages, waitForSimulators } from '../simulators/rail-sandbox';
import { startDevServer } from './temporal-server';
import { workerNodeArgs } from '../config/worker-heap';

const env = readEnv();
const dataDir = path.join(PROJECT_ROOT, 'data');
const [host, portText] = env.TEMPORAL_ADDRESS.split(':');
const temporalPort = Number(portText ?? 7233);

function launch(name: string, entry: string, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(PROJECT_ROOT, entry)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout!.on('data', (c: Buffer) => process.stdout.write(prefix(c)));
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
  return child;
}

async function main(): Promise<void> {
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`npm start runs its own server; TEMPORAL_ADDRESS must be local, got ${env.TEMPORAL_ADDRESS}`);
  console.log('starting the Temporal dev server (SQLite at data/temporal.db) ...');
  const server = await startDevServer({
    port: temporalPort,
    uiPort: Number(new URL(env.TEMPORAL_UI_URL).port || 8233),
    dbFile: path.join(dataDir, 'temporal.db'),
    namespace: env.TEMPORAL_NAMESPACE,
    logFile: path.join(dataDir, 'temporal.log'),
    uiCodecEndpoint: `http://127.0.0.1:${env.API_PORT}/codec`,
    // The history service polls for new workflow tasks 20 times a second by default, so every
    // task of a case waits up to 50 ms; the benchmark measured p50 682 -> 166 ms with this.
    dynamicConfig: { 'history.transferProcessorMaxPollRPS': 1000 },
  });

  // Only when configured: one API process keeps its webhook nonces in memory and needs no Redis.
  const redis = await localRedis();
  const children = [launch('simulators', 'simulators/server.ts')];
  // PAYMENT_RAIL=alipay|wechatpay without merchant credentials: the simulators' sandbox ones.
  const simulatorUrl = `http://127.0.0.1:${env.SIMULATOR_PORT}`;
  const apiUrl = `http://127.0.0.1:${env.API_PORT}`;
  const sandbox = env.PAYMENT_RAIL !== 'internal' && !env.ALIPAY_APP_ID && !env.WECHATPAY_MCHID;
  let railEnv: Record<string, string> = {};
  if (sandbox) {
    await waitForSimulators(simulatorUrl);
    railEnv = await railSandboxEnv(simulatorUrl, apiUrl, env.PAYMENT_RAIL);
    await subscribeRailMessages(simulatorUrl, apiUrl);
  }
  children.push(launch('worker', 'worker.ts', railEnv, workerNodeArgs(env)), launch('api', 'api/server.ts', railEnv));
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping ...');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    await server.stop();
    await redis?.stop();
    console.log('stopped; complaints are kept in data/temporal.db');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const c of children) c.once('exit', (code) => !stopping && (console.error(`a child process exited (${code}); stopping everything`), void stop(1)));

  console.log(`
  API:             http://127.0.0.1:${env.API_PORT}
  Agent console:   http://127.0.0.1:${env.API_PORT}/console/
  Temporal Web UI: ${server.uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows
  Temporal gRPC:   ${server.address}
  Simulators:      http://127.0.0.1:${env.SIMULATOR_PORT}  (payment, Alipay, WeChat Pay, SMS outbox, OA)${redis ? `\n  Redis:           ${redis.url}  (webhook nonces and rate limits)` : ''}
  Payment rail:    ${env.PAYMENT_RAIL}${sandbox ? ' (the simulators\' sandbox credentials)' : ''}
  Press Ctrl-C to stop.
`);
}

/** REDIS_URL on this machine: start Debian's redis-server there, data under data/redis. A remote one is the operator's. */
async function localRedis(): Promise<RedisProcess | undefined> {
  if (!env.REDIS_URL) return undefined;
  const url = new URL(env.REDIS_URL);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return undefined;
  console.log(`starting redis-server on port ${url.port || 6379} (data/redis) ...`);
  return startRedis({ port: Number(url.port || 6379), dir: path.join(dataDir, 'redis'), persist: true });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
