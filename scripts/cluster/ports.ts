/**
 * The cluster's port layout. Temporal records its services' ports in PostgreSQL as SMALLINT
 * (cluster_membership), so every port is below 32768; the layout is saved beside the data so a
 * restart finds the frontend where the clients were told it is.
 */
import fs from 'node:fs';
import net from 'node:net';

export const PORT_NAMES = [
  'postgres',
  'frontend',
  'frontendHttp',
  'frontendMembership',
  'history',
  'historyMembership',
  'matching',
  'matchingMembership',
  'worker',
  'workerMembership',
  'frontendMetrics',
  'historyMetrics',
  'matchingMetrics',
  'workerMetrics',
  'ui',
  'redis',
  'simulators',
  'api1',
  'api2',
] as const;
export type PortName = (typeof PORT_NAMES)[number];
export type Ports = Record<PortName, number>;

/** Easy to read and away from `npm start` (3000, 4100, 7233, 8233) and the ephemeral range. */
export const DEFAULT_PORTS: Ports = {
  postgres: 15432,
  frontend: 17233,
  frontendHttp: 17243,
  frontendMembership: 16933,
  history: 17234,
  historyMembership: 16934,
  matching: 17235,
  matchingMembership: 16935,
  worker: 17239,
  workerMembership: 16939,
  frontendMetrics: 18001,
  historyMetrics: 18002,
  matchingMetrics: 18003,
  workerMetrics: 18004,
  ui: 18233,
  redis: 16379,
  simulators: 14100,
  api1: 13001,
  api2: 13002,
};

const NEVER = new Set([3000, 4100, 7233, 8233]);
const LOW = 10_000;
const HIGH = 32_767;

export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * The saved layout when there is one (a taken port there is an error: the clients of the running
 * cluster were told that port), else the preferred ports, else free ports scanned from a random
 * start (tests, so two runs on one machine never meet).
 */
export async function allocatePorts(opts: { file: string; random: boolean }): Promise<Ports> {
  const saved: Partial<Ports> = fs.existsSync(opts.file) ? JSON.parse(fs.readFileSync(opts.file, 'utf8')) : {};
  for (const name of PORT_NAMES) {
    const port = saved[name];
    if (port && !(await isFree(port))) throw new Error(`port ${port} (${name}, saved in ${opts.file}) is taken: is the cluster already running?`);
  }
  const taken = new Set<number>(Object.values(saved));
  const ports = { ...saved } as Ports;
  let next = opts.random ? LOW + Math.floor(Math.random() * (HIGH - LOW - 2_000)) : LOW;
  // Names a saved layout lacks (a newer runner added a process) get ports as a new layout would.
  for (const name of PORT_NAMES.filter((n) => !saved[n])) {
    let port = opts.random ? 0 : DEFAULT_PORTS[name];
    if (!port || taken.has(port) || !(await isFree(port))) {
      for (port = 0; next <= HIGH; next++) {
        if (!NEVER.has(next) && !taken.has(next) && (await isFree(next))) {
          port = next++;
          break;
        }
      }
      if (!port) throw new Error(`no free port below ${HIGH + 1} for ${name}`);
    }
    taken.add(port);
    ports[name] = port;
  }
  fs.writeFileSync(opts.file, JSON.stringify(ports, null, 2));
  return ports;
}
