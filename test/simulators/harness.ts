import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OaClient } from '../../activities/clients/oa';
import { PaymentClient } from '../../activities/clients/payment';
import { SmsClient } from '../../activities/clients/sms';
import { SimulatorAdmin } from '../../simulators/admin-client';
import { type StartOptions, startSimulators, type RunningSimulators } from '../../simulators/start';

export const TEST_KEYS = { payment: 'test-payment-key', sms: 'test-sms-key', oa: 'test-oa-key' };

export interface TestSimulators {
  sim: RunningSimulators;
  dataDir: string;
  admin: SimulatorAdmin;
  payment: PaymentClient;
  sms: SmsClient;
  oa: OaClient;
  /** Stops the server; the data dir stays so a test can start again on it. */
  stop(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'simulators-test-'));
}

export async function startTestSimulators(opts: Partial<StartOptions> = {}): Promise<TestSimulators> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const sim = await startSimulators({ port: 0, autoChargeIntervalMs: 20, apiKeys: TEST_KEYS, ...opts, dataDir });
  return {
    sim,
    dataDir,
    admin: new SimulatorAdmin(sim.url),
    payment: new PaymentClient({ baseUrl: `${sim.url}/payment`, apiKey: TEST_KEYS.payment, timeoutMs: 2_000 }),
    sms: new SmsClient({ baseUrl: `${sim.url}/sms`, apiKey: TEST_KEYS.sms, timeoutMs: 2_000 }),
    oa: new OaClient({ baseUrl: `${sim.url}/oa`, apiKey: TEST_KEYS.oa, timeoutMs: 2_000 }),
    stop: () => sim.close(),
  };
}

/** Polls until `check` passes or `timeoutMs` elapses; the last failure is rethrown. */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 2_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the error a promise rejects with; fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
