/**
 * The evidence panel: what the engine found, and the records it found it in (the ledger's
 * attempts, debits and refunds; the trip planned against driven, with the fare's working), then
 * one net money summary (the server's, `state.money`) so nobody adds up cards by hand. The ticket or
 * ride status comes first among the records: a ticket issued after "payment failed" is the point.
 */
import { h, pairs, table, badge, section } from './dom.js';
import { getLang, label, t } from './i18n.js';
import { fen, shanghaiTime, yesNo } from './format.js';

const when = (iso) => (iso ? h('time', { datetime: iso }, shanghaiTime(iso)) : '—');
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A finding's detail in words: translated label, money in yuan, times in Beijing time. */
function detailValue(key, value) {
  if (typeof value === 'number' && /Fen$/.test(key)) return fen(value);
  if (typeof value === 'boolean') return yesNo(value);
  if (typeof value === 'string' && ISO_TIME.test(value)) return when(value);
  if (typeof value === 'number' && /Km$/.test(key)) return t('unit.km', { n: value });
  return String(value);
}

function findingItem(f, lang) {
  const other = lang === 'zh' ? 'en' : 'zh';
  const details = Object.entries(f.details ?? {}).filter(([k]) => k !== 'refs' || getLang() === 'en' || true);
  return h(
    'li',
    { class: 'finding', 'data-testid': 'finding', 'data-kind': f.kind },
    h(
      'div',
      { class: 'finding-head' },
      h('strong', null, label('finding', f.kind)),
      ' ',
      badge(label('source', f.source), 'neutral'),
      f.platformAtFault ? [' ', badge(t('case.platformAtFault'), 'danger')] : null,
      // One finding's part of the total; the summary below says what is owed in all.
      f.refundDueFen ? [' ', badge(t('ev.findingPart', { amount: fen(f.refundDueFen) }), 'info', { 'data-testid': 'finding-part' })] : null,
    ),
    h('p', { lang: lang === 'zh' ? 'zh-CN' : 'en' }, f.summary[lang]),
    h('p', { class: 'muted', lang: other === 'zh' ? 'zh-CN' : 'en' }, f.summary[other]),
    details.length ? pairs(details.map(([k, v]) => [label('detail', k), detailValue(k, v)]), { class: 'pairs small', 'data-testid': 'finding-details' }) : null,
  );
}

function ledgerRecords(ledger) {
  const rows = [...ledger.entries]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((e) => [label('entryKind', e.kind), fen(e.amountFen), when(e.at), label('entryStatus', e.status), e.shownToCustomer ? `“${e.shownToCustomer}”` : '—', e.providerRef ? h('code', null, e.providerRef) : '—']);
  return h(
    'div',
    { class: 'records', 'data-testid': 'ledger' },
    h('h3', null, t('ev.ledger')),
    h('p', { class: 'hint' }, t('ev.asRead')),
    pairs([
      [t('ev.orderAmount'), fen(ledger.amountFen)],
      [t('ev.pendingCharge'), ledger.pendingChargeFen ? [fen(ledger.pendingChargeFen), ledger.pendingChargeDueAt ? [' · ', when(ledger.pendingChargeDueAt), ` ${t('tz.beijing')}`] : null] : undefined],
      [t('ev.tariff'), ledger.tariff ? t('ev.tariffText', { pct: Math.round(ledger.tariff.refundFeeRatio * 100), resold: yesNo(ledger.tariff.seatResold) }) : undefined],
    ]),
    rows.length
      ? h('div', { class: 'table-wrap' }, table([t('ev.col.kind'), t('money.amount'), t('col.time'), t('field.status'), t('ev.col.shown'), t('ev.col.ref')], rows, { 'data-testid': 'ledger-entries' }))
      : h('p', { class: 'hint' }, t('ev.ledgerEmpty')),
  );
}

const SUCCEEDED = new Set(['succeeded', 'success']);
const STATUS_KIND = { issued: 'info', changed: 'info', refunded: 'warn', cancelled: 'warn', completed: 'ok', in_progress: 'info' };

/**
 * Where the order system's status contradicts what the customer was told or still pays: a ticket
 * issued after the payment page said it failed (story A), or a ticket refunded or a ride cancelled
 * while the money is still taken. `netPaidFen` is the server's money summary, the case's own
 * refunds included; without one, the ledger as read.
 */
