/**
 * Business calendar for Asia/Shanghai: working hours, Chinese public holidays
 * and make-up working days (调休上班).
 *
 * Pure and deterministic: it runs inside the Temporal workflow sandbox, so no
 * I/O, no clock, no Intl and only UTC Date methods, with Beijing time as a
 * fixed +08:00 offset. Instants are always passed in.
 */

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

export const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const DEFAULT_WORK_HOURS = Object.freeze({ workStart: '09:00', workEnd: '18:00' });

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
