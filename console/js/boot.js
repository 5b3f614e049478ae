/** What every signed-in page does first: language, sign-in check, who am I, header, ticker. */
import { applyI18n, t } from './i18n.js';
import { requireSignIn } from './session.js';
import { loadMe } from './me.js';
import { mountHeader } from './header.js';
import { startTicker } from './countdown.js';
import { errorWords } from './error-words.js';

export async function boot(active) {
  applyI18n(document);
  if (!(await requireSignIn())) return new Promise(() => {});
  let me;
  try {
    me = await loadMe();
  } catch (err) {
    const main = document.querySelector('main');
    main.prepend(Object.assign(document.createElement('p'), { className: 'alert alert-danger', role: 'alert', textContent: `${t('err.me')}: ${errorWords(err)}` }));
    throw err;
  }
  mountHeader(me, active);
  startTicker();
  return me;
}
