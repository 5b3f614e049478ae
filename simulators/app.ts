/**
 * One express app for the three provider simulators. No listen() here: start.ts does that,
 * so tests can mount the app however they like.
 */
import express from 'express';
import { readEnv } from '../config/env';
import { adminRouter } from './admin/routes';
import { Faults } from './lib/faults';
import { errorHandler, notFound, requireBearer } from './lib/http';
import { OaService } from './oa/service';
import { oaRouter } from './oa/routes';
import { PaymentService } from './payment/service';
import { paymentRouter } from './payment/routes';
import { SmsService } from './sms/service';
import { smsRouter } from './sms/routes';
import { keepRawBody } from './lib/raw-body';
import { createRailSimulators, type RailSimulatorOptions, type RailSimulators } from './rails';

export interface SimulatorApiKeys {
  payment: string;
  sms: string;
  oa: string;
}

export interface SimulatorOptions {
  dataDir: string;
  now?: () => Date;
  /** How often due automatic charges are executed; default 1000 ms. */
  autoChargeIntervalMs?: number;
  /** Default: PAYMENT_API_KEY / SMS_API_KEY / OA_API_KEY from the environment (dev defaults). */
  apiKeys?: SimulatorApiKeys;
  /** Credentials, template catalog and receipt delay of the Aliyun / Tencent / DingTalk / Feishu stand-ins. */
  rails?: Partial<RailSimulatorOptions>;
}

export interface SimulatorState {
  payment: PaymentService;
  sms: SmsService;
  oa: OaService;
  faults: Faults;
  rails: RailSimulators;
}

export interface SimulatorApp {
  app: express.Express;
  close(): Promise<void>;
  state: SimulatorState;
}

export function createSimulatorApp(opts: SimulatorOptions): SimulatorApp {
  const now = opts.now ?? (() => new Date());
  const keys = opts.apiKeys ?? keysFromEnv();
  const faults = new Faults();
  const state: SimulatorState = {
    payment: new PaymentService(opts.dataDir, now),
    sms: new SmsService(opts.dataDir, now),
    oa: new OaService(opts.dataDir, now),
    faults,
    rails: createRailSimulators(opts.dataDir, now, faults, opts.rails),
  };

  const app = express();
  app.disable('x-powered-by');
  // Attachments (vouchers) travel as strings inside JSON.
  app.use(express.json({ limit: '5mb', verify: keepRawBody }));
  // Signed bodies of the rails (forms, uploads) stay bytes: the signature is over them.
  app.use(express.raw({ type: ['application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data'], limit: '5mb' }));
  app.use('/payment', requireBearer(keys.payment, 'payment'), state.faults.middleware('payment'), paymentRouter(state.payment));
  app.use('/sms', requireBearer(keys.sms, 'sms'), state.faults.middleware('sms'), smsRouter(state.sms, state.faults));
  app.use('/oa', requireBearer(keys.oa, 'oa'), state.faults.middleware('oa'), oaRouter(state.oa));
  state.rails.mount(app);
  app.use('/_admin', adminRouter(state));
  app.use(notFound);
  app.use(errorHandler);

  const ticker = setInterval(() => {
    try {
      state.payment.runDue();
    } catch (err) {
      // A failing disk write must not kill the process mid-test; the next tick retries.
      console.error('simulators: auto-charge tick failed:', err);
    }
  }, opts.autoChargeIntervalMs ?? 1_000);
  ticker.unref();

  return {
    app,
    state,
    close: async () => {
      clearInterval(ticker);
      state.faults.close();
    },
  };
}

function keysFromEnv(): SimulatorApiKeys {
  const env = readEnv();
  return { payment: env.PAYMENT_API_KEY, sms: env.SMS_API_KEY, oa: env.OA_API_KEY };
}
