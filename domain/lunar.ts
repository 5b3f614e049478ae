/**
 * Chinese lunisolar calendar for lunar years 2000-2100, enough to place the
 * lunar festivals of 《全国年节及纪念日放假办法》 when no State Council notice
 * has been loaded for a year.
 *
 * The table was generated offline from an astronomical computation (Meeus,
 * "Astronomical Algorithms": ch. 49 new moons, ch. 25 solar longitude) applied
 * with the rules of GB/T 33661-2017 in Beijing time: a month starts on the day
 * of the new moon, the month holding the winter solstice is month 11, and in a
 * 13-month solstice year the first month without a principal term is the leap
 * month. It is pinned in tests against the `chinese-days` package.
 *
 * Entry for lunar year Y (index Y - 2000), 23 bits:
 *   bits 0-5   day of the Gregorian year Y (0 = Jan 1) on which lunar month 1 day 1 falls
 *   bits 6-18  bit 6+i set when the i-th month of the year, in calendar order
 *              (a leap month follows the month it repeats), has 30 days, else 29
 *   bits 19-22 number of the month that is repeated as a leap month, 0 when none
 */

import { dayNumber } from './civil-date';

export const LUNAR_FIRST_YEAR = 2000;
export const LUNAR_LAST_YEAR = 2100;

const YEARS: readonly number[] = [
  0x01a4e3, 0x254ad7, 0x014aea, 0x0296df, 0x155695, 0x015aa7, 0x3ed55c, 0x02e930,
  0x02d265, 0x2ea4d9, 0x02a56c, 0x014b61, 0x22ab56, 0x02ad68, 0x4d6a9e, 0x0174b1,
  0x036966, 0x37529b, 0x0352ae, 0x032563, 0x254b98, 0x0155aa, 0x02ad5f, 0x156c95,
  0x01b4a8, 0x33a95c, 0x01c96f, 0x0192e4, 0x2b25d9, 0x032aeb, 0x0156a1, 0x1ab596,
  0x02da69, 0x5dd49e, 0x02d4b1, 0x02c966, 0x3692db, 0x0292ed, 0x012ae2, 0x2956d7,
  0x016b6a, 0x02da9f, 0x16d495, 0x0364a8, 0x3f495d, 0x03496f, 0x029564, 0x2d2b59,
  0x012dac, 0x016d60, 0x1b6a96, 0x03b269, 0x47a49f, 0x03a4b1, 0x0349a6, 0x32959b,
  0x0295ed, 0x0155a2, 0x21b557, 0x01d56a, 0x01d260, 0x1ba4d4, 0x01a4e7, 0x3d4adc,
  0x014aef, 0x0296e3, 0x2d5699, 0x015aac, 0x02d961, 0x25d296, 0x02d2a9, 0x46a55e,
  0x02a571, 0x014b65, 0x32ab5a, 0x02ad6d, 0x016aa3, 0x22e957, 0x03696a, 0x0352a0,
  0x1f2555, 0x0325a7, 0x3e539c, 0x0155af, 0x02ad64, 0x2d6c99, 0x01b4ac, 0x03a961,
  0x239297, 0x01a2e8, 0x4325dd, 0x012af0, 0x0156e5, 0x32b59a, 0x02daad, 0x01d4a3,
  0x25c958, 0x02d16a, 0x02a2df, 0x1526d4, 0x012ae7,
];

function entry(year: number): number {
  if (!Number.isInteger(year) || year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR) {
    throw new RangeError(
      `lunar calendar is only tabulated for ${LUNAR_FIRST_YEAR}-${LUNAR_LAST_YEAR}; got ${year}`,
    );
  }
  return YEARS[year - LUNAR_FIRST_YEAR]!;
}

export function lunarLeapMonth(year: number): number {
  return (entry(year) >> 19) & 0xf;
}

/** Month lengths of lunar year `year` in calendar order, leap month included. */
export function lunarMonthLengths(year: number): number[] {
  const e = entry(year);
  const count = lunarLeapMonth(year) === 0 ? 12 : 13;
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) lengths.push((e >> (6 + i)) & 1 ? 30 : 29);
  return lengths;
}

/** Day number (days since 1970-01-01) of 正月初一 of lunar year `year`. */
export function lunarNewYear(year: number): number {
  return dayNumber(year, 1, 1) + (entry(year) & 0x3f);
}

/**
 * Day number of day `day` of the ordinary (non-leap) month `month` of lunar
 * year `year`. The festivals in the law never fall in a leap month.
 */
export function lunarToDayNumber(year: number, month: number, day: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`lunar month ${month}`);
  const lengths = lunarMonthLengths(year);
  const leap = lunarLeapMonth(year);
  // Position of the ordinary month in calendar order: shifted by one when a leap month precedes it.
  const index = leap !== 0 && month > leap ? month : month - 1;
  if (!Number.isInteger(day) || day < 1 || day > lengths[index]!) {
    throw new RangeError(`lunar ${year}-${month} has no day ${day}`);
  }
  let n = lunarNewYear(year);
  for (let i = 0; i < index; i++) n += lengths[i]!;
  return n + day - 1;
}
