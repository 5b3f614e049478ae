/**
 * What a failed request says, in the UI's language. The server's own sentence is English: the
 * English UI shows it, the Chinese UI words the failure by its status instead of embedding it.
 */
import { getLang, t } from './i18n.js';

export function errorWords(err) {
  if (getLang() !== 'zh') return err?.message ?? String(err);
  const status = err?.status ?? 0;
  const key = `err.status.${status}`;
  const said = t(key);
  return said === key ? t('err.status.other', { status: status || '-' }) : said;
}
