/**
 * The server's verdicts on what I may do, in the UI language. Every rule lives in the case machine
 * (domain/case/actions.ts, answered by GET /complaints/:id and /allowed); this module only words
 * the refusal codes it sends, and falls back to the server's own sentence for a code it does not know.
 */
import { label, t } from './i18n.js';
import { fen } from './format.js';

/** The server's action names and the console's buttons for them. */
export const BUTTON_OF = {
  'propose-settlement': 'propose',
  'approve-settlement': 'approve',
  escalate: 'escalate',
  'request-info': 'requestInfo',
  resolve: 'resolve',
  reject: 'reject',
  withdraw: 'withdraw',
  note: 'note',
  claim: 'claim',
  assign: 'assign',
  retry: 'retry',
  'settle-by-hand': 'settleByHand',
  'close-with-apology': 'closeWithApology',
  'customer-reply': 'customerReply',
};

/** What the console shows when the server gave no verdict: the button works and the server decides. */
export const UNKNOWN = Object.freeze({ allowed: true, unknown: true });

const level = (n) => label('levelRole', n);

/** code -> [the params its wording needs, the wording]. */
const WORDING = {
  read_only: [[], () => t('why.readOnly')],
  not_open: [['status'], (p) => t('why.notOpen', { status: label('status', p.status) })],
  above_level: [['caseLevel', 'myLevel'], (p) => t('why.aboveLevel', { caseLevel: p.caseLevel, caseRole: level(p.caseLevel), myLevel: p.myLevel, myRole: level(p.myLevel) })],
  exceeds: [
    ['amountFen', 'limitFen', 'myLevel', 'approverLevel'],
    (p) => t('why.exceeds', { amount: fen(p.amountFen), role: level(p.myLevel), limit: fen(p.limitFen), approver: level(p.approverLevel), article: t(`levelArticle.${p.approverLevel}`), level: p.approverLevel }),
  ],
  exceeds_all: [['amountFen', 'limitFen', 'myLevel', 'topFen'], (p) => t('why.exceedsAll', { amount: fen(p.amountFen), role: level(p.myLevel), limit: fen(p.limitFen), top: fen(p.topFen) })],
  within_limit: [[], () => t('why.withinLimit')],
  no_pending: [[], () => t('why.noPending')],
  top: [[], () => t('why.top')],
  not_investigating: [['status'], (p) => t('why.notInvestigating', { status: label('status', p.status) })],
  not_awaiting: [['status'], (p) => t('why.notAwaiting', { status: label('status', p.status) })],
  order_not_found: [[], () => t('why.orderNotFound')],
  proven_fault: [[], () => t('why.provenFault')],
  ops_only: [[], () => t('why.opsOnly')],
  nothing_for_ops: [['status'], (p) => t('why.nothingForOps', { status: label('status', p.status) })],
  not_money: [[], () => t('why.notMoney')],
  apology_first: [[], () => t('why.apologyFirst')],
  hold_first: [[], () => t('why.holdFirst')],
  owned_by_me: [[], () => t('why.ownedByMe')],
  opening: [[], () => t('why.opening')],
  asks_for_proof: [[], () => t('comp.refusedProof')],
  assignee_read_only: [[], () => t('why.assigneeReadOnly')],
  assignee_below_level: [['caseLevel'], (p) => t('why.assigneeBelowLevel', { caseLevel: p.caseLevel, caseRole: level(p.caseLevel) })],
  assignee_not_ops: [[], () => t('why.assigneeNotOps')],
  owned_by_assignee: [[], () => t('why.ownedByAssignee')],
  no_assignee: [[], () => t('assign.choose')],
  unknown_assignee: [[], () => t('why.unknownAssignee')],
};

export const WORDED_CODES = Object.keys(WORDING);

/** The sentence for a refusal: worded from its code when the console knows it, else the server's reason. */
export function verdictText(verdict) {
  if (!verdict || verdict.allowed) return '';
  const entry = verdict.code ? WORDING[verdict.code] : undefined;
  const params = verdict.params ?? {};
  if (entry && entry[0].every((name) => params[name] !== undefined && params[name] !== null)) return entry[1](params);
  return verdict.reason || t('why.refused');
}

/** The server's verdicts by button; a button the server said nothing about is UNKNOWN. */
export function verdictsByButton(allowed) {
  const map = {};
  for (const name of Object.values(BUTTON_OF)) map[name] = UNKNOWN;
  for (const v of allowed?.actions ?? []) {
    const button = BUTTON_OF[v.action];
    if (button) map[button] = v;
  }
  return map;
}

/** The verdicts for one typed amount from a GET /allowed answer (or its failure). */
export function amountVerdicts(answer) {
  if (!answer || answer.error) return { propose: UNKNOWN, forApproval: UNKNOWN };
  const propose = (answer.actions ?? []).find((v) => v.action === 'propose-settlement') ?? UNKNOWN;
  return { propose, forApproval: answer.forApproval ?? UNKNOWN };
}

/** A refusal for the case's state (not for who I am): the form does not apply now and is put away. */
export function refusedForState(verdict) {
  return verdict.allowed === false && verdict.kind === 'state';
}
