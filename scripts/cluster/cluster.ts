/**
 * The engine on a real Temporal cluster: PostgreSQL (persistence and SQL visibility), the four
 * Temporal services as separate processes, two workers, two API replicas, the simulators and the
 * Web UI. Everything lives under one data folder, so a second start finds every complaint.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { msToTs } from '@temporalio/common/lib/time';
import { PROJECT_ROOT, readEnv } from '../../config/env';
import { SA } from '../../workflows/definitions';
import { railSandboxEnv, subscribeRailMessages, waitForSimulators } from '../../simulators/rail-sandbox';
import { bundleWorkflows } from '../bundle-workflows';
import { redisServerBinary } from '../redis';
import { prepareNamespace, RETENTION_DAYS, waitForServer } from '../temporal-server';
import { ensureGoBinaries } from './go-build';
import { allocatePorts, type Ports } from './ports';
import { ensurePgBinaries, initCluster, pgIsReady, pgRunAs, PG_USER, postgresCommand } from './postgres';
import { setupSchemas, visibilitySlots } from './schema';
import { logLine, sleep, Supervisor, waitFor, type ProcessSpec, type Running } from './supervisor';
import { writeConfigs, type TemporalService } from './temporal-config';
import { NUM_HISTORY_SHARDS, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from './versions';

export interface ClusterOptions {
  /** Holds postgres/ and cluster/ (config, logs, ports, the info file). */
  dataDir: string;
  /** Free ports from a random start instead of the readable defaults (tests). */
  randomPorts?: boolean;
  /** Use simulators someone else runs (tests that need their own switches) instead of starting them. */
  simulatorsUrl?: string;
  log?: (m: string) => void;
}

export interface ClusterInfo {
  runnerPid: number;
  serverVersion: string;
  uiVersion: string;
  historyShards: number;
  namespace: string;
  taskQueue: string;
  ports: Ports;
  temporalAddress: string;
  uiUrl: string;
  apiUrls: string[];
  simulatorsUrl: string;
  simulatorsDataDir: string;
  postgres: { host: string; port: number; user: string; databases: string[] };
  logDir: string;
  pids: Record<string, number | null>;
  /** Each process's command line as /proc shows it, so a later start can tell its orphans from strangers. */
  commands: Record<string, string>;
  restarts: Supervisor['restarts'];
  /** Seconds, per step of this start. */
  timings: Record<string, number>;
}

export interface Cluster {
  info: ClusterInfo;
  infoFile: string;
  supervisor: Supervisor;
  stop(): Promise<void>;
}

