import path from 'node:path';
import fc from 'fast-check';
import {
  type CalendarSnapshot,
  type HolidayYear,
  addBusinessMinutes,
  businessMinutesBetween,
  dayInfo,
  formatDeadline,
  isWorkingTime,
  toShanghaiIso,
} from '../../domain/calendar';
import { calendarSnapshotSchema, holidayYearSchema, makeCalendar } from '../../domain/calendar-data';
import { loadCalendarSnapshot } from '../../config/load-calendar';

const HOLIDAY_DIR = path.join(__dirname, '..', '..', 'config', 'holidays');
const cal: CalendarSnapshot = loadCalendarSnapshot(HOLIDAY_DIR);
const at = (iso: string): Date => new Date(iso);

describe('addBusinessMinutes', () => {
  // [case, from, minutes, expected deadline, provisional]
  const rows: [string, string, number, string, boolean][] = [
    ['filed Friday 17:30, 4 business hours', '2026-11-27T17:30:00+08:00', 240, '2026-11-30T12:30:00+08:00', false],
    ['filed Friday 17:30, 30 minutes ends exactly at workEnd', '2026-11-27T17:30:00+08:00', 30, '2026-11-27T18:00:00+08:00', false],
    ['a full working day from 09:00 stays at 18:00', '2026-11-30T09:00:00+08:00', 540, '2026-11-30T18:00:00+08:00', false],
    ['filed 02:00 on a public holiday (National Day)', '2026-10-02T02:00:00+08:00', 240, '2026-10-08T13:00:00+08:00', false],
    ['filed on 除夕 2026, 5 business days end on the make-up Saturday', '2026-02-16T10:00:00+08:00', 5 * 540, '2026-02-28T18:00:00+08:00', false],
    ['filed on 除夕 2026, 6 business days land after the make-up Saturday', '2026-02-16T10:00:00+08:00', 6 * 540, '2026-03-02T18:00:00+08:00', false],
    ['filed the Friday before Spring Festival, make-up Saturday 02-14 counts', '2026-02-13T17:00:00+08:00', 1080, '2026-02-24T17:00:00+08:00', false],
    ['National Day week: filed 09-30 16:00, 3 hours', '2026-09-30T16:00:00+08:00', 180, '2026-10-08T10:00:00+08:00', false],
    ['National Day week: Friday 10-09 17:00 runs into make-up Saturday 10-10', '2026-10-09T17:00:00+08:00', 120, '2026-10-10T10:00:00+08:00', false],
    ['make-up Sunday 09-20 before National Day is a working day', '2026-09-19T12:00:00+08:00', 60, '2026-09-20T10:00:00+08:00', false],
    ['2025: Mid-Autumn inside the 8-day National Day break', '2025-09-30T17:00:00+08:00', 120, '2025-10-09T10:00:00+08:00', false],
    ['crosses into 2027, which has no data file', '2026-12-31T17:00:00+08:00', 120, '2027-01-04T10:00:00+08:00', true],
    ['stays inside 2026 right up to the year end', '2026-12-31T10:00:00+08:00', 60, '2026-12-31T11:00:00+08:00', false],
    ['2027 Spring Festival from the statutory fallback (除夕 Fri to 初三 Mon)', '2027-02-04T17:00:00+08:00', 120, '2027-02-09T10:00:00+08:00', true],
    ['0 minutes from a Saturday gives the next working start', '2026-11-28T10:00:00+08:00', 0, '2026-11-30T09:00:00+08:00', false],
    ['0 minutes from exactly workEnd gives the next working start', '2026-11-27T18:00:00+08:00', 0, '2026-11-30T09:00:00+08:00', false],
    ['0 minutes inside working time is the same instant', '2026-11-30T10:15:00+08:00', 0, '2026-11-30T10:15:00+08:00', false],
    ['before workStart on a working day', '2026-11-30T07:15:00+08:00', 30, '2026-11-30T09:30:00+08:00', false],
    ['seconds and milliseconds are kept', '2026-11-30T10:15:30.250+08:00', 60, '2026-11-30T11:15:30.250+08:00', false],
    ['input given in UTC', '2026-11-27T09:30:00Z', 240, '2026-11-30T12:30:00+08:00', false],
    ['the whole of 2026 (248 working days) ends on 12-31 18:00, not in 2027', '2026-01-01T00:00:00+08:00', 248 * 540, '2026-12-31T18:00:00+08:00', false],
  ];

  test.each(rows)('%s', (_case, from, minutes, expected, provisional) => {
    const result = addBusinessMinutes(cal, at(from), minutes);
    expect(toShanghaiIso(result.at)).toBe(toShanghaiIso(at(expected)));
    expect(result.at.getTime()).toBe(at(expected).getTime());
    expect(result.provisional).toBe(provisional);
  });

  test.each(rows)('businessMinutesBetween round-trips: %s', (_case, from, minutes, expected, provisional) => {
    expect(businessMinutesBetween(cal, at(from), at(expected))).toEqual({ minutes, provisional });
  });

  test('rejects negative, NaN and infinite minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(cal, at('2026-11-30T10:00:00+08:00'), -1)).toThrow(RangeError);
    expect(() => addBusinessMinutes(cal, at('2026-11-30T10:00:00+08:00'), Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessMinutes(cal, at('2026-11-30T10:00:00+08:00'), Infinity)).toThrow(RangeError);
    expect(() => addBusinessMinutes(cal, new Date(Number.NaN), 5)).toThrow(RangeError);
  });

  test('custom working hours', () => {
    const late = makeCalendar(cal.years, { workStart: '08:30', workEnd: '20:00' });
    expect(toShanghaiIso(addBusinessMinutes(late, at('2026-11-27T19:00:00+08:00'), 120).at)).toBe('2026-11-30T09:30:00+08:00');
  });

  test('years far beyond the fallback range fail loudly instead of guessing', () => {
    expect(() => addBusinessMinutes(cal, at('2101-01-03T10:00:00+08:00'), 60)).toThrow(/2000-2100/);
  });
});

