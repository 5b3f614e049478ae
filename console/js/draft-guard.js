/**
 * A draft in an action form outlives a change to the case made by someone else: the form stays
 * in view with what was typed, flagged with who changed the case, when, and what it is now; the
 * submit buttons keep the server's verdict (disabled, with its reason, when the action no longer
 * applies). Nothing typed is ever dropped by a refresh.
 */
import { h } from './dom.js';
import { label, t } from './i18n.js';
import { shanghaiTime } from './format.js';

const TYPED = 'textarea, input:not([type=checkbox]):not([type=hidden])';

/** True when the person has typed something into this form that has not been sent. */
export function hasDraft(formEl) {
  return [...formEl.querySelectorAll(TYPED)].some((el) => el.value.trim() !== '');
}

/** Where the case stood when a draft began: its event log and its notes (notes are not events). */
const mark = (state) => ({ events: state.events.length, notes: state.notes.length });

/** The change that matters most: a person's action over the engine's own steps, the newest one. */
function changeSince(state, from, meId) {
  const after = [...state.events.slice(from.events), ...state.notes.slice(from.notes)].filter((e) => e.actor !== meId);
  if (after.length === 0) return null;
  const people = after.filter((e) => e.actor && e.actor !== 'system');
  const pick = people.length ? people : after;
  return pick.reduce((a, b) => (Date.parse(b.at) >= Date.parse(a.at) ? b : a));
}

export function draftGuard(container, { me }) {
  /** form id -> where the case stood when its draft began. */
  const baseline = new Map();
  let state = null;

  container.addEventListener('input', (event) => {
    const formEl = event.target.closest('form.act-form');
    if (!formEl || !state) return;
    if (!hasDraft(formEl)) {
      baseline.delete(formEl.id);
      flag(formEl, null);
    } else if (!baseline.has(formEl.id)) {
      baseline.set(formEl.id, mark(state));
    }
  });

  function flag(formEl, text) {
    let box = formEl.querySelector('.draft-flag');
    if (!text) {
      box?.remove();
      return;
    }
    if (!box) {
      box = h('p', { class: 'alert alert-warn draft-flag', role: 'status', 'data-testid': `draft-flag-${formEl.id.replace(/^form-/, '')}` });
      formEl.querySelector('h3')?.after(box);
    }
    box.textContent = text;
  }

  /** Called after every new state, once the actions panel applied the server's verdicts. */
  function update(next) {
    state = next;
    for (const formEl of container.querySelectorAll('form.act-form')) {
      if (!hasDraft(formEl)) {
        baseline.delete(formEl.id);
        flag(formEl, null);
        continue;
      }
      if (!baseline.has(formEl.id)) baseline.set(formEl.id, mark(next));
      // Kept in view even where the case no longer takes this action: the verdicts say why.
      formEl.hidden = false;
      const change = changeSince(next, baseline.get(formEl.id), me.id);
      if (!change) continue;
      const status = label('status', next.status);
      const at = shanghaiTime(change.at);
      flag(formEl, change.actor && change.actor !== 'system' ? t('draft.changed', { who: change.actor, at, status }) : t('draft.changedNoActor', { at, status }));
      formEl.dataset.draftKept = 'true';
    }
  }

  /** After my own send, the form's draft is gone and so is its flag. */
  function sent(formEl) {
    baseline.delete(formEl.id);
    flag(formEl, null);
    delete formEl.dataset.draftKept;
  }

  return { update, sent };
}