export const APP_REPLICAS = { worker: ['worker-1', 'worker-2'], api: ['api-1', 'api-2'] } as const;
const serviceName = (s: TemporalService) => `temporal-${s}`;

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.setTimeout(1_000, () => (socket.destroy(), resolve(false)));
  });
}
const listening = (port: number, timeoutMs = 90_000) => (p: Running) => waitFor(`${p.spec.name} to listen on ${port}`, timeoutMs, () => tcpOpen(port));

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const env = readEnv();
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t = Date.now();
    const v = await fn();
    timings[name] = Math.round((Date.now() - t) / 100) / 10;
    return v;
  };

  const dataDir = path.resolve(opts.dataDir);
  const clusterDir = path.join(dataDir, 'cluster');
  const logDir = path.join(clusterDir, 'logs');
  const pgDir = path.join(dataDir, 'postgres');
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(path.join(clusterDir, 'redis'), { recursive: true });
  const infoFile = path.join(clusterDir, 'cluster.json');

  await reapOrphans(infoFile, log);
  const binaries = await step('goBinaries', () => ensureGoBinaries(log));
  const pgBin = await step('postgresInstall', () => ensurePgBinaries(log));
  const runAs = pgRunAs();
  const password = await step('postgresInit', () => initCluster({ bin: pgBin, dataDir: pgDir, passwordFile: path.join(dataDir, 'postgres-password'), runAs, log }));
  const ports = await allocatePorts({ file: path.join(clusterDir, 'ports.json'), random: opts.randomPorts ?? false });

  const simulatorsUrl = opts.simulatorsUrl ?? `http://127.0.0.1:${ports.simulators}`;
  const simulatorsDataDir = path.join(clusterDir, 'simulators');
  const apiUrls = APP_REPLICAS.api.map((_, i) => `http://127.0.0.1:${ports[i === 0 ? 'api1' : 'api2']}`);
  const info: ClusterInfo = {
    runnerPid: process.pid,
    serverVersion: TEMPORAL_SERVER_VERSION,
    uiVersion: TEMPORAL_UI_VERSION,
    historyShards: NUM_HISTORY_SHARDS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TASK_QUEUE,
    ports,
    temporalAddress: `127.0.0.1:${ports.frontend}`,
    uiUrl: `http://127.0.0.1:${ports.ui}`,
    apiUrls,
    simulatorsUrl,
    simulatorsDataDir,
    postgres: { host: '127.0.0.1', port: ports.postgres, user: PG_USER, databases: ['temporal', 'temporal_visibility'] },
    logDir,
    pids: {},
    commands: {},
    restarts: [],
    timings,
  };
  const writeInfo = () => {
    info.pids = supervisor.pids();
    info.commands = supervisor.commands();
    info.restarts = supervisor.restarts;
    fs.writeFileSync(`${infoFile}.tmp`, JSON.stringify(info, null, 2));
    fs.renameSync(`${infoFile}.tmp`, infoFile);
  };

  let lostHandler: (name: string, code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
  const supervisor = new Supervisor({ log, changed: () => writeInfo(), lost: (n, c, s) => lostHandler(n, c, s) });
  const stop = async () => {
    await supervisor.stopAll([[...APP_REPLICAS.api], [...APP_REPLICAS.worker], ['ui', 'simulators'], [serviceName('worker')], [serviceName('frontend')], [serviceName('matching'), serviceName('history')], ['postgres']]);
    writeInfo();
  };

  try {
    const pg = postgresCommand(pgBin, pgDir, ports.postgres);
    await step('postgresStart', () =>
      supervisor.start({
        name: 'postgres',
        ...pg,
        // Its log file is opened by this process and inherited, so the postgres user needs no write access to it.
        uid: runAs.uid,
        gid: runAs.gid,
        cwd: '/',
        env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
        logFile: path.join(logDir, 'postgres.log'),
        restart: true,
        stopSignal: 'SIGINT',
        ready: () => waitFor('PostgreSQL to accept connections', 60_000, () => pgIsReady(pgBin, ports.postgres), 250),
      }),
    );
    await step('schema', () => setupSchemas({ sqlTool: binaries.bin['temporal-sql-tool'], port: ports.postgres, password, logFile: path.join(logDir, 'schema.log'), log }));

    const files = writeConfigs(clusterDir, ports, password, env.TEMPORAL_NAMESPACE, `${apiUrls[0]}/codec`);
    const temporalSpec = (s: TemporalService): ProcessSpec => ({
      name: serviceName(s),
      command: binaries.bin['temporal-server'],
      args: ['--config-file', files.serverConfig, '--allow-no-auth', 'start', '--service', s],
      cwd: clusterDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_METRICS_PORT: String(ports[`${s}Metrics`]) },
      logFile: path.join(logDir, `${serviceName(s)}.log`),
      restart: true,
      ready: listening(ports[s]),
    });
    await step('temporalServices', async () => {
      // The first service writes the cluster metadata record; started together they race to insert it.
      await supervisor.start(temporalSpec('history'));
      await Promise.all((['matching', 'frontend'] as const).map((s) => supervisor.start(temporalSpec(s))));
      // The internal worker service (system workflows) is a client of the frontend.
      await supervisor.start(temporalSpec('worker'));
    });
    checkVisibilitySlots(visibilitySlots(path.join(pgBin.dir, 'bin', 'psql'), ports.postgres, password));
    await step('namespace', () => setupNamespace(info.temporalAddress, env.TEMPORAL_NAMESPACE, log));

    const appEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
      ...process.env,
      TEMPORAL_ADDRESS: info.temporalAddress,
      TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
      TASK_QUEUE: env.TASK_QUEUE,
      TEMPORAL_UI_URL: info.uiUrl,
      PAYMENT_URL: `${simulatorsUrl}/payment`,
      SMS_URL: `${simulatorsUrl}/sms`,
      OA_URL: `${simulatorsUrl}/oa`,
      ...extra,
    });
    const node = (name: string, entry: string, extra: Record<string, string>, readyLine: string): ProcessSpec => ({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(PROJECT_ROOT, entry)],
      cwd: PROJECT_ROOT,
      env: appEnv(extra),
      logFile: path.join(logDir, `${name}.log`),
      restart: false,
      ready: logLine(readyLine, 120_000),
    });

    // One bundle for both replicas: identical workflow code, and webpack runs once, not twice.
    const bundle = path.join(clusterDir, 'workflow-bundle.js');
    await step('workflowBundle', async () => fs.writeFileSync(bundle, await bundleWorkflows()));

    await step('apps', async () => {
      // Two API replicas share the webhook nonces and rate limits through Redis, or a replay refused
      // by one would be accepted by the other.
      await supervisor.start({
        name: 'redis',
        command: redisServerBinary(),
        args: ['--port', String(ports.redis), '--bind', '127.0.0.1', '--dir', path.join(clusterDir, 'redis'), '--daemonize', 'no'],
        cwd: clusterDir,
        logFile: path.join(logDir, 'redis.log'),
        restart: true,
        ready: listening(ports.redis),
      });
      if (!opts.simulatorsUrl) {
        await supervisor.start(node('simulators', 'simulators/server.ts', { SIMULATOR_PORT: String(ports.simulators), SIMULATOR_HOST: '127.0.0.1', SIMULATOR_DATA_DIR: simulatorsDataDir }, 'simulators listening on'));
      }
      const rail = await railEnvFor(env, simulatorsUrl, apiUrls[0]!);
      const starting: Promise<unknown>[] = [];
      for (const name of APP_REPLICAS.worker) starting.push(supervisor.start(node(name, 'worker.ts', { ...rail, WORKFLOW_BUNDLE: bundle }, 'worker: polling task queue')));
      APP_REPLICAS.api.forEach((name, i) =>
        starting.push(supervisor.start(node(name, 'api/server.ts', { ...rail, REDIS_URL: `redis://127.0.0.1:${ports.redis}`, API_PORT: String(ports[i === 0 ? 'api1' : 'api2']), API_HOST: '127.0.0.1' }, 'api: listening on'))),
      );
      starting.push(
        supervisor.start({
          name: 'ui',
          command: binaries.bin['temporal-ui-server'],
          args: ['--root', files.uiConfigRoot, '--config', 'ui', '--env', 'cluster', 'start'],
          cwd: clusterDir,
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
          logFile: path.join(logDir, 'ui.log'),
          restart: true,
          ready: listening(ports.ui),
        }),
      );
      await Promise.all(starting);
    });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  lostHandler = (name, code, signal) => {
    const kind = APP_REPLICAS.worker.includes(name as never) ? APP_REPLICAS.worker : APP_REPLICAS.api.includes(name as never) ? APP_REPLICAS.api : undefined;
    const left = kind?.filter((n) => supervisor.get(n) && !supervisor.get(n)!.exited) ?? [];
    log(`${name} exited (${signal ? `signal ${signal}` : `code ${code}`})${left.length ? `; ${left.join(', ')} carr${left.length > 1 ? 'y' : 'ies'} on` : ''}`);
  };
  writeInfo();
  return { info, infoFile, supervisor, stop };
}