describe('businessMinutesBetween', () => {
  test.each([
    ['same day', '2026-11-30T10:00:00+08:00', '2026-11-30T11:30:00+08:00', 90, false],
    ['over a weekend', '2026-11-27T17:00:00+08:00', '2026-11-30T10:00:00+08:00', 120, false],
    ['both ends outside working time', '2026-11-28T03:00:00+08:00', '2026-11-30T23:00:00+08:00', 540, false],
    ['whole National Day break is worth nothing', '2026-09-30T18:00:00+08:00', '2026-10-08T09:00:00+08:00', 0, false],
    ['the whole year 2026', '2026-01-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00', 248 * 540, true],
    ['the whole year 2025', '2025-01-01T00:00:00+08:00', '2025-12-31T23:59:59.999+08:00', 248 * 540, false],
    ['reversed arguments give a negative value', '2026-11-30T11:30:00+08:00', '2026-11-30T10:00:00+08:00', -90, false],
    ['half a minute', '2026-11-30T10:00:00+08:00', '2026-11-30T10:00:30+08:00', 0.5, false],
  ] as const)('%s', (_case, from, to, minutes, provisional) => {
    expect(businessMinutesBetween(cal, at(from), at(to))).toEqual({ minutes, provisional });
  });

  test('round-trips addBusinessMinutes for arbitrary instants (property)', () => {
    const min = at('2025-01-01T00:00:00+08:00').getTime();
    const max = at('2027-12-31T00:00:00+08:00').getTime();
    fc.assert(
      fc.property(fc.integer({ min, max }), fc.integer({ min: 0, max: 40_000 }), (fromMs, minutes) => {
        const from = new Date(fromMs);
        const result = addBusinessMinutes(cal, from, minutes);
        const back = businessMinutesBetween(cal, from, result.at);
        expect(back.minutes).toBe(minutes);
        expect(back.provisional).toBe(result.provisional);
        // A deadline is inside working time, or exactly at workEnd after a positive amount.
        const probe = minutes === 0 ? result.at : new Date(result.at.getTime() - 1);
        expect(isWorkingTime(cal, probe)).toBe(true);
      }),
      { numRuns: 500, seed: 20261127 },
    );
  });
});

describe('isWorkingTime', () => {
  test.each([
    ['make-up Saturday 2026-02-28', '2026-02-28T10:00:00+08:00', true],
    ['make-up Sunday 2026-09-20', '2026-09-20T10:00:00+08:00', true],
    ['holiday weekday 2026-10-02 (Friday)', '2026-10-02T10:00:00+08:00', false],
    ['除夕 2026-02-16 (Monday)', '2026-02-16T10:00:00+08:00', false],
    ['bridge day 2026-02-23 (Monday)', '2026-02-23T10:00:00+08:00', false],
    ['ordinary Saturday', '2026-11-28T10:00:00+08:00', false],
    ['workStart is inside', '2026-11-30T09:00:00+08:00', true],
    ['one minute before workStart', '2026-11-30T08:59:00+08:00', false],
    ['last millisecond before workEnd', '2026-11-30T17:59:59.999+08:00', true],
    ['workEnd itself is outside', '2026-11-30T18:00:00+08:00', false],
    ['UTC instant that is Monday 09:30 in Beijing', '2026-11-30T01:30:00Z', true],
    ['UTC Monday 23:00 is Tuesday 07:00 in Beijing', '2026-11-30T23:00:00Z', false],
    ['fallback: 2027-02-08 (初三, Monday)', '2027-02-08T10:00:00+08:00', false],
    ['fallback: 2027-02-09 (Tuesday)', '2027-02-09T10:00:00+08:00', true],
  ] as const)('%s', (_case, iso, expected) => {
    expect(isWorkingTime(cal, at(iso))).toBe(expected);
  });
});

