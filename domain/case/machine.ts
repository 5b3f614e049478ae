/**
 * The case machine: one pure function from a state and an event to either a refusal (with its
 * reason and kind) or the next state and the commands to run. No Temporal, no clock, no I/O:
 * `now` comes in with the event, and the workflow only interprets what comes out.
 */
import { ACTION_DEFS, deciding, limitOf, refuseAuthority, withinAuthority } from './actions';
import { cloneState, record, rules, settle, type Ctx } from './context';
import { ACTIONS, Refused, type ActionName, type CaseEvent, type Command, type Refusal, type RefundArrival, type SearchView } from './events';
import { onLateReceipt, onSendDone, onSendFailed } from './messages';
import { addDriverReport, evidenceInFlight, onEvidence, onEvidenceFailed, onHold, onHoldFailed, onIntake, onRules, onRulesFailed, onStarted } from './opening';
import { decideMoney, onMovementDone, onMovementFailed, onRefundResult, onVoucher, needsManual, planMoney, replanMoney, resumeManual } from './settling';
import { desiredTimers, onTimer, timerCommands } from './timers';
import type { Actor, CaseRules, ChargeHold, ComplaintState } from './state';
import { resumeClock } from './waiting';
import { addMinutes } from './context';
import type { StaffRole } from '../types';

export type Transition = { ok: true; state: ComplaintState; commands: Command[]; reply?: unknown } | { ok: false; refusal: Refusal };

