/** The building blocks of the action forms, and the one way an action is sent and its answer shown. */
import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { verdictText } from './verdicts.js';

/** Text with a data-i18n key, so a language switch relabels it in place. */
export const L = (tag, key, attrs = {}) => h(tag, { ...attrs, 'data-i18n': key }, t(key));

export function textField(id, key, { rows = 2 } = {}) {
  return h('div', { class: 'field' }, L('label', key, { for: id }), h('textarea', { id, name: id, rows, maxlength: 1000 }));
}

export function button(name, key, primary = false) {
  return h(
    'div',
    { class: 'act', 'data-act': name },
    L('button', key, { type: 'button', class: primary ? 'primary' : '', 'data-action': name, 'data-testid': `btn-${name}`, 'aria-describedby': `why-${name}` }),
    h('p', { class: 'why', id: `why-${name}`, 'data-testid': `why-${name}` }),
  );
}

export function form(name, titleKey, ...content) {
  return h('form', { class: 'act-form', id: `form-${name}`, 'data-testid': `form-${name}`, novalidate: true }, L('h3', titleKey), content, h('p', { class: 'form-msg', 'data-testid': `msg-${name}`, role: 'status' }));
}

export function message(formEl, kind, text) {
  const msg = formEl.querySelector('.form-msg');
  msg.className = `form-msg ${kind === 'error' ? 'alert alert-danger' : kind === 'ok' ? 'alert alert-ok' : ''}`;
  msg.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  msg.textContent = text;
}

/** A form that answered keeps its message in view. */
export const answered = (formEl) => formEl.querySelector('.form-msg').textContent !== '';

/** True when the text is there (an earlier "missing" goes away); otherwise the form says what is missing. */
export function need(formEl, text, key) {
  if (!text) {
    message(formEl, 'error', t(key));
    return false;
  }
  if (formEl.querySelector('.form-msg').textContent === t(key)) message(formEl, 'info', '');
  return true;
}

/** Sends actions for one case; a refusal (409/422/400) shows the server's message in the form. */
export function actionRunner({ complaintId, onDone, afterEach }) {
  return async function run(formEl, path, body, describe) {
    for (const b of formEl.querySelectorAll('button')) b.disabled = true;
    message(formEl, 'info', t('act.working'));
    try {
      const res = await api('POST', `/complaints/${encodeURIComponent(complaintId)}/${path}`, body);
      message(formEl, 'ok', describe(res?.result ?? res));
      for (const el of formEl.querySelectorAll('textarea, input:not([type=checkbox])')) el.value = '';
      for (const el of formEl.querySelectorAll('select')) el.selectedIndex = 0;
      onDone();
    } catch (err) {
      const issues = (err.body?.issues ?? []).map((i) => `${(i.path ?? []).join('.')}: ${i.message}`).join('; ');
      // A refusal with a known code is worded in the UI language; otherwise the server's own sentence.
      const said = err.body?.code ? verdictText({ allowed: false, code: err.body.code, params: err.body.params, reason: err.message }) : err.message;
      message(formEl, 'error', t('act.refused', { status: err.status, message: said + (issues ? ` (${issues})` : '') }));
    } finally {
      afterEach();
    }
  };
}

/** Shows a verdict on its button: enabled or not, the reason beside it, the code for whoever reads the DOM. */
export function showVerdict(container, name, verdict, text) {
  const btn = container.querySelector(`button[data-action="${name}"]`);
  if (!btn) return;
  btn.disabled = !verdict.allowed;
  const why = container.querySelector(`#why-${name}`);
  why.textContent = verdict.allowed ? '' : text;
  if (verdict.code && !verdict.allowed) why.dataset.code = verdict.code;
  else delete why.dataset.code;
}
