/**
 * `npm run cluster`: the engine on a Temporal cluster with PostgreSQL, the scale-out shape, on one
 * machine. Builds what it needs into .tools/ (the Temporal server, temporal-sql-tool and the Web UI
 * server from their Go modules), keeps its data in data/ (PostgreSQL in data/postgres), and runs the
 * four Temporal services, two workers, two API replicas, the simulators and the Web UI. Ctrl-C stops
 * all of it; starting again finds every complaint.
 *
 *   --data-dir DIR      instead of data/ (tests)
 *   --random-ports      free ports from a random start instead of the readable defaults (tests)
 *   --simulators URL    use simulators that run elsewhere
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../config/env';
import { startCluster, type Cluster } from './cluster/cluster';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const stamp = () => new Date().toISOString().slice(11, 19);
const log = (m: string) => console.log(`[cluster ${stamp()}] ${m}`);

async function main(): Promise<void> {
  const dataDir = path.resolve(arg('--data-dir') ?? path.join(PROJECT_ROOT, 'data'));
  let cluster: Cluster | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping ...');
    await cluster?.stop();
    log(`stopped; complaints are kept in ${path.join(dataDir, 'postgres')}`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // The services run in their own process groups: a closed terminal must stop them too.
  process.on('SIGHUP', () => void stop(0));

  const started = Date.now();
  cluster = await startCluster({ dataDir, randomPorts: process.argv.includes('--random-ports'), simulatorsUrl: arg('--simulators'), log });
  if (stopping) return;
  const { info } = cluster;
  const p = info.ports;
  console.log(`
  Temporal cluster ${info.serverVersion} on PostgreSQL, ${info.historyShards} history shards, up in ${((Date.now() - started) / 1000).toFixed(1)} s
  API replica 1:    ${info.apiUrls[0]}   (agent console: ${info.apiUrls[0]}/console/)
  API replica 2:    ${info.apiUrls[1]}
  Temporal Web UI:  ${info.uiUrl}/namespaces/${info.namespace}/workflows   (UI ${info.uiVersion})
  Temporal gRPC:    ${info.temporalAddress}   (frontend; history ${p.history}, matching ${p.matching}, worker ${p.worker})
  Workers:          worker-1, worker-2 on task queue "${info.taskQueue}"
  Simulators:       ${info.simulatorsUrl}
  Redis:            redis://127.0.0.1:${p.redis}   (the API replicas' shared webhook nonces and rate limits)
  PostgreSQL:       127.0.0.1:${p.postgres} (user ${info.postgres.user}, password in ${path.join(dataDir, 'postgres-password')}; data ${path.join(dataDir, 'postgres')})
  Logs:             ${info.logDir}
  Press Ctrl-C to stop.
`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
