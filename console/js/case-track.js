/** Case page sections about what happened: messages to the customer, levels, notes, the timeline. */
import { h, table, badge, section } from './dom.js';
import { getLang, label, t } from './i18n.js';
import { when } from './case-facts.js';
import { fen, shanghaiClock, shanghaiTime } from './format.js';

const DELIVERY_KIND = { delivered: 'ok', sent: 'info', failed: 'danger' };

/**
 * A receipt that came after the window had moved the message on to the next channel: the text
 * reached the customer after all, so with the next channel's copy they have it twice. Null when
 * there is no late receipt.
 */
export function lateReceiptNote(n, notifications) {
  const late = n.lateReceipt;
  if (!late) return null;
  if (late.status === 'failed') return { status: 'failed', twice: false, text: t('msg.lateFailed', { reason: late.reason ?? '—' }) };
  const twice = notifications.some((o) => o !== n && o.step === n.step && o.channel !== n.channel && o.status === 'delivered');
  const said = late.at ? t('msg.lateDelivered', { time: shanghaiClock(late.at, n.at) }) : t('msg.lateDeliveredUntimed');
  return { status: 'delivered', twice, text: twice ? `${said}${t('msg.lateTwice')}` : said };
}

function lateReceiptLine(n, notifications) {
  const note = lateReceiptNote(n, notifications);
  if (!note) return null;
  return h(
    'p',
    { class: `late-receipt late-${note.status}`, 'data-testid': 'late-receipt', 'data-status': note.status, 'data-twice': String(note.twice) },
    badge(t(`msg.lateBadge.${note.status}`), note.status === 'delivered' ? 'warn' : 'neutral'),
    ' ',
    h('span', { 'data-at': n.lateReceipt.at ?? undefined, title: n.lateReceipt.at ? `${shanghaiTime(n.lateReceipt.at)} ${t('tz.beijing')}` : undefined }, note.text),
  );
}

export function renderNotifications(state) {
  const lang = state.language === 'en' ? 'en' : 'zh-CN';
  const items = state.notifications.map((n) =>
    h(
      'li',
      { class: 'message', 'data-testid': 'notification', 'data-purpose': n.purpose, 'data-status': n.status },
      h(
        'div',
        { class: 'message-head' },
        when(n.at),
        ' ',
        h('strong', null, label('purpose', n.purpose)),
        ' ',
        badge(label('channel', n.channel), 'neutral'),
        ' ',
        badge(label('delivery', n.status), DELIVERY_KIND[n.status] ?? 'neutral'),
        ' ',
        h('code', { class: 'muted' }, n.outId),
      ),
      lateReceiptLine(n, state.notifications),
      h('blockquote', { class: 'sent-text', lang, title: t('case.exactText') }, n.text),
    ),
  );
  return section(
    'notifications',
    t('case.notifications'),
    h('p', { class: 'hint' }, t('case.notificationsHint')),
    items.length ? h('ol', { class: 'messages' }, items) : h('p', { class: 'hint' }, t('case.noNotifications')),
  );
}

export function renderLevels(state) {
  const rows = state.levels.map((v) => [`L${v.level} ${label('levelRole', v.level)}`, v.owner, when(v.enteredAt), when(v.deadline), when(v.leftAt), levelReason(v.reason)]);
  return section(
    'levels',
    t('case.levels'),
    rows.length ? table([t('field.level'), t('field.owner'), t('col.entered'), t('col.deadline'), t('col.left'), t('col.reason')], rows, { 'data-testid': 'levels' }) : h('p', { class: 'hint' }, '—'),
  );
}

export function renderNotes(state) {
  const items = state.notes.map((n) => h('li', { 'data-testid': 'note' }, when(n.at), ' ', h('strong', null, n.actor), ': ', n.text));
  return section('notes', t('case.notes'), items.length ? h('ul', { class: 'notes' }, items) : h('p', { class: 'hint' }, t('case.noNotes')));
}

/** entries: [{ at, actor, category?, kind, text }] from /history, or the state's own events. */
/**
 * Why a level was entered: the engine's own reasons (a fixed set, recorded in English) in the UI
 * language; a person's reason as they wrote it.
 */
const ENGINE_REASONS = [
  [/^new complaint$/, () => t('lvl.new')],
  [/^settlement of (\d+) fen needs level (\d) approval$/, (m) => t('lvl.approval', { amount: fen(Number(m[1])), level: m[2], role: label('levelRole', Number(m[2])) })],
  [/^deadline (\S+) breached at the top of the ladder$/, (m) => t('lvl.breachedTop', { at: shanghaiTime(m[1]) })],
  [/^deadline (\S+) breached$/, (m) => t('lvl.breached', { at: shanghaiTime(m[1]) })],
  [/^deadline breached again at the top of the ladder$/, () => t('lvl.breachedAgain')],
];

export function levelReason(reason) {
  for (const [pattern, say] of ENGINE_REASONS) {
    const m = pattern.exec(reason ?? '');
    if (m) return say(m);
  }
  return reason;
}

/** Sentences in the UI language, newest first, Beijing time; the kind stays for whoever reads the DOM. */
export function renderTimeline(entries, fromHistory, historyError) {
  const zh = getLang() === 'zh';
  // Reversed first: entries of the same moment keep their order of happening, newest first.
  const newestFirst = [...entries].reverse().sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const items = newestFirst.map((e) =>
    h(
      'li',
      { 'data-testid': 'timeline-entry', 'data-kind': e.kind, 'data-category': e.category ?? '' },
      h('div', { class: 'tl-when' }, when(e.at)),
      h(
        'div',
        { class: 'tl-what' },
        e.category ? [badge(label('tlCategory', e.category), 'neutral'), ' '] : null,
        h('span', { class: 'muted' }, actorLabel(e.actor)),
        h('div', { class: 'tl-text', lang: zh && e.zh ? 'zh-CN' : 'en' }, zh && e.zh ? e.zh : e.text),
      ),
    ),
  );
  return section(
    'timeline',
    t('case.timeline'),
    h('p', { class: 'hint', 'data-testid': 'timeline-source' }, fromHistory ? t('case.timelineHistory') : t('case.timelineEvents', { why: historyError ?? '' })),
    items.length ? h('ol', { class: 'timeline', reversed: true }, items) : h('p', { class: 'hint' }, '—'),
  );
}

function actorLabel(actor) {
  if (!actor) return '—';
  if (actor.startsWith('driver:')) return t('tlActor.driver', { id: actor.slice(7) });
  const known = t(`tlActor.${actor}`);
  return known === `tlActor.${actor}` ? actor : known;
}
