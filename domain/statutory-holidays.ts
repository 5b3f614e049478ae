/**
 * Public holidays that follow directly from 《全国年节及纪念日放假办法》 (as
 * amended in November 2024, in force from 2025-01-01), used for years whose
 * State Council notice (国务院办公厅关于YYYY年部分节假日安排的通知) has not been
 * loaded yet.
 *
 * This is deliberately only the statutory core: the yearly notice adds bridge
 * days and make-up working days (调休) that cannot be derived from the law, so
 * the result is a subset of the real rest days and callers must flag anything
 * computed from it as provisional.
 */

import { dayNumber, formatIsoDate } from './civil-date';
import { LUNAR_FIRST_YEAR, LUNAR_LAST_YEAR, lunarNewYear, lunarToDayNumber } from './lunar';

export interface StatutoryHoliday {
  date: string;
  name: string;
}

export const STATUTORY_FIRST_YEAR = LUNAR_FIRST_YEAR;
export const STATUTORY_LAST_YEAR = LUNAR_LAST_YEAR;

/**
 * Day number of 清明 (the day the Sun's apparent longitude reaches 15°, Beijing
 * time) for 2000-2100.
 *
 * A mean-term model: the instant advances by one tropical year (365.2422 d)
 * per year from 2000-04-04 + 0.81 d. Counting from a fixed day number instead
 * of "April N minus leap days" keeps it right across 2100, which is not a leap
 * year. Checked offline against an astronomical solar-longitude computation
 * for every year 2000-2100 (closest call: 2071, about 5 minutes after
 * midnight), and in tests against `chinese-days`. Integer arithmetic keeps the
 * floor exact.
 */
export function qingmingDayNumber(year: number): number {
  assertYear(year);
  const base = dayNumber(2000, 3, 31);
  return base + Math.floor((48_100 + 3_652_422 * (year - 2000)) / 10_000);
}

const cache = new Map<number, readonly StatutoryHoliday[]>();

/** The statutory rest days of `year` (13 before coincidences), sorted by date. */
export function statutoryHolidays(year: number): readonly StatutoryHoliday[] {
  const hit = cache.get(year);
  if (hit) return hit;
  assertYear(year);

  const days = new Map<number, string[]>();
  const add = (n: number, name: string): void => {
    const names = days.get(n) ?? [];
    if (!names.includes(name)) names.push(name);
    days.set(n, names);
  };

  add(dayNumber(year, 1, 1), '元旦');
  const newYear = lunarNewYear(year);
  // 除夕 is the last day of the previous lunar year, whatever its length (29 or 30).
  for (let i = -1; i <= 2; i++) add(newYear + i, '春节');
  add(qingmingDayNumber(year), '清明节');
  add(dayNumber(year, 5, 1), '劳动节');
  add(dayNumber(year, 5, 2), '劳动节');
  add(lunarToDayNumber(year, 5, 5), '端午节');
  for (let d = 1; d <= 3; d++) add(dayNumber(year, 10, d), '国庆节');
  // 中秋 can coincide with 国庆 (e.g. 2001, 2020); the law then grants no extra
  // day. Added after 国庆 so a shared day reads '国庆节、中秋节' as in the notices.
  add(lunarToDayNumber(year, 8, 15), '中秋节');

  const result = [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, names]) => Object.freeze({ date: formatIsoDate(n), name: names.join('、') }));
  const frozen = Object.freeze(result);
  cache.set(year, frozen);
  return frozen;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < STATUTORY_FIRST_YEAR || year > STATUTORY_LAST_YEAR) {
    throw new RangeError(
      `statutory holidays can only be computed for ${STATUTORY_FIRST_YEAR}-${STATUTORY_LAST_YEAR}; ` +
        `got ${year}. Add config/holidays/cn-${year}.json for that year.`,
    );
  }
}
