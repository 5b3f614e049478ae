/** The case page: the state from the workflow query, the history timeline, the actions panel. */
import { api } from './api.js';
import { boot } from './boot.js';
import { h, fill, $ } from './dom.js';
import { onLangChange, t } from './i18n.js';
import { shanghaiTime } from './format.js';
import { countdown, refreshCountdowns } from './countdown.js';
import { takeFlash } from './session.js';
import { renderDeadlines, renderEvidence, renderFacts, renderHead, renderMoney } from './case-facts.js';
import { renderLevels, renderNotes, renderNotifications, renderTimeline } from './case-track.js';
import { mountActions } from './case-actions.js';
import { renderContext } from './case-context.js';
import { follow } from './live.js';
import { renderPresence } from './presence.js';
import { errorWords } from './error-words.js';
import { serialRead } from './serial-read.js';

const id = new URLSearchParams(location.search).get('id') ?? '';

let me;
let actions;
let state = null;
let fingerprint = '';
let timeline = { entries: [], fromHistory: false, error: null };

async function loadHistory() {
  try {
    const res = await api('GET', `/complaints/${encodeURIComponent(id)}/history`);
    timeline = { entries: res.entries ?? [], fromHistory: true, error: null };
  } catch (err) {
    // /history may not exist yet (or may fail): the state's own event log is the fallback.
    timeline = { entries: state?.events ?? [], fromHistory: false, error: `${err.status || ''} ${err.message}`.trim() };
  }
}

function render() {
  if (!state) return;
  fill($('#case-head'), renderHead(state, me));
  fill($('#sec-deadlines'), renderDeadlines(state));
  fill($('#sec-facts'), renderFacts(state));
  fill($('#sec-evidence'), renderEvidence(state));
  fill($('#sec-money'), renderMoney(state));
  fill($('#sec-notifications'), renderNotifications(state));
  fill($('#sec-levels'), renderLevels(state));
  fill($('#sec-notes'), renderNotes(state));
  fill($('#sec-timeline'), renderTimeline(timeline.entries, timeline.fromHistory, timeline.error));
  refreshCountdowns(document);
  document.title = `${state.caseRef} · ${t('app.name')}`;
  void showContext();
}

/** Other cases change rarely: asked again only when this case's order or customer is new to the page, or the language changed. */
let contextFor = '';
async function showContext() {
  const key = `${state.orderId}|${state.customerId}|${state.status}|${document.documentElement.lang}`;
  if (key === contextFor) return;
  contextFor = key;
  const sectionEl = await renderContext(state);
  if (key === contextFor) fill($('#sec-context'), sectionEl);
}

async function readCase(force) {
  try {
    const next = await api('GET', `/complaints/${encodeURIComponent(id)}`);
    $('#case-error').hidden = true;
    const print = JSON.stringify(next);
    if (force || print !== fingerprint) {
      fingerprint = print;
      state = next;
      await loadHistory();
      render();
      actions.update(state);
    }
    $('#updated').textContent = t('case.updated', { at: shanghaiTime(new Date().toISOString()) });
  } catch (err) {
    const box = $('#case-error');
    box.hidden = false;
    box.textContent = err.status === 404 ? t('case.notFound', { id }) : `${t('case.loadFailed')}: ${errorWords(err)}`;
  }
}

const refresh = serialRead(readCase);

/** The server pushes when the case changes (and who has it open); the page reads it then, never on a timer. */
function goLive() {
  const status = $('#live-status');
  follow(`/complaints/${encodeURIComponent(id)}/live`, {
    case: ({ version }) => {
      // Which change the page last heard of, for whoever looks at the page (and its tests).
      status.dataset.version = version ?? '';
      void refresh();
    },
    presence: ({ viewers }) => renderPresence($('#presence'), viewers ?? [], me),
    onState(now) {
      status.dataset.state = now;
      status.textContent = now === 'open' ? t('live.on') : t('live.reconnecting');
      // After a break, whatever changed meanwhile is read at once.
      if (now === 'open') void refresh();
    },
  });
}

function showFlash() {
  const flash = takeFlash();
  if (!flash || flash.complaintId !== id) return;
  const deadline = flash.nextDeadline;
  fill(
    $('#flash'),
    h(
      'div',
      { class: 'alert alert-ok', role: 'status', 'data-testid': 'flash' },
      h('strong', null, flash.status === 'opening' ? t('flash.opening') : flash.created ? t('flash.created', { ref: flash.caseRef }) : t('flash.existing', { ref: flash.caseRef })),
      deadline
        ? h('p', null, t('flash.deadline'), ' ', h('time', { datetime: deadline, 'data-testid': 'flash-deadline' }, shanghaiTime(deadline, { weekday: true })), ` ${t('tz.beijing')} `, countdown(deadline))
        : null,
    ),
  );
  refreshCountdowns($('#flash'));
}

async function main() {
  me = await boot('case');
  // The order's latest case, or one case for ever by its reference (the list links rows so).
  if (!/^(complaint-[A-Za-z0-9_-]{1,40}|[A-Za-z0-9_-]{1,40}-[0-9A-F]{8})$/.test(id)) {
    const box = $('#case-error');
    box.hidden = false;
    box.textContent = t('case.badId');
    return;
  }
  showFlash();
  actions = mountActions($('#actions'), {
    me,
    complaintId: id,
    onDone: () => void refresh(true),
  });
  onLangChange(render);
  $('#refresh').addEventListener('click', () => void refresh(true));
  await refresh(true);
  goLive();
}

void main();