describe('dayInfo', () => {
  test.each([
    ['2026-02-14', { kind: 'makeup_workday', name: '春节调休上班', provisional: false }],
    ['2026-02-16', { kind: 'holiday', name: '春节', provisional: false }],
    ['2026-02-21', { kind: 'holiday', name: '春节', provisional: false }],
    ['2026-10-01', { kind: 'holiday', name: '国庆节', provisional: false }],
    ['2025-10-06', { kind: 'holiday', name: '国庆节、中秋节', provisional: false }],
    ['2026-11-28', { kind: 'weekend', provisional: false }],
    ['2026-11-30', { kind: 'workday', provisional: false }],
    ['2027-01-01', { kind: 'holiday', name: '元旦', provisional: true }],
    ['2027-02-05', { kind: 'holiday', name: '春节', provisional: true }],
    ['2027-04-05', { kind: 'holiday', name: '清明节', provisional: true }],
    ['2027-06-09', { kind: 'holiday', name: '端午节', provisional: true }],
    ['2027-09-15', { kind: 'holiday', name: '中秋节', provisional: true }],
    ['2027-10-03', { kind: 'holiday', name: '国庆节', provisional: true }],
    ['2027-10-04', { kind: 'workday', provisional: true }],
    ['2027-10-09', { kind: 'weekend', provisional: true }],
    ['2024-12-31', { kind: 'workday', provisional: true }],
  ] as const)('%s', (date, expected) => {
    expect(dayInfo(cal, date)).toEqual(expected);
  });

  test.each(['2026-02-30', '2026-2-3', '20260203', '', '2026-13-01'])('rejects malformed date %j', (date) => {
    expect(() => dayInfo(cal, date)).toThrow(RangeError);
  });

  test('a snapshot that went through JSON (workflow history) behaves the same', () => {
    const copy = JSON.parse(JSON.stringify(cal)) as CalendarSnapshot;
    expect(dayInfo(copy, '2026-02-28')).toEqual(dayInfo(cal, '2026-02-28'));
    expect(addBusinessMinutes(copy, at('2026-02-16T10:00:00+08:00'), 2700).at.getTime()).toBe(
      at('2026-02-28T18:00:00+08:00').getTime(),
    );
  });

  test('with no data files at all everything is provisional and holidays still hold', () => {
    const bare = makeCalendar([]);
    expect(dayInfo(bare, '2026-02-17')).toEqual({ kind: 'holiday', name: '春节', provisional: true });
    // Without the notice, 2026-02-14 is an ordinary Saturday: make-up days are unknowable.
    expect(dayInfo(bare, '2026-02-14')).toEqual({ kind: 'weekend', provisional: true });
  });
});

describe('formatDeadline / toShanghaiIso', () => {
  test.each([
    ['2026-11-30T12:00:00+08:00', '2026年11月30日 12:00（北京时间）', '30 Nov 2026 12:00 (Beijing time)', '2026-11-30T12:00:00+08:00'],
    ['2026-02-05T01:05:00Z', '2026年2月5日 09:05（北京时间）', '5 Feb 2026 09:05 (Beijing time)', '2026-02-05T09:05:00+08:00'],
    ['2026-12-31T16:30:00Z', '2027年1月1日 00:30（北京时间）', '1 Jan 2027 00:30 (Beijing time)', '2027-01-01T00:30:00+08:00'],
    ['2026-11-30T12:00:59.500+08:00', '2026年11月30日 12:00（北京时间）', '30 Nov 2026 12:00 (Beijing time)', '2026-11-30T12:00:59.500+08:00'],
    ['2026-11-30T18:00:00+08:00', '2026年11月30日 18:00（北京时间）', '30 Nov 2026 18:00 (Beijing time)', '2026-11-30T18:00:00+08:00'],
  ])('%s', (iso, zh, en, shanghai) => {
    expect(formatDeadline(at(iso), 'zh')).toBe(zh);
    expect(formatDeadline(at(iso), 'en')).toBe(en);
    expect(toShanghaiIso(at(iso))).toBe(shanghai);
    expect(new Date(toShanghaiIso(at(iso))).getTime()).toBe(at(iso).getTime());
  });
});

