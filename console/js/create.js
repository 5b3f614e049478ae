/** The create-complaint form: the server validates, every issue is shown at its field. */
import { api } from './api.js';
import { boot } from './boot.js';
import { h, fill, $ } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { setFlash } from './session.js';
import { errorWords } from './error-words.js';

const form = () => $('#create-form');
let lastIssues = [];

function renderOptions() {
  for (const select of form().querySelectorAll('select[data-enum]')) {
    const value = select.value;
    const values = select.dataset.values.split(' ');
    const list = [...(select.dataset.blank ? [['', t('new.choose')]] : []), ...values.map((v) => [v, label(select.dataset.enum, v)])];
    fill(select, list.map(([v, text]) => h('option', { value: v }, text)));
    if (value) select.value = value;
  }
}

function body() {
  const f = form().elements;
  const value = (name) => f[name].value.trim();
  const opt = (name) => value(name) || undefined;
  return {
    orderId: value('orderId'),
    customerId: value('customerId'),
    category: opt('category'),
    tier: opt('tier'),
    orderKind: opt('orderKind'),
    description: value('description'),
    customer: { name: value('customer.name'), phone: value('customer.phone'), language: opt('customer.language') },
  };
}

/** The server's zod issue, in the console's language where we know the kind of mistake. */
function issueText(issue) {
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) === 1 ? t('issue.required') : t('issue.tooShort', { min: issue.minimum });
    case 'too_big':
      return t('issue.tooLong', { max: issue.maximum });
    case 'invalid_value':
      return t('issue.choose');
    case 'invalid_type':
      return t('issue.required');
    case 'invalid_format':
      return t('issue.format', { rule: issue.message });
    default:
      return issue.message;
  }
}

function clearErrors() {
  for (const el of form().querySelectorAll('.field-error')) el.remove();
  for (const el of form().querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.setAttribute('aria-describedby', (el.getAttribute('aria-describedby') ?? '').replace(/\S+-error\b/g, '').trim());
  }
  $('#form-error').hidden = true;
}

function showIssues(issues, message) {
  clearErrors();
  lastIssues = issues;
  const unplaced = [];
  for (const issue of issues) {
    const path = (issue.path ?? []).join('.');
    const input = path ? form().elements[path] : null;
    if (!input) {
      unplaced.push(`${path ? `${path}: ` : ''}${issue.message}`);
      continue;
    }
    const id = `${path.replace(/\./g, '-')}-error`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${id}`.trim());
    const text = input.value.trim() === '' ? t('issue.required') : issueText(issue);
    if (!document.getElementById(id)) input.after(h('p', { class: 'field-error', id, 'data-testid': `error-${path}` }, text));
  }
  const box = $('#form-error');
  const count = issues.length - unplaced.length;
  fill(box, h('strong', null, count ? t('new.fixFields', { n: count }) : message), unplaced.length ? h('ul', null, unplaced.map((u) => h('li', null, u))) : null);
  box.hidden = false;
  const first = form().querySelector('[aria-invalid="true"]');
  (first ?? box).focus();
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const button = form().querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const res = await api('POST', '/complaints', body());
    setFlash({ kind: 'created', ...res });
    location.assign(`case.html?id=${encodeURIComponent(res.complaintId)}`);
  } catch (err) {
    if (err.status === 400 && Array.isArray(err.body?.issues)) showIssues(err.body.issues, err.message);
    else showIssues([], `${t('new.failed')}: ${errorWords(err)}`);
    button.disabled = false;
  }
}

async function main() {
  const me = await boot('new');
  renderOptions();
  if (me.role === 'ops') {
    const box = $('#form-error');
    box.textContent = t('why.readOnly');
    box.hidden = false;
    form().querySelector('button[type=submit]').disabled = true;
  }
  onLangChange(() => {
    renderOptions();
    if (lastIssues.length) showIssues(lastIssues, '');
  });
  form().addEventListener('submit', submit);
}

void main();
