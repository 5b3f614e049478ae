/**
 * Business calendar for Asia/Shanghai: working hours, Chinese public holidays
 * and make-up working days (调休上班).
 *
 * Pure and deterministic: it runs inside the Temporal workflow sandbox, so no
 * I/O, no clock, no Intl and only UTC Date methods, with Beijing time as a
 * fixed +08:00 offset. Instants are always passed in.
 */

import { z } from 'zod';
import {
  DAY_MS,
  MINUTE_MS,
  SHANGHAI_OFFSET_MS,
  civilFromDayNumber,
  formatIsoDate,
  parseIsoDate,
  weekday,
  yearOfDayNumber,
} from './civil-date';
import { statutoryHolidays } from './statutory-holidays';

export interface CalendarDay {
  /** YYYY-MM-DD, Beijing date */
  date: string;
  name: string;
}

export interface HolidayYear {
  year: number;
  /** Where the data comes from, normally the State Council notice title and URL. */
  source: string;
  holidays: CalendarDay[];
  makeupWorkdays: CalendarDay[];
}

/** JSON-serializable; it is stored in each workflow's history so replaced data files never change running cases. */
export interface CalendarSnapshot {
  timeZone: 'Asia/Shanghai';
  /** 'HH:MM' Beijing time */
  workStart: string;
  workEnd: string;
  years: HolidayYear[];
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export const DEFAULT_WORK_HOURS = Object.freeze({ workStart: '09:00', workEnd: '18:00' });

// ---------------------------------------------------------------------------
// Schema

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

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

const workHoursSchema = z
  .object({
    workStart: z.string().regex(HH_MM, "must be 'HH:MM' (24-hour)"),
    workEnd: z.string().regex(HH_MM, "must be 'HH:MM' (24-hour)"),
  })
  .refine((h) => h.workStart < h.workEnd, { message: 'workStart must be before workEnd', path: ['workEnd'] });

/** For validating a snapshot that crossed a serialization boundary (workflow input, API). */
export const calendarSnapshotSchema: z.ZodType<CalendarSnapshot> = z
  .object({
    timeZone: z.literal('Asia/Shanghai'),
    workStart: z.string(),
    workEnd: z.string(),
    years: z.array(holidayYearSchema),
  })
  .superRefine((snap, ctx) => {
    const hours = workHoursSchema.safeParse(snap);
    if (!hours.success) for (const issue of hours.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    const problem = crossYearProblem(snap.years);
    if (problem) ctx.addIssue({ code: 'custom', path: ['years'], message: problem });
  });

// ---------------------------------------------------------------------------
// Construction

export function makeCalendar(
  years: HolidayYear[],
  hours: { workStart: string; workEnd: string } = DEFAULT_WORK_HOURS,
): CalendarSnapshot {
  const parsedHours = workHoursSchema.safeParse(hours);
  if (!parsedHours.success) {
    throw new Error(`Invalid working hours: ${describeIssues(parsedHours.error.issues)}`);
  }
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
    workStart: parsedHours.data.workStart,
    workEnd: parsedHours.data.workEnd,
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

// ---------------------------------------------------------------------------
// Lookup

interface Index {
  startMs: number;
  endMs: number;
  covered: ReadonlySet<number>;
  entries: ReadonlyMap<number, { kind: 'holiday' | 'makeup_workday'; name: string }>;
}

interface DayFacts {
  kind: DayKind;
  name?: string;
  provisional: boolean;
}

// Snapshots are treated as immutable values, so the index can be cached per object.
const indexes = new WeakMap<CalendarSnapshot, Index>();

function indexOf(cal: CalendarSnapshot): Index {
  const hit = indexes.get(cal);
  if (hit) return hit;
  const entries = new Map<number, { kind: 'holiday' | 'makeup_workday'; name: string }>();
  for (const y of cal.years) {
    for (const d of y.holidays) entries.set(mustParseDate(d.date), { kind: 'holiday', name: d.name });
    for (const d of y.makeupWorkdays) entries.set(mustParseDate(d.date), { kind: 'makeup_workday', name: d.name });
  }
  const index: Index = {
    startMs: clockToMs(cal.workStart),
    endMs: clockToMs(cal.workEnd),
    covered: new Set(cal.years.map((y) => y.year)),
    entries,
  };
  if (!(index.startMs < index.endMs)) throw new RangeError(`workStart ${cal.workStart} is not before workEnd ${cal.workEnd}`);
  indexes.set(cal, index);
  return index;
}

function clockToMs(hhmm: string): number {
  const m = HH_MM.exec(hhmm);
  if (!m) throw new RangeError(`invalid time of day '${hhmm}', expected 'HH:MM'`);
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS;
}

function mustParseDate(date: string): number {
  const n = parseIsoDate(date);
  if (n === undefined) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  return n;
}

const fallbackCache = new Map<number, ReadonlyMap<number, string>>();

function fallbackHolidays(year: number): ReadonlyMap<number, string> {
  let map = fallbackCache.get(year);
  if (!map) {
    map = new Map(statutoryHolidays(year).map((h) => [mustParseDate(h.date), h.name]));
    fallbackCache.set(year, map);
  }
  return map;
}

function factsFor(index: Index, n: number): DayFacts {
  const year = yearOfDayNumber(n);
  const provisional = !index.covered.has(year);
  const entry = index.entries.get(n);
  if (entry) return { kind: entry.kind, name: entry.name, provisional };
  if (provisional) {
    const name = fallbackHolidays(year).get(n);
    if (name !== undefined) return { kind: 'holiday', name, provisional };
  }
  const wd = weekday(n);
  return { kind: wd === 0 || wd === 6 ? 'weekend' : 'workday', provisional };
}

const isWorkingKind = (kind: DayKind): boolean => kind === 'workday' || kind === 'makeup_workday';

/** Splits an instant into its Beijing day number and milliseconds since Beijing midnight. */
function toLocal(at: Date): { day: number; ms: number } {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid Date');
  const local = t + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  return { day, ms: local - day * DAY_MS };
}

const fromLocal = (day: number, ms: number): Date => new Date(day * DAY_MS + ms - SHANGHAI_OFFSET_MS);

// ---------------------------------------------------------------------------
// Public queries

/**
 * Classifies a Beijing date. `provisional` means the year has no data file and
 * the answer comes from the statutory fallback (no bridge or make-up days).
 */
export function dayInfo(cal: CalendarSnapshot, date: string): { kind: DayKind; name?: string; provisional: boolean } {
  return factsFor(indexOf(cal), mustParseDate(date));
}

/** Working time is the half-open window [workStart, workEnd) of a working day. */
export function isWorkingTime(cal: CalendarSnapshot, at: Date): boolean {
  const index = indexOf(cal);
  const { day, ms } = toLocal(at);
  return ms >= index.startMs && ms < index.endMs && isWorkingKind(factsFor(index, day).kind);
}

/**
 * The instant `minutes` of working time after `from`. Counting starts at the
 * next working-time start when `from` is outside working time, so 0 minutes
 * from a non-working instant gives that start. A result that reaches workEnd
 * exactly stays there rather than rolling to the next morning.
 *
 * Fractional minutes are allowed and kept to the millisecond.
 */
export function addBusinessMinutes(
  cal: CalendarSnapshot,
  from: Date,
  minutes: number,
): { at: Date; provisional: boolean } {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
  }
  const index = indexOf(cal);
  let remaining = Math.round(minutes * MINUTE_MS);
  let { day, ms } = toLocal(from);
  let provisional = false;
  // One step per calendar day: the cost depends on the span, never on the minute count.
  for (;;) {
    const facts = factsFor(index, day);
    provisional ||= facts.provisional;
    if (isWorkingKind(facts.kind)) {
      const begin = Math.max(ms, index.startMs);
      if (begin < index.endMs) {
        const available = index.endMs - begin;
        if (remaining <= available) return { at: fromLocal(day, begin + remaining), provisional };
        remaining -= available;
      }
    }
    day += 1;
    ms = 0;
  }
}

/**
 * Working time between two instants, in minutes (fractional when the instants
 * are not on whole minutes). Negative when `to` is before `from`, so that
 * businessMinutesBetween(a, addBusinessMinutes(a, m).at) === m.
 */
export function businessMinutesBetween(
  cal: CalendarSnapshot,
  from: Date,
  to: Date,
): { minutes: number; provisional: boolean } {
  const a = toLocal(from);
  const b = toLocal(to);
  if (to.getTime() < from.getTime()) {
    const reverse = businessMinutesBetween(cal, to, from);
    return { minutes: -reverse.minutes, provisional: reverse.provisional };
  }
  const index = indexOf(cal);
  let total = 0;
  let provisional = false;
  for (let day = a.day; day <= b.day; day++) {
    const facts = factsFor(index, day);
    provisional ||= facts.provisional;
    if (!isWorkingKind(facts.kind)) continue;
    const lo = Math.max(index.startMs, day === a.day ? a.ms : 0);
    const hi = Math.min(index.endMs, day === b.day ? b.ms : DAY_MS);
    if (hi > lo) total += hi - lo;
  }
  return { minutes: total / MINUTE_MS, provisional };
}

// ---------------------------------------------------------------------------
// Formatting

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * Customer-facing deadline in Beijing time. Seconds are dropped (not rounded
 * up) so the promise shown is never later than the real deadline.
 */
export function formatDeadline(at: Date, lang: 'zh' | 'en'): string {
  const { day, ms } = toLocal(at);
  const { year, month, day: dom } = civilFromDayNumber(day);
  const clock = `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / MINUTE_MS) % 60)}`;
  return lang === 'zh'
    ? `${year}年${month}月${dom}日 ${clock}（北京时间）`
    : `${dom} ${MONTHS_EN[month - 1]} ${year} ${clock} (Beijing time)`;
}

/** ISO 8601 with the +08:00 offset; milliseconds appear only when non-zero so the value round-trips. */
export function toShanghaiIso(at: Date): string {
  const { day, ms } = toLocal(at);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / MINUTE_MS) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const milli = ms % 1000;
  return `${formatIsoDate(day)}T${pad(h)}:${pad(m)}:${pad(s)}${milli ? `.${pad(milli, 3)}` : ''}+08:00`;
}
