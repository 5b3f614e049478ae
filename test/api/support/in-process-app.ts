/** The app built in this process with a client that never connects: for route-table and auth checks that need no Temporal. */
import { Client, Connection } from '@temporalio/client';
import { createApp, type ApiConfig } from '../../../api/app';
import { apiKeyMap, DEV_API_KEYS, type ApiKeys, type StaffUser } from '../../../api/auth';
import { payloadCodec } from '../../../codec/data-converter';

export const TEST_WEBHOOK_SECRET = 'in-process-webhook-secret';
export const TEST_SESSION_SECRET = 'in-process-session-secret';

export type InProcessConfig = Partial<Omit<ApiConfig, 'apiKeys'>> & { apiKeys?: Record<string, StaffUser> | ApiKeys; client?: Client };

export function appConfig(over: InProcessConfig = {}): ApiConfig {
  const { apiKeys, client: _client, ...rest } = over;
  return {
    taskQueue: 'unused',
    temporalUiUrl: 'http://ui.test',
    namespace: 'default',
    driverWebhookSecret: TEST_WEBHOOK_SECRET,
    sessionSecret: TEST_SESSION_SECRET,
    pageTokenSecret: 'in-process-page-token-secret',
    phoneHashSecret: 'in-process-phone-hash-secret',
    codec: payloadCodec({}),
    developmentKeys: true,
    ...rest,
    apiKeys: apiKeys instanceof Map ? apiKeys : apiKeyMap((apiKeys as Record<string, StaffUser> | undefined) ?? DEV_API_KEYS),
  };
}

export function inProcessApp(over: InProcessConfig = {}) {
  const client = over.client ?? new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  return createApp({ client, config: appConfig(over) });
}
