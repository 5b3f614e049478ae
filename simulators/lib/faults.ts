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
 * restart clears them, which is what a chaos test that restarts the simulator expects.
 */
export class Faults {
  private states: Record<FaultService, FaultState> = { payment: off(), sms: off(), oa: off() };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  set(input: FaultInput): FaultState {
    const state: FaultState = {
      mode: input.mode,
      rate: input.rate,
      latencyMs: input.latencyMs ?? null,
      channel: input.channel ?? null,
      remaining: input.count ?? null,
      fired: 0,
      match: input.match ?? null,
    };
    this.states[input.service] = input.mode === 'none' ? off() : state;
    return this.states[input.service];
  }

  all(): Record<FaultService, FaultState> {
    return structuredClone(this.states);
  }

  reset(): void {
    for (const s of faultServices) this.states[s] = off();
  }

  /** Decides (by rate) whether the armed fault fires now, consuming one of its `count`. */
  private fire(service: FaultService, subject: string): boolean {
    const state = this.states[service];
    if (state.mode === 'none' || (state.match !== null && !subject.includes(state.match)) || this.random() >= state.rate) return false;
    state.fired += 1;
    if (state.remaining !== null) {
      state.remaining -= 1;
      if (state.remaining <= 0) this.states[service] = off();
    }
    return true;
  }

  /** For the SMS send path: does the armed fail_channel fault hit this channel now? */
  failsChannel(channel: 'sms' | 'app', subject = ''): boolean {
    const state = this.states.sms;
    return state.mode === 'fail_channel' && state.channel === channel && this.fire('sms', subject);
  }

  /** For the template SMS rails: does the armed no_receipt fault swallow this message's receipt? */
  dropsReceipt(subject = ''): boolean {
    return this.states.sms.mode === 'no_receipt' && this.fire('sms', subject);
  }

  middleware(service: FaultService): RequestHandler {
    return async (req, res, next) => {
      const state = this.states[service];
      // Decoded, so a phone number in a signed query string (Aliyun) matches as written.
      const subject = state.match === null ? '' : `${safeDecode(req.originalUrl)} ${Buffer.isBuffer(req.body) ? '' : JSON.stringify(req.body ?? {})}`;
      if (state.mode === '5xx' && this.fire(service, subject)) {
        res.status(503).json({ error: 'SIMULATED_OUTAGE', message: `${service} simulator fault: 5xx` });
        return;
      }
      // A permanent refusal of a write, as a rail answers when the merchant account cannot pay.
      if (state.mode === 'refuse_writes' && req.method !== 'GET' && this.fire(service, subject)) {
        res.status(403).json({ error: 'SELLER_BALANCE_NOT_ENOUGH', message: `${service} simulator fault: the merchant account cannot pay this out` });
        return;
      }
      if (state.mode === 'latency' && this.fire(service, subject)) {
        await this.sleep(state.latencyMs ?? DEFAULT_LATENCY_MS);
      }
      // Reads execute nothing, so holding their answer back would only hide the evidence
      // a client needs to find out what its timed-out write did.
      if (state.mode === 'timeout_after_execute' && req.method !== 'GET' && this.fire(service, subject)) {
        this.holdResponse(res, state.latencyMs ?? DEFAULT_HOLD_RESPONSE_MS);
      }
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
