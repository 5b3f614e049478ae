/** The language switch: Chinese by default, English on request; the choice is remembered. */
import { MESSAGES as BASE } from './messages.js';
import { LIVE_MESSAGES } from './messages-live.js';

/** The workspace's live parts (session, presence, drafts, assignment) keep their wording in their own file. */
const MESSAGES = { zh: { ...BASE.zh, ...LIVE_MESSAGES.zh }, en: { ...BASE.en, ...LIVE_MESSAGES.en } };

const STORAGE_KEY = 'console.lang';

export function getLang() {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'zh';
}

/** t('key', { name: 'x' }) fills {name}; an unknown key falls back to English, then to the key. */
export function t(key, vars = {}) {
  const text = MESSAGES[getLang()][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
}

/** A label for an enum value such as status.closed; the raw value when there is none. */
export function label(group, value) {
  if (value === undefined || value === null || value === '') return '—';
  const key = `${group}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

/** Fills static text marked with data-i18n, data-i18n-placeholder, data-i18n-title, data-i18n-aria-label. */
export function applyI18n(root = document) {
  document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  const title = document.querySelector('title[data-i18n]');
  if (title) document.title = t(title.dataset.i18n);
}

export function setLang(lang) {
  localStorage.setItem(STORAGE_KEY, lang === 'en' ? 'en' : 'zh');
  applyI18n(document);
  window.dispatchEvent(new Event('langchange'));
}

/** Re-render dynamic parts when the language changes. */
export function onLangChange(render) {
  window.addEventListener('langchange', render);
}
