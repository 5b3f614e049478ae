/**
 * Runs the real Temporal dev server (`temporal server start-dev`) as a child process and prepares
 * its namespace: our search attributes and a retention that keeps closed complaints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { SA } from '../workflows/definitions';
import { ensureBinary, TEMPORAL_CLI } from './temporal-bin';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

const SA_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
};

export const RETENTION_DAYS = 30;

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file; without it the server keeps everything in memory. */
  dbFile?: string;
  headless?: boolean;
  namespace?: string;
  logFile?: string;
  /** Our API's /codec: the Web UI decodes payloads through it. */
  uiCodecEndpoint?: string;
  /** Extra dynamic config, e.g. for benchmarks. */
  dynamicConfig?: Record<string, unknown>;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const bin = ensureBinary(TEMPORAL_CLI);
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'warn'];
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    // WAL lets the server's readers and its single writer work at once; synchronous=normal is
    // safe with WAL (a power cut loses at most the last transactions, never corrupts).
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort ?? opts.port + 1000), '--ui-disable-news-fetch');
  if (!opts.headless && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  const log = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(bin, args, { stdio: ['ignore', log, log] });
  const address = `127.0.0.1:${opts.port}`;
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });

  try {
    const connection = await waitForServer(address, () => exited, 90_000);
    try {
      await prepareNamespace(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: opts.headless ? undefined : `http://127.0.0.1:${opts.uiPort ?? opts.port + 1000}`, process: child, stop };
}

export async function waitForServer(address: string, exited: () => boolean, timeoutMs: number): Promise<Connection> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < until) {
    if (exited()) throw new Error(`the Temporal server exited during start-up (see its log)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the Temporal server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Registers missing search attributes through the operator API (the CLI flag is a no-op on an
 * existing database) and raises retention above the dev server's 24 hours.
 */
export async function prepareNamespace(connection: Connection, namespace: string): Promise<void> {
  const wanted = Object.fromEntries(Object.values(SA).map((key) => [key.name, SA_TYPES[key.type]!]));
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !(name in (existing.customAttributes ?? {}))));
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(`${RETENTION_DAYS} days`) },
  });
}
