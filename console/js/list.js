/** The case list: filters on Temporal visibility, paging, deadlines in Beijing time with live countdowns. */
import { api, query } from './api.js';
import { boot } from './boot.js';
import { h, fill, $, table, badge } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { shanghaiTime } from './format.js';
import { countdown, refreshCountdowns } from './countdown.js';

const STATUSES = ['received', 'investigating', 'awaiting_customer', 'settling', 'needs_manual', 'apologizing', 'closed'];
const FILTERS = ['status', 'level', 'owner', 'orderId', 'breached', 'pageSize'];

let tokens = [undefined]; // page tokens: tokens[i] fetches page i
let page = 0;
let nextToken;
let lastItems = null;

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

function row(item) {
  const id = item.complaintId;
  const closed = item.status === 'closed';
  return h(
    'tr',
    { 'data-testid': 'case-row', 'data-complaint-id': id, 'data-urgency-host': closed ? null : '' },
    h('td', { class: 'nowrap' }, h('a', { href: `case.html?id=${encodeURIComponent(id)}` }, id)),
    h('td', null, item.orderId ?? '—'),
    h('td', { class: 'nowrap' }, badge(label('status', item.status), closed ? 'neutral' : 'info', { 'data-status': item.status ?? '' })),
    h('td', { class: 'nowrap' }, item.level ? `L${item.level} ${label('levelRole', item.level)}` : '—'),
    h('td', null, label('category', item.category)),
    h('td', null, label('tier', item.tier)),
    h('td', null, item.owner ?? '—'),
    h('td', { class: 'nowrap' }, item.nextDeadline ? h('time', { datetime: item.nextDeadline }, shanghaiTime(item.nextDeadline)) : '—'),
    h(
      'td',
      null,
      closed
        ? [badge(t('list.closedAt'), 'neutral'), ' ', item.closedAt ? shanghaiTime(item.closedAt) : '']
        : countdown(item.nextDeadline, { breached: item.breached }),
    ),
    h('td', { class: 'nowrap' }, shanghaiTime(item.startedAt)),
  );
}

function render() {
  const results = $('#results');
  if (!lastItems) return;
  if (lastItems.length === 0) {
    fill(results, h('p', { class: 'empty' }, t('list.empty')));
  } else {
    const headers = ['list.case', 'field.orderId', 'field.status', 'field.level', 'field.category', 'field.tier', 'field.owner', 'list.nextDeadline', 'list.timeLeft', 'list.started'];
    fill(results, table(headers.map((k) => t(k)), lastItems.map(row), { 'data-testid': 'case-table' }));
    refreshCountdowns(results);
  }
  $('#page-info').textContent = t('list.page', { n: page + 1 });
  $('#prev').disabled = page === 0;
  $('#next').disabled = !nextToken;
}

async function load() {
  const error = $('#list-error');
  const filters = readFilters();
  try {
    const res = await api('GET', `/complaints${query({ ...filters, pageToken: tokens[page] })}`);
    error.hidden = true;
    lastItems = res.items ?? [];
    nextToken = res.nextPageToken;
    tokens[page + 1] = nextToken;
  } catch (err) {
    error.hidden = false;
    const issues = (err.body?.issues ?? []).map((i) => `${(i.path ?? []).join('.')}: ${i.message}`);
    error.textContent = [`${t('list.failed')}: ${err.message}`, ...issues].join(' — ');
    lastItems = lastItems ?? [];
  }
  render();
}

async function main() {
  const me = await boot('list');
  renderFilterOptions(me);
  writeFilters(new URLSearchParams(location.search));
  onLangChange(() => {
    renderFilterOptions(me);
    render();
  });
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    tokens = [undefined];
    page = 0;
    history.replaceState(null, '', `index.html${query(readFilters())}`);
    void load();
  });
  $('#clear').addEventListener('click', () => {
    $('#filters').reset();
    renderFilterOptions(me);
    tokens = [undefined];
    page = 0;
    history.replaceState(null, '', 'index.html');
    void load();
  });
  $('#refresh').addEventListener('click', () => void load());
  $('#prev').addEventListener('click', () => {
    page = Math.max(0, page - 1);
    void load();
  });
  $('#next').addEventListener('click', () => {
    if (!nextToken) return;
    page += 1;
    void load();
  });
  await load();
  setInterval(() => document.visibilityState === 'visible' && void load(), 30_000);
}

void main();
