/**
 * Civil (calendar) dates as integer day numbers: days since 1970-01-01.
 *
 * Only UTC Date methods are used: this runs inside the Temporal workflow
 * sandbox, where anything that depends on the host's zone or locale would make
 * replays non-deterministic.
 */

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** China has had no DST since 1991, so Beijing time is a fixed offset. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** Parses a strict `YYYY-MM-DD`; returns undefined for impossible dates such as 2026-02-30. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1000) return undefined; // Date.UTC maps years 0-99 onto the 1900s
  const n = dayNumber(year, month, day);
  const back = civilFromDayNumber(n);
  return back.year === year && back.month === month && back.day === day ? n : undefined;
}

export function civilFromDayNumber(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function yearOfDayNumber(n: number): number {
  return new Date(n * DAY_MS).getUTCFullYear();
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function formatIsoDate(n: number): string {
  const { year, month, day } = civilFromDayNumber(n);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekday(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}
