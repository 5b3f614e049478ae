import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCalendarSnapshot } from '../../config/load-calendar';

const REAL_DIR = path.join(__dirname, '..', '..', 'config', 'holidays');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holidays-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, content: unknown): void => {
  fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
};
const year2030 = {
  year: 2030,
  source: 'test',
  holidays: [{ date: '2030-01-01', name: '元旦' }],
  makeupWorkdays: [],
};

test('loads the shipped files; README and other files are ignored', () => {
  const snap = loadCalendarSnapshot(REAL_DIR);
  expect(snap.years.map((y) => y.year)).toEqual([2025, 2026]);
  expect([snap.timeZone, snap.workStart, snap.workEnd]).toEqual(['Asia/Shanghai', '09:00', '18:00']);
  expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
});

test('passes working hours through', () => {
  write('cn-2030.json', year2030);
  const snap = loadCalendarSnapshot(dir, { workStart: '08:30', workEnd: '17:30' });
  expect([snap.workStart, snap.workEnd]).toEqual(['08:30', '17:30']);
});

test.each([
  ['invalid JSON', '{"year": 2030,', /cn-2030\.json is not valid JSON/],
  ['a bad date', { ...year2030, holidays: [{ date: '2030-02-30', name: 'x' }] }, /cn-2030\.json is invalid:\n\s+holidays\.0\.date: must be a real date/],
  ['a missing field', { year: 2030, source: 'x', holidays: year2030.holidays }, /cn-2030\.json is invalid:\n\s+makeupWorkdays/],
  ['a weekday make-up day', { ...year2030, makeupWorkdays: [{ date: '2030-01-02', name: 'x' }] }, /cn-2030\.json is invalid:[\s\S]*weekday/],
  ['a year that does not match the name', { ...year2030, year: 2031, holidays: [{ date: '2031-01-01', name: '元旦' }] }, /cn-2030\.json contains year 2031/],
])('names the file on %s', (_case, content, message) => {
  write('cn-2030.json', content);
  expect(() => loadCalendarSnapshot(dir)).toThrow(message);
});

test('an empty directory is an error, not a silent fallback', () => {
  write('README.md', '# nothing');
  expect(() => loadCalendarSnapshot(dir)).toThrow(/No holiday data files/);
});

test('a missing directory is an error naming it', () => {
  expect(() => loadCalendarSnapshot(path.join(dir, 'nope'))).toThrow(/Cannot read holiday data directory .*nope/);
});

test('conflicting files are rejected', () => {
  write('cn-2030.json', { ...year2030, holidays: [...year2030.holidays, { date: '2030-12-29', name: 'x' }] });
  write('cn-2031.json', {
    year: 2031,
    source: 'test',
    holidays: [{ date: '2031-01-01', name: '元旦' }],
    makeupWorkdays: [{ date: '2030-12-29', name: '元旦调休上班' }],
  });
  expect(() => loadCalendarSnapshot(dir)).toThrow(/2030-12-29 is a holiday in the 2030 data but a makeup_workday in the 2031 data/);
});
