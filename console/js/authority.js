/**
 * What the signed-in user may do on a case, with the reason when not. It mirrors the workflow's
 * validators (domain/authority.ts) so buttons explain themselves; the server still decides.
 */
import { t, label } from './i18n.js';
import { fen } from './format.js';

export const OPEN_FOR_ACTIONS = new Set(['acknowledged', 'investigating', 'awaiting_customer']);
const CASE_WORKERS = new Set(['agent', 'expert', 'supervisor']);
const LEVEL_ROLE = { 1: 'agent', 2: 'expert', 3: 'supervisor' };

const ok = { allowed: true };
const no = (reason, extra = {}) => ({ allowed: false, reason, ...extra });

export function levelName(level) {
  return label('role', LEVEL_ROLE[level]);
}

/** The lowest level whose limit covers the amount (domain approverLevelFor). */
export function approverLevel(authorityFen, amountFen) {
  return [1, 2, 3].find((level) => authorityFen[level] >= amountFen);
}

/** Can I settle this amount myself? If not: why, and who can. Unknown limits leave it to the server. */
export function settlementVerdict(authorityFen, me, amountFen) {
  if (me.role === 'ops') return no(t('why.readOnly'));
  if (!authorityFen || !me.level) return { allowed: true, unknown: true };
  const limit = authorityFen[me.level];
  if (limit >= amountFen) return ok;
  const approver = approverLevel(authorityFen, amountFen);
  const vars = { amount: fen(amountFen), role: levelName(me.level), limit: fen(limit) };
  if (!approver) return no(t('why.exceedsAll', { ...vars, top: fen(authorityFen[3]) }));
  return no(t('why.exceeds', { ...vars, approver: levelName(approver), article: t(`article.${LEVEL_ROLE[approver]}`), level: approver }), { approverLevel: approver });
}

function openCase(state, me, { needLevel }) {
  if (me.role === 'ops') return no(t('why.readOnly'));
  if (!OPEN_FOR_ACTIONS.has(state.status)) return no(t('why.notOpen', { status: label('status', state.status) }));
  if (needLevel && me.level && me.level < state.level) {
    return no(t('why.aboveLevel', { caseLevel: state.level, caseRole: levelName(state.level), myRole: levelName(me.level), myLevel: me.level }));
  }
  return ok;
}

/**
 * Verdicts for every action (amountFen is what is typed in the settlement form, or null), and the
 * general one: may I take decisions on this case at all.
 */
export function actionVerdicts(state, me, amountFen) {
  const leveled = openCase(state, me, { needLevel: true });
  const v = {};

  v.propose = leveled;
  v.forApproval = no(t('why.withinLimit'));
  if (leveled.allowed) {
    if (amountFen === null) {
      v.propose = no(t('why.enterAmount'));
      v.forApproval = v.propose;
    } else {
      const s = settlementVerdict(state.authorityFen, me, amountFen);
      v.propose = s;
      if (s.unknown) v.forApproval = ok;
      else if (!s.allowed && s.approverLevel) v.forApproval = ok;
      else if (!s.allowed) v.forApproval = s;
    }
  } else {
    v.forApproval = leveled;
  }

  const pending = state.pendingProposal;
  v.approve = openCase(state, me, { needLevel: false });
  if (!pending) v.approve = no(t('why.noPending'));
  else if (v.approve.allowed) v.approve = settlementVerdict(state.authorityFen, me, pending.refundFen);

  v.escalate = leveled.allowed && state.level >= 3 ? no(t('why.top')) : leveled;
  v.requestInfo = leveled.allowed && state.status !== 'investigating' ? no(t('why.notInvestigating', { status: label('status', state.status) })) : leveled;
  v.resolve = leveled;
  v.reject = leveled;
  v.withdraw = openCase(state, me, { needLevel: false });

  if (me.role && !CASE_WORKERS.has(me.role)) v.customerReply = no(t('why.readOnly'));
  else if (state.status !== 'awaiting_customer') v.customerReply = no(t('why.notAwaiting', { status: label('status', state.status) }));
  else v.customerReply = ok;

  v.note = ok;
  return { verdicts: v, general: leveled };
}