export function decide(state: ComplaintState, event: CaseEvent, now: Date): Transition {
  const ctx: Ctx = { s: cloneState(state), now, commands: [] };
  try {
    handle(ctx, event);
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
  ctx.commands.push(...timerCommands(desiredTimers(state), desiredTimers(ctx.s)));
  const before = searchView(state);
  const after = searchView(ctx.s);
  if (event.type === 'started' || JSON.stringify(before) !== JSON.stringify(after)) ctx.commands.push({ type: 'upsert', attributes: after });
  return { ok: true, state: ctx.s, commands: ctx.commands, reply: ctx.reply };
}

/** The commands that bring a case continued as new back to where it was: its timers, re-armed. */
export function resumeCommands(state: ComplaintState): Command[] {
  return timerCommands([], desiredTimers(state));
}

export function searchView(s: ComplaintState): SearchView {
  return {
    status: s.status,
    level: s.level,
    owner: s.owner,
    nextDeadline: s.nextDeadline ?? null,
    breached: s.flags.breached,
    warned: s.flags.warned,
    outcome: s.outcome ?? null,
    caseRef: s.caseRef,
    intakeKeys: Object.keys(s.intakes),
    needsOps: s.flags.needsOps,
    pendingApprovalLevel: s.pendingProposal?.needsLevel ?? null,
  };
}

function handle(ctx: Ctx, event: CaseEvent): void {
  switch (event.type) {
    case 'started':
      return onStarted(ctx);
    case 'call_done':
      if (!settle(ctx, event.step)) return;
      return onCallDone(ctx, event.step, event.result);
    case 'call_failed':
      if (!settle(ctx, event.step)) return;
      return onCallFailed(ctx, event.step, event.message, event.status, event.code);
    case 'timer_fired':
      return onTimer(ctx, event.id);
    case 'intake':
      if (!event.args.actor?.id) throw new Refused({ kind: 'input', reason: 'intake needs an actor' });
      return onIntake(ctx, event.args, event.created);
    case 'action':
      return ACTION_DEFS[event.action].apply(ctx, event.actor, event.args);
    case 'customer_replied':
      if (ctx.s.status === 'closed') throw new Refused({ kind: 'state', reason: 'the case is closed' });
      record(ctx, 'customer', 'customer_replied', event.text);
      if (ctx.s.status === 'awaiting_customer') resumeClock(ctx);
      return;
    case 'driver_reported':
      return addDriverReport(ctx, event.report);
    case 'oa_status_changed':
      ctx.s.oaStatus = event.status;
      record(ctx, 'oa', 'oa_status', `approval ${event.instanceId} is ${event.status}`);
      return;
    case 'refund_notified': {
      const a = ctx.s.machine.money?.awaiting;
      // A split refund's parts carry the plan's number with a suffix.
      if (!a || !(event.outRequestNo === a.outRequestNo || event.outRequestNo.startsWith(`${a.outRequestNo}-`))) return;
      return onRefundResult(ctx, event.status, { refundId: event.refundId, arrival: event.arrival, notificationId: event.notificationId });
    }
    case 'ops_retry':
      record(ctx, event.actor.id, 'ops_retry_requested', `ops asked to retry: ${ctx.s.opsReason ?? 'nothing is waiting'}`);
      if (ctx.s.status === 'needs_manual' && ctx.s.manual) resumeManual(ctx, event.actor.id, false);
      return;
  }
}

function onCallDone(ctx: Ctx, step: string, result: unknown): void {
  const s = ctx.s;
  if (step === 'rules') return onRules(ctx, result as CaseRules);
  if (step === 'hold') {
    onHold(ctx, result as ChargeHold | null);
    // A decision that waited to know the hold goes on now.
    if (s.status === 'settling' && !s.machine.money && !s.machine.awaitingLedger) return decideMoney(ctx);
    if (s.status === 'needs_manual' && s.manual?.step === 'hold') return decideMoney(ctx);
    return;
  }
  if (step.startsWith('evidence:')) {
    onEvidence(ctx, result as Parameters<typeof onEvidence>[1]);
    // Money waits for the ledger: a decision taken before it (or a re-plan) goes on from here.
    if (s.machine.awaitingLedger && s.status === 'settling' && !evidenceInFlight(ctx)) {
      s.machine.awaitingLedger = false;
      return s.machine.money ? replanMoney(ctx) : planMoney(ctx);
    }
    return;
  }
  if (step === 'oa-dispute') {
    const oa = result as { instanceId: string } | null;
    if (oa) record(ctx, 'system', 'oa_notified', `approval ${oa.instanceId} told the order is under dispute until ${s.nextDeadline}`);
    return;
  }
  if (step.startsWith('send:')) return onSendDone(ctx, step.slice(5), result as { status?: 'delivered' });
  if (step.startsWith('receipt:')) return onLateReceipt(ctx, step.slice(8), result as Parameters<typeof onLateReceipt>[2]);
  if (step.startsWith('money:')) return onMovementDone(ctx, Number(step.slice(6)), result);
  if (step === 'refund-status') {
    const r = result as { status?: string; refundId?: string; arrival?: RefundArrival } | null;
    return onRefundResult(ctx, r?.status, { refundId: r?.refundId, arrival: r?.arrival });
  }
  if (step === 'voucher') return onVoucher(ctx, result as { instanceId: string } | null);
}

function onCallFailed(ctx: Ctx, step: string, message: string, status?: number, code?: string): void {
  const s = ctx.s;
  if (step === 'rules') return onRulesFailed(ctx, message);
  if (step === 'hold') return onHoldFailed(ctx, message);
  if (step.startsWith('evidence:')) {
    onEvidenceFailed(ctx, message);
    if (s.machine.awaitingLedger && s.status === 'settling' && !evidenceInFlight(ctx)) {
      s.machine.awaitingLedger = false;
      // Without the ledger the money cannot be planned safely: a person decides.
      if (!s.machine.money) s.machine.money = { movements: [], next: 0, replans: 0, notes: [] };
      return needsManual(ctx, `money:${s.machine.money.next}`, `the payment ledger could not be read to plan the money: ${message}`);
    }
    return;
  }
  if (step === 'oa-dispute') {
    record(ctx, 'system', 'provider_refused', `telling the OA approval failed: ${message}`);
    if (!s.machine.decision) s.machine.retries.oa = addMinutes(ctx.now, rules(ctx).policy.retryMinutes.notices);
    return;
  }
  if (step.startsWith('send:')) return onSendFailed(ctx, step.slice(5), message, code);
  // No receipt after the window either: the failed record stands.
  if (step.startsWith('receipt:')) return;
  if (step.startsWith('money:')) return onMovementFailed(ctx, Number(step.slice(6)), message, status, code);
  // A poll that could not ask is asked again at the next interval.
  if (step === 'refund-status') return onRefundResult(ctx, undefined);
  if (step === 'voucher') {
    record(ctx, 'system', 'provider_refused', `delivering the OA voucher failed: ${message}`);
    return needsManual(ctx, 'voucher', `the written explanation and voucher could not be attached to the approval: ${message}`);
  }
}

export interface AllowedAction {
  action: ActionName | 'customer-reply';
  allowed: boolean;
  reason?: string;
  kind?: Refusal['kind'];
  /** Who can do it instead, when the refusal is about level or authority. */
  byLevel?: 1 | 2 | 3;
  code?: string;
  params?: Record<string, string | number>;
}

function verdictOf(action: AllowedAction['action'], check: () => void): AllowedAction {
  try {
    check();
    return { action, allowed: true };
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const r = err.refusal;
    return { action, allowed: false, reason: r.reason, kind: r.kind, ...(r.byLevel ? { byLevel: r.byLevel } : {}), ...(r.code ? { code: r.code, params: r.params ?? {} } : {}) };
  }
}

/**
 * What this person may do on this case now, each refusal with its reason: the console renders
 * this and holds no rule of its own. With an amount, the settlement verdicts are for that amount.
 */
export function allowedActions(state: ComplaintState, actor: Actor, probe: { refundFen?: number } = {}): { actions: AllowedAction[]; limitFen?: number; forApproval?: AllowedAction } {
  const ctx: Ctx = { s: cloneState(state), now: new Date(0), commands: [] };
  const actions = ACTIONS.map((action) => verdictOf(action, () => ACTION_DEFS[action].guard(ctx, actor)));
  actions.push(
    verdictOf('customer-reply', () => {
      if (actor.role === 'ops' || actor.role === 'system' || actor.role === 'driver_app' || actor.role === 'customer') throw new Refused({ kind: 'permission', reason: 'only case workers relay a customer reply', code: 'read_only' });
      if (state.status !== 'awaiting_customer') throw new Refused({ kind: 'state', reason: `the case is ${state.status}, not waiting for the customer`, code: 'not_awaiting', params: { status: state.status } });
    }),
  );
  let forApproval: AllowedAction | undefined;
  const amount = probe.refundFen;
  if (amount !== undefined) {
    const i = actions.findIndex((a) => a.action === 'propose-settlement');
    let approvable = false;
    actions[i] = verdictOf('propose-settlement', () => {
      const role = deciding(ctx, actor);
      const verdict = withinAuthority(ctx, role, amount);
      if (!verdict.allowed) {
        approvable = verdict.approverLevel !== undefined;
        refuseAuthority(ctx, role, amount);
      }
    });
    forApproval = approvable
      ? { action: 'propose-settlement', allowed: true }
      : { action: 'propose-settlement', allowed: false, reason: actions[i]!.allowed ? 'within my limit: propose and settle directly' : actions[i]!.reason, code: actions[i]!.allowed ? 'within_limit' : actions[i]!.code, params: actions[i]!.params };
  }
  const limitFen = actor.role === 'system' || actor.role === 'customer' || actor.role === 'driver_app' ? undefined : limitOf(ctx, actor.role as StaffRole);
  return { actions, ...(limitFen !== undefined ? { limitFen } : {}), ...(forApproval ? { forApproval } : {}) };
}

/** A closed case takes no action: every verdict is the machine's refusal for a closed case. */
export function closedVerdicts(): { actions: AllowedAction[] } {
  const refusal = { allowed: false, reason: 'the case is closed', kind: 'state' as const, code: 'not_open', params: { status: 'closed' } };
  return { actions: [...ACTIONS, 'customer-reply' as const].map((action) => ({ action, ...refusal })) };
}
