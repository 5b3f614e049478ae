/**
 * Drives the pure case machine the way the workflow does, with results chosen by the test: calls
 * and messages in flight are kept by step, timers by id, and the clock moves only when told.
 */
import path from 'node:path';
import { loadCalendarSnapshot } from '../../../config/load-calendar';
import type { CaseEvent, Command, Refusal, Timer } from '../../../domain/case/events';
import { decide } from '../../../domain/case/machine';
import { initialState, type Actor, type CaseRules, type ComplaintInput, type ComplaintState } from '../../../domain/case/state';
import type { LedgerFacts } from '../../../domain/evidence';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../../../domain/policy';

export const CALENDAR = loadCalendarSnapshot(path.join(__dirname, '..', '..', '..', 'config', 'holidays'));
export const POLICY: Policy = mergePolicy(DEFAULT_POLICY, { apology: { retryEveryMinutes: 30 } });
export const RULES: CaseRules = { policy: POLICY, calendar: CALENDAR };

export const AGENT: Actor = { id: 'agent-li', role: 'agent' };
export const EXPERT: Actor = { id: 'expert-wang', role: 'expert' };
export const SUPERVISOR: Actor = { id: 'supervisor-zhao', role: 'supervisor' };
export const OPS: Actor = { id: 'ops-chen', role: 'ops' };

/** A Tuesday at 10:00 in Beijing: inside working hours, no holiday near. */
export const START = new Date('2026-11-10T10:00:00+08:00');

export function input(over: Partial<ComplaintInput> = {}): ComplaintInput {
  return {
    orderId: 'ORD1',
    customerId: 'C1',
    category: 'payment_dispute',
    tier: 'individual',
    channel: 'console',
    orderKind: 'other',
    description: 'charged twice',
    customer: { name: 'Zhang', phone: '+8613800000000', language: 'zh' },
    createdBy: AGENT,
    intakeId: 'intake-1',
    ...over,
  };
}

/** One debit of the whole order: money that can be refunded, nothing proven wrong. */
export function paidLedger(amountFen = 10_000, orderId = 'ORD1'): LedgerFacts {
  return { orderId, amountFen, entries: [{ id: 'D1', kind: 'debit', amountFen, at: '2026-11-09T02:00:00.000Z', status: 'succeeded', providerRef: 'PAY1' }] };
}

/** Story A: "payment failed" shown, then two debits for one order. */
export function storyALedger(orderId: string): LedgerFacts {
  return {
    orderId,
    amountFen: 128_600,
    entries: [
      { id: 'A1', kind: 'attempt', amountFen: 128_600, at: '2026-11-09T02:00:00.000Z', status: 'failed', shownToCustomer: '支付失败，请检查支付机构' },
      { id: 'D1', kind: 'debit', amountFen: 128_600, at: '2026-11-09T02:10:00.000Z', status: 'succeeded', providerRef: 'PAY1' },
      { id: 'D2', kind: 'debit', amountFen: 128_600, at: '2026-11-09T02:10:05.000Z', status: 'succeeded', providerRef: 'PAY2' },
    ],
  };
}

export type Step = { ok: true; commands: Command[]; reply?: unknown } | { ok: false; refusal: Refusal };

export class CaseDriver {
  state: ComplaintState;
  now: Date;
  readonly calls = new Map<string, Command>();
  readonly timers = new Map<string, Timer>();
  readonly log: Command[] = [];

  constructor(inp: ComplaintInput = input(), now = START) {
    this.now = new Date(now);
    this.state = initialState(inp, { complaintId: `complaint-${inp.orderId}`, caseRef: `${inp.orderId}-0A1B2C3D` }, now.toISOString());
  }

  send(event: CaseEvent): Step {
    // The machine shares the loaded rules between a state and the next (cloneState); frozen here,
    // a transition that changed its input in place would throw instead of leaking into the next.
    const t = decide(deepFreeze(this.state), event, this.now);
    if (!t.ok) return t;
    this.state = t.state;
    for (const c of t.commands) {
      // The machine never asks twice for what is already in flight.
      const step = c.type === 'call' ? c.step : c.type === 'send' ? `send:${c.step}` : undefined;
      if (step && this.calls.has(step)) throw new Error(`${step} asked for while in flight`);
      this.log.push(c);
      if (c.type === 'call') this.calls.set(c.step, c);
      if (c.type === 'send') this.calls.set(`send:${c.step}`, c);
      if (c.type === 'start_timer') this.timers.set(c.timer.id, c.timer);
      if (c.type === 'cancel_timer') this.timers.delete(c.id);
    }
    return t;
  }

  act(action: Parameters<typeof actionEvent>[0], actor: Actor, args: Record<string, unknown> = {}): Step {
    return this.send(actionEvent(action, actor, args));
  }

  /** The first call in flight whose step starts with `prefix`. */
  pending(prefix: string): string | undefined {
    return [...this.calls.keys()].find((k) => k.startsWith(prefix));
  }

  done(prefix: string, result: unknown): Step {
    const step = this.pending(prefix);
    if (!step) throw new Error(`no call in flight like ${prefix}: ${[...this.calls.keys()].join(', ')}`);
    this.calls.delete(step);
    return this.send({ type: 'call_done', step, result });
  }

  fail(prefix: string, message = 'refused', status?: number): Step {
    const step = this.pending(prefix);
    if (!step) throw new Error(`no call in flight like ${prefix}: ${[...this.calls.keys()].join(', ')}`);
    this.calls.delete(step);
    return this.send({ type: 'call_failed', step, message, ...(status ? { status } : {}) });
  }

  /** Moves the clock to the earliest timer (or the one named) and fires it. */
  fire(prefix = ''): Step {
    const timer = [...this.timers.values()].filter((t) => t.id.startsWith(prefix)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
    if (!timer) throw new Error(`no timer like ${prefix}: ${[...this.timers.keys()].join(', ')}`);
    this.timers.delete(timer.id);
    if (Date.parse(timer.at) > this.now.getTime()) this.now = new Date(timer.at);
    return this.send({ type: 'timer_fired', id: timer.id });
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  sends(purpose?: string): Array<Extract<Command, { type: 'send' }>> {
    return this.log.filter((c): c is Extract<Command, { type: 'send' }> => c.type === 'send' && (!purpose || c.purpose === purpose));
  }
}

export function actionEvent(action: Extract<CaseEvent, { type: 'action' }>['action'], actor: Actor, args: Record<string, unknown> = {}): CaseEvent {
  return { type: 'action', action, actor, args };
}

/** Delivers every message in flight: the customer gets them. */
export function deliverAll(d: CaseDriver): void {
  for (let step = d.pending('send:'); step; step = d.pending('send:')) d.done(step, { status: 'delivered' });
}

/** A case under investigation at level 1, its ledger read, the acknowledgement delivered. */
export function investigating(inp: ComplaintInput = input(), ledger: LedgerFacts | null = paidLedger(10_000, inp.orderId)): CaseDriver {
  const d = new CaseDriver(inp);
  d.send({ type: 'started' });
  d.done('rules', RULES);
  d.done('hold', null);
  d.done('evidence:', { ledger, trip: null });
  deliverAll(d);
  return d;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
