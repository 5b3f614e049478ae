/** Case page sections about the case itself: header, deadlines, customer facts, evidence, money. */
import { h, pairs, table, badge, section } from './dom.js';
import { label, t } from './i18n.js';
import { duration, fen, maskPhone, shanghaiTime, yesNo } from './format.js';
import { countdown } from './countdown.js';
import { outcomeText, renderMoneySummary } from './case-evidence.js';
import { temporalLink } from './me.js';

const STATUS_KIND = { closed: 'neutral', awaiting_customer: 'warn', needs_manual: 'danger', settling: 'info', apologizing: 'info' };

export function when(iso) {
  return iso ? h('time', { datetime: iso }, shanghaiTime(iso)) : '—';
}

export function actorText(actor) {
  if (!actor) return '—';
  return actor.role ? `${actor.id} (${label('role', actor.role)})` : actor.id;
}

export function renderHead(state, me) {
  const link = temporalLink(me, state.complaintId);
  return h(
    'div',
    { class: 'case-head' },
    h(
      'h1',
      null,
      t('case.title', { ref: state.caseRef }),
      ' ',
      badge(label('status', state.status), STATUS_KIND[state.status] ?? 'info', { 'data-testid': 'case-status', 'data-status': state.status }),
      state.outcome ? [' ', badge(outcomeText(state), 'ok', { 'data-testid': 'case-outcome', 'data-outcome': state.outcome })] : null,
    ),
    h(
      'p',
      { class: 'sub' },
      h('code', null, state.complaintId),
      ` · ${t('field.level')} `,
      h('strong', { 'data-testid': 'case-level', 'data-level': state.level }, `L${state.level} ${label('levelRole', state.level)}`),
      ` · ${t('field.owner')} ${state.owner}`,
      state.policyVersion ? ` · ${t('case.policy')} ${state.policyVersion}` : '',
    ),
    h(
      'p',
      { class: 'links' },
      link
        ? h('a', { href: link, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'temporal-link' }, t('case.temporalLink'))
        : h('span', { class: 'hint' }, t('case.noTemporalLink')),
      state.tier === 'enterprise'
        ? [
            ' · ',
            state.status === 'closed'
              ? h('a', { href: `voucher.html?id=${encodeURIComponent(state.caseRef)}`, 'data-testid': 'voucher-link' }, t('voucher.link'))
              : h('span', { class: 'hint', 'data-testid': 'voucher-later' }, t('voucher.notYet')),
          ]
        : null,
    ),
  );
}

function currentDeadline(state) {
  if (!state.nextDeadline) return undefined;
  const at = Date.parse(state.nextDeadline);
  return [...state.deadlines].reverse().find((d) => Date.parse(d.at) === at);
}

export function renderDeadlines(state) {
  const current = currentDeadline(state);
  const awaiting = state.status === 'awaiting_customer';
  let next;
  if (state.nextDeadline) {
    next = h(
      'div',
      { class: 'next-deadline', 'data-testid': 'next-deadline', 'data-urgency-host': '' },
      h('div', { class: 'label' }, awaiting ? t('case.replyBy') : t('case.nextDeadline')),
      h('div', { class: 'big' }, h('time', { datetime: state.nextDeadline }, shanghaiTime(state.nextDeadline, { weekday: true })), ' ', h('span', { class: 'tz' }, t('tz.beijing'))),
      countdown(state.nextDeadline, { warnAt: current?.warnAt, breached: state.flags.breached, urgency: state.urgency }),
      current?.warnAt ? h('div', { class: 'hint' }, t('case.warnAt', { at: shanghaiTime(current.warnAt) })) : null,
      awaiting && state.clockPausedRemainingMs !== undefined ? h('div', { class: 'hint' }, t('case.clockPaused', { left: duration(state.clockPausedRemainingMs) })) : null,
    );
  } else {
    const text = state.status === 'closed' ? t('case.closedAt', { at: shanghaiTime(state.closedAt) }) : t('case.noDeadline', { status: label('status', state.status) });
    next = h('p', { class: 'next-deadline', 'data-testid': 'next-deadline' }, text);
  }
  const flags = Object.entries(state.flags).filter(([, on]) => on);
  const flagList = flags.length
    ? h('ul', { class: 'flags', 'data-testid': 'flags' }, flags.map(([name]) => h('li', null, badge(t(`flag.${name}`), name === 'warned' || name === 'provisionalDeadline' ? 'warn' : 'danger', { 'data-flag': name }))))
    : h('p', { class: 'hint', 'data-testid': 'flags' }, t('flag.none'));
  const rows = state.deadlines.map((d) => [label('deadlineKind', d.kind), d.level ? `L${d.level}` : '—', when(d.at), when(d.warnAt), yesNo(d.provisional)]);
  return section(
    'deadlines',
    t('case.deadlines'),
    next,
    flagList,
    rows.length ? table([t('col.kind'), t('field.level'), t('col.deadline'), t('col.warnAt'), t('col.provisional')], rows) : null,
  );
}

