/**
 * The timers a case wants are a function of its state: every promise and every retry it waits
 * for. The machine compares the set before and after a transition and asks the interpreter to
 * start or cancel the difference; a case continued as new re-arms the same set from its state.
 */
import { TOP_LEVEL, nextLevel } from '../escalation';
import { chargeDisputedText, chargeNoticeText } from '../notices';
import type { Level } from '../types';
import { call, iso, record, send, type Ctx } from './context';
import type { Command, Timer } from './events';
import { retryAcknowledgement } from './messages';
import { enterLevel, escalateTo, gatherEvidence, notifyOa } from './opening';
import { pollRefund, resumeManual } from './settling';
import { resumeClock } from './waiting';
import { chargeNoticeTemplate } from './sms-templates';
import type { ComplaintState } from './state';

/** Timer labels: the workflow writes them into history and the API's timeline reads them back. */
export const TIMER_LABELS = {
  warning: (level: Level) => `level ${level} warning`,
  deadline: (level: Level) => `level ${level} deadline`,
  acknowledge: 'acknowledgement deadline',
  customerReply: 'customer reply deadline',
  chargeNotice: 'charge hold notice',
  holdExpiry: 'charge hold expiry',
  chargeDue: 'charge due without a hold',
  opsRetry: 'ops retry interval',
  opsDeadline: 'ops deadline',
  refundPoll: 'refund result poll',
  retry: (what: string) => `retry ${what}`,
} as const;

const OPEN_WORK = new Set(['received', 'investigating', 'awaiting_customer']);

export function desiredTimers(s: ComplaintState): Timer[] {
  if (s.status === 'closed') return [];
  const m = s.machine;
  const timers: Timer[] = [];
  for (const [what, at] of Object.entries(m.retries)) timers.push({ id: `retry:${what}:${at}`, at, label: TIMER_LABELS.retry(what) });
  // While the first read of the records is out (bounded to a minute), the case may settle at
  // once on agreed facts: its promises are armed when that answer is in, not before.
  if (m.evidenceRuns === 1 && Object.keys(m.calls).some((k) => k.startsWith('evidence:'))) return timers;
  const deadline = m.currentDeadline;
  if (s.status === 'investigating' && deadline) {
    timers.push(
      s.flags.warned
        ? { id: `deadline:${s.level}:${deadline.at}`, at: deadline.at, label: TIMER_LABELS.deadline(s.level) }
        : { id: `warn:${s.level}:${deadline.warnAt}`, at: deadline.warnAt, label: TIMER_LABELS.warning(s.level) },
    );
  }
  if (s.status === 'awaiting_customer' && s.nextDeadline) timers.push({ id: `reply:${s.nextDeadline}`, at: s.nextDeadline, label: TIMER_LABELS.customerReply });
  const ack = s.deadlines.find((d) => d.kind === 'acknowledge');
  // Watched once an attempt has failed: while the first send is out, its answer comes first.
  const ackOut = Object.values(m.sends).some((x) => x.purpose === 'acknowledgement');
  if (ack && !m.ackDelivered && !m.ackMissed && !m.openingWaived && !s.apologyDelivered && !ackOut && s.status !== 'received') timers.push({ id: `ack:${ack.at}`, at: ack.at, label: TIMER_LABELS.acknowledge });
  if (s.hold?.status === 'held' && OPEN_WORK.has(s.status) && m.rules) {
    const expiry = new Date(s.hold.maxHoldUntil);
    if (!m.chargeNoticeSent) {
      const at = iso(new Date(expiry.getTime() - m.rules.policy.chargeNoticeLeadMinutes * 60_000));
      timers.push({ id: `hold-notice:${at}`, at, label: TIMER_LABELS.chargeNotice });
    } else {
      timers.push({ id: `hold-expiry:${s.hold.maxHoldUntil}`, at: s.hold.maxHoldUntil, label: TIMER_LABELS.holdExpiry });
    }
  }
  const dueAt = m.ledger?.pendingChargeDueAt;
  if (!s.hold && dueAt && !m.chargeDisputeTold && OPEN_WORK.has(s.status)) timers.push({ id: `charge-due:${dueAt}`, at: dueAt, label: TIMER_LABELS.chargeDue });
  const awaiting = m.money?.awaiting;
  if (awaiting && s.status === 'settling' && !m.calls['refund-status']) timers.push({ id: `refund-poll:${awaiting.pollAt}`, at: awaiting.pollAt, label: TIMER_LABELS.refundPoll });
  if (s.status === 'needs_manual' && s.manual) {
    if (!s.manual.deadlineMissed) timers.push({ id: `manual-deadline:${s.manual.deadline}`, at: s.manual.deadline, label: TIMER_LABELS.opsDeadline });
    if (s.manual.retryAt) timers.push({ id: `manual-retry:${s.manual.retryAt}`, at: s.manual.retryAt, label: TIMER_LABELS.opsRetry });
  }
  return timers;
}

