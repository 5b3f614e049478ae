/** Live countdowns to deadlines, one shared ticker for the whole page (twice a second, so no second is skipped). */
import { h } from './dom.js';
import { t } from './i18n.js';
import { duration } from './format.js';

/** Without the deadline's own warnAt (the case list) a deadline under an hour away is a warning. */
export const WARN_WITHIN_MS = 60 * 60 * 1000;

export function urgency({ deadline, warnAt, breached, now = Date.now() }) {
  if (!deadline) return breached ? 'breached' : 'none';
  const at = Date.parse(deadline);
  if (breached) return 'breached';
  if (now >= at) return 'overdue';
  const warnFrom = warnAt ? Math.min(Date.parse(warnAt), at - WARN_WITHIN_MS) : at - WARN_WITHIN_MS;
  return now >= warnFrom ? 'warning' : 'ok';
}

/**
 * The server's urgency (domain/urgency.ts), as list rows and the case state carry it, kept live:
 * the one rule that changes with time alone is a deadline passing, which makes a case breached.
 */
export function liveUrgency(server, deadline, now = Date.now()) {
  if (server !== 'breached' && deadline && now >= Date.parse(deadline)) return 'breached';
  return server;
}

const BADGE = { ok: 'ok', warning: 'warn', overdue: 'danger', breached: 'danger', none: 'neutral', normal: 'ok', due_soon: 'warn', needs_ops: 'info' };

/** <span class="countdown">[label] 9h 59m 58s left</span>, kept current by the ticker; with the server's urgency, that is the label. */
export function countdown(deadline, { warnAt, breached, urgency: server } = {}) {
  const el = h(
    'span',
    { class: 'countdown', dataset: { deadline: deadline ?? '', warnAt: warnAt ?? '', breached: breached ? '1' : '', serverUrgency: server ?? '' } },
    h('span', { class: 'badge cd-label' }),
    ' ',
    h('span', { class: 'cd-left' }),
  );
  tick(el);
  return el;
}

function tick(el) {
  const { deadline, warnAt, breached, serverUrgency } = el.dataset;
  const level = serverUrgency ? liveUrgency(serverUrgency, deadline || undefined) : urgency({ deadline: deadline || undefined, warnAt: warnAt || undefined, breached: breached === '1' });
  const labelEl = el.querySelector('.cd-label');
  const leftEl = el.querySelector('.cd-left');
  const ms = deadline ? Date.parse(deadline) - Date.now() : 0;
  const left = !deadline ? '' : ms >= 0 ? t('countdown.left', { d: duration(ms) }) : t('countdown.over', { d: duration(ms) });
  setText(labelEl, t(`urgency.${level}`));
  setText(leftEl, left);
  labelEl.className = `badge cd-label badge-${BADGE[level]}`;
  el.dataset.urgency = level;
  const host = el.closest('[data-urgency-host]');
  if (host) host.dataset.urgency = level;
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Ticks the countdowns under root now, e.g. right after they were attached (rows take their colour). */
export function refreshCountdowns(root = document) {
  root.querySelectorAll('.countdown').forEach(tick);
}

let started = false;
export function startTicker() {
  if (started) return;
  started = true;
  setInterval(() => refreshCountdowns(document), 500);
}