export function fulfilmentConflicts(f, ledger, netPaidFen) {
  if (!f) return [];
  const conflicts = [];
  const entries = ledger?.entries ?? [];
  const ok = (e) => SUCCEEDED.has(String(e.status).toLowerCase());
  const issuedAt = f.kind === 'ticket' ? (f.issuedAt ?? (f.status === 'issued' || f.status === 'changed' ? f.at : null)) : null;
  if (issuedAt) {
    const before = entries.filter((e) => e.kind === 'attempt' && e.shownToCustomer && !ok(e) && Date.parse(e.at) <= Date.parse(issuedAt));
    const shown = before.at(-1);
    // A successful attempt after the failure means the customer paid again knowingly: no contradiction.
    const paidAgain = shown && entries.some((e) => e.kind === 'attempt' && ok(e) && Date.parse(e.at) > Date.parse(shown.at));
    if (shown && !paidAgain) conflicts.push({ code: 'issuedAfterFailure', at: issuedAt, shownAt: shown.at, shown: shown.shownToCustomer });
  }
  if (f.status === 'refunded' || f.status === 'cancelled') {
    const sum = (kind) => entries.filter((e) => e.kind === kind).reduce((n, e) => n + e.amountFen, 0);
    const net = Number.isFinite(netPaidFen) ? netPaidFen : sum('debit') - sum('refund');
    if (net > 0) conflicts.push({ code: f.kind === 'ride' ? 'rideCancelledCharged' : 'ticketUndeliveredCharged', at: f.at, netFen: net });
  }
  return conflicts;
}

function conflictText(c, f) {
  return t(`ev.conflict.${c.code}`, {
    at: `${shanghaiTime(c.at)} ${t('tz.beijing')}`,
    shownAt: c.shownAt ? `${shanghaiTime(c.shownAt)} ${t('tz.beijing')}` : '',
    shown: c.shown ?? '',
    amount: fen(c.netFen),
    status: label(`fulfil.${f.kind}`, f.status),
  });
}

/** The ticket or ride as the order system reports it now, and where that contradicts the complaint. */
function fulfilmentRecords(f, ledger, netPaidFen) {
  const conflicts = fulfilmentConflicts(f, ledger, netPaidFen);
  return h(
    'div',
    { class: 'records', 'data-testid': 'fulfilment', 'data-kind': f.kind, 'data-status': f.status },
    h('h3', null, t(f.kind === 'ride' ? 'ev.rideStatus' : 'ev.ticketStatus')),
    conflicts.map((c) =>
      h('div', { class: 'alert alert-warn', 'data-testid': 'fulfilment-conflict', 'data-code': c.code }, h('strong', null, t('ev.conflict')), h('p', null, conflictText(c, f))),
    ),
    pairs([
      [t('field.status'), badge(label(`fulfil.${f.kind}`, f.status), STATUS_KIND[f.status] ?? 'neutral', { 'data-testid': 'fulfilment-status' })],
      [t('ev.ticketNo'), f.kind === 'ticket' ? h('code', { 'data-testid': 'ticket-no' }, f.ticketNo) : undefined],
      [t('ev.issuedAt'), f.kind === 'ticket' && f.issuedAt && f.issuedAt !== f.at ? [when(f.issuedAt), ` ${t('tz.beijing')}`] : undefined],
      [t(`ev.statusAt.${f.kind}`), [when(f.at), ` ${t('tz.beijing')}`]],
    ]),
  );
}

/** The fare on the planned route, worked out as the engine works it (domain/evidence.ts fairFareFen). */
function tripRecords(trip, findings) {
  const detour = findings.find((f) => f.kind === 'detour');
  const minutesOnPlan = trip.actualKm > 0 ? trip.durationMin * Math.min(1, trip.plannedKm / trip.actualKm) : trip.durationMin;
  const r = trip.fareRule;
  const fair = detour?.details?.fairFareFen ?? Math.round(r.baseFen + r.perKmFen * trip.plannedKm + r.perMinFen * minutesOnPlan);
  const working = t('ev.fareWorking', {
    base: fen(r.baseFen),
    perKm: fen(r.perKmFen),
    km: trip.plannedKm,
    perMin: fen(r.perMinFen),
    min: Math.round(minutesOnPlan * 10) / 10,
    fair: fen(fair),
  });
  return h(
    'div',
    { class: 'records', 'data-testid': 'trip' },
    h('h3', null, t('ev.trip')),
    h(
      'div',
      { class: 'table-wrap' },
      table(
        ['', t('ev.planned'), t('ev.actual')],
        [
          [t('ev.distance'), t('unit.km', { n: trip.plannedKm }), t('unit.km', { n: trip.actualKm })],
          [t('ev.fare'), fen(fair), fen(trip.chargedFen)],
        ],
        { 'data-testid': 'trip-compare' },
      ),
    ),
    pairs([
      [t('ev.duration'), t('unit.min', { n: trip.durationMin })],
      [t('ev.fareRule'), working],
    ]),
  );
}

