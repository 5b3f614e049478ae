/**
 * Reads the holiday data files (config/holidays/cn-YYYY.json) into a
 * CalendarSnapshot. This is the only calendar code that touches the disk; the
 * worker calls it when a case starts and passes the snapshot into the
 * workflow, so ops can replace a file without a release and without affecting
 * cases already running.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { CalendarSnapshot, HolidayYear } from '../domain/calendar';
import { holidayYearSchema, makeCalendar } from '../domain/calendar-data';

const FILE_NAME = /^cn-(\d{4})\.json$/;

export function loadCalendarSnapshot(dir: string, hours?: { workStart: string; workEnd: string }): CalendarSnapshot {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new Error(`Cannot read holiday data directory ${dir}: ${(err as Error).message}`);
  }
  // Sorted so that errors and the snapshot do not depend on directory order.
  const files = names.filter((n) => FILE_NAME.test(n)).sort();
  if (files.length === 0) {
    // Running on the statutory fallback alone would silently drop every 调休 day; an empty or wrong directory is a deployment mistake.
    throw new Error(`No holiday data files (cn-YYYY.json) found in ${dir}`);
  }

  const years: HolidayYear[] = files.map((name) => {
    const file = path.join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`Holiday data file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = holidayYearSchema.safeParse(raw);
    if (!parsed.success) {
      const details = parsed.error.issues
        .map((i) => `  ${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
        .join('\n');
      throw new Error(`Holiday data file ${file} is invalid:\n${details}`);
    }
    const fileYear = Number(FILE_NAME.exec(name)![1]);
    if (parsed.data.year !== fileYear) {
      throw new Error(`Holiday data file ${file} contains year ${parsed.data.year}; the file name says ${fileYear}`);
    }
    return parsed.data;
  });

  try {
    return makeCalendar(years, hours);
  } catch (err) {
    throw new Error(`Cannot build the business calendar from ${dir}: ${(err as Error).message}`);
  }
}
