/**
 * What staff may do to a case, and what each action does. `guard` is the part that depends only
 * on the case and the person (the console asks it to show what is allowed); `apply` checks the
 * input and transitions. Update validators run both on a copy, so a refusal writes nothing.
 */
import { checkCanAct, checkSettlementAuthority, ROLE_LEVEL } from '../authority';
import { canEscalate, nextLevel } from '../escalation';
import { SETTLEMENT_KINDS, type SettlementKind } from '../fees';
import { asksForProof } from '../reply-templates';
import type { Level, StaffRole } from '../types';
import { iso, record, refuse, rules, type Ctx } from './context';
import type { ActionName } from './events';
import { escalateTo } from './opening';
import { decideCase, finishManualMoney, onVoucher, provenFault, resumeManual, settlementFor } from './settling';
import type { Actor } from './state';
import { askCustomer } from './waiting';

export interface ActionDef {
  guard(ctx: Ctx, actor: Actor): void;
  apply(ctx: Ctx, actor: Actor, args: Record<string, unknown>): void;
}

const DECIDING = new Set(['investigating', 'awaiting_customer']);


function staff(actor: Actor): StaffRole {
  if (actor.role === 'system' || actor.role === 'customer' || actor.role === 'driver_app') refuse('permission', `${actor.role} cannot take agent actions`, { code: 'not_staff' });
  return actor.role;
}

function atLevel(ctx: Ctx, role: StaffRole): void {
  const verdict = checkCanAct(role, ctx.s.level);
  if (verdict.allowed) return;
  const myLevel = ROLE_LEVEL[role];
  if (myLevel === undefined) refuse('permission', verdict.reason, { code: 'read_only' });
  refuse('permission', verdict.reason, { byLevel: verdict.approverLevel, code: 'above_level', params: { caseLevel: ctx.s.level, myLevel } });
}

/** The authority verdict on an amount, refused with the values a client needs to explain it. */
export function withinAuthority(ctx: Ctx, role: StaffRole, amountFen: number): { allowed: true } | { allowed: false; approverLevel?: Level } {
  const policy = rules(ctx).policy;
  const verdict = checkSettlementAuthority(policy, role, amountFen);
  if (verdict.allowed) return verdict;
  return { allowed: false, ...(verdict.approverLevel ? { approverLevel: verdict.approverLevel } : {}) };
}

export function refuseAuthority(ctx: Ctx, role: StaffRole, amountFen: number): never {
  const policy = rules(ctx).policy;
  const verdict = checkSettlementAuthority(policy, role, amountFen);
  if (verdict.allowed) throw new Error('refuseAuthority on an allowed amount');
  const myLevel = ROLE_LEVEL[role];
  if (myLevel === undefined) refuse('authority', verdict.reason, { code: 'read_only' });
  const params = { amountFen, limitFen: policy.authorityFen[myLevel], myLevel };
  if (!verdict.approverLevel) refuse('authority', verdict.reason, { code: 'exceeds_all', params: { ...params, topFen: policy.authorityFen[3] } });
  refuse('authority', verdict.reason, { byLevel: verdict.approverLevel, code: 'exceeds', params: { ...params, approverLevel: verdict.approverLevel } });
}

export function deciding(ctx: Ctx, actor: Actor, checkLevel = true): StaffRole {
  const role = staff(actor);
  const s = ctx.s;
  if (s.status === 'received') refuse('state', 'the case is still being opened; try again in a moment', { code: 'opening' });
  if (s.machine.decision || !DECIDING.has(s.status)) refuse('state', `the case is ${s.status}; no more decisions can be taken`, { code: 'not_open', params: { status: s.status } });
  rules(ctx);
  if (checkLevel) atLevel(ctx, role);
  return role;
}

function opsOrSupervisor(ctx: Ctx, actor: Actor): void {
  const role = staff(actor);
  if (role !== 'ops' && role !== 'supervisor') refuse('permission', 'only ops or a supervisor can act on a case that needs a person', { byLevel: 3, code: 'ops_only' });
  if (ctx.s.status !== 'needs_manual' || !ctx.s.manual) refuse('state', `the case is ${ctx.s.status}; nothing is waiting for ops`, { code: 'nothing_for_ops', params: { status: ctx.s.status } });
}

function text(args: Record<string, unknown>, key: string, what: string): string {
  const value = args[key];
  if (typeof value !== 'string' || !value.trim()) refuse('input', what);
  return value.trim();
}

