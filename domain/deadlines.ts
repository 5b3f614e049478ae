/** Targets to timestamps: every promise to a customer is a concrete instant. */
import { addBusinessMinutes, businessMinutesBetween, type CalendarSnapshot } from './calendar';
import type { Policy } from './policy';
import type { Level, Tier } from './types';

export interface ComputedDeadline {
  at: Date;
  /** When the owner is warned, before the breach. */
  warnAt: Date;
  /** True when a day on the way comes from a year without holiday data (statutory fallback). */
  provisional: boolean;
}

const MINUTE_MS = 60_000;

function addTarget(policy: Policy, cal: CalendarSnapshot, tier: Tier, from: Date, minutes: number): { at: Date; provisional: boolean } {
  if (policy.targets[tier].clock === '24x7') return { at: new Date(from.getTime() + minutes * MINUTE_MS), provisional: false };
  // Business time is counted in whole minutes; rounding up never promises earlier than the target.
  return addBusinessMinutes(cal, from, Math.ceil(minutes));
}

/** A target of `minutes` counted from `from`, with its warning point at the policy's ratio. */
export function deadlineAfter(policy: Policy, cal: CalendarSnapshot, tier: Tier, from: Date, minutes: number): ComputedDeadline {
  const end = addTarget(policy, cal, tier, from, minutes);
  const warn = addTarget(policy, cal, tier, from, minutes * policy.warningRatio);
  return { at: end.at, warnAt: warn.at, provisional: end.provisional || warn.provisional };
}

export function acknowledgeDeadline(policy: Policy, cal: CalendarSnapshot, tier: Tier, receivedAt: Date): ComputedDeadline {
  return deadlineAfter(policy, cal, tier, receivedAt, policy.targets[tier].acknowledgeMinutes);
}

export function levelDeadline(policy: Policy, cal: CalendarSnapshot, tier: Tier, level: Level, enteredAt: Date): ComputedDeadline {
  return deadlineAfter(policy, cal, tier, enteredAt, policy.targets[tier].resolveMinutes[level]);
}

export function customerReplyDeadline(policy: Policy, cal: CalendarSnapshot, tier: Tier, askedAt: Date): ComputedDeadline {
  return deadlineAfter(policy, cal, tier, askedAt, policy.targets[tier].customerReplyMinutes);
}

/** What is left of a deadline when its clock pauses (the case waits on the customer). */
export function remainingMinutes(policy: Policy, cal: CalendarSnapshot, tier: Tier, now: Date, deadline: Date): number {
  if (deadline.getTime() <= now.getTime()) return 0;
  if (policy.targets[tier].clock === '24x7') return (deadline.getTime() - now.getTime()) / MINUTE_MS;
  return businessMinutesBetween(cal, now, deadline).minutes;
}

/**
 * The deadline after the customer replied: the remaining time counted again from now. The
 * warning keeps its distance before the deadline, or is due at once if that is already past.
 */
export function resumedDeadline(
  policy: Policy,
  cal: CalendarSnapshot,
  tier: Tier,
  level: Level,
  now: Date,
  remaining: number,
): ComputedDeadline {
  const target = policy.targets[tier].resolveMinutes[level];
  const end = addTarget(policy, cal, tier, now, remaining);
  const beforeWarning = remaining - target * (1 - policy.warningRatio);
  const warn = beforeWarning > 0 ? addTarget(policy, cal, tier, now, beforeWarning).at : now;
  return { at: end.at, warnAt: warn, provisional: end.provisional };
}
