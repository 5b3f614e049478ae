/**
 * The actions panel: one small form per workflow Update. Buttons are enabled only when my level
 * allows them, a disabled button says why, and a refusal shows the server's own message.
 */
import { api } from './api.js';
import { h, fill, pairs } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { fen, shanghaiTime, yuanToFen } from './format.js';
import { actionVerdicts, levelName } from './authority.js';

/** Text with a data-i18n key, so a language switch relabels it in place. */
const L = (tag, key, attrs = {}) => h(tag, { ...attrs, 'data-i18n': key }, t(key));

function textField(id, key, { rows = 2 } = {}) {
  return h('div', { class: 'field' }, L('label', key, { for: id }), h('textarea', { id, name: id, rows, maxlength: 1000 }));
}

function button(name, key, primary = false) {
  return h(
    'div',
    { class: 'act' },
    L('button', key, { type: 'button', class: primary ? 'primary' : '', 'data-action': name, 'data-testid': `btn-${name}`, 'aria-describedby': `why-${name}` }),
    h('p', { class: 'why', id: `why-${name}`, 'data-testid': `why-${name}` }),
  );
}

function form(name, titleKey, ...content) {
  return h('form', { class: 'act-form', id: `form-${name}`, 'data-testid': `form-${name}`, novalidate: true }, L('h3', titleKey), content, h('p', { class: 'form-msg', 'data-testid': `msg-${name}`, role: 'status' }));
}

