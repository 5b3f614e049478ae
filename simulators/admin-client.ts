/**
 * Typed access to /_admin for tests, benchmarks and demo scripts. Not for activities:
 * production providers have no such endpoints.
 */
import { type ClientConfig, requestJsonStrict } from '../activities/clients/http';
import type { OaInstance, OaStatus } from '../activities/clients/oa';
import type { OrderLedger, TripTrace } from '../activities/clients/payment';
import type { SeedOaInstanceInput, SeedOrderInput } from './admin/seed-schema';
import type { CallbackOutcome } from './oa/callback';
import type { FaultInput, FaultService, FaultState } from './lib/faults';
import type { OaService } from './oa/service';
import type { PaymentService } from './payment/service';
import type { SmsService } from './sms/service';
import type { RailSimulators } from './rails';

export type FaultRequest = Omit<FaultInput, 'rate'> & { rate?: number };

/** Derived from the services so the admin view cannot drift from what the server sends. */
export interface SimulatorStats {
  payment: ReturnType<PaymentService['stats']>;
  sms: ReturnType<SmsService['stats']>;
  oa: ReturnType<OaService['stats']>;
  rails: ReturnType<RailSimulators['stats']>;
  faults: Record<FaultService, FaultState>;
}

export class SimulatorAdmin {
  private readonly config: ClientConfig;

  /** `url` is the simulator root (e.g. http://127.0.0.1:4100), not a service URL. */
  constructor(url: string, timeoutMs = 10_000) {
    this.config = { baseUrl: `${url.replace(/\/+$/, '')}/_admin`, apiKey: '', timeoutMs };
  }

  seedOrder(seed: SeedOrderInput): Promise<{ ledger: OrderLedger; trip: TripTrace | null; oaInstance: OaInstance | null }> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/orders', body: seed });
  }

  createOaInstance(seed: SeedOaInstanceInput): Promise<OaInstance> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/oa/instances', body: seed });
  }

  setOaStatus(instanceId: string, status: OaStatus): Promise<{ instance: OaInstance; callback: CallbackOutcome | null }> {
    return requestJsonStrict(this.config, { method: 'POST', path: `/oa/instances/${encodeURIComponent(instanceId)}/status`, body: { status } });
  }

  setFault(fault: FaultRequest): Promise<FaultState & { service: FaultService }> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/faults', body: fault });
  }

  clearFaults(): Promise<unknown> {
    return Promise.all((['payment', 'sms', 'oa'] as const).map((service) => this.setFault({ service, mode: 'none' })));
  }

  faults(): Promise<Record<FaultService, FaultState>> {
    return requestJsonStrict(this.config, { method: 'GET', path: '/faults' });
  }

  runAutoCharges(): Promise<{ ordersChanged: number }> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/auto-charges/run' });
  }

  reset(): Promise<{ ok: true }> {
    return requestJsonStrict(this.config, { method: 'POST', path: '/reset' });
  }

  stats(): Promise<SimulatorStats> {
    return requestJsonStrict(this.config, { method: 'GET', path: '/stats' });
  }

  health(): Promise<{ ok: true }> {
    return requestJsonStrict(this.config, { method: 'GET', path: '/health' });
  }
}
