/**
 * The message composer beside a form that tells the customer something: reply templates for the
 * case's category (filled from the case by the server), and a live preview of exactly what each
 * channel will carry (POST /complaints/:id/preview, the case machine's own text). An action that
 * speaks to the customer goes only once its text was previewed; asking for screenshots is warned
 * of as it is typed, and the server refuses it anyway.
 */
import { api } from './api.js';
import { h, fill } from './dom.js';
import { label, t } from './i18n.js';
import { BUTTON_OF } from './verdicts.js';

const DEBOUNCE_MS = 300;

/** Templates of one case, fetched once per page. */
let templatesOf = null;
function caseTemplates(complaintId) {
  templatesOf ??= api('GET', `/complaints/${encodeURIComponent(complaintId)}/templates`).catch(() => null);
  return templatesOf;
}

/**
 * @param formEl the action form; @param textarea the part the agent writes
 * @param purpose which templates apply ('request_info' | 'apology_reason')
 * @param argsFor (action) => the action's body as it would be sent, or null while incomplete
 * @param actions the actions the form can take; the first is previewed until another is pointed at
 * @param variants other buttons of one action (button name -> action), whose body argsFor(action, button) tells apart
 */
export function mountComposer(formEl, { complaintId, textarea, purpose, argsFor, actions, variants = {} }) {
  let action = actions[0];
  let variant = BUTTON_OF[action];
  let shownFor = null;
  /** The server refused the action for these args: nothing would reach the customer, so sending shows the refusal. */
  let refusedFor = null;
  let timer;
  let seq = 0;
  const picker = h('select', { id: `${formEl.id}-template`, 'data-testid': `${formEl.id}-template` });
  const fetches = h('p', { class: 'hint', 'data-testid': `${formEl.id}-fetches` });
  const warning = h('p', { class: 'alert alert-warn', role: 'alert', hidden: true, 'data-testid': `${formEl.id}-warning` });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite', 'data-testid': `${formEl.id}-preview` });
  const pickerField = h('div', { class: 'field' }, h('label', { for: picker.id }, t('comp.template')), picker, fetches);
  textarea.closest('.field').before(pickerField);
  textarea.closest('.field').after(warning, preview);

  let templates = [];
  let language = 'zh';
  void caseTemplates(complaintId).then((res) => {
    if (!res) return;
    language = res.language;
    templates = res.templates.filter((x) => x.purpose === purpose);
    renderPicker();
  });

  function renderPicker() {
    fill(picker, h('option', { value: '' }, t('comp.noTemplate')), templates.map((x) => h('option', { value: x.id }, x.title[language === 'en' ? 'en' : 'zh'])));
  }

  picker.addEventListener('change', () => {
    const chosen = templates.find((x) => x.id === picker.value);
    fetches.textContent = chosen?.engineFetches.length ? t('comp.engineFetches', { records: chosen.engineFetches.map((r) => label('record', r)).join(t('comp.listSep')) }) : '';
    if (!chosen) return;
    // The customer reads it: the template in the customer's language.
    textarea.value = chosen.filled[language];
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  });

  const key = (a, args) => JSON.stringify([a, args]);

  async function refresh() {
    clearTimeout(timer);
    const args = argsFor(action, variant);
    const mine = ++seq;
    delete preview.dataset.ready;
    refusedFor = null;
    if (!args) {
      shownFor = null;
      fill(preview);
      warning.hidden = true;
      return;
    }
    try {
      const res = await api('POST', `/complaints/${encodeURIComponent(complaintId)}/preview`, { action, args });
      if (mine !== seq) return;
      showWarnings(res.warnings.map((w) => w.code));
      fill(preview, renderPreview(res));
      shownFor = key(action, args);
      preview.dataset.ready = 'true';
    } catch (err) {
      if (mine !== seq) return;
      shownFor = null;
      refusedFor = key(action, args);
      preview.dataset.ready = 'refused';
      const code = err.body?.code;
      showWarnings(code ? [code] : []);
      fill(preview, h('p', { class: 'hint', 'data-testid': 'preview-refused' }, code === 'asks_for_proof' ? t('comp.refusedProof') : t('comp.noPreview', { status: err.status })));
    }
  }

  function showWarnings(codes) {
    const proof = codes.includes('asks_for_proof');
    const long = codes.includes('too_long');
    warning.hidden = !proof && !long;
    warning.textContent = proof ? t('comp.warnProof') : long ? t('comp.warnLong') : '';
    if (proof) warning.dataset.code = 'asks_for_proof';
    else delete warning.dataset.code;
  }

  function renderPreview(res) {
    const head = h('h4', null, t('comp.previewOf', { action: t(`comp.action.${res.action}`) }));
    if (!res.message) return [head, h('p', { class: 'hint' }, t('comp.nothingSent', { status: label('status', res.status) }))];
    const m = res.message;
    return [
      head,
      h('p', { class: 'hint' }, t('comp.previewHint', { purpose: label('purpose', m.purpose) })),
      m.channels.map((c) =>
        h(
          'figure',
          { class: 'bubble', 'data-testid': `preview-${c.channel}`, 'data-chars': c.chars },
          h('figcaption', null, t(`comp.channel.${c.channel}`, { rail: label('rail', c.rail) }), ' · ', c.maxChars ? t('comp.charsOf', { n: c.chars, max: c.maxChars }) : t('comp.chars', { n: c.chars })),
          c.problems.length ? h('p', { class: 'alert alert-danger' }, t('comp.railRefuses', { problems: c.problems.join('; ') })) : h('p', { class: 'bubble-text', lang: m.language === 'en' ? 'en' : 'zh-CN' }, c.text),
        ),
      ),
      m.placeholders.length ? h('p', { class: 'hint' }, t('comp.placeholder', { marker: m.placeholders.join(', ') })) : null,
      h('p', { class: 'hint' }, t('comp.requiredParts')),
    ];
  }

  function schedule() {
    clearTimeout(timer);
    delete preview.dataset.ready;
    // A refusal of the text before it no longer applies to what is being written now.
    const msg = formEl.querySelector('.form-msg');
    if (msg?.classList.contains('alert-danger')) {
      msg.textContent = '';
      msg.className = 'form-msg';
    }
    timer = setTimeout(() => void refresh(), DEBOUNCE_MS);
  }

  formEl.addEventListener('input', schedule);
  formEl.addEventListener('change', (e) => e.target !== picker && schedule());
  const pointable = [...actions.map((a) => [BUTTON_OF[a], a]), ...Object.entries(variants)];
  for (const [button, a] of pointable) {
    const btn = formEl.querySelector(`button[data-action="${button}"]`);
    if (!btn) continue;
    const point = () => {
      if (action === a && variant === button) return;
      action = a;
      variant = button;
      void refresh();
    };
    btn.addEventListener('pointerenter', point);
    btn.addEventListener('focus', point);
  }

  return {
    /** True when what is about to go was previewed; otherwise the preview is brought up to date first. */
    previewed(a, button = BUTTON_OF[a]) {
      const args = argsFor(a, button);
      if (args && (shownFor === key(a, args) || refusedFor === key(a, args))) return true;
      action = a;
      variant = button;
      void refresh();
      return false;
    },
    refresh,
    clear() {
      shownFor = null;
      picker.value = '';
      fetches.textContent = '';
      fill(preview);
      warning.hidden = true;
    },
    relabel: renderPicker,
  };
}