export function mountActions(container, { me, complaintId, onDone }) {
  let state = null;
  const summary = h('p', { class: 'act-summary', 'data-testid': 'act-summary' });
  const notice = h('p', { class: 'alert alert-warn', 'data-testid': 'act-notice', hidden: true });
  const pendingBox = h('div', { class: 'pending-box' });

  const propose = form(
    'propose',
    'act.propose.title',
    h('div', { class: 'field' }, L('label', 'act.amount', { for: 'propose-amount' }), h('input', { id: 'propose-amount', name: 'amount', inputmode: 'decimal', autocomplete: 'off', 'data-testid': 'propose-amount' })),
    h('div', { class: 'field check' }, h('input', { id: 'propose-fault', name: 'platformAtFault', type: 'checkbox' }), L('label', 'act.platformAtFault', { for: 'propose-fault' })),
    textField('propose-reason', 'act.reasonCustomer'),
    h('div', { class: 'act-row' }, button('propose', 'act.propose.submit', true), button('forApproval', 'act.propose.forApproval')),
  );
  const approve = form('approve', 'act.approve.title', pendingBox, button('approve', 'act.approve.submit', true));
  const escalate = form('escalate', 'act.escalate.title', textField('escalate-reason', 'act.reasonInternal'), button('escalate', 'act.escalate.submit'));
  const requestInfo = form('requestInfo', 'act.requestInfo.title', textField('request-question', 'act.question'), button('requestInfo', 'act.requestInfo.submit'));
  const reply = form('customerReply', 'act.reply.title', textField('reply-text', 'act.replyText', { rows: 3 }), button('customerReply', 'act.reply.submit'));
  const decide = form(
    'decide',
    'act.decide.title',
    textField('decide-reason', 'act.reasonCustomer'),
    h('div', { class: 'act-row' }, button('resolve', 'act.resolve'), button('reject', 'act.reject'), button('withdraw', 'act.withdraw')),
  );
  const note = form('note', 'act.note.title', textField('note-text', 'act.noteText'), button('note', 'act.note.submit'));

  fill(container, L('h2', 'act.title'), summary, notice, reply, approve, propose, escalate, requestInfo, decide, note);

  const value = (id) => container.querySelector(`#${id}`).value.trim();
  const amountFen = () => (value('propose-amount') === '' ? null : yuanToFen(value('propose-amount')));

  function message(formEl, kind, text) {
    const msg = formEl.querySelector('.form-msg');
    msg.className = `form-msg ${kind === 'error' ? 'alert alert-danger' : kind === 'ok' ? 'alert alert-ok' : ''}`;
    msg.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    msg.textContent = text;
  }

  /** Runs one action; a refusal (409/422/400) shows the server's message in the form. */
  async function run(formEl, path, body, describe) {
    for (const b of formEl.querySelectorAll('button')) b.disabled = true;
    message(formEl, 'info', t('act.working'));
    try {
      const res = await api('POST', `/complaints/${encodeURIComponent(complaintId)}/${path}`, body);
      message(formEl, 'ok', describe(res?.result ?? res));
      for (const el of formEl.querySelectorAll('textarea, input:not([type=checkbox])')) el.value = '';
      onDone();
    } catch (err) {
      const issues = (err.body?.issues ?? []).map((i) => `${(i.path ?? []).join('.')}: ${i.message}`).join('; ');
      message(formEl, 'error', t('act.refused', { status: err.status, message: err.message + (issues ? ` (${issues})` : '') }));
    } finally {
      if (state) update(state);
    }
  }

  function need(formEl, text, key) {
    if (text) return true;
    message(formEl, 'error', t(key));
    return false;
  }

  const settled = (r) => (r.settled ? t('act.settled', { refund: fen(r.refundFen), fee: fen(r.feeFen) }) : t('act.pending', { level: r.pendingLevel, role: levelName(r.pendingLevel) }));

  function submitProposal(forApproval) {
    const amount = amountFen();
    if (amount === null) return message(propose, 'error', t('why.enterAmount'));
    const reason = value('propose-reason');
    if (!need(propose, reason, 'act.needReason')) return;
    const body = { refundFen: amount, platformAtFault: container.querySelector('#propose-fault').checked, reason, ...(forApproval ? { forApproval: true } : {}) };
    void run(propose, 'actions/propose-settlement', body, settled);
  }

  const handlers = {
    propose: () => submitProposal(false),
    forApproval: () => submitProposal(true),
    approve: () => void run(approve, 'actions/approve-settlement', {}, settled),
    escalate: () => {
      const reason = value('escalate-reason');
      if (need(escalate, reason, 'act.needReason')) void run(escalate, 'actions/escalate', { reason }, (r) => t('act.escalated', { level: r.level, role: levelName(r.level), deadline: shanghaiTime(r.deadline) }));
    },
    requestInfo: () => {
      const question = value('request-question');
      if (need(requestInfo, question, 'act.needQuestion')) void run(requestInfo, 'actions/request-info', { question }, () => t('act.infoRequested'));
    },
    customerReply: () => {
      const text = value('reply-text');
      if (need(reply, text, 'act.needText')) void run(reply, 'customer-reply', { text }, () => t('act.replied'));
    },
    note: () => {
      const text = value('note-text');
      if (need(note, text, 'act.needText')) void run(note, 'actions/note', { text }, () => t('act.noted'));
    },
  };
  for (const action of ['resolve', 'reject', 'withdraw']) {
    handlers[action] = () => {
      const reason = value('decide-reason');
      if (need(decide, reason, 'act.needReason')) void run(decide, `actions/${action}`, { reason }, (r) => t('act.decided', { status: label('status', r.status) }));
    };
  }

  container.addEventListener('click', (event) => {
    const action = event.target.closest('button[data-action]')?.dataset.action;
    if (action && handlers[action]) handlers[action]();
  });
  container.addEventListener('submit', (event) => event.preventDefault());
  container.querySelector('#propose-amount').addEventListener('input', () => state && update(state));

  function update(next) {
    state = next;
    const typed = value('propose-amount');
    const amount = amountFen();
    const { verdicts: v, general } = actionVerdicts(state, me, typed === '' ? null : amount);
    notice.hidden = general.allowed;
    notice.textContent = general.allowed ? '' : general.reason;
    if (typed !== '' && amount === null) v.propose = v.forApproval = { allowed: false, reason: t('why.badAmount') };

    const limit = state.authorityFen && me.level ? fen(state.authorityFen[me.level]) : null;
    summary.textContent = [
      me.role ? t('act.me', { role: label('role', me.role), level: me.level ? `L${me.level}` : t('me.readOnly') }) : t('me.roleUnknown'),
      t('act.caseAt', { level: state.level, role: levelName(state.level) }),
      limit ? t('act.myLimit', { limit }) : null,
    ]
      .filter(Boolean)
      .join(' · ');

    const p = state.pendingProposal;
    fill(
      pendingBox,
      p
        ? pairs([
            [t('money.refund'), fen(p.refundFen)],
            [t('money.needs'), `L${p.needsLevel} ${levelName(p.needsLevel)}`],
            [t('money.proposedBy'), p.proposedBy?.id ?? '—'],
            [t('money.reason'), p.reason],
          ])
        : h('p', { class: 'hint' }, t('why.noPending')),
    );
    // A closed case takes no more decisions: only notes remain; the notice says why.
    // A form that just answered stays in view, so its message is not lost.
    const closed = state.status === 'closed';
    const answered = (f) => f.querySelector('.form-msg').textContent !== '';
    for (const f of [propose, escalate, requestInfo, decide]) f.hidden = closed && !answered(f);
    reply.hidden = state.status !== 'awaiting_customer' && !answered(reply);
    approve.hidden = (!p || closed) && !answered(approve);

    for (const [action, verdict] of Object.entries(v)) {
      const btn = container.querySelector(`button[data-action="${action}"]`);
      if (!btn) continue;
      btn.disabled = !verdict.allowed;
      container.querySelector(`#why-${action}`).textContent = verdict.allowed ? '' : verdict.reason;
    }
    // One reason is enough when every button in a row says the same thing.
    for (const row of container.querySelectorAll('.act-row')) {
      const whys = [...row.querySelectorAll('.why')];
      whys.forEach((w, i) => {
        w.hidden = whys.slice(0, i).some((prev) => prev.textContent === w.textContent && !prev.hidden);
      });
    }
    for (const f of [escalate, requestInfo, reply, decide, note]) {
      const blocked = [...f.querySelectorAll('button[data-action]')].every((b) => b.disabled);
      for (const input of f.querySelectorAll('textarea')) input.disabled = blocked;
    }
    for (const input of propose.querySelectorAll('input, textarea')) input.disabled = !general.allowed;
  }

  onLangChange(() => state && update(state));
  return { update };
}
