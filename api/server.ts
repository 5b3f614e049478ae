import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { readEnv, type Env } from '../config/env';
import { dataConverter, payloadCodec } from '../codec/data-converter';
import { createApp } from './app';
import { parseApiKeys } from './auth';
import { oaEventsConfigFromEnv } from './routes/oa-events';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApi(env: Env): Promise<ApiServer> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverter(env) });
  const app = createApp({
    client,
    config: {
      taskQueue: env.TASK_QUEUE,
      apiKeys: parseApiKeys(env.API_KEYS),
      temporalUiUrl: env.TEMPORAL_UI_URL,
      namespace: env.TEMPORAL_NAMESPACE,
      driverWebhookSecret: env.DRIVER_WEBHOOK_SECRET,
      codec: payloadCodec(env),
      developmentKeys: !env.API_KEYS,
      oaEvents: oaEventsConfigFromEnv(env),
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.API_PORT, env.API_HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.API_PORT;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
  };
}

if (require.main === module) {
  startApi(readEnv())
    .then((api) => {
      console.log(`api: listening on ${api.url}`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err) => {
      console.error('api failed:', err);
      process.exit(1);
    });
}
