/**
 * Building and validating a calendar from holiday data files. Kept apart from calendar.ts on
 * purpose: the workflow bundle imports the calendar's arithmetic, and zod would cost every cached
 * workflow ~660 KiB of memory (measured by the benchmark) for schemas it never runs.
 */
import { z } from 'zod';
import { parseIsoDate, weekday } from './civil-date';
import { DEFAULT_WORK_HOURS, HH_MM, type CalendarDay, type CalendarSnapshot, type DayKind, type HolidayYear } from './calendar';


const calendarDaySchema = z.object({
  date: z.string().refine((s) => parseIsoDate(s) !== undefined, 'must be a real date written YYYY-MM-DD'),
  name: z.string().refine((s) => s.trim().length > 0, 'must not be blank'),
});

export const holidayYearSchema: z.ZodType<HolidayYear> = z
  .object({
    year: z.number().int().min(1970).max(2200),
    source: z.string().refine((s) => s.trim().length > 0, 'must not be blank'),
    holidays: z.array(calendarDaySchema).min(1, 'a year without any holiday is certainly a mistake'),
    makeupWorkdays: z.array(calendarDaySchema),
  })
  .superRefine((data, ctx) => {
    // A notice may reach a few days into a neighbouring year (e.g. 2019's New
    // Year break had a make-up Saturday on 2018-12-29), but anything further
    // away is a typo such as a wrong year in the date.
    const lo = parseIsoDate(`${data.year - 1}-12-01`)!;
    const hi = parseIsoDate(`${data.year + 1}-01-31`)!;
    const seen = new Map<string, string>();
    const check = (list: CalendarDay[], key: 'holidays' | 'makeupWorkdays'): void => {
      list.forEach((day, i) => {
        const n = parseIsoDate(day.date);
        if (n === undefined) return; // already reported by the element schema
        const path = [key, i, 'date'];
        if (n < lo || n > hi) {
          ctx.addIssue({ code: 'custom', path, message: `${day.date} is too far from year ${data.year}` });
        }
        const previous = seen.get(day.date);
        if (previous !== undefined) {
          ctx.addIssue({ code: 'custom', path, message: `${day.date} is listed twice (also in ${previous})` });
        }
        seen.set(day.date, key);
        const wd = weekday(n);
        if (key === 'makeupWorkdays' && wd !== 0 && wd !== 6) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${day.date} is a weekday; make-up working days are always Saturdays or Sundays`,
          });
        }
      });
    };
    check(data.holidays, 'holidays');
    check(data.makeupWorkdays, 'makeupWorkdays');
  });

/**
 * Working hours, the one schema for them: the policy's `workingHours` and the calendar snapshot
 * both parse with it, so a value one accepts the other cannot refuse at run time ("24:00" was).
 */
export const workingHoursSchema = z
  .object({
    start: z.string().regex(HH_MM, "must be 'HH:MM' (24-hour, 00:00 to 23:59)"),
    end: z.string().regex(HH_MM, "must be 'HH:MM' (24-hour, 00:00 to 23:59)"),
  })
  .refine((h) => h.start < h.end, { message: 'start must be before end', path: ['end'] });

const HOURS_FIELD = { start: 'workStart', end: 'workEnd' } as const;

/** The snapshot spells the fields workStart/workEnd; issues are reported under those names. */
function workHoursIssues(hours: { workStart: string; workEnd: string }) {
  const parsed = workingHoursSchema.safeParse({ start: hours.workStart, end: hours.workEnd });
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ path: i.path.map((p) => HOURS_FIELD[p as keyof typeof HOURS_FIELD] ?? p), message: i.message.replace(/^start /, 'workStart ').replace(/ end$/, ' workEnd') }));
}

/** For validating a snapshot that crossed a serialization boundary (workflow input, API). */
export const calendarSnapshotSchema: z.ZodType<CalendarSnapshot> = z
  .object({
    timeZone: z.literal('Asia/Shanghai'),
    workStart: z.string(),
    workEnd: z.string(),
    years: z.array(holidayYearSchema),
  })
  .superRefine((snap, ctx) => {
    for (const issue of workHoursIssues(snap)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    const problem = crossYearProblem(snap.years);
    if (problem) ctx.addIssue({ code: 'custom', path: ['years'], message: problem });
  });

// ---------------------------------------------------------------------------
// Construction

export function makeCalendar(
  years: HolidayYear[],
  hours: { workStart: string; workEnd: string } = DEFAULT_WORK_HOURS,
): CalendarSnapshot {
  const hourIssues = workHoursIssues(hours);
  if (hourIssues.length) throw new Error(`Invalid working hours: ${describeIssues(hourIssues)}`);
  const cleaned = years.map((y) => {
    const parsed = holidayYearSchema.safeParse(y);
    if (!parsed.success) {
      const label = typeof y?.year === 'number' ? String(y.year) : '(unknown year)';
      throw new Error(`Invalid holiday data for ${label}: ${describeIssues(parsed.error.issues)}`);
    }
    return parsed.data;
  });
  const problem = crossYearProblem(cleaned);
  if (problem) throw new Error(`Invalid holiday data: ${problem}`);

  const byDate = (a: CalendarDay, b: CalendarDay): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  return {
    timeZone: 'Asia/Shanghai',
    workStart: hours.workStart,
    workEnd: hours.workEnd,
    years: cleaned
      .map((y) => ({
        year: y.year,
        source: y.source,
        holidays: y.holidays.map((d) => ({ date: d.date, name: d.name })).sort(byDate),
        makeupWorkdays: y.makeupWorkdays.map((d) => ({ date: d.date, name: d.name })).sort(byDate),
      }))
      .sort((a, b) => a.year - b.year),
  };
}

function crossYearProblem(years: HolidayYear[]): string | undefined {
  const seenYears = new Set<number>();
  const kinds = new Map<string, { kind: DayKind; year: number }>();
  for (const y of years) {
    if (seenYears.has(y.year)) return `year ${y.year} is given twice`;
    seenYears.add(y.year);
    const lists: [CalendarDay[], DayKind][] = [
      [y.holidays, 'holiday'],
      [y.makeupWorkdays, 'makeup_workday'],
    ];
    for (const [list, kind] of lists) {
      for (const d of list) {
        const other = kinds.get(d.date);
        // Neighbouring files may both mention a boundary day; they only must not disagree.
        if (other && other.kind !== kind) {
          return `${d.date} is a ${other.kind} in the ${other.year} data but a ${kind} in the ${y.year} data`;
        }
        kinds.set(d.date, { kind, year: y.year });
      }
    }
  }
  return undefined;
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('; ');
}

