/**
 * The triage home: my views with their counts (the server's, sorted by the next deadline), one
 * search box, and every case list from Temporal visibility with the server's urgency kept live.
 */
import { api, query } from './api.js';
import { boot } from './boot.js';
import { h, fill, $, table, badge } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { shanghaiTime } from './format.js';
import { countdown, refreshCountdowns } from './countdown.js';
import { follow } from './live.js';
import { errorWords } from './error-words.js';
import { serialRead } from './serial-read.js';

const STATUSES = ['received', 'investigating', 'awaiting_customer', 'settling', 'needs_manual', 'apologizing', 'closed'];
const FILTERS = ['status', 'level', 'owner', 'orderId', 'breached', 'pageSize'];

let tokens = [undefined]; // page tokens: tokens[i] fetches page i
let page = 0;
let nextToken;
let lastItems = null;
let views = [];
/** 'all' (the filters alone) or a triage view's name. */
let current = 'all';
let searchText = '';

function options(select, list) {
  const value = select.value;
  fill(select, list.map(([v, text]) => h('option', { value: v }, text)));
  select.value = list.some(([v]) => v === value) ? value : list[0][0];
}

function renderFilterOptions(me) {
  options($('#f-status'), [['', t('common.any')], ...STATUSES.map((s) => [s, label('status', s)])]);
  options($('#f-level'), [['', t('common.any')], ...[1, 2, 3].map((l) => [String(l), `L${l} ${label('levelRole', l)}`])]);
  options($('#f-breached'), [['', t('common.any')], ['true', t('list.breachedYes')], ['false', t('list.breachedNo')]]);
  const sizes = ['20', '10', '50', '100'];
  const asked = new URLSearchParams(location.search).get('pageSize');
  if (asked && /^\d+$/.test(asked) && +asked >= 1 && +asked <= 100 && !sizes.includes(asked)) sizes.push(asked);
  options($('#f-size'), sizes.map((n) => [n, n]));
  const owners = ['queue:agents', 'queue:experts', 'queue:supervisors', 'queue:ops', me.id].filter(Boolean);
  fill($('#owners'), owners.map((o) => h('option', { value: o })));
}

function readFilters() {
  const form = $('#filters');
  return Object.fromEntries(FILTERS.map((name) => [name, form.elements[name].value.trim()]));
}

function writeFilters(params) {
  const form = $('#filters');
  for (const name of FILTERS) if (params.has(name)) form.elements[name].value = params.get(name);
}

/** What the address asks for: a view, a search, filters; a bare address is my queue. */
function readLocation() {
  const params = new URLSearchParams(location.search);
  searchText = params.get('q') ?? '';
  $('#q').value = searchText;
  const asked = params.get('view');
  const anyFilter = FILTERS.some((name) => params.get(name)) || searchText;
  current = asked ?? (anyFilter ? 'all' : 'my_queue');
  if (FILTERS.some((name) => name !== 'pageSize' && params.get(name))) $('#more-filters').open = true;
  writeFilters(params);
}

function address() {
  const filters = readFilters();
  return `index.html${query({ view: current === 'all' ? undefined : current, q: searchText || undefined, ...filters })}`;
}

function renderViews() {
  const link = (name, text, count) =>
    h(
      'a',
      { href: `index.html${query({ view: name === 'all' ? 'all' : name })}`, class: 'view', 'data-testid': `view-${name}`, 'data-view': name, 'aria-current': name === current ? 'page' : null },
      h('span', { class: 'view-name' }, text),
      count === undefined ? null : h('span', { class: 'view-count', 'data-testid': `view-count-${name}` }, String(count)),
    );
  fill($('#views'), views.map((v) => link(v.view, t(`view.${v.view}`), v.count)), link('all', t('view.all')));
}

function resultsTitle() {
  const view = views.find((v) => v.view === current);
  if (searchText) return t('list.searchResults', { q: searchText });
  if (current === 'all') return t('view.all');
  return view ? `${t(`view.${current}`)}（${view.count}）` : t(`view.${current}`);
}