export function renderFacts(state) {
  const phone = maskPhone(state.customer?.phone ?? state.phone);
  return section(
    'facts',
    t('case.facts'),
    h('blockquote', { class: 'description', lang: state.language === 'en' ? 'en' : 'zh-CN', 'data-testid': 'description' }, state.description),
    pairs([
      [t('field.orderId'), state.orderId],
      [t('field.orderKind'), label('orderKind', state.orderKind)],
      [t('field.category'), label('category', state.category)],
      [t('field.customerId'), state.customerId],
      [t('field.tier'), label('tier', state.tier)],
      [t('field.channel'), label('channel', state.channel)],
      [t('field.language'), label('language', state.language)],
      [t('field.phone'), phone ?? t('case.phoneHidden')],
      [t('case.receivedAt'), when(state.receivedAt)],
      [t('case.ackDeliveredAt'), when(state.acknowledgedAt)],
      [t('case.closedAtLabel'), state.closedAt ? when(state.closedAt) : undefined],
    ]),
    state.driverReports?.length
      ? [
          h('h3', null, t('case.driverReports')),
          table(
            [t('col.time'), t('col.driver'), t('col.kind'), t('col.admitted'), t('col.text')],
            state.driverReports.map((r) => [when(r.reportedAt), r.driverId, label('reportKind', r.kind), yesNo(r.admittedFault), r.text]),
          ),
        ]
      : null,
  );
}

export { renderEvidence } from './case-evidence.js';

export function renderMoney(state) {
  const hold = state.hold
    ? pairs([
        [t('money.holdId'), h('code', null, state.hold.holdId)],
        [t('money.amount'), fen(state.hold.amountFen)],
        [t('money.dueAt'), when(state.hold.dueAt)],
        [t('money.maxHoldUntil'), when(state.hold.maxHoldUntil)],
        [t('field.status'), badge(label('holdStatus', state.hold.status), state.hold.status === 'held' ? 'warn' : 'neutral')],
        [t('money.captured'), state.hold.capturedFen === undefined ? undefined : fen(state.hold.capturedFen)],
      ])
    : h('p', { class: 'hint' }, t('money.noHold'));
  const p = state.pendingProposal;
  const pending = p
    ? h(
        'div',
        { class: 'alert alert-warn', 'data-testid': 'pending-proposal' },
        h('strong', null, t('money.pending', { amount: fen(p.refundFen), level: p.needsLevel, role: label('levelRole', p.needsLevel) })),
        pairs([
          [t('act.kind'), label('settlementKind', p.kind ?? 'compensation')],
          [t('money.fee'), `${fen(p.feeFen)} (${label('feeRule', p.feeRule)})`],
          [t('case.platformAtFault'), yesNo(p.platformAtFault)],
          [t('money.proposedBy'), actorText(p.proposedBy)],
          [t('money.reason'), p.reason],
          [t('col.time'), when(p.at)],
        ]),
      )
    : null;
  const s = state.settlement;
  const settlement = s
    ? h(
        'div',
        { 'data-testid': 'settlement' },
        h('h3', null, t('money.settlement')),
        pairs([
          [t('act.kind'), label('settlementKind', s.kind ?? 'compensation')],
          // A held charge taken at less is relief, not a refund (story B).
          [state.money?.reading === 'reduced_charge' ? t('money.relief') : t('money.refund'), fen(s.refundFen)],
          [t('money.fee'), `${fen(s.feeFen)} (${label('feeRule', s.feeRule)})`],
          [t('case.platformAtFault'), yesNo(s.platformAtFault)],
          [t('money.approvedBy'), s.automatic ? t('money.automatic') : actorText(s.approvedBy)],
          // The engine's own reason is in English in the record; the UI says it in its language.
          [t('money.reason'), s.automatic ? t('money.autoReason') : s.reason],
          [t('col.time'), when(s.at)],
        ]),
      )
    : null;
  const refunds = state.refunds.length
    ? [
        h('h3', null, t('money.refunds')),
        table(
          [t('money.outRequestNo'), t('money.refundId'), t('money.amount'), t('field.status'), t('col.time')],
          state.refunds.map((r) => [h('code', null, r.outRequestNo), h('code', null, r.refundId), fen(r.amountFen), label('refundStatus', r.status), when(r.at)]),
          { 'data-testid': 'refunds' },
        ),
      ]
    : h('p', { class: 'hint' }, t('money.noRefunds'));
  return section('money', t('case.money'), renderMoneySummary(state), h('h3', null, t('money.hold')), hold, pending, settlement, refunds);
}