/**
 * PAYMENT_RAIL=alipay|wechatpay without merchant credentials means the simulators' sandbox ones
 * (as `npm start` does); the rails' notifications go to API replica 1.
 */
async function railEnvFor(env: ReturnType<typeof readEnv>, simulatorsUrl: string, apiUrl: string): Promise<Record<string, string>> {
  if (env.PAYMENT_RAIL === 'internal' || env.ALIPAY_APP_ID || env.WECHATPAY_MCHID) return {};
  await waitForSimulators(simulatorsUrl);
  await subscribeRailMessages(simulatorsUrl, apiUrl);
  return railSandboxEnv(simulatorsUrl, apiUrl, env.PAYMENT_RAIL);
}

/**
 * The services run in their own process groups, so a runner killed with SIGKILL leaves them
 * running and holding the ports. The last info file names them; stop those that are still the
 * processes it started (same command line), before anything else.
 */
async function reapOrphans(infoFile: string, log: (m: string) => void): Promise<void> {
  if (!fs.existsSync(infoFile)) return;
  const last = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Pick<ClusterInfo, 'runnerPid' | 'pids'> & { commands?: Record<string, string> };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive(last.runnerPid)) throw new Error(`the cluster in ${path.dirname(infoFile)} is running (runner pid ${last.runnerPid}); stop it first`);
  const cmdline = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      return '';
    }
  };
  const orphans = Object.entries(last.pids).filter(([name, pid]) => pid && alive(pid) && last.commands?.[name] && cmdline(pid) === last.commands[name]) as Array<[string, number]>;
  if (!orphans.length) return;
  log(`stopping what a killed runner left running: ${orphans.map(([n, pid]) => `${n} (pid ${pid})`).join(', ')}`);
  for (const [, pid] of orphans) process.kill(pid, 'SIGTERM');
  await waitFor('the left-over processes to exit', 20_000, () => orphans.every(([, pid]) => !alive(pid))).catch(() => orphans.forEach(([, pid]) => alive(pid) && process.kill(pid, 'SIGKILL')));
}

/** A real cluster starts with no namespace: register ours, then our search attributes and retention. */
async function setupNamespace(address: string, namespace: string, log: (m: string) => void): Promise<void> {
  const connection = await waitForServer(address, () => false, 120_000);
  try {
    const exists = await connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      log(`registering namespace ${namespace} (retention ${RETENTION_DAYS} days)`);
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${RETENTION_DAYS} days`) });
    }
    const before = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => undefined);
    // Every service's namespace cache learns a new namespace within its refresh interval (2 s).
    await waitFor(`namespace ${namespace} to be usable`, 60_000, async () => {
      await prepareNamespace(connection, namespace);
      return true;
    }, 1_000);
    const after = await connection.operatorService.listSearchAttributes({ namespace });
    const added = Object.keys(after.customAttributes ?? {}).filter((k) => !(k in (before?.customAttributes ?? {})));
    if (added.length) {
      log(`search attributes registered on SQL visibility: ${added.join(', ')}`);
      await sleep(3_000);
    }
  } finally {
    await connection.close();
  }
}

/** SQL visibility has a fixed number of columns per type; fail early, naming the type, if ours do not fit. */
function checkVisibilitySlots(slots: Record<string, number>): void {
  const wanted = new Map<string, number>();
  for (const key of Object.values(SA)) wanted.set(key.type, (wanted.get(key.type) ?? 0) + 1);
  for (const [type, n] of wanted) {
    const have = slots[type] ?? 0;
    if (n > have) throw new Error(`${n} search attributes of type ${type}, but SQL visibility has ${have} ${type} columns per namespace`);
  }
}

