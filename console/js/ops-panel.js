/**
 * The ops panel of a case that needs a person (status needs_manual): why it stopped, by when ops
 * must act, and the three ways out, each shown only when the server allows it and each confirmed
 * before it is sent.
 */
import { h, fill, pairs } from './dom.js';
import { label, t } from './i18n.js';
import { shanghaiTime } from './format.js';
import { countdown, refreshCountdowns } from './countdown.js';
import { confirmAction } from './confirm.js';
import { L, answered, button, form, need, textField } from './act-forms.js';

const OPS_ACTIONS = {
  retry: 'actions/retry',
  settleByHand: 'actions/settle-by-hand',
  closeWithApology: 'actions/close-with-apology',
};

/** money:0 -> money: the step names are the machine's; only their kind is worded. */
const stepKind = (step) => String(step ?? '').split(':')[0];

export function mountOpsPanel(container, { run }) {
  let state = null;
  const details = h('div', { 'data-testid': 'ops-details' });
  const retry = form('retry', 'ops.retry.title', L('p', 'ops.retry.hint', { class: 'hint' }), button('retry', 'ops.retry.submit', true));
  const byHand = form('settleByHand', 'ops.byHand.title', textField('ops-by-hand-note', 'ops.byHand.note'), button('settleByHand', 'ops.byHand.submit'));
  const close = form('closeWithApology', 'ops.close.title', textField('ops-close-reason', 'ops.close.reason'), button('closeWithApology', 'ops.close.submit'));
  const forms = { retry, settleByHand: byHand, closeWithApology: close };
  const panel = h('section', { class: 'ops-panel alert alert-warn', 'data-testid': 'ops-panel', 'aria-labelledby': 'ops-title', hidden: true }, L('h3', 'ops.title', { id: 'ops-title' }), details, retry, byHand, close);
  container.append(panel);

  const value = (id) => panel.querySelector(`#${id}`).value.trim();
  const step = () => label('opsStep', stepKind(state?.manual?.step));
  const done = (r) => t('act.decided', { status: label('status', r.status) });

  async function confirmed(action, extra = {}) {
    return confirmAction({ title: t(`ops.${action}.confirmTitle`), body: t(`ops.${action}.confirmBody`, { step: step(), ...extra }), confirm: t(`ops.${action}.submit`) });
  }

  const handlers = {
    async retry() {
      if (await confirmed('retry')) void run(retry, OPS_ACTIONS.retry, {}, done);
    },
    async settleByHand() {
      const note = value('ops-by-hand-note');
      if (need(byHand, note, 'act.needText') && (await confirmed('byHand', { note }))) void run(byHand, OPS_ACTIONS.settleByHand, { note }, done);
    },
    async closeWithApology() {
      const reason = value('ops-close-reason');
      if (need(close, reason, 'act.needReason') && (await confirmed('close'))) void run(close, OPS_ACTIONS.closeWithApology, { reason }, done);
    },
  };
  panel.addEventListener('click', (event) => {
    const action = event.target.closest('button[data-action]')?.dataset.action;
    if (action && handlers[action]) void handlers[action]();
  });

  /** verdicts: the server's, by button. True when the panel is shown. */
  function update(next, verdicts) {
    state = next;
    const m = state.status === 'needs_manual' ? state.manual : undefined;
    let any = false;
    for (const [name, f] of Object.entries(forms)) {
      const allowed = Boolean(m) && verdicts[name]?.allowed === true && !verdicts[name].unknown;
      f.hidden = !allowed && !answered(f);
      any = any || !f.hidden;
    }
    panel.hidden = !any;
    fill(
      details,
      m
        ? [
            pairs([
              [t('ops.step'), step()],
              [t('ops.reason'), h('span', { 'data-testid': 'ops-reason' }, m.reason)],
              [t('ops.since'), h('time', { datetime: m.since }, shanghaiTime(m.since))],
              [t('ops.deadline'), h('span', null, h('time', { datetime: m.deadline, 'data-testid': 'ops-deadline' }, shanghaiTime(m.deadline)), ` ${t('tz.beijing')} `, countdown(m.deadline, { breached: m.deadlineMissed }))],
              [t('ops.autoRetry'), m.retryAt ? t('ops.nextRetry', { at: shanghaiTime(m.retryAt), n: m.autoRetries }) : t('ops.noMoreRetries', { n: m.autoRetries })],
            ]),
          ]
        : null,
    );
    refreshCountdowns(details);
    return any;
  }

  return { update };
}
