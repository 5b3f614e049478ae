import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import { loadCalendarSnapshot } from '../config/load-calendar';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../domain/policy';
import type { CaseRules } from '../workflows/definitions';

/** Which files a case's rules came from, recorded with them in the case's history. */
export interface RulesSnapshot {
  /** A digest of the policy and calendar: two cases with the same id ran on the same rules. */
  snapshotId: string;
  /** When the worker read these files. */
  loadedAt: string;
  /** True when the files are broken now and this case got the last good snapshot instead. */
  stale: boolean;
  /** What is wrong with the files, when stale. */
  staleReason?: string;
}

export type LoadedCaseRules = CaseRules & { snapshot: RulesSnapshot };

/** Reads the policy file (if any) over the defaults; errors name the file and the field. */
export function loadPolicy(file: string | undefined): Policy {
  if (!file) return DEFAULT_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Policy file ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  try {
    return mergePolicy(DEFAULT_POLICY, raw);
  } catch (err) {
    throw new Error(`Policy file ${file} is invalid: ${(err as Error).message.replace(/^invalid policy: /, '')}`);
  }
}

/** Reads and checks the policy and every calendar file together; throws naming the file and field. */
export function readCaseRules(deps: { policyFile?: string; calendarDir: string }, now = new Date()): LoadedCaseRules {
  const policy = loadPolicy(deps.policyFile);
  const calendar = loadCalendarSnapshot(deps.calendarDir, { workStart: policy.workingHours.start, workEnd: policy.workingHours.end });
  const snapshotId = crypto.createHash('sha256').update(JSON.stringify({ policy, calendar })).digest('hex').slice(0, 16);
  return { policy, calendar, snapshot: { snapshotId, loadedAt: now.toISOString(), stale: false } };
}

export interface RulesMetrics {
  staleLoads: Counter;
  staleNow: Gauge;
}

export function createRulesMetrics(registry: Registry): RulesMetrics {
  return {
    staleLoads: new Counter({
      name: 'complaint_rules_stale_loads_total',
      help: 'Cases started on the last good rules snapshot because the policy or a calendar file was broken',
      registers: [registry],
    }),
    staleNow: new Gauge({ name: 'complaint_rules_files_broken', help: '1 while the policy or a calendar file on disk is broken', registers: [registry] }),
  };
}

/**
 * Validates the files when the worker is built, so a broken file stops the deployment instead of
 * every new case. After that the files are read at each case start so ops can replace them
 * without a restart; the result is recorded in the case's history, so running cases keep the
 * rules they started with. A file broken later is logged and counted, and new cases run on the
 * last good snapshot, marked stale: no case waits in `received` without its hold for a typo.
 */
export function createRulesActivities(deps: { policyFile?: string; calendarDir: string; rulesMetrics?: RulesMetrics }) {
  let lastGood = readCaseRules(deps);
  let lastGoodFiles = filesSignature(deps);
  return {
    async loadCaseRules(): Promise<LoadedCaseRules> {
      try {
        // Unchanged files give the same rules: parsing, checking and hashing them again at every
        // case start was most of this activity's CPU. Any change of a file's size, time or inode
        // (ops replacing it, even with a rename) reads them again; `loadedAt` stays when they were read.
        const files = filesSignature(deps);
        if (files === lastGoodFiles) {
          deps.rulesMetrics?.staleNow.set(0);
          return lastGood;
        }
        lastGood = readCaseRules(deps);
        lastGoodFiles = files;
        deps.rulesMetrics?.staleNow.set(0);
        return lastGood;
      } catch (err) {
        const reason = (err as Error).message;
        console.error(`rules: the data files are broken; using snapshot ${lastGood.snapshot.snapshotId} of ${lastGood.snapshot.loadedAt}:\n${reason}`);
        deps.rulesMetrics?.staleLoads.inc();
        deps.rulesMetrics?.staleNow.set(1);
        return { ...lastGood, snapshot: { ...lastGood.snapshot, stale: true, staleReason: reason } };
      }
    },
  };
}

/** The policy file and every calendar file, by name, inode, size and modification time. */
function filesSignature(deps: { policyFile?: string; calendarDir: string }): string {
  const stat = (file: string) => {
    try {
      const st = fs.statSync(file);
      return `${file}:${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${file}:missing`;
    }
  };
  let names: string[];
  try {
    names = fs.readdirSync(deps.calendarDir).sort();
  } catch {
    names = [];
  }
  return [deps.policyFile ? stat(deps.policyFile) : '', ...names.map((n) => stat(path.join(deps.calendarDir, n)))].join('|');
}
