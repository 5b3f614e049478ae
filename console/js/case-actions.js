/**
 * The actions panel: one small form per workflow Update. Whether each button is enabled, and why
 * not, is the server's verdict (state.allowed, and GET /allowed for an amount being typed), worded
 * here; the console holds no rule of its own. A refusal on sending shows the server's own message.
 */
import { api } from './api.js';
import { h, fill, pairs } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { fen, shanghaiTime, yuanToFen } from './format.js';
import { amountVerdicts, refusedForState, verdictsByButton, verdictText } from './verdicts.js';
import { amountProbe } from './amount-probe.js';
import { L, actionRunner, answered, button, form, need, message, showVerdict, textField } from './act-forms.js';
import { mountOpsPanel } from './ops-panel.js';
import { mountComposer } from './composer.js';
import { ownerForm } from './assign-panel.js';
import { draftGuard, hasDraft } from './draft-guard.js';
import { confirmIrreversible } from './irreversible.js';

const KINDS = ['compensation', 'goodwill', 'cancellation'];
const level = (n) => label('levelRole', n);
const local = (text) => ({ allowed: false, local: true, text });

export function mountActions(container, { me, complaintId, onDone }) {
  let state = null;
  /** The server's verdicts for the typed amount: { fen, propose, forApproval }. */
  let probed = null;
  const summary = h('p', { class: 'act-summary', 'data-testid': 'act-summary' });
  const notice = h('p', { class: 'alert alert-warn', 'data-testid': 'act-notice', hidden: true });
  const pendingBox = h('div', { class: 'pending-box' });
  const opsHost = h('div');

  const kindSelect = h('select', { id: 'propose-kind', name: 'kind', 'data-testid': 'propose-kind' }, KINDS.map((k) => h('option', { value: k, 'data-i18n': `settlementKind.${k}` }, t(`settlementKind.${k}`))));
  const propose = form(
    'propose',
    'act.propose.title',
    h('div', { class: 'field' }, L('label', 'act.kind', { for: 'propose-kind' }), kindSelect, L('p', 'act.kindHint', { class: 'hint' })),
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
  const owner = ownerForm({ me });
  const forms = [reply, approve, propose, escalate, requestInfo, decide, note, owner.form];

  fill(container, L('h2', 'act.title'), summary, notice, opsHost, ...forms);

  const run = actionRunner({ complaintId, onDone, afterEach: () => state && update(state) });
  const ops = mountOpsPanel(opsHost, { run });
  const drafts = draftGuard(container, { me });
  const value = (id) => container.querySelector(`#${id}`).value.trim();
  const amountFen = () => (value('propose-amount') === '' ? null : yuanToFen(value('propose-amount')));
  const proposeBtn = container.querySelector('button[data-action="propose"]');

  // Every form whose text reaches the customer previews it first (composer.js).
  const proposalBody = (forApproval) => {
    const amount = amountFen();
    const reason = value('propose-reason');
    if (amount === null || !reason) return null;
    return { refundFen: amount, kind: kindSelect.value, platformAtFault: container.querySelector('#propose-fault').checked, reason, ...(forApproval ? { forApproval: true } : {}) };
  };
  const composers = {
    requestInfo: mountComposer(requestInfo, { complaintId, textarea: container.querySelector('#request-question'), purpose: 'request_info', actions: ['request-info'], argsFor: () => (value('request-question') ? { question: value('request-question') } : null) }),
    decide: mountComposer(decide, { complaintId, textarea: container.querySelector('#decide-reason'), purpose: 'apology_reason', actions: ['resolve', 'reject', 'withdraw'], argsFor: () => (value('decide-reason') ? { reason: value('decide-reason') } : null) }),
    propose: mountComposer(propose, {
      complaintId,
      textarea: container.querySelector('#propose-reason'),
      purpose: 'apology_reason',
      actions: ['propose-settlement'],
      variants: { forApproval: 'propose-settlement' },
      argsFor: (_action, button) => proposalBody(button === 'forApproval'),
    }),
  };
  /** Sends only what was previewed; otherwise the preview is brought up to date and the agent looks first. */
  const previewFirst = (formEl, composer, action, button) => {
    if (composer.previewed(action, button)) return true;
    message(formEl, 'info', t('comp.checkPreview'));
    return false;
  };
  const cleared = (composer, text) => (r) => {
    composer.clear();
    return text(r);
  };

  const probe = amountProbe({
    ask: (amount) => api('GET', `/complaints/${encodeURIComponent(complaintId)}/allowed?refundFen=${amount}`),
    onAnswer(amount, answer) {
      if (amount !== amountFen()) return;
      probed = { fen: amount, ...amountVerdicts(answer) };
      if (state) update(state);
    },
  });

  /** A new amount (or a changed case) asks the server again; the verdict shown stays until the answer. */
  function ask() {
    const amount = amountFen();
    if (amount === null) {
      probe.cancel();
      probed = null;
      return;
    }
    if (probed?.fen !== amount) probed = null;
    probe.request(amount);
  }

  const settled = (r) => (r.settled ? t('act.settled', { refund: fen(r.refundFen), fee: fen(r.feeFen) }) : t('act.pending', { level: r.pendingLevel, role: level(r.pendingLevel) }));

  async function submitProposal(forApproval) {
    const amount = amountFen();
    if (amount === null) return message(propose, 'error', t('why.enterAmount'));
    const reason = value('propose-reason');
    if (!need(propose, reason, 'act.needReason')) return;
    if (!previewFirst(propose, composers.propose, 'propose-settlement', forApproval ? 'forApproval' : 'propose')) return;
    // Within my authority the money moves at once: that cannot be taken back.
    if (!forApproval && !(await confirmIrreversible('settle', { amountFen: amount }))) return;
    void run(propose, 'actions/propose-settlement', proposalBody(forApproval), cleared(composers.propose, settled));
  }

  const handlers = {
    propose: () => submitProposal(false),
    forApproval: () => submitProposal(true),
    approve: async () => {
      if (await confirmIrreversible('approve', { amountFen: state?.pendingProposal?.refundFen })) void run(approve, 'actions/approve-settlement', {}, settled);
    },
    escalate: () => {
      const reason = value('escalate-reason');
      if (need(escalate, reason, 'act.needReason')) void run(escalate, 'actions/escalate', { reason }, (r) => t('act.escalated', { level: r.level, role: level(r.level), deadline: shanghaiTime(r.deadline) }));
    },
    requestInfo: () => {
      const question = value('request-question');
      if (need(requestInfo, question, 'act.needQuestion') && previewFirst(requestInfo, composers.requestInfo, 'request-info')) void run(requestInfo, 'actions/request-info', { question }, cleared(composers.requestInfo, () => t('act.infoRequested')));
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
    handlers[action] = async () => {
      const reason = value('decide-reason');
      if (need(decide, reason, 'act.needReason') && previewFirst(decide, composers.decide, action) && (await confirmIrreversible(action))) void run(decide, `actions/${action}`, { reason }, cleared(composers.decide, (r) => t('act.decided', { status: label('status', r.status) })));
    };
  }

  Object.assign(handlers, owner.handlers(run));

  container.addEventListener('click', (event) => {
    const action = event.target.closest('button[data-action]')?.dataset.action;
    if (action && handlers[action]) handlers[action]();
  });
  container.addEventListener('submit', (event) => event.preventDefault());
  container.querySelector('#propose-amount').addEventListener('input', () => {
    ask();
    if (state) update(state);
  });

  /** The settlement buttons: the server's verdict for the typed amount, once it has answered. */
  function settlementVerdicts(general) {
    const typed = value('propose-amount');
    const amount = amountFen();
    if (!general.allowed) return { propose: general, forApproval: general };
    if (typed === '') return { propose: local(t('why.enterAmount')), forApproval: local(t('why.enterAmount')) };
    if (amount === null) return { propose: local(t('why.badAmount')), forApproval: local(t('why.badAmount')) };
    if (probed?.fen === amount) return { propose: probed.propose, forApproval: probed.forApproval };
    return { propose: local(t('why.checking')), forApproval: local(t('why.checking')) };
  }

  function update(next) {
    const changed = next !== state;
    state = next;
    if (changed && amountFen() !== null) ask();
    const v = verdictsByButton(state.allowed);
    // May I take decisions on this case at all: the server's verdict on proposing, before any amount.
    const general = v.propose;
    const settlement = settlementVerdicts(general);
    v.propose = settlement.propose;
    v.forApproval = settlement.forApproval;
    const amount = amountFen();
    if (probed && probed.fen === amount) {
      proposeBtn.dataset.verdictFor = String(amount);
      proposeBtn.dataset.verdict = probed.propose.unknown ? 'unknown' : probed.propose.allowed ? 'allowed' : 'refused';
    } else {
      delete proposeBtn.dataset.verdictFor;
      delete proposeBtn.dataset.verdict;
    }

    // Ops unsticking a case need not be told that no decisions can be taken: their panel says what can.
    const opsShown = ops.update(state, v);
    notice.hidden = general.allowed || opsShown;
    notice.textContent = notice.hidden ? '' : verdictText(general);

    const limitFen = state.allowed?.limitFen;
    summary.textContent = [
      // The ops role's own label already says read-only.
      me.role ? (me.level ? t('act.me', { role: label('role', me.role), level: `L${me.level}` }) : t('act.meNoLevel', { role: label('role', me.role) })) : t('me.roleUnknown'),
      t('act.caseAt', { level: state.level, role: level(state.level) }),
      limitFen !== undefined ? t('act.myLimit', { limit: fen(limitFen) }) : null,
    ]
      .filter(Boolean)
      .join(' · ');

    const p = state.pendingProposal;
    fill(
      pendingBox,
      p
        ? pairs([
            [t('money.refund'), fen(p.refundFen)],
            [t('act.kind'), label('settlementKind', p.kind ?? 'compensation')],
            [t('money.needs'), `L${p.needsLevel} ${level(p.needsLevel)}`],
            [t('money.proposedBy'), p.proposedBy?.id ?? '—'],
            [t('money.reason'), p.reason],
          ])
        : h('p', { class: 'hint' }, t('why.noPending')),
    );

    for (const f of forms) {
      const names = [...f.querySelectorAll('button[data-action]')].map((b) => b.dataset.action);
      // A form the server refuses whole, partly for the case's state, does not apply now; one
      // refused only for who I am stays in view, disabled, so the reason says who can.
      const serverSays = names.map((name) => (name === 'propose' || name === 'forApproval' ? general : v[name]));
      // A form no one of my role may ever use (read-only for me) is not shown at all: ops see what ops can do.
      const neverMine = serverSays.every((x) => !x.allowed && x.code === 'read_only');
      // A draft is never put away: it stays in view, flagged, with the verdict on its buttons.
      f.hidden = ((serverSays.every((x) => !x.allowed) && serverSays.some(refusedForState)) || neverMine) && !answered(f) && !hasDraft(f);
    }
    for (const [name, verdict] of Object.entries(v)) showVerdict(container, name, verdict, verdict.local ? verdict.text : verdictText(verdict));
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
    for (const input of propose.querySelectorAll('input, textarea, select')) input.disabled = !general.allowed;
    owner.update(state);
    drafts.update(state);
  }

  onLangChange(() => state && update(state));
  return { update };
}
