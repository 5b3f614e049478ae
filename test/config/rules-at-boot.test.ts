/**
 * A broken policy or calendar file stops the worker at start, naming the file and the field;
 * broken while it runs, new cases get the last good snapshot, marked stale and counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createRulesActivities, createRulesMetrics } from '../../activities/rules';
import { readEnv } from '../../config/env';
import { ROOT, runProcess } from './spawn';

const HOLIDAYS = path.join(ROOT, 'config', 'holidays');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
}

/** A copy of the real holiday files that a test may break. */
function calendarCopy(): string {
  const dir = tempDir();
  for (const f of fs.readdirSync(HOLIDAYS)) if (f.endsWith('.json')) fs.copyFileSync(path.join(HOLIDAYS, f), path.join(dir, f));
  return dir;
}

function breakDate(dir: string): string {
  const file = path.join(dir, 'cn-2026.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  data.holidays[1].date = '2026-02-30';
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}

const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

describe('the worker refuses to start on broken rules', () => {
  test('a calendar file with an impossible date: exit 1, the file and the field named', async () => {
    const dir = calendarCopy();
    const file = breakDate(dir);
    const exit = await runProcess('worker.ts', { ...NOWHERE, CALENDAR_DIR: dir });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(file);
    expect(exit.stderr).toContain('holidays.1.date');
  });

  test('a calendar file that is not JSON: exit 1, the file named', async () => {
    const dir = calendarCopy();
    fs.writeFileSync(path.join(dir, 'cn-2027.json'), '{"year": 2027, ');
    const exit = await runProcess('worker.ts', { ...NOWHERE, CALENDAR_DIR: dir });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(path.join(dir, 'cn-2027.json'));
  });

  test('a policy with workingHours.end "24:00": exit 1, the policy file and workingHours.end named', async () => {
    const policy = path.join(tempDir(), 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ workingHours: { start: '09:00', end: '24:00' } }));
    const exit = await runProcess('worker.ts', { ...NOWHERE, POLICY_FILE: policy });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(policy);
    expect(exit.stderr).toContain('workingHours.end');
  });
});

describe('loadCaseRules while running', () => {
  test('a file broken after start: the last good snapshot, stale, logged and counted; mended: fresh again', async () => {
    const dir = calendarCopy();
    const registry = new Registry();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { loadCaseRules } = createRulesActivities({ calendarDir: dir, rulesMetrics: createRulesMetrics(registry) });
      const good = await loadCaseRules();
      expect(good.snapshot).toMatchObject({ stale: false, snapshotId: expect.stringMatching(/^[0-9a-f]{16}$/) });

      const original = fs.readFileSync(path.join(dir, 'cn-2026.json'), 'utf8');
      const file = breakDate(dir);
      const stale = await loadCaseRules();
      expect(stale.snapshot).toMatchObject({ stale: true, snapshotId: good.snapshot.snapshotId, loadedAt: good.snapshot.loadedAt });
      expect(stale.snapshot.staleReason).toContain(file);
      expect(stale.calendar).toEqual(good.calendar);
      expect(errors).toHaveBeenCalledWith(expect.stringContaining(file));
      const text = await registry.metrics();
      expect(text).toMatch(/complaint_rules_stale_loads_total 1\b/);
      expect(text).toMatch(/complaint_rules_files_broken 1\b/);

      fs.writeFileSync(path.join(dir, 'cn-2026.json'), original);
      const mended = await loadCaseRules();
      expect(mended.snapshot.stale).toBe(false);
      expect(await registry.metrics()).toMatch(/complaint_rules_files_broken 0\b/);
    } finally {
      errors.mockRestore();
    }
  });

  test('files read once while unchanged; a file rewritten in place (same inode) is read at the next case', async () => {
    const dir = calendarCopy();
    const { loadCaseRules } = createRulesActivities({ calendarDir: dir });
    const first = await loadCaseRules();
    expect(await loadCaseRules()).toBe(first);

    const file = path.join(dir, 'cn-2026.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    const { ino } = fs.statSync(file);
    data.holidays = data.holidays.slice(1);
    fs.writeFileSync(file, JSON.stringify(data));
    expect(fs.statSync(file).ino).toBe(ino);
    const next = await loadCaseRules();
    expect(next.snapshot.snapshotId).not.toBe(first.snapshot.snapshotId);
    expect(next.calendar).not.toEqual(first.calendar);
  });

  test('the default configuration loads (the real holiday files and the default policy)', async () => {
    const env = readEnv({});
    const rules = await createRulesActivities({ calendarDir: env.CALENDAR_DIR }).loadCaseRules();
    expect(rules.calendar.years.map((y) => y.year)).toEqual(expect.arrayContaining([2025, 2026]));
  });
});

test('one working-hours schema: what the policy accepts, the calendar accepts', async () => {
  const { policySchema, DEFAULT_POLICY } = await import('../../domain/policy');
  const { makeCalendar } = await import('../../domain/calendar-data');
  for (const [start, end] of [['09:00', '24:00'], ['18:00', '09:00'], ['9:00', '18:00'], ['08:30', '20:00'], ['00:00', '23:59']]) {
    const policyOk = policySchema.safeParse({ ...DEFAULT_POLICY, workingHours: { start, end } }).success;
    let calendarOk = true;
    try {
      makeCalendar([], { workStart: start!, workEnd: end! });
    } catch {
      calendarOk = false;
    }
    expect([start, end, policyOk]).toEqual([start, end, calendarOk]);
  }
});
