import fs from 'node:fs';
import { loadCalendarSnapshot } from '../config/load-calendar';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../domain/policy';
import type { CaseRules } from '../workflows/definitions';

/** Reads the policy file (if any) over the defaults; a bad file stops the worker at start, not a case. */
export function loadPolicy(file: string | undefined): Policy {
  if (!file) return DEFAULT_POLICY;
  return mergePolicy(DEFAULT_POLICY, JSON.parse(fs.readFileSync(file, 'utf8')));
}

export function createRulesActivities(deps: { policyFile?: string; calendarDir: string }) {
  // Read at each case start so ops can replace data files without a restart; the result is
  // recorded in the case's history, so running cases keep the rules they started with.
  return {
    async loadCaseRules(): Promise<CaseRules> {
      const policy = loadPolicy(deps.policyFile);
      const calendar = loadCalendarSnapshot(deps.calendarDir, { workStart: policy.workingHours.start, workEnd: policy.workingHours.end });
      return { policy, calendar };
    },
  };
}