interface Proposal {
  kind: SettlementKind;
  refundFen: number;
  platformAtFault: boolean;
  reason: string;
  forApproval: boolean;
}

function proposal(ctx: Ctx, args: Record<string, unknown>): Proposal {
  const refundFen = args.refundFen;
  if (typeof refundFen !== 'number' || !Number.isSafeInteger(refundFen) || refundFen < 0) refuse('input', 'refundFen must be a non-negative integer');
  const kind = (args.kind ?? 'compensation') as SettlementKind;
  if (!SETTLEMENT_KINDS.includes(kind)) refuse('input', `kind must be one of ${SETTLEMENT_KINDS.join(', ')}`);
  const reason = text(args, 'reason', 'a settlement needs a reason the customer will read');
  if (refundFen > 0 && ctx.s.flags.orderNotFound) {
    refuse('input', `the payment system does not know order ${ctx.s.orderId}; no money can move until a person finds the order`, { code: 'order_not_found' });
  }
  if (kind === 'cancellation' && ctx.s.machine.ledger === undefined) {
    refuse('state', "the order's records are not read yet, and its tariff decides any fee: try again in a moment", { code: 'records_pending' });
  }
  if (kind === 'cancellation' && provenFault(ctx)) {
    const proof = ctx.s.findings.filter((f) => f.platformAtFault).map((f) => f.summary.en).join('; ');
    refuse('input', `the records prove the platform at fault (${proof}); this cannot be settled as a cancellation with a fee: settle it as compensation`, { code: 'proven_fault' });
  }
  return { kind, refundFen, platformAtFault: args.platformAtFault === true, reason, forApproval: args.forApproval === true };
}