export function timerCommands(before: Timer[], after: Timer[]): Command[] {
  const was = new Set(before.map((t) => t.id));
  const is = new Set(after.map((t) => t.id));
  return [
    ...before.filter((t) => !is.has(t.id)).map((t): Command => ({ type: 'cancel_timer', id: t.id })),
    ...after.filter((t) => !was.has(t.id)).map((t): Command => ({ type: 'start_timer', timer: t })),
  ];
}

export function onTimer(ctx: Ctx, id: string): void {
  const s = ctx.s;
  // A timer cancelled by the same transition that raced its firing is no longer wanted.
  if (!desiredTimers(s).some((t) => t.id === id)) return;
  const kind = id.slice(0, id.indexOf(':'));
  switch (kind) {
    case 'warn':
      s.flags.warned = true;
      record(ctx, 'system', 'warned', `level ${s.level} deadline ${s.nextDeadline} is near`);
      return;
    case 'deadline':
      return onBreach(ctx);
    case 'reply':
      record(ctx, 'system', 'customer_silent', 'no reply by the requested time; the clock resumes');
      return resumeClock(ctx);
    case 'ack':
      s.machine.ackMissed = true;
      s.flags.needsOps = true;
      s.opsReason = 'the acknowledgement did not reach the customer by the promised time';
      record(ctx, 'system', 'acknowledgement_late', `the acknowledgement promised by ${id.slice(4)} has not been delivered; ops are flagged`);
      return;
    case 'hold-notice': {
      const hold = s.hold!;
      s.machine.chargeNoticeSent = true;
      record(ctx, 'system', 'charge_notice', `the provider's hold ends ${hold.maxHoldUntil}; the customer is told ${hold.amountFen} fen will be charged then`);
      const at = new Date(hold.maxHoldUntil);
      return send(ctx, 'charge-notice', 'charge_notice', chargeNoticeText(s.language, s.caseRef, hold.amountFen, at), 1, chargeNoticeTemplate(s.language, s.orderId, hold.amountFen, at));
    }
    case 'hold-expiry': {
      // The provider charges by itself when its hold ends; the resolution then refunds instead.
      const hold = s.hold!;
      s.hold = { ...hold, status: 'captured', capturedFen: hold.amountFen };
      s.machine.ledgerStale = true;
      record(ctx, 'system', 'charge_executed', `the provider's maximum hold ended: ${hold.amountFen} fen was charged`);
      return;
    }
    case 'charge-due': {
      const amount = s.machine.ledger?.pendingChargeFen ?? 0;
      s.machine.chargeDisputeTold = true;
      s.flags.needsOps = true;
      s.opsReason = 'the automatic charge came due before it could be held';
      record(ctx, 'system', 'charge_unheld', `the automatic charge of ${amount} fen came due without a hold; ops are paged and the customer is told it is disputed`);
      return send(ctx, 'charge-disputed', 'charge_disputed', chargeDisputedText(s.language, s.caseRef, amount));
    }
    case 'retry':
      return onRetry(ctx, id.slice(6, id.indexOf(':', 6)));
    case 'manual-deadline':
      s.manual!.deadlineMissed = true;
      s.flags.breached = true;
      record(ctx, 'system', 'manual_breached', `ops did not act by ${s.manual!.deadline}: ${s.manual!.reason}`);
      return;
    case 'manual-retry':
      return resumeManual(ctx, 'system', true);
    case 'refund-poll':
      return pollRefund(ctx);
  }
}

function onRetry(ctx: Ctx, what: string): void {
  const s = ctx.s;
  const at = s.machine.retries[what];
  delete s.machine.retries[what];
  if (!at) return;
  if (what === 'rules') return call(ctx, 'rules', 'loadCaseRules', {}, 'rules');
  if (what === 'hold') return call(ctx, 'hold', 'holdAutoCharge', { orderId: s.orderId, idempotencyKey: `${s.caseRef}:hold` }, 'hold');
  if (what === 'evidence') return gatherEvidence(ctx);
  if (what === 'oa') return notifyOa(ctx);
  if (what === 'ack') return retryAcknowledgement(ctx);
}

/**
 * A missed deadline moves the case up the ladder and the customer is told the new deadline. At
 * the top there is nowhere to go: the supervisor gets one fresh deadline, told once; later misses
 * page ops and are recorded, but never send the customer another apology for lateness.
 */
function onBreach(ctx: Ctx): void {
  const s = ctx.s;
  s.flags.breached = true;
  record(ctx, 'system', 'breached', `level ${s.level} missed its deadline ${s.nextDeadline}`);
  if (s.level < TOP_LEVEL) return escalateTo(ctx, nextLevel(s.level), `deadline ${s.nextDeadline} breached`, 'system', true);
  s.machine.topBreaches += 1;
  if (s.machine.topBreaches === 1) return escalateTo(ctx, TOP_LEVEL, `deadline ${s.nextDeadline} breached at the top of the ladder`, 'system', true);
  s.flags.needsOps = true;
  s.opsReason = `the supervisor deadline was missed ${s.machine.topBreaches} times`;
  // The top keeps a deadline (an open case always has one); a person who claimed the case keeps it.
  const owner = s.owner;
  enterLevel(ctx, TOP_LEVEL, 'deadline breached again at the top of the ladder', 'system');
  if (!owner.startsWith('queue:')) s.owner = owner;
}
