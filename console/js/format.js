/** Money in fen, times in Asia/Shanghai, countdowns, masked phone numbers. */
import { getLang, t } from './i18n.js';

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAY = {
  zh: new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', weekday: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'short' }),
};

/** "2026-11-02 14:30:00 周一" in Beijing time, whatever the browser's own zone. */
export function shanghaiTime(iso, { weekday = false } = {}) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const p = Object.fromEntries(SHANGHAI.formatToParts(date).map((part) => [part.type, part.value]));
  const text = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  return weekday ? `${text} ${WEEKDAY[getLang()].format(date)}` : text;
}

/** "14:30" in Beijing time; with the date in front when it is another day than `sameDayAs`. */
export function shanghaiClock(iso, sameDayAs) {
  const full = shanghaiTime(iso);
  if (full === '—' || !/^\d{4}-/.test(full)) return full;
  const day = sameDayAs ? shanghaiTime(sameDayAs).slice(0, 10) : full.slice(0, 10);
  return day === full.slice(0, 10) ? full.slice(11, 16) : full.slice(0, 16);
}

/** "¥1,234.56" from integer fen. */
export function fen(amount) {
  if (amount === undefined || amount === null || !Number.isFinite(amount)) return '—';
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(Math.round(amount));
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Yuan as typed ("800", "199.5", "1,200.00") to integer fen without floating point; null if not an amount. */
export function yuanToFen(text) {
  const s = String(text ?? '').trim().replace(/,/g, '').replace(/^¥/, '');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** "2天3小时" / "2d 3h 4m"; seconds only under an hour (the countdown ticks visibly). */
export function duration(ms) {
  const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const d = Math.floor(total / 86400);
  const hh = Math.floor((total % 86400) / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const u = getLang() === 'zh' ? { d: '天', h: '小时', m: '分', s: '秒', sep: '' } : { d: 'd', h: 'h', m: 'm', s: 's', sep: ' ' };
  const parts = [];
  if (d) parts.push(`${d}${u.d}`);
  if (d || hh) parts.push(`${hh}${u.h}`);
  if (!d) parts.push(`${mm}${u.m}`);
  if (!d) parts.push(`${ss}${u.s}`);
  return parts.join(u.sep);
}

/** Only the last four digits: "+86 ****8000". */
export function maskPhone(phone) {
  if (!phone) return null;
  const digits = String(phone).replace(/\D/g, '');
  if (digits.length <= 4) return '****';
  const cc = String(phone).startsWith('+86') ? '+86 ' : '';
  return `${cc}****${digits.slice(-4)}`;
}

export function yesNo(value) {
  return value ? t('common.yes') : t('common.no');
}