export const ACTION_DEFS: Record<ActionName, ActionDef> = {
  'propose-settlement': {
    guard: (ctx, actor) => void deciding(ctx, actor),
    apply(ctx, actor, args) {
      const role = deciding(ctx, actor);
      const p = proposal(ctx, args);
      const verdict = withinAuthority(ctx, role, p.refundFen);
      if (!verdict.allowed && (!p.forApproval || !verdict.approverLevel)) refuseAuthority(ctx, role, p.refundFen);
      const settlement = settlementFor(ctx, actor, { ...p, automatic: false });
      if (verdict.allowed) {
        decideCase(ctx, { kind: 'settle', settlement });
        ctx.reply = { settled: true, refundFen: settlement.refundFen, feeFen: settlement.feeFen };
        return;
      }
      const needsLevel = verdict.approverLevel!;
      ctx.s.pendingProposal = { proposedBy: actor, kind: p.kind, refundFen: p.refundFen, feeFen: settlement.feeFen, feeRule: settlement.feeRule, platformAtFault: settlement.platformAtFault, reason: p.reason, needsLevel, at: iso(ctx.now) };
      record(ctx, actor.id, 'settlement_proposed', `refund ${p.refundFen} fen awaits level ${needsLevel} approval: ${p.reason}`);
      if (ctx.s.level < needsLevel) escalateTo(ctx, needsLevel, `settlement of ${p.refundFen} fen needs level ${needsLevel} approval`, actor.id, false);
      ctx.reply = { settled: false, pendingLevel: needsLevel };
    },
  },
  'approve-settlement': {
    guard(ctx, actor) {
      // Approval is about authority, not about the level the case sits at.
      const role = deciding(ctx, actor, false);
      const pending = ctx.s.pendingProposal;
      if (!pending) refuse('state', 'there is no settlement waiting for approval', { code: 'no_pending' });
      if (!withinAuthority(ctx, role, pending.refundFen).allowed) refuseAuthority(ctx, role, pending.refundFen);
    },
    apply(ctx, actor) {
      ACTION_DEFS['approve-settlement'].guard(ctx, actor);
      const p = ctx.s.pendingProposal!;
      // Approval re-reads the records: a platform fault the proposer left unticked still takes no fee.
      const settlement = settlementFor(ctx, actor, { kind: p.kind, refundFen: p.refundFen, platformAtFault: p.platformAtFault, reason: p.reason, automatic: false });
      decideCase(ctx, { kind: 'settle', settlement });
      ctx.reply = { settled: true, refundFen: settlement.refundFen, feeFen: settlement.feeFen };
    },
  },
  escalate: {
    guard(ctx, actor) {
      deciding(ctx, actor);
      if (!canEscalate(ctx.s.level)) refuse('state', 'the case is already with a supervisor, the top of the ladder', { code: 'top' });
    },
    apply(ctx, actor, args) {
      ACTION_DEFS.escalate.guard(ctx, actor);
      const reason = text(args, 'reason', 'an escalation needs a reason');
      escalateTo(ctx, nextLevel(ctx.s.level), reason, actor.id, false);
      ctx.reply = { level: ctx.s.level, deadline: ctx.s.nextDeadline };
    },
  },
  'request-info': {
    guard(ctx, actor) {
      deciding(ctx, actor);
      if (ctx.s.status !== 'investigating') refuse('state', `the case is ${ctx.s.status}; it can ask the customer only while investigating`, { code: 'not_investigating', params: { status: ctx.s.status } });
    },
    apply(ctx, actor, args) {
      ACTION_DEFS['request-info'].guard(ctx, actor);
      const question = text(args, 'question', 'the question is empty');
      if (asksForProof(question)) {
        refuse('input', 'the engine reads the payment ledger and the trip trace itself; never ask the customer for screenshots or proof of payment', { code: 'asks_for_proof' });
      }
      askCustomer(ctx, actor.id, question);
      ctx.reply = { status: ctx.s.status };
    },
  },
  resolve: decision('resolve', 'a resolution needs a reason the customer will read'),
  reject: decision('reject', 'a rejection needs a reason the customer will read'),
  withdraw: {
    guard(ctx, actor) {
      const role = staff(actor);
      if (role === 'ops') refuse('permission', 'ops cannot withdraw a complaint for the customer', { code: 'read_only' });
      deciding(ctx, actor);
    },
    apply(ctx, actor, args) {
      ACTION_DEFS.withdraw.guard(ctx, actor);
      const reason = text(args, 'reason', "a withdrawal needs the customer's reason");
      decideCase(ctx, { kind: 'withdraw', actor, reason });
      ctx.reply = { status: ctx.s.status };
    },
  },
  note: {
    guard(ctx, actor) {
      const role = staff(actor);
      if (role === 'ops' && ctx.s.status !== 'needs_manual') refuse('permission', 'ops read cases; they write notes only on a case that needs them', { code: 'read_only' });
      if (ctx.s.status === 'closed') refuse('state', 'the case is closed', { code: 'not_open', params: { status: 'closed' } });
    },
    apply(ctx, actor, args) {
      ACTION_DEFS.note.guard(ctx, actor);
      const note = text(args, 'text', 'the note is empty');
      ctx.s.notes.push({ at: iso(ctx.now), actor: actor.id, kind: 'note', text: note });
      ctx.reply = { notes: ctx.s.notes.length };
    },
  },
  claim: {
    guard(ctx, actor) {
      const role = staff(actor);
      if (ctx.s.status === 'needs_manual') {
        if (role !== 'ops' && role !== 'supervisor') refuse('permission', 'a case that needs a person belongs to ops or a supervisor', { byLevel: 3, code: 'ops_only' });
      } else {
        deciding(ctx, actor);
      }
      if (ctx.s.owner === actor.id) refuse('state', `the case is already owned by ${actor.id}`, { code: 'owned_by_me' });
    },
    apply(ctx, actor) {
      ACTION_DEFS.claim.guard(ctx, actor);
      const s = ctx.s;
      s.owner = actor.id;
      const visit = s.levels[s.levels.length - 1];
      if (visit && s.status !== 'needs_manual') visit.owner = actor.id;
      record(ctx, actor.id, 'claimed', `${s.status === 'needs_manual' ? 'ops work' : `level ${s.level}`} owned by ${actor.id}`);
      ctx.reply = { owner: s.owner };
    },
  },
  assign: {
    guard(ctx, actor) {
      mayHandOn(ctx, actor);
    },
    apply(ctx, actor, args) {
      mayHandOn(ctx, actor);
      const s = ctx.s;
      const to = assigneeOf(ctx, args);
      s.owner = to.id;
      const visit = s.levels[s.levels.length - 1];
      if (visit && s.status !== 'needs_manual') visit.owner = to.id;
      record(ctx, actor.id, 'assigned', `${s.status === 'needs_manual' ? 'ops work' : `level ${s.level}`} assigned to ${to.id} by ${actor.id}`);
      ctx.reply = { owner: s.owner };
    },
  },
  retry: {
    guard: opsOrSupervisor,
    apply(ctx, actor) {
      opsOrSupervisor(ctx, actor);
      resumeManual(ctx, actor.id, false);
      ctx.reply = { status: ctx.s.status };
    },
  },
  'settle-by-hand': {
    guard(ctx, actor) {
      opsOrSupervisor(ctx, actor);
      if (!ctx.s.manual!.step.startsWith('money:')) refuse('state', 'only a refused payment can be settled by hand', { code: 'not_money' });
    },
    apply(ctx, actor, args) {
      ACTION_DEFS['settle-by-hand'].guard(ctx, actor);
      finishManualMoney(ctx, actor, 'by_hand', text(args, 'note', 'say how and where the money was paid by hand'));
      ctx.reply = { status: ctx.s.status };
    },
  },
  'close-with-apology': {
    guard(ctx, actor) {
      opsOrSupervisor(ctx, actor);
      if (ctx.s.manual!.step === 'apology') refuse('state', 'the apology itself is what failed: retry its delivery; a case never closes without it', { code: 'apology_first' });
      if (ctx.s.manual!.step === 'hold') refuse('state', 'whether the charge is held must be known before the case can close: retry once the payment system answers', { code: 'hold_first' });
    },
    apply(ctx, actor, args) {
      ACTION_DEFS['close-with-apology'].guard(ctx, actor);
      const reason = text(args, 'reason', 'say why the case closes without the refused step');
      if (ctx.s.manual!.step === 'voucher') {
        record(ctx, actor.id, 'voucher_skipped', reason);
        onVoucher(ctx, null);
      } else {
        finishManualMoney(ctx, actor, 'abandoned', reason);
      }
      ctx.reply = { status: ctx.s.status };
    },
  },
};

