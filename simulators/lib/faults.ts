import type { RequestHandler, Response } from 'express';
import { z } from 'zod';

export const faultServices = ['payment', 'sms', 'oa'] as const;
export type FaultService = (typeof faultServices)[number];

export const faultInputSchema = z
  .object({
    service: z.enum(faultServices),
    mode: z.enum(['none', '5xx', 'latency', 'timeout_after_execute', 'fail_channel', 'no_receipt', 'refuse_writes']),
    rate: z.number().min(0).max(1).default(1),
    /** latency: the added delay; timeout_after_execute: how long the response is held back. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    channel: z.enum(['sms', 'app']).optional(),
    /** Fire on the next N matching requests only, then switch back to 'none'. */
    count: z.number().int().positive().optional(),
    /** Only requests whose URL or JSON body contains this text (an order id, a phone number):
     * lets parallel tests break one case without breaking the others. */
    match: z.string().min(1).max(200).optional(),
  })
  .refine((f) => f.mode !== 'fail_channel' || (f.service === 'sms' && f.channel), {
    message: "fail_channel needs service 'sms' and a channel",
  })
  // The template rails accept the send and then the carrier never reports: nothing to answer 5xx for.
  .refine((f) => f.mode !== 'no_receipt' || f.service === 'sms', { message: "no_receipt needs service 'sms'" });
export type FaultInput = z.infer<typeof faultInputSchema>;

export interface FaultState {
  mode: FaultInput['mode'];
  rate: number;
  latencyMs: number | null;
  channel: 'sms' | 'app' | null;
  /** Firings left before the fault switches itself off; null = unlimited. */
  remaining: number | null;
  fired: number;
  match: string | null;
}

const DEFAULT_LATENCY_MS = 1_000;
/** Longer than any sane client timeout, so the client gives up first. */
const DEFAULT_HOLD_RESPONSE_MS = 30_000;

const off = (): FaultState => ({ mode: 'none', rate: 1, latencyMs: null, channel: null, remaining: null, fired: 0, match: null });

/**
 * Fault switches are test configuration, not provider state: they live in memory and a
 * restart clears them, which is what a chaos test that restarts the simulator expects. Each
 * service holds one rule per `match`, so parallel tests that break their own order or phone
 * never switch off each other's faults; a rule without a match applies to every request.
 */
export class Faults {
  private rules: Record<FaultService, FaultState[]> = { payment: [], sms: [], oa: [] };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /** `none` with a match removes that match's rule; `none` without one clears the service. */
  set(input: FaultInput): FaultState {
    const match = input.match ?? null;
    const kept = this.rules[input.service].filter((r) => input.mode !== 'none' && r.match !== match);
    if (input.mode === 'none') {
      this.rules[input.service] = match === null ? [] : this.rules[input.service].filter((r) => r.match !== match);
      return this.view(input.service);
    }
    const state: FaultState = { mode: input.mode, rate: input.rate, latencyMs: input.latencyMs ?? null, channel: input.channel ?? null, remaining: input.count ?? null, fired: 0, match };
    this.rules[input.service] = [...kept, state];
    return state;
  }

  /** The service's latest rule (or none), and all of them. */
  private view(service: FaultService): FaultState & { rules?: FaultState[] } {
    const list = this.rules[service];
    const last = list[list.length - 1];
    return { ...(last ?? off()), rules: structuredClone(list) };
  }

  all(): Record<FaultService, FaultState> {
    return { payment: this.view('payment'), sms: this.view('sms'), oa: this.view('oa') };
  }

  reset(): void {
    for (const s of faultServices) this.rules[s] = [];
  }

  /** The first armed rule of this mode for this request, if it fires now (by rate), consuming one of its `count`. */
  private fire(service: FaultService, subject: string, mode: FaultInput['mode'], extra: (r: FaultState) => boolean = () => true): FaultState | undefined {
    const rule = this.rules[service].find((r) => r.mode === mode && extra(r) && (r.match === null || subject.includes(r.match)));
    if (!rule || this.random() >= rule.rate) return undefined;
    rule.fired += 1;
    if (rule.remaining !== null) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules[service] = this.rules[service].filter((r) => r !== rule);
    }
    return rule;
  }

  /** For the SMS send path: does an armed fail_channel fault hit this channel now? */
  failsChannel(channel: 'sms' | 'app', subject = ''): boolean {
    return this.fire('sms', subject, 'fail_channel', (r) => r.channel === channel) !== undefined;
  }

  /** For the template SMS rails: does an armed no_receipt fault swallow this message's receipt? */
  dropsReceipt(subject = ''): boolean {
    return this.fire('sms', subject, 'no_receipt') !== undefined;
  }

  middleware(service: FaultService): RequestHandler {
    return async (req, res, next) => {
      if (this.rules[service].length === 0) return next();
      // Decoded, so a phone number in a signed query string (Aliyun) matches as written.
      const subject = `${safeDecode(req.originalUrl)} ${Buffer.isBuffer(req.body) ? '' : JSON.stringify(req.body ?? {})}`;
      if (this.fire(service, subject, '5xx')) {
        res.status(503).json({ error: 'SIMULATED_OUTAGE', message: `${service} simulator fault: 5xx` });
        return;
      }
      // A permanent refusal of a write, as a rail answers when the merchant account cannot pay.
      if (req.method !== 'GET' && this.fire(service, subject, 'refuse_writes')) {
        res.status(403).json({ error: 'SELLER_BALANCE_NOT_ENOUGH', message: `${service} simulator fault: the merchant account cannot pay this out` });
        return;
      }
      const slow = this.fire(service, subject, 'latency');
      if (slow) await this.sleep(slow.latencyMs ?? DEFAULT_LATENCY_MS);
      // Reads execute nothing, so holding their answer back would only hide the evidence
      // a client needs to find out what its timed-out write did.
      const held = req.method !== 'GET' ? this.fire(service, subject, 'timeout_after_execute') : undefined;
      if (held) this.holdResponse(res, held.latencyMs ?? DEFAULT_HOLD_RESPONSE_MS);
      next();
    };
  }

  /** Let the handler execute and persist as usual; only its answer waits (or never comes). */
  private holdResponse(res: Response, ms: number): void {
    const send = res.json.bind(res);
    res.json = ((body: unknown) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!res.destroyed && !res.writableEnded) send(body);
      }, ms);
      this.timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        this.timers.delete(timer);
      });
      return res;
    }) as Response['json'];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Drops held responses and pending sleeps so closing the server does not wait 30 s. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
