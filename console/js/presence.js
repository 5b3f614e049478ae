/** Who else has the case open, from the case's live stream: names and roles, me marked. */
import { h, fill } from './dom.js';
import { label, t } from './i18n.js';

export function renderPresence(el, viewers, me) {
  const others = viewers.filter((v) => v.id !== me.id);
  el.dataset.count = String(viewers.length);
  fill(
    el,
    h('span', { class: 'presence-title' }, t('presence.title')),
    others.length === 0
      ? h('span', { class: 'hint', 'data-testid': 'presence-alone' }, t('presence.alone'))
      : h(
          'ul',
          { class: 'presence-list' },
          viewers.map((v) =>
            h(
              'li',
              { 'data-testid': 'presence-viewer', 'data-viewer-id': v.id, 'data-role': v.role },
              h('strong', null, v.name || v.id),
              ' ',
              h('span', { class: 'badge badge-neutral' }, label('role', v.role)),
              v.id === me.id ? h('span', { class: 'hint' }, t('presence.you')) : null,
            ),
          ),
        ),
  );
}