/** Who may hand a case to someone: whoever may claim it (ops work: ops or a supervisor; else someone who can act at its level). */
function mayHandOn(ctx: Ctx, actor: Actor): void {
  const role = staff(actor);
  if (ctx.s.status === 'needs_manual') {
    if (role !== 'ops' && role !== 'supervisor') refuse('permission', 'a case that needs a person belongs to ops or a supervisor', { byLevel: 3, code: 'ops_only' });
  } else {
    deciding(ctx, actor);
  }
}

/**
 * The person a case may go to: ops work to ops or a supervisor; a case being decided to someone
 * who can act at its level (an agent's case to an agent or above, never down the ladder).
 */
function assigneeOf(ctx: Ctx, args: Record<string, unknown>): { id: string; role: StaffRole } {
  const to = args.assignee as { id?: unknown; role?: unknown } | undefined;
  if (!to || typeof to.id !== 'string' || !to.id || typeof to.role !== 'string') refuse('input', 'say whom to assign the case to', { code: 'no_assignee' });
  const id = to.id;
  const role = to.role as StaffRole;
  const s = ctx.s;
  if (s.owner === id) refuse('state', `the case is already owned by ${id}`, { code: 'owned_by_assignee', params: { assignee: id } });
  if (s.status === 'needs_manual') {
    if (role !== 'ops' && role !== 'supervisor') refuse('input', `ops work goes to ops or a supervisor; ${id} is a ${role}`, { code: 'assignee_not_ops', params: { assignee: id } });
    return { id, role };
  }
  const theirs = ROLE_LEVEL[role];
  if (theirs === undefined) refuse('input', `${id} is read-only (${role}) and cannot own a case being decided`, { code: 'assignee_read_only', params: { assignee: id } });
  if (theirs < s.level) {
    refuse('input', `${id} works at level ${theirs}; this case is at level ${s.level}`, { code: 'assignee_below_level', params: { assignee: id, assigneeLevel: theirs, caseLevel: s.level } });
  }
  return { id, role };
}

function decision(kind: 'resolve' | 'reject', empty: string): ActionDef {
  return {
    guard: (ctx, actor) => void deciding(ctx, actor),
    apply(ctx, actor, args) {
      deciding(ctx, actor);
      decideCase(ctx, { kind, actor, reason: text(args, 'reason', empty) });
      ctx.reply = { status: ctx.s.status };
    },
  };
}

/** The authority limit a role settles up to at once, for the console's explanations. */
export function limitOf(ctx: Ctx, role: StaffRole): number | undefined {
  const level = ROLE_LEVEL[role] as Level | undefined;
  return level === undefined ? undefined : ctx.s.machine.rules?.policy.authorityFen[level];
}
