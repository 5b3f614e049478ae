/**
 * How urgent an open case is, by one rule for the list and the case page alike: a case listed
 * "due soon" must not open as "normal". The inputs are what visibility holds, so a list row needs
 * no workflow query to be ranked.
 */

export const URGENCIES = ['breached', 'due_soon', 'needs_ops', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];

export interface UrgencyFacts {
  status?: string;
  nextDeadline?: string | null;
  breached?: boolean;
  /** The level's warning fired: the case is inside the policy's warning window. */
  warned?: boolean;
  needsOps?: boolean;
}

/** breached > due within the warning window > needs ops > normal; a closed case is normal. */
export function urgencyOf(facts: UrgencyFacts, now: Date): Urgency {
  if (facts.status === 'closed') return 'normal';
  // A deadline passed is breached even in the moment before its timer fires and the flag is set.
  const overdue = facts.nextDeadline ? Date.parse(facts.nextDeadline) <= now.getTime() : false;
  if (facts.breached || overdue) return 'breached';
  if (facts.warned) return 'due_soon';
  if (facts.needsOps) return 'needs_ops';
  return 'normal';
}
