/** An enterprise case's payment voucher and written explanation (GET /complaints/:id/voucher), to read and print. */
import { api } from './api.js';
import { boot } from './boot.js';
import { h, fill, pairs, table, $ } from './dom.js';
import { label, onLangChange, t } from './i18n.js';
import { fen, shanghaiTime } from './format.js';
import { outcomeText, voucherReading } from './case-evidence.js';

const id = new URLSearchParams(location.search).get('id') ?? '';
let voucher = null;

function render() {
  if (!voucher) return;
  const v = voucher;
  fill(
    $('#voucher'),
    h('h1', null, t('voucher.title')),
    pairs([
      [t('voucher.no'), h('code', { 'data-testid': 'voucher-no' }, v.voucherNo)],
      [t('col.case'), v.caseRef],
      [t('field.orderId'), v.orderId],
      [t('field.customerId'), v.customerId],
      [t('voucher.issuedAt'), h('time', { datetime: v.issuedAt }, `${shanghaiTime(v.issuedAt)} ${t('tz.beijing')}`)],
      // Worded as the case page words it: a charge taken at less is not a partial refund.
      [t('voucher.outcome'), h('span', { 'data-testid': 'voucher-outcome' }, outcomeText({ outcome: v.outcome, money: { reading: voucherReading(v) } }))],
    ]),
    h('h2', null, t('voucher.explanation')),
    h('ul', { 'data-testid': 'voucher-explanation' }, v.explanation.map((line) => h('li', null, line))),
    h('h2', null, t('voucher.charge')),
    pairs([
      [t('money.hold'), v.charge.heldFen === undefined ? t('money.noHold') : fen(v.charge.heldFen)],
      [t('money.captured'), v.charge.capturedFen === undefined ? undefined : fen(v.charge.capturedFen)],
      [t('field.status'), v.charge.status ? label('holdStatus', v.charge.status) : undefined],
    ]),
    h('h2', null, t('voucher.refunds')),
    v.refunds.length
      ? h('div', { class: 'table-wrap' }, table([t('money.refundId'), t('money.amount'), t('col.time')], v.refunds.map((r) => [h('code', null, r.reference), fen(r.amountFen), h('time', { datetime: r.at }, shanghaiTime(r.at))])))
      : h('p', { class: 'hint' }, t('money.noRefunds')),
    h('h2', null, t('voucher.timeline')),
    h('ol', null, v.timeline.map((e) => h('li', null, `${e.at} · ${e.what}`))),
  );
  document.title = `${v.voucherNo} · ${t('app.name')}`;
}

async function main() {
  await boot('case');
  $('#back').href = `case.html?id=${encodeURIComponent(id)}`;
  $('#print').addEventListener('click', () => window.print());
  try {
    voucher = await api('GET', `/complaints/${encodeURIComponent(id)}/voucher`);
    render();
  } catch (err) {
    const box = $('#voucher-error');
    box.hidden = false;
    box.textContent = `${t('voucher.failed')} (${err.status || '—'})`;
    $('#voucher').hidden = true;
  }
  onLangChange(render);
}

void main();