describe('makeCalendar and the holiday-year schema', () => {
  const good: HolidayYear = {
    year: 2030,
    source: 'test',
    holidays: [{ date: '2030-01-01', name: '元旦' }],
    makeupWorkdays: [{ date: '2030-01-05', name: '调休上班' }],
  };

  test('defaults to 09:00-18:00 and sorts years and days', () => {
    const snap = makeCalendar([
      { ...good, holidays: [{ date: '2030-10-01', name: '国庆节' }, ...good.holidays] },
      { ...good, year: 2029, holidays: [{ date: '2029-01-01', name: '元旦' }], makeupWorkdays: [] },
    ]);
    expect(snap.timeZone).toBe('Asia/Shanghai');
    expect([snap.workStart, snap.workEnd]).toEqual(['09:00', '18:00']);
    expect(snap.years.map((y) => y.year)).toEqual([2029, 2030]);
    expect(snap.years[1]!.holidays.map((d) => d.date)).toEqual(['2030-01-01', '2030-10-01']);
  });

  test.each([
    ['a weekday make-up day', { ...good, makeupWorkdays: [{ date: '2030-01-07', name: 'x' }] }, /weekday/],
    ['an impossible date', { ...good, holidays: [{ date: '2030-02-30', name: 'x' }] }, /real date/],
    ['a date in the wrong year', { ...good, holidays: [{ date: '2031-10-01', name: 'x' }] }, /too far/],
    ['a duplicated date', { ...good, holidays: [...good.holidays, ...good.holidays] }, /twice/],
    ['a day both holiday and make-up', { ...good, makeupWorkdays: [{ date: '2030-01-01', name: 'x' }] }, /twice/],
    ['a blank name', { ...good, holidays: [{ date: '2030-01-01', name: ' ' }] }, /blank/],
    ['no holidays', { ...good, holidays: [] }, /without any holiday/],
  ])('rejects %s', (_case, data, message) => {
    expect(holidayYearSchema.safeParse(data).success).toBe(false);
    expect(() => makeCalendar([data as HolidayYear])).toThrow(message);
  });

  test('a boundary day from the neighbouring year is accepted', () => {
    const y2019: HolidayYear = {
      year: 2019,
      source: 'test',
      holidays: [{ date: '2018-12-31', name: '元旦' }, { date: '2019-01-01', name: '元旦' }],
      makeupWorkdays: [{ date: '2018-12-29', name: '元旦调休上班' }],
    };
    expect(holidayYearSchema.safeParse(y2019).success).toBe(true);
  });

  test('rejects the same year twice and conflicting files', () => {
    expect(() => makeCalendar([good, good])).toThrow(/2030 is given twice/);
    const next: HolidayYear = { ...good, year: 2031, holidays: [{ date: '2031-01-01', name: '元旦' }], makeupWorkdays: [{ date: '2030-12-29', name: 'x' }] };
    const prev: HolidayYear = { ...good, holidays: [...good.holidays, { date: '2030-12-29', name: 'y' }] };
    expect(() => makeCalendar([prev, next])).toThrow(/2030-12-29/);
  });

  test.each([
    [{ workStart: '9:00', workEnd: '18:00' }],
    [{ workStart: '18:00', workEnd: '09:00' }],
    [{ workStart: '09:00', workEnd: '24:00' }],
    [{ workStart: '09:00', workEnd: '09:00' }],
  ])('rejects working hours %j', (hours) => {
    expect(() => makeCalendar([good], hours)).toThrow(/working hours/i);
  });

  test('calendarSnapshotSchema accepts a stored snapshot and rejects a tampered one', () => {
    const stored: unknown = JSON.parse(JSON.stringify(cal));
    expect(calendarSnapshotSchema.safeParse(stored).success).toBe(true);
    expect(calendarSnapshotSchema.safeParse({ ...cal, workEnd: '08:00' }).success).toBe(false);
    expect(calendarSnapshotSchema.safeParse({ ...cal, timeZone: 'UTC' }).success).toBe(false);
    expect(calendarSnapshotSchema.safeParse({ ...cal, years: [...cal.years, cal.years[0]] }).success).toBe(false);
  });
});
