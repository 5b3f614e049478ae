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
import { alipayAdminRouter } from './alipay/admin';
import { alipayRouter } from './alipay/gateway';
import { AlipayDepositBacks } from './alipay/deposit-back';
import { loadOrCreateAlipayCredentials, type AlipayCredentials } from './alipay/keys';
import { wechatpayAdminRouter, wechatpayCredentialsRouter } from './wechatpay/admin';
import { loadOrCreateWechatPayCredentials } from './wechatpay/keys';
import { wechatpayRouter } from './wechatpay/routes';
import { WechatPayService } from './wechatpay/service';
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
  /** The Alipay gateway and WeChat Pay APIv3 move money in the same books as /payment. */
  alipay: () => AlipayCredentials;
  alipayDepositBacks: AlipayDepositBacks;
  wechatpay: WechatPayService;
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
  const payment = new PaymentService(opts.dataDir, now);
  const faults = new Faults();
  // Made on first use: a key pair and a certificate cost seconds, and most runs never touch a rail.
  const alipay = once(() => loadOrCreateAlipayCredentials(opts.dataDir));
  const state: SimulatorState = {
    payment,
    sms: new SmsService(opts.dataDir, now),
    oa: new OaService(opts.dataDir, now),
    faults,
    alipay,
    alipayDepositBacks: new AlipayDepositBacks(opts.dataDir, payment, alipay, now),
    wechatpay: new WechatPayService(opts.dataDir, payment, once(() => loadOrCreateWechatPayCredentials(opts.dataDir)), now),
    rails: createRailSimulators(opts.dataDir, now, faults, opts.rails),
  };

  const app = express();
  app.disable('x-powered-by');
  // Attachments (vouchers) travel as strings inside JSON.
  // The raw bytes too: WeChat Pay's request signature is over the body exactly as sent.
  app.use(express.json({ limit: '5mb', verify: keepRawBody }));
  // The payment rails parse their own forms; they share the payment fault switch.
  app.use('/alipay', express.urlencoded({ extended: false }), state.faults.middleware('payment'), alipayRouter(state.payment, state.alipay, state.alipayDepositBacks));
  app.use('/wechatpay', state.faults.middleware('payment'), wechatpayRouter(state.payment, state.wechatpay));
  // Signed bodies of the messaging rails (forms, uploads) stay bytes: the signature is over them.
  app.use(express.raw({ type: ['application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data'], limit: '5mb' }));
  app.use('/payment', requireBearer(keys.payment, 'payment'), state.faults.middleware('payment'), paymentRouter(state.payment));
  app.use('/sms', requireBearer(keys.sms, 'sms'), state.faults.middleware('sms'), smsRouter(state.sms, state.faults));
  app.use('/oa', requireBearer(keys.oa, 'oa'), state.faults.middleware('oa'), oaRouter(state.oa));
  app.use('/_admin/alipay', alipayAdminRouter(state.alipay, state.alipayDepositBacks));
  app.use('/_admin/wechatpay', wechatpayAdminRouter(state.wechatpay), wechatpayCredentialsRouter(state.wechatpay));
  app.post('/_admin/reset', (_req, _res, next) => {
    state.wechatpay.reset();
    state.alipayDepositBacks.reset();
    next();
  });
  state.rails.mount(app);
  app.use('/_admin', adminRouter(state));
  app.use(notFound);
  app.use(errorHandler);

  const ticker = setInterval(() => {
    try {
      state.payment.runDue();
      state.wechatpay.runDue();
      state.alipayDepositBacks.runDue();
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

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function keysFromEnv(): SimulatorApiKeys {
  const env = readEnv();
  return { payment: env.PAYMENT_API_KEY, sms: env.SMS_API_KEY, oa: env.OA_API_KEY };
}
