/**
 * Pins the shipped data files and the statutory fallback (lunar table,
 * Qingming formula) against real data: the State Council notices as encoded
 * by the independent `chinese-days` package.
 */
import path from 'node:path';
import { getLunarDate, getSolarDateFromLunar, getSolarTermDate } from 'chinese-days';
import cd2025 from 'chinese-days/dist/years/2025.json';
import cd2026 from 'chinese-days/dist/years/2026.json';
import { type HolidayYear, dayInfo } from '../../domain/calendar';
import { dayNumber, formatIsoDate, weekday } from '../../domain/civil-date';
import { LUNAR_FIRST_YEAR, LUNAR_LAST_YEAR, lunarLeapMonth, lunarMonthLengths, lunarNewYear, lunarToDayNumber } from '../../domain/lunar';
import { qingmingDayNumber, statutoryHolidays } from '../../domain/statutory-holidays';
import { loadCalendarSnapshot } from '../../config/load-calendar';

const cal = loadCalendarSnapshot(path.join(__dirname, '..', '..', 'config', 'holidays'));
const official = (year: number): HolidayYear => {
  const y = cal.years.find((x) => x.year === year);
  if (!y) throw new Error(`no data for ${year}`);
  return y;
};
const chineseDays: Record<number, { holidays: Record<string, string>; workdays: Record<string, string> }> = {
  2025: cd2025,
  2026: cd2026,
};
const years = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each([2025, 2026])('official data %i', (year) => {
  test('holidays match chinese-days exactly', () => {
    expect(official(year).holidays.map((d) => d.date)).toEqual(Object.keys(chineseDays[year]!.holidays).sort());
  });

  test('make-up working days match chinese-days exactly', () => {
    expect(official(year).makeupWorkdays.map((d) => d.date)).toEqual(Object.keys(chineseDays[year]!.workdays).sort());
  });

  test('every statutory holiday computed from the law is a holiday in the notice', () => {
    const notice = new Set(official(year).holidays.map((d) => d.date));
    const statutory = statutoryHolidays(year).map((h) => h.date);
    expect(statutory).toHaveLength(13);
    expect(statutory.filter((d) => !notice.has(d))).toEqual([]);
  });

  test('every make-up day is a weekend day and classified as a working day', () => {
    for (const d of official(year).makeupWorkdays) {
      const [y, m, day] = d.date.split('-').map(Number) as [number, number, number];
      expect([0, 6]).toContain(weekday(dayNumber(y, m, day)));
      expect(dayInfo(cal, d.date).kind).toBe('makeup_workday');
    }
  });
});

test.each([
  [2025, ['2025-01-01', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-04-04', '2025-05-01', '2025-05-02', '2025-05-31', '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06']],
  [2026, ['2026-01-01', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-04-05', '2026-05-01', '2026-05-02', '2026-06-19', '2026-09-25', '2026-10-01', '2026-10-02', '2026-10-03']],
  [2027, ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03']],
])('statutory holidays %i', (year, expected) => {
  expect(statutoryHolidays(year).map((h) => h.date)).toEqual(expected);
});

test('Mid-Autumn on National Day merges into one day (2001, 2020)', () => {
  for (const year of [2001, 2020]) {
    const days = statutoryHolidays(year);
    expect(days).toHaveLength(12);
    expect(days).toContainEqual({ date: `${year}-10-01`, name: '国庆节、中秋节' });
  }
});

describe('lunar table', () => {
  test.each(years(LUNAR_FIRST_YEAR, LUNAR_LAST_YEAR))('%i: 春节, 端午 and 中秋 agree with chinese-days', (year) => {
    expect(formatIsoDate(lunarNewYear(year))).toBe(getSolarDateFromLunar(`${year}-01-01`).date);
    expect(formatIsoDate(lunarToDayNumber(year, 5, 5))).toBe(getSolarDateFromLunar(`${year}-05-05`).date);
    expect(formatIsoDate(lunarToDayNumber(year, 8, 15))).toBe(getSolarDateFromLunar(`${year}-08-15`).date);
  });

  // The two places where the table (computed astronomically) and chinese-days
  // disagree; neither moves a holiday.
  //  - 2057 month 9: the new moon falls within seconds of Beijing midnight, so
  //    either answer is defensible.
  //  - 2060 month 4: the new moon is on 04-30 about 2.4 hours from midnight;
  //    chinese-days' table says 05-01.
  const knownDifferences = new Set(['2057-09-28', '2060-04-30']);

  test('every month start of 2000-2100 agrees with chinese-days', () => {
    const mismatches: string[] = [];
    for (const year of years(LUNAR_FIRST_YEAR, LUNAR_LAST_YEAR)) {
      const leap = lunarLeapMonth(year);
      let n = lunarNewYear(year);
      let month = 0;
      lunarMonthLengths(year).forEach((length, i) => {
        const isLeap = leap !== 0 && i === leap;
        if (!isLeap) month += 1;
        const date = formatIsoDate(n);
        const theirs = getLunarDate(date);
        const same =
          theirs.lunarYear === year && theirs.lunarMon === month && theirs.isLeap === isLeap && theirs.lunarDay === 1;
        if (!same && !knownDifferences.has(date)) mismatches.push(`${date} ${year}/${isLeap ? 'leap ' : ''}${month}`);
        n += length;
      });
      if (year < LUNAR_LAST_YEAR) expect(n).toBe(lunarNewYear(year + 1));
    }
    expect(mismatches).toEqual([]);
  });

  test('leap months of the next decades', () => {
    expect(years(2025, 2035).map((y) => [y, lunarLeapMonth(y)]).filter(([, m]) => m !== 0)).toEqual([
      [2025, 6],
      [2028, 5],
      [2031, 3],
      [2033, 11],
    ]);
  });

  test('outside 2000-2100 it refuses rather than guesses', () => {
    expect(() => lunarNewYear(1999)).toThrow(RangeError);
    expect(() => lunarNewYear(2101)).toThrow(RangeError);
    expect(() => lunarToDayNumber(2026, 13, 1)).toThrow(RangeError);
  });
});

describe('清明', () => {
  test.each(years(2000, 2099))('%i agrees with chinese-days', (year) => {
    expect(formatIsoDate(qingmingDayNumber(year))).toBe(getSolarTermDate(year, 4, 'pure_brightness'));
  });

  test('2100 is not a leap year, so 清明 moves to April 5', () => {
    // chinese-days' century formula treats 2100 like 2000 and says 04-04; the
    // Sun reaches 15° at about 00:40 Beijing time on 2100-04-05.
    expect(formatIsoDate(qingmingDayNumber(2100))).toBe('2100-04-05');
  });
});