export function renderEvidence(state) {
  const lang = getLang();
  const records = state.records ?? {};
  // An order the payment system does not know blocks every promise of money: it must not read as "nothing wrong".
  const blocking = state.flags.orderNotFound
    ? h('div', { class: 'alert alert-danger blocking', role: 'alert', 'data-testid': 'order-not-found' }, h('strong', null, t('case.orderNotFound')), h('p', null, t('case.orderNotFoundHint', { orderId: state.orderId })))
    : null;
  const findings = state.findings.filter((f) => f.kind !== 'order_not_found' || !state.flags.orderNotFound);
  const items = findings.map((f) => findingItem(f, lang));
  const read = records.ledger !== undefined || records.trip !== undefined;
  const empty = state.status === 'received' && !read ? t('case.evidencePending') : state.flags.orderNotFound ? null : items.length ? null : t('case.evidenceNone');
  return section(
    'evidence',
    t('case.evidence'),
    blocking,
    items.length ? h('ul', { class: 'findings' }, items) : null,
    empty ? h('p', { class: 'hint' }, empty) : null,
    records.fulfilment ? fulfilmentRecords(records.fulfilment, records.ledger, state.money?.netPaidFen) : null,
    // Read, and the order system said nothing: unknown, which is not the same as fine.
    records.fulfilment === null && records.ledger ? h('p', { class: 'hint', 'data-testid': 'fulfilment-unknown' }, t('ev.noFulfilment')) : null,
    records.ledger ? ledgerRecords(records.ledger) : null,
    records.trip ? tripRecords(records.trip, state.findings) : null,
  );
}

const READING_KIND = { refunded: 'ok', reduced_charge: 'ok', refunded_and_reduced: 'ok', charge_released: 'ok', none: 'neutral', pending: 'info' };

/** The one total: what was charged, held, taken, given back, and what is still owed. */
export function renderMoneySummary(state) {
  const m = state.money;
  if (!m) return null;
  return h(
    'div',
    { class: 'money-summary', 'data-testid': 'money-summary', 'data-reading': m.reading },
    h('h3', null, t('sum.title'), ' ', badge(t(`sum.reading.${m.reading}`), READING_KIND[m.reading] ?? 'neutral', { 'data-testid': 'money-reading' })),
    pairs([
      [t('sum.charged'), fen(m.chargedFen)],
      [t('sum.held'), m.heldFen ? fen(m.heldFen) : undefined],
      [t('sum.captured'), state.hold?.status === 'captured' ? fen(m.capturedFen) : undefined],
      [t('sum.reduced'), m.reducedFen ? fen(m.reducedFen) : undefined],
      [t('sum.refunded'), fen(m.refundedFen)],
      [t('sum.fee'), fen(m.feeFen)],
      [t('sum.netPaid'), h('strong', { 'data-testid': 'sum-net' }, fen(m.netPaidFen))],
      [t('sum.owed'), h('strong', { 'data-testid': 'sum-owed' }, fen(m.foundOwedFen))],
      [t('sum.stillOwed'), h('strong', { 'data-testid': 'sum-still-owed' }, fen(m.stillOwedFen))],
    ]),
  );
}

/**
 * The voucher's money in the summary's words (the voucher carries the hold and the refunds, not
 * the summary): so the printed outcome reads as the case page does.
 */
export function voucherReading(v) {
  const c = v.charge ?? {};
  const refunded = (v.refunds ?? []).length > 0;
  const reduced = c.status === 'captured' && c.capturedFen !== undefined && c.heldFen !== undefined && c.capturedFen < c.heldFen;
  if (refunded) return reduced ? 'refunded_and_reduced' : 'refunded';
  if (c.status === 'released') return 'charge_released';
  return reduced ? 'reduced_charge' : 'none';
}

/** The outcome as the money says it: a reduced capture is not a refund. */
export function outcomeText(state) {
  const reading = state.money?.reading;
  if ((state.outcome === 'partly_refunded' || state.outcome === 'refunded') && (reading === 'reduced_charge' || reading === 'charge_released')) return t(`sum.reading.${reading}`);
  if (state.outcome === 'partly_refunded' && reading === 'refunded_and_reduced') return t(`sum.reading.${reading}`);
  return label('outcome', state.outcome);
}
