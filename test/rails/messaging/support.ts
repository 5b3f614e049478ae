/**
 * A worker on the harness's Temporal server running the messaging activities against a private
 * simulator (its fault switches are this file's alone), with the rails the test picks.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { readEnv, type Env } from '../../../config/env';
import { OaClient } from '../../../activities/clients/oa';
import { SmsClient } from '../../../activities/clients/sms';
import { createMessageActivities } from '../../../activities/messages';
import { createOaActivities } from '../../../activities/oa';
import { oaRailFor, smsRailFor } from '../../../activities/rails/from-env';
import type { OaRailName } from '../../../activities/rails/oa/port';
import type { SmsRailName } from '../../../activities/rails/sms/port';
import { templateCatalogReader } from '../../../activities/rails/sms/templates-file';
import { bundleWorkflows } from '../../../scripts/bundle-workflows';
import { harness } from '../../harness/client';
import { startTestSimulators, TEST_KEYS, type TestSimulators } from '../../simulators/harness';
import type { StartOptions } from '../../../simulators/start';

export const RECEIPT_WINDOW_MS = 2_000;
export const SETTLE_MS = 9_000;

export interface MessagingStack {
  sims: TestSimulators;
  env: Env;
  client: Client;
  /** Runs a test workflow on a worker with these rails; the worker stops when it returns. */
  run<T>(rails: { sms?: SmsRailName; oa?: OaRailName }, workflow: string, args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

let seq = 0;

/** `simulators`: options for this stack's private simulator (a slower carrier's receipts, say). */
export async function messagingStack(simulators: Partial<StartOptions> = {}): Promise<MessagingStack> {
  const sims = await startTestSimulators({ autoChargeIntervalMs: 1_000, ...simulators });
  const env = readEnv({ ...process.env, SMS_URL: `${sims.sim.url}/sms`, OA_URL: `${sims.sim.url}/oa`, SMS_API_KEY: TEST_KEYS.sms, OA_API_KEY: TEST_KEYS.oa });
  const code = await bundleWorkflows(path.join(__dirname, 'workflows.ts'));
  const connection = await Connection.connect({ address: harness.temporalAddress });
  const client = new Client({ connection, namespace: harness.namespace });
  const nativeConnection = await (await import('@temporalio/worker')).NativeConnection.connect({ address: harness.temporalAddress });
  const templates = templateCatalogReader(env.SMS_TEMPLATES_FILE);
  // One adapter per rail for the whole file, as in a worker process: tokens and caches carry over.
  const smsRails = new Map<SmsRailName, ReturnType<typeof smsRailFor>>();
  const oaRails = new Map<OaRailName, ReturnType<typeof oaRailFor>>();
  const smsRail = (name: SmsRailName) => smsRails.get(name) ?? smsRails.set(name, smsRailFor(env, name, templates)).get(name)!;
  const oaRail = (name: OaRailName) => oaRails.get(name) ?? oaRails.set(name, oaRailFor(env, name)).get(name)!;

  return {
    sims,
    env,
    client,
    async run<T>(rails: { sms?: SmsRailName; oa?: OaRailName }, workflow: string, args: unknown[]): Promise<T> {
      seq += 1;
      const taskQueue = `messaging-rails-${process.pid}-${seq}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: harness.namespace,
        taskQueue,
        workflowBundle: { code },
        activities: {
          ...createMessageActivities({
            sms: new SmsClient({ baseUrl: env.SMS_URL, apiKey: TEST_KEYS.sms, timeoutMs: 5_000 }),
            smsRail: smsRail(rails.sms ?? 'internal'),
            templates,
            receiptWindowMs: RECEIPT_WINDOW_MS,
            settleMs: SETTLE_MS,
          }),
          ...createOaActivities({ oa: new OaClient({ baseUrl: env.OA_URL, apiKey: TEST_KEYS.oa, timeoutMs: 5_000 }), oaRail: oaRail(rails.oa ?? 'internal'), oaSettleMs: SETTLE_MS }),
        },
      });
      return worker.runUntil(client.workflow.execute(workflow, { taskQueue, workflowId: `${taskQueue}-wf`, args })) as Promise<T>;
    },
    async close() {
      await sims.stop();
      await nativeConnection.close();
      await connection.close();
    },
  };
}

let phoneSeq = 0;
/** A mainland number no other test uses, so a fault can match this test's messages alone. */
export function uniquePhone(): string {
  phoneSeq += 1;
  return `+86139${String((process.pid * 1000 + phoneSeq) % 100_000_000).padStart(8, '0')}`;
}
