/** Who may settle how much. Validators call these, so a refusal writes nothing to history. */
import type { Level, StaffRole } from './types';
import type { Policy } from './policy';
import { LEVEL_NAMES, formatFen } from './escalation';

export const ROLE_LEVEL: Record<StaffRole, Level | undefined> = {
  agent: 1,
  expert: 2,
  supervisor: 3,
  ops: undefined,
};

export type AuthorityVerdict =
  | { allowed: true }
  | { allowed: false; reason: string; approverLevel?: Level };

/** The lowest level whose limit covers the amount, or undefined if none does. */
export function approverLevelFor(policy: Policy, amountFen: number): Level | undefined {
  return ([1, 2, 3] as const).find((level) => policy.authorityFen[level] >= amountFen);
}

export function checkSettlementAuthority(policy: Policy, role: StaffRole, amountFen: number): AuthorityVerdict {
  const level = ROLE_LEVEL[role];
  if (level === undefined) return { allowed: false, reason: `role ${role} cannot settle complaints` };
  if (policy.authorityFen[level] >= amountFen) return { allowed: true };
  const approverLevel = approverLevelFor(policy, amountFen);
  const limit = `${LEVEL_NAMES[level].en} limit of ${formatFen(policy.authorityFen[level])}`;
  if (!approverLevel) {
    return {
      allowed: false,
      reason: `${formatFen(amountFen)} exceeds every level's authority (the supervisor limit is ${formatFen(policy.authorityFen[3])}); it needs finance approval outside this case`,
    };
  }
  return {
    allowed: false,
    reason: `${formatFen(amountFen)} exceeds the ${limit}; ${article(LEVEL_NAMES[approverLevel].en)} ${LEVEL_NAMES[approverLevel].en} (level ${approverLevel}) must approve it`,
    approverLevel,
  };
}

/** Staff act on a case at their own level or above it; ops only observe. */
export function checkCanAct(role: StaffRole, caseLevel: Level): AuthorityVerdict {
  const level = ROLE_LEVEL[role];
  if (level === undefined) return { allowed: false, reason: `role ${role} is read-only on complaints` };
  if (level < caseLevel) {
    return {
      allowed: false,
      reason: `the case is at level ${caseLevel} (${LEVEL_NAMES[caseLevel].en}); a ${role} (level ${level}) cannot act on it`,
      approverLevel: caseLevel,
    };
  }
  return { allowed: true };
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
