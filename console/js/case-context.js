/**
 * The customer's context beside a case: earlier (and concurrent) cases on the same order and by
 * the same customer, from visibility (the OrderId and CustomerId search attributes), each a link
 * to that one case by its reference.
 */
import { api, query } from './api.js';
import { h, badge, section, table } from './dom.js';
import { label, t } from './i18n.js';
import { shanghaiTime } from './format.js';

const LIMIT = 10;
const STATUS_KIND = { closed: 'neutral', needs_manual: 'danger' };

async function casesWhere(filter) {
  const res = await api('GET', `/complaints${query({ ...filter, pageSize: LIMIT })}`);
  return res.items ?? [];
}

function rows(items, testid) {
  return table(
    [t('col.case'), t('field.status'), t('field.category'), t('col.opened'), t('field.outcomeOrOwner')],
    items.map((c) =>
      h(
        'tr',
        { 'data-testid': testid, 'data-case-ref': c.caseRef ?? c.complaintId },
        h('td', null, h('a', { href: `case.html?id=${encodeURIComponent(c.caseRef ?? c.complaintId)}` }, c.caseRef ?? c.complaintId)),
        h('td', null, badge(label('status', c.status), STATUS_KIND[c.status] ?? 'info')),
        h('td', null, label('category', c.category)),
        h('td', null, h('time', { datetime: c.startedAt }, shanghaiTime(c.startedAt))),
        h('td', null, c.owner ?? '—'),
      ),
    ),
  );
}

/** The section, filled once both lists answered; an error says so instead of an empty list. */
export async function renderContext(state) {
  const self = (c) => (c.caseRef ?? c.complaintId) === state.caseRef;
  try {
    const [byOrder, byCustomer] = await Promise.all([casesWhere({ orderId: state.orderId }), casesWhere({ customerId: state.customerId })]);
    const sameOrder = byOrder.filter((c) => !self(c));
    const onOrder = new Set(byOrder.map((c) => c.caseRef ?? c.complaintId));
    const others = byCustomer.filter((c) => !self(c) && !onOrder.has(c.caseRef ?? c.complaintId));
    return section(
      'context',
      t('ctx.title'),
      h('h3', null, t('ctx.sameOrder'), ` (${sameOrder.length})`),
      sameOrder.length ? h('div', { class: 'table-wrap' }, rows(sameOrder, 'context-order')) : h('p', { class: 'hint' }, t('ctx.none')),
      h('h3', null, t('ctx.sameCustomer'), ` (${others.length})`),
      others.length ? h('div', { class: 'table-wrap' }, rows(others, 'context-customer')) : h('p', { class: 'hint' }, t('ctx.none')),
      byOrder.length >= LIMIT || byCustomer.length >= LIMIT ? h('p', { class: 'hint' }, t('ctx.more', { n: LIMIT })) : null,
    );
  } catch (err) {
    return section('context', t('ctx.title'), h('p', { class: 'alert alert-danger', role: 'alert' }, `${t('ctx.loadFailed')} (${err.status || '—'})`));
  }
}
