/** The working draft of one transition: the next state being built and the commands it asks for. */
import { toShanghaiIso } from '../calendar';
import type { Policy } from '../policy';
import type { CalendarSnapshot } from '../calendar';
import { type ActivityName, type Command, Refused, type RefusalKind, type RetryClass } from './events';
import type { TemplateRef } from '../templates';
import { FAST_PATH_VERSION, type ComplaintState, type NoticePurpose } from './state';

export interface Ctx {
  s: ComplaintState;
  now: Date;
  commands: Command[];
  reply?: unknown;
}

export function iso(d: Date): string {
  return toShanghaiIso(d);
}

export function refuse(kind: RefusalKind, reason: string, extra: { byLevel?: 1 | 2 | 3; code?: string; params?: Record<string, string | number> } = {}): never {
  throw new Refused({ kind, reason, ...extra });
}

export function record(ctx: Ctx, actor: string, kind: string, text: string): void {
  ctx.s.events.push({ at: iso(ctx.now), actor, kind, text });
}

export function rules(ctx: Ctx): { policy: Policy; calendar: CalendarSnapshot } {
  const r = ctx.s.machine.rules;
  if (!r) refuse('state', 'the case is still being opened; try again in a moment', { code: 'opening' });
  return r;
}

/**
 * Short calls whose answer the next decision needs at once run inside the workflow task. The rules
 * always did; from the fast-path machine on, so do the first try of the hold and the first read of
 * the records (one short attempt each). Their retries, and money and messages, are activities: a
 * slow provider gets the full timeouts, and retries outlive a worker.
 */
function runsLocally(s: ComplaintState, activity: ActivityName): boolean {
  if (activity === 'loadCaseRules') return true;
  if (s.machine.version < FAST_PATH_VERSION) return false;
  if (activity === 'holdAutoCharge') return !s.machine.holdDone;
  return activity === 'gatherEvidence' && s.machine.evidenceRuns === 1;
}

export function call(ctx: Ctx, step: string, activity: ActivityName, args: unknown, retry: RetryClass): void {
  ctx.s.machine.calls[step] = true;
  ctx.commands.push({ type: 'call', step, activity, args, retry, ...(runsLocally(ctx.s, activity) ? { local: true } : {}) });
}

/** Marks a call finished; false when the result belongs to no call in flight (a stale duplicate). */
export function settle(ctx: Ctx, step: string): boolean {
  if (!ctx.s.machine.calls[step]) return false;
  delete ctx.s.machine.calls[step];
  return true;
}

/** Starts delivering a message on the first channel; failures move it to the next (see messages.ts). */
export function send(ctx: Ctx, step: string, purpose: NoticePurpose, text: string, round = 1, template?: TemplateRef): void {
  ctx.s.machine.sends[step] = { purpose, text, channelIndex: 0, round, ...(template ? { template } : {}) };
  sendOnChannel(ctx, step);
}

export function sendOnChannel(ctx: Ctx, step: string): void {
  const pending = ctx.s.machine.sends[step]!;
  const channel = rules(ctx).policy.apology.channels[pending.channelIndex]!;
  ctx.s.machine.calls[`send:${step}`] = true;
  ctx.commands.push({ type: 'send', step, purpose: pending.purpose, channel, outId: `${ctx.s.caseRef}:${step}:${channel}`, text: pending.text, ...(pending.template ? { template: pending.template } : {}) });
}

export function addMinutes(at: Date, minutes: number): string {
  return iso(new Date(at.getTime() + minutes * 60_000));
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A copy of the case for the machine to change. The rules (policy and holiday calendar, most of
 * the state's bytes) are shared, not copied: no transition changes rules once loaded, and copying
 * them on every event was the largest part of the workflow's own CPU.
 */
export function cloneState(state: ComplaintState): ComplaintState {
  const rules = state.machine.rules;
  if (!rules) return clone(state);
  const copy = JSON.parse(JSON.stringify(state, (key, value: unknown) => (value === rules ? null : value))) as ComplaintState;
  copy.machine.rules = rules;
  return copy;
}
