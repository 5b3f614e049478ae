/**
 * Who owns the case: claim it, or give it to a named person. Whether each button works is the
 * server's verdict (the claim and assign actions); the people come from GET /staff, and the
 * case machine judges whether the chosen one may own the case at its level.
 */
import { api } from './api.js';
import { h, fill } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { L, button, form, message } from './act-forms.js';
import { errorWords } from './error-words.js';

export function ownerForm({ me }) {
  const current = h('p', { class: 'hint', 'data-testid': 'owner-current' });
  const select = h('select', { id: 'assign-to', name: 'assignee', 'data-testid': 'assign-to' });
  const el = form(
    'owner',
    'assign.title',
    current,
    h('div', { class: 'act-row' }, button('claim', 'assign.claim')),
    h('div', { class: 'field' }, L('label', 'assign.to', { for: 'assign-to' }), select),
    h('div', { class: 'act-row' }, button('assign', 'assign.submit')),
  );
  let staff = [];

  function renderPeople() {
    const chosen = select.value;
    fill(
      select,
      h('option', { value: '' }, '—'),
      staff.filter((p) => p.id !== me.id).map((p) => h('option', { value: p.id }, `${p.name || p.id} · ${label('role', p.role)}${p.level ? ` L${p.level}` : ''}`)),
    );
    select.value = staff.some((p) => p.id === chosen) ? chosen : '';
  }

  api('GET', '/staff')
    .then((res) => {
      staff = res.staff ?? [];
      renderPeople();
    })
    .catch((err) => message(el, 'error', `${t('assign.title')}: ${errorWords(err)}`));
  onLangChange(renderPeople);

  return {
    form: el,
    update(state) {
      current.textContent = t('assign.current', { owner: state.owner });
    },
    handlers(run) {
      return {
        claim: () => void run(el, 'actions/claim', {}, () => t('assign.claimed')),
        assign: () => {
          if (!select.value) return message(el, 'error', t('assign.choose'));
          void run(el, 'actions/assign', { assigneeId: select.value }, (r) => t('assign.done', { owner: r.owner }));
        },
      };
    },
  };
}
