/** The top bar: app name, navigation, who I am, the language switch and sign-out. */
import { h, fill } from './dom.js';
import { getLang, label, setLang, t, onLangChange } from './i18n.js';
import { signOut } from './session.js';

export function mountHeader(me, active) {
  const el = document.getElementById('app-header');
  const render = () => {
    const who = me.name || me.id || label('role', me.role) || t('me.unknown');
    // The ops role's own label says read-only; saying it twice was noise.
    const role = me.role ? `${label('role', me.role)}${me.level ? ` · L${me.level}` : ''}` : t('me.roleUnknown');
    fill(
      el,
      h('a', { class: 'brand', href: 'index.html' }, t('app.name')),
      h(
        'nav',
        { 'aria-label': t('nav.label') },
        h('a', { href: 'index.html', 'aria-current': active === 'list' ? 'page' : null }, t('nav.cases')),
        me.role === 'ops' ? null : h('a', { href: 'new.html', 'aria-current': active === 'new' ? 'page' : null }, t('nav.new')),
      ),
      h(
        'div',
        { class: 'me', 'data-testid': 'me' },
        h('span', { class: 'me-name' }, who),
        ' ',
        h('span', { class: 'badge badge-neutral', 'data-testid': 'me-role', 'data-role': me.role ?? '' }, role),
        me.fromServer ? null : h('span', { class: 'hint', title: t('me.fallbackHint') }, ` ${t('me.fallback')}`),
      ),
      h(
        'button',
        { type: 'button', class: 'link', 'data-testid': 'lang-switch', lang: getLang() === 'zh' ? 'en' : 'zh-CN', onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh') },
        getLang() === 'zh' ? 'English' : '中文',
      ),
      h('button', { type: 'button', class: 'link', 'data-testid': 'sign-out', onclick: () => signOut() }, t('nav.signOut')),
    );
  };
  render();
  onLangChange(render);
}
