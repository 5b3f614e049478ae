/** An API in this process on the test Temporal server, on a task queue no worker polls: a stack whose worker is away. */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Client } from '@temporalio/client';
import { temporalClient } from '../../harness/client';
import { inProcessApp, type InProcessConfig } from './in-process-app';

export interface UnpolledApi {
  baseUrl: string;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function unpolledApi(over: InProcessConfig = {}): Promise<UnpolledApi> {
  const { client, close } = await temporalClient();
  const taskQueue = `nobody-polls-${crypto.randomUUID().slice(0, 8)}`;
  const server = http.createServer(inProcessApp({ client, taskQueue, ...over }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    client,
    taskQueue,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await close();
    },
  };
}
