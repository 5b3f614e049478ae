/** The app built in this process with a client that never connects: for route-table and auth checks that need no Temporal. */
import { Client, Connection } from '@temporalio/client';
import { createApp, type ApiConfig } from '../../../api/app';
import { DEV_API_KEYS } from '../../../api/auth';
import { payloadCodec } from '../../../codec/data-converter';

export const TEST_WEBHOOK_SECRET = 'in-process-webhook-secret';

export function inProcessApp(over: Partial<ApiConfig> = {}) {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  return createApp({
    client,
    config: { taskQueue: 'unused', apiKeys: DEV_API_KEYS, temporalUiUrl: 'http://ui.test', namespace: 'default', driverWebhookSecret: TEST_WEBHOOK_SECRET, codec: payloadCodec({}), developmentKeys: true, ...over },
  });
}