function row(item) {
  const id = item.caseRef ?? item.complaintId;
  const closed = item.status === 'closed';
  return h(
    'tr',
    { 'data-testid': 'case-row', 'data-complaint-id': item.complaintId, 'data-case-ref': item.caseRef ?? '', 'data-urgency-host': closed ? null : '' },
    h('td', { class: 'nowrap' }, h('a', { href: `case.html?id=${encodeURIComponent(id)}` }, id)),
    h('td', null, item.orderId ?? '—'),
    h('td', { class: 'nowrap' }, badge(label('status', item.status), closed ? 'neutral' : 'info', { 'data-status': item.status ?? '' })),
    h('td', { class: 'nowrap' }, item.level ? `L${item.level} ${label('levelRole', item.level)}` : '—'),
    h('td', null, label('category', item.category)),
    h('td', null, label('tier', item.tier)),
    h('td', null, item.owner ?? '—'),
    h(
      'td',
      null,
      closed
        ? [badge(t('list.closedAt'), 'neutral'), ' ', item.closedAt ? shanghaiTime(item.closedAt) : '']
        : countdown(item.nextDeadline, { breached: item.breached, urgency: item.urgency }),
    ),
    h('td', { class: 'nowrap' }, item.nextDeadline ? h('time', { datetime: item.nextDeadline }, shanghaiTime(item.nextDeadline)) : '—'),
    h('td', { class: 'nowrap' }, shanghaiTime(item.startedAt)),
  );
}

function render() {
  const results = $('#results');
  renderViews();
  $('#results-title').textContent = resultsTitle();
  if (!lastItems) return;
  if (lastItems.length === 0) {
    fill(results, h('p', { class: 'empty' }, searchText ? t('list.searchEmpty') : t('list.empty')));
  } else {
    const headers = ['list.case', 'field.orderId', 'field.status', 'field.level', 'field.category', 'field.tier', 'field.owner', 'list.urgency', 'list.nextDeadline', 'list.started'];
    fill(results, table(headers.map((k) => t(k)), lastItems.map(row), { 'data-testid': 'case-table' }));
    refreshCountdowns(results);
  }
  $('#page-info').textContent = t('list.page', { n: page + 1 });
  $('#prev').disabled = page === 0;
  $('#next').disabled = !nextToken;
}

function showError(err) {
  const error = $('#list-error');
  error.hidden = false;
  const issues = (err.body?.issues ?? []).map((i) => `${(i.path ?? []).join('.')}: ${i.message}`);
  error.textContent = [`${t('list.failed')}: ${errorWords(err)}`, ...issues].join(' — ');
}

async function readViews() {
  try {
    views = (await api('GET', '/complaints/views')).views ?? [];
  } catch (err) {
    showError(err);
  }
  // The counts may answer after the list did: the views and the title are drawn again.
  renderViews();
  $('#results-title').textContent = resultsTitle();
}

async function readList() {
  const filters = readFilters();
  try {
    const view = current === 'all' ? undefined : current;
    const res = await api('GET', `/complaints${query({ ...filters, view, q: searchText || undefined, pageToken: tokens[page] })}`);
    $('#list-error').hidden = true;
    lastItems = res.items ?? [];
    nextToken = res.nextPageToken;
    tokens[page + 1] = nextToken;
  } catch (err) {
    showError(err);
    lastItems = lastItems ?? [];
  }
  render();
}

// Filters, pages and live counts all ask for a read: one runs at a time, and the last asked is the one shown.
const loadViews = serialRead(readViews);
const load = serialRead(readList);

function restart() {
  tokens = [undefined];
  page = 0;
  history.replaceState(null, '', address());
  void load();
}

async function main() {
  const me = await boot('list');
  renderFilterOptions(me);
  readLocation();
  onLangChange(() => {
    renderFilterOptions(me);
    render();
  });
  $('#search').addEventListener('submit', (event) => {
    event.preventDefault();
    searchText = $('#q').value.trim();
    // A search looks through every case, closed ones included: the customer may call about an old one.
    current = 'all';
    restart();
  });
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    restart();
  });
  $('#clear').addEventListener('click', () => {
    $('#filters').reset();
    renderFilterOptions(me);
    searchText = '';
    $('#q').value = '';
    restart();
  });
  $('#refresh').addEventListener('click', () => void Promise.all([loadViews(), load()]));
  $('#prev').addEventListener('click', () => {
    page = Math.max(0, page - 1);
    void load();
  });
  $('#next').addEventListener('click', () => {
    if (!nextToken) return;
    page += 1;
    void load();
  });
  await Promise.all([loadViews(), load()]);
  // The server says when my counts change; the list is read again then, not on a timer.
  follow('/complaints/views/live', {
    views: (data) => {
      const counts = (list) => JSON.stringify((list ?? []).map((v) => [v.view, v.count]));
      if (counts(data.views) === counts(views)) return;
      views = data.views ?? views;
      void load();
    },
  });
}

void main();
