/** From a decision to money moved exactly once, then the apology, the voucher and the close. */
import { deadlineAfter } from '../deadlines';
import { defaultOwner } from '../escalation';
import { refundFee, type SettlementKind } from '../fees';
import { consume, moneyPlan, netPosition, type Claim, type Movement } from '../money';
import { apologyReason, apologyText } from '../notices';
import { settlementOutcome, whatHappened } from '../settlement';
import { addMinutes, call, iso, record, rules, send, type Ctx } from './context';
import { gatherEvidence, tellOpening } from './opening';
import { apologyTemplate } from './sms-templates';
import { FAST_PATH_VERSION, publicView, type Actor, type CaseDecision, type Refund, type Settlement } from './state';

/** Automatic retries of a refused money step or voucher before the case waits for a person. */
export const MANUAL_AUTO_RETRIES = 3;
/** Re-plans (fresh ledger, new movements) after a provider refused a movement. */
export const MAX_REPLANS = 2;

export interface SettlementRequest {
  kind: SettlementKind;
  refundFen: number;
  platformAtFault: boolean;
  reason: string;
  automatic: boolean;
}

/** True when the engine's own findings prove the platform (or its driver) at fault. */
export function provenFault(ctx: Ctx): boolean {
  return ctx.s.findings.some((f) => f.platformAtFault);
}

export function settlementFor(ctx: Ctx, actor: Actor, req: SettlementRequest): Settlement {
  const s = ctx.s;
  const platformAtFault = req.platformAtFault || provenFault(ctx);
  const fee = refundFee(rules(ctx).policy, { kind: req.kind, refundFen: req.refundFen, platformAtFault, tariff: s.machine.ledger?.tariff });
  return {
    kind: req.kind,
    refundFen: req.refundFen,
    feeFen: fee.feeFen,
    feeRule: fee.rule,
    platformAtFault,
    reason: req.reason,
    approvedBy: actor,
    automatic: req.automatic,
    at: iso(ctx.now),
    claims: claimsFor(ctx, req.kind, req.refundFen - fee.feeFen),
  };
}

/** The relief pays the findings first, each for what it is still owed; the rest is this case's own. */
export function claimsFor(ctx: Ctx, kind: SettlementKind, reliefFen: number): Claim[] {
  const claims: Claim[] = [];
  let rest = reliefFen;
  for (const f of ctx.s.findings) {
    if (!f.claim || f.refundDueFen <= 0 || rest <= 0) continue;
    const take = Math.min(rest, f.refundDueFen);
    claims.push({ ...f.claim, amountFen: take });
    rest -= take;
  }
  if (rest > 0) {
    const forWhat = kind === 'cancellation' ? 'CANCEL' : `COMP-${ctx.s.caseRef.slice(-8)}`;
    claims.push({ forWhat, amountFen: rest, from: [], purpose: kind });
  }
  return claims;
}

export function decideCase(ctx: Ctx, decision: CaseDecision): void {
  const s = ctx.s;
  s.machine.decision = decision;
  s.pendingProposal = undefined;
  s.clockPausedRemainingMs = undefined;
  delete s.machine.retries.evidence;
  if (decision.kind === 'settle') {
    s.settlement = decision.settlement;
    const st = decision.settlement;
    record(ctx, st.approvedBy.id, 'decided_settle', `refund ${st.refundFen} fen, fee ${st.feeFen} fen (${st.feeRule}): ${st.reason}`);
  } else {
    s.resolutionSummary = decision.reason;
    record(ctx, decision.actor.id, `decided_${decision.kind}`, decision.reason);
  }
  s.status = 'settling';
  decideMoney(ctx);
}

/** Plans the money once what it rests on is known: whether the charge is held, and the ledger. */
export function decideMoney(ctx: Ctx): void {
  const s = ctx.s;
  const decision = s.machine.decision!;
  if (s.status === 'needs_manual') leaveManual(ctx);
  s.status = 'settling';
  if (s.machine.holdFailed) {
    // The provider may hold the charge though its answer was lost: ask again before any money moves.
    delete s.machine.retries.hold;
    if (!s.machine.calls.hold) call(ctx, 'hold', 'holdAutoCharge', { orderId: s.orderId, idempotencyKey: `${s.caseRef}:hold` }, 'hold');
    return;
  }
  if ((s.machine.ledger === undefined || s.machine.ledgerStale) && reliefOf(decision) > 0) {
    // Money is planned on the ledger's net position; without it nothing can be paid safely.
    s.machine.awaitingLedger = true;
    if (!Object.keys(s.machine.calls).some((k) => k.startsWith('evidence:'))) gatherEvidence(ctx);
    return;
  }
  planMoney(ctx);
}

function reliefOf(decision: CaseDecision): number {
  return decision.kind === 'settle' ? decision.settlement.refundFen - decision.settlement.feeFen : 0;
}

export function planMoney(ctx: Ctx): void {
  const s = ctx.s;
  const decision = s.machine.decision!;
  const plan = moneyPlan({
    orderId: s.orderId,
    claims: decision.kind === 'settle' ? decision.settlement.claims : [],
    held: s.hold?.status === 'held' ? { holdId: s.hold.holdId, amountFen: s.hold.amountFen } : undefined,
    decision: decision.kind,
    position: s.machine.ledger ? netPosition(s.machine.ledger) : undefined,
  });
  for (const note of plan.notes) record(ctx, 'system', 'money_note', note);
  s.machine.money = { movements: plan.movements, next: 0, replans: 0, notes: plan.notes };
  runNextMovement(ctx);
}

/** After a refusal that has a re-plan: the relief not yet delivered, against the fresh ledger. */
export function replanMoney(ctx: Ctx): void {
  const s = ctx.s;
  const money = s.machine.money!;
  const decision = s.machine.decision!;
  const done = money.movements.slice(0, money.next);
  const claims = decision.kind === 'settle' ? consume(decision.settlement.claims, deliveredFen(ctx, done)) : [];
  const plan = moneyPlan({
    orderId: s.orderId,
    claims,
    held: s.hold?.status === 'held' ? { holdId: s.hold.holdId, amountFen: s.hold.amountFen } : undefined,
    decision: decision.kind,
    position: s.machine.ledger ? netPosition(s.machine.ledger) : undefined,
  });
  for (const note of plan.notes) record(ctx, 'system', 'money_note', note);
  money.movements = [...done, ...plan.movements];
  money.notes.push(...plan.notes);
  runNextMovement(ctx);
}

/** Relief already given by the movements done: refunds, and what a capture or release took off the hold. */
export function deliveredFen(ctx: Ctx, done: Movement[]): number {
  const held = ctx.s.hold?.amountFen ?? 0;
  return done.reduce((sum, m) => sum + (m.kind === 'refund' ? m.amountFen : m.kind === 'release' ? held : held - m.amountFen), 0);
}

export function runNextMovement(ctx: Ctx): void {
  const s = ctx.s;
  const money = s.machine.money!;
  const m = money.movements[money.next];
  if (!m) return apologize(ctx);
  const step = `money:${money.next}`;
  const reason = s.machine.decision?.kind === 'settle' ? s.machine.decision.settlement.reason : '';
  if (m.kind === 'capture') call(ctx, step, 'captureHold', { orderId: s.orderId, idempotencyKey: m.key, amountFen: m.amountFen }, 'money');
  else if (m.kind === 'release') call(ctx, step, 'releaseHold', { orderId: s.orderId, idempotencyKey: m.key }, 'money');
  else call(ctx, step, 'refund', { orderId: s.orderId, outRequestNo: m.key, amountFen: m.amountFen, reason: `${m.purpose}: ${reason}`.slice(0, 80), transactionRef: m.transactionRef }, 'money');
}

export function onMovementDone(ctx: Ctx, index: number, result: unknown): void {
  const s = ctx.s;
  const money = s.machine.money!;
  const m = money.movements[index]!;
  if (m.kind === 'capture' && s.hold) {
    s.hold = { ...s.hold, status: 'captured', capturedFen: m.amountFen };
    record(ctx, 'system', 'charge_captured', `held charge captured at ${m.amountFen} fen (was ${s.hold.amountFen})`);
  } else if (m.kind === 'release' && s.hold) {
    s.hold = { ...s.hold, status: 'released', capturedFen: 0 };
    record(ctx, 'system', 'charge_released', `held charge of ${s.hold.amountFen} fen released`);
  } else if (m.kind === 'refund') {
    const r = result as Refund & { arrival?: Refund['arrival'] };
    s.refunds.push({ outRequestNo: r.outRequestNo, amountFen: r.amountFen, status: r.status, refundId: r.refundId, at: r.at, transactionRef: m.transactionRef, purpose: m.purpose, ...(r.arrival ? { arrival: r.arrival } : {}) });
    if (r.status === 'processing') {
      // The rail took the refund and settles it later: wait for its word, a notification or a poll.
      money.awaiting = { index, outRequestNo: r.outRequestNo, transactionRef: m.transactionRef, pollAt: addMinutes(ctx.now, rules(ctx).policy.refundPollMinutes) };
      record(ctx, 'system', 'refund_processing', `refund ${r.amountFen} fen of transaction ${m.transactionRef ?? '-'} accepted by the rail, reference ${r.refundId}; awaiting its result`);
      return;
    }
    record(ctx, 'system', 'refunded', `refund ${r.amountFen} fen of transaction ${m.transactionRef ?? '-'} (${m.purpose}), reference ${r.refundId}`);
  }
  money.next = index + 1;
  runNextMovement(ctx);
}

/** Asks the rail after a refund it is still processing. */
export function pollRefund(ctx: Ctx): void {
  const a = ctx.s.machine.money?.awaiting;
  if (!a) return;
  call(ctx, 'refund-status', 'refundStatus', { orderId: ctx.s.orderId, outRequestNo: a.outRequestNo, transactionRef: a.transactionRef ?? '' }, 'optional');
}

/** The rail's word on an awaited refund, by notification or by poll. */
export function onRefundResult(ctx: Ctx, status: string | undefined, detail: { refundId?: string; arrival?: Refund['arrival']; notificationId?: string } = {}): void {
  const s = ctx.s;
  const money = s.machine.money;
  const a = money?.awaiting;
  if (!money || !a) return;
  if (detail.notificationId) {
    if (money.notified?.includes(detail.notificationId)) return;
    money.notified = [...(money.notified ?? []), detail.notificationId].slice(-20);
  }
  const refund = [...s.refunds].reverse().find((r) => r.outRequestNo === a.outRequestNo);
  if (status === 'SUCCESS') {
    if (refund) Object.assign(refund, { status: 'succeeded' as const, ...(detail.arrival ? { arrival: detail.arrival } : {}) });
    money.awaiting = undefined;
    record(ctx, 'system', 'refunded', `refund ${refund?.amountFen ?? ''} fen of transaction ${a.transactionRef ?? '-'} completed on the rail, reference ${refund?.refundId ?? detail.refundId ?? '-'}`);
    money.next = a.index + 1;
    return runNextMovement(ctx);
  }
  if (status === 'ABNORMAL' || status === 'CLOSED') {
    if (refund) refund.status = 'failed';
    money.awaiting = undefined;
    return refundNotCompleted(ctx, a.index, `the rail ended the refund ${status}: no money reached the customer`);
  }
  // Still processing (or not visible yet): ask again later.
  a.pollAt = addMinutes(ctx.now, rules(ctx).policy.refundPollMinutes);
}

/** No money moved: a new refund needs a new number (the rail keeps the old one ended), and a person decides when. */
function refundNotCompleted(ctx: Ctx, index: number, reason: string): void {
  const m = ctx.s.machine.money!.movements[index]!;
  const base = m.key.replace(/-R\d+$/, '');
  const attempt = Number(/-R(\d+)$/.exec(m.key)?.[1] ?? '1') + 1;
  m.key = `${base.slice(0, 60)}-R${attempt}`;
  record(ctx, 'system', 'provider_refused', `${m.purpose} (refund ${m.amountFen} fen): ${reason}`);
  needsManual(ctx, `money:${index}`, `${m.purpose} (refund ${m.amountFen} fen) did not complete: ${reason}`);
}

/** Refusals the rails answer with that have a better plan: the hold expired, or less is left to refund. */
function replannable(m: Movement, status: number | undefined): boolean {
  if (m.kind === 'refund') return status === 422;
  return status === 409;
}

export function onMovementFailed(ctx: Ctx, index: number, message: string, status?: number, code?: string): void {
  const s = ctx.s;
  const money = s.machine.money!;
  const m = money.movements[index]!;
  if (code === 'RefundNotCompleted') return refundNotCompleted(ctx, index, message);
  record(ctx, 'system', 'provider_refused', `${m.purpose} (${m.kind} ${m.amountFen} fen) failed: ${message}`);
  if (replannable(m, status) && money.replans < MAX_REPLANS) {
    money.replans += 1;
    if (m.kind !== 'refund' && s.hold?.status === 'held') {
      // The provider would not adjust the hold: past its maximum it charged the order itself.
      s.hold = { ...s.hold, status: 'captured', capturedFen: s.hold.amountFen };
      record(ctx, 'system', 'charge_executed', `the provider no longer holds the charge: ${s.hold.amountFen} fen was charged; the difference is refunded instead`);
    }
    record(ctx, 'system', 'money_replan', `re-planning on the ledger as it is now (${money.replans}/${MAX_REPLANS})`);
    s.machine.ledgerStale = true;
    s.machine.awaitingLedger = true;
    gatherEvidence(ctx);
    return;
  }
  needsManual(ctx, `money:${index}`, `${m.purpose} (${m.kind} ${m.amountFen} fen) was refused: ${message}`);
}

/** An explicit state a person can act on: owner the ops queue, a deadline, and the exits. */
export function needsManual(ctx: Ctx, step: string, reason: string): void {
  const s = ctx.s;
  const { policy, calendar } = rules(ctx);
  const previous = s.manual?.step === step ? s.manual.autoRetries : 0;
  const deadline = deadlineAfter(policy, calendar, s.tier, ctx.now, policy.opsResolveMinutes);
  const autoRetry = step === 'apology' || previous < MANUAL_AUTO_RETRIES;
  s.manual = {
    reason,
    step,
    since: iso(ctx.now),
    deadline: s.manual?.step === step ? s.manual.deadline : iso(deadline.at),
    autoRetries: previous,
    ...(autoRetry ? { retryAt: addMinutes(ctx.now, policy.apology.retryEveryMinutes) } : {}),
  };
  if (s.manual.deadline === iso(deadline.at)) s.deadlines.push({ kind: 'manual', at: s.manual.deadline, provisional: deadline.provisional });
  s.status = 'needs_manual';
  s.owner = 'queue:ops';
  s.nextDeadline = s.manual.deadline;
  s.flags.needsOps = true;
  s.opsReason = reason;
  record(ctx, 'system', 'needs_manual', `${reason}; ops own the case until ${s.manual.deadline}${autoRetry ? `, next automatic retry ${s.manual.retryAt}` : ''}`);
  // Settled at once, now waiting for a person: the customer and the OA learn when it is due.
  if (s.machine.openingWaived) tellOpening(ctx);
}

/** Runs the refused step again (an ops retry or the automatic one). */
export function resumeManual(ctx: Ctx, actor: string, automatic: boolean): void {
  const s = ctx.s;
  const manual = s.manual!;
  const step = manual.step;
  leaveManual(ctx);
  if (automatic) s.manual = { ...manual, autoRetries: manual.autoRetries + 1 };
  record(ctx, actor, 'manual_retry', `${automatic ? 'automatic' : 'ops'} retry of ${step}`);
  if (step.startsWith('money:')) {
    s.status = 'settling';
    if (s.machine.ledger === undefined || s.machine.ledgerStale || !s.machine.money) {
      s.machine.awaitingLedger = true;
      return gatherEvidence(ctx);
    }
    s.machine.money.next = Number(step.slice('money:'.length));
    runNextMovement(ctx);
  } else if (step === 'apology') {
    s.status = 'apologizing';
    const round = (s.machine.sends.apology?.round ?? s.machine.apologyRound ?? 1) + 1;
    s.machine.apologyRound = round;
    send(ctx, `apology-retry-${round}`, 'apology', s.machine.apologyText!, round, s.machine.apologyTemplate);
  } else if (step === 'voucher') {
    s.status = 'apologizing';
    deliverVoucher(ctx);
  } else if (step === 'hold') {
    s.status = 'settling';
    call(ctx, 'hold', 'holdAutoCharge', { orderId: s.orderId, idempotencyKey: `${s.caseRef}:hold` }, 'hold');
  }
}

function leaveManual(ctx: Ctx): void {
  const s = ctx.s;
  s.owner = s.levels[s.levels.length - 1]?.owner ?? defaultOwner(s.level);
  s.nextDeadline = s.machine.currentDeadline?.at;
  s.flags.needsOps = false;
  s.opsReason = undefined;
  s.manual = undefined;
}

/** Ops paid by hand outside the engine (or gave up on the money): the case goes on to its apology. */
export function finishManualMoney(ctx: Ctx, actor: Actor, how: 'by_hand' | 'abandoned', note: string): void {
  const s = ctx.s;
  const money = s.machine.money!;
  const left = money.movements.slice(money.next);
  leaveManual(ctx);
  record(ctx, actor.id, how === 'by_hand' ? 'settled_by_hand' : 'money_abandoned', `${left.map((m) => `${m.kind} ${m.amountFen} fen`).join(', ')}: ${note}`);
  if (how === 'abandoned') money.movements = money.movements.slice(0, money.next);
  else money.next = money.movements.length;
  apologize(ctx);
}

export function apologize(ctx: Ctx): void {
  const s = ctx.s;
  const decision = s.machine.decision!;
  const money = s.machine.money;
  const done = money ? money.movements.slice(0, money.next) : [];
  const relief = deliveredFen(ctx, done);
  const position = s.machine.ledger ? netPosition(s.machine.ledger) : undefined;
  const costFen = position ? position.paidFen + position.pendingFen : s.hold?.amountFen;
  const settlement = decision.kind === 'settle' ? decision.settlement : undefined;
  const outcome = settlementOutcome(decision.kind, relief, settlement?.feeFen ?? 0, costFen);
  s.outcome = outcome;
  s.outcomeAt = iso(ctx.now);
  s.status = 'apologizing';
  const fee = settlement && settlement.feeFen > 0 ? refundFee(rules(ctx).policy, { kind: settlement.kind, refundFen: settlement.refundFen, platformAtFault: settlement.platformAtFault, tariff: s.machine.ledger?.tariff }) : undefined;
  const text = apologyText(s.language, {
    caseRef: s.caseRef,
    outcome,
    whatHappened: whatHappened(s.findings),
    refundFen: relief + (settlement?.feeFen ?? 0),
    feeFen: settlement?.feeFen ?? 0,
    feeExplanation: fee?.explanation,
    refundReference: s.refunds.filter((r) => r.status === 'succeeded').map((r) => r.refundId).join(', ') || undefined,
    arrival: [...s.refunds].reverse().find((r) => r.status === 'succeeded' && r.arrival)?.arrival,
    chargedFen: s.hold?.capturedFen,
    decidedAt: ctx.now,
    reason: apologyReason(decision),
  });
  const template = apologyTemplate(s.language, { caseRef: s.caseRef, outcome, findings: s.findings, reliefFen: relief, reference: s.refunds.find((r) => r.status === 'succeeded')?.refundId, at: ctx.now });
  s.machine.apologyText = text;
  s.machine.apologyTemplate = template;
  s.machine.apologyRound = 1;
  send(ctx, 'apology', 'apology', text, 1, template);
  // The voucher says what the money did, which is final now: it need not wait for the SMS receipt.
  if (s.machine.version >= FAST_PATH_VERSION && voucherOwed(ctx)) deliverVoucher(ctx);
}

function voucherOwed(ctx: Ctx): boolean {
  return ctx.s.tier === 'enterprise' && !ctx.s.machine.voucherDone;
}

export function onApologyDelivered(ctx: Ctx): void {
  const s = ctx.s;
  s.apologyDelivered = true;
  s.flags.apologyUndeliverable = false;
  if (voucherOwed(ctx)) {
    // Out with the apology (fast path), or refused and waiting for ops: the case closes after it.
    if (s.machine.calls.voucher || s.manual?.step === 'voucher') return;
    return deliverVoucher(ctx);
  }
  close(ctx);
}

export function deliverVoucher(ctx: Ctx): void {
  const s = ctx.s;
  call(ctx, 'voucher', 'deliverOaVoucher', { orderId: s.orderId, idempotencyKey: `${s.caseRef}:oa-voucher`, state: publicView(s) }, 'voucher');
}

export function onVoucher(ctx: Ctx, result: { instanceId: string } | null): void {
  const s = ctx.s;
  s.machine.voucherDone = true;
  if (result) record(ctx, 'system', 'oa_voucher', `written explanation and payment voucher attached to approval ${result.instanceId}`);
  if (s.status === 'needs_manual' && s.manual?.step === 'voucher') leaveManual(ctx);
  // The voucher went out with the apology: the case closes once the apology is delivered too.
  if (!s.apologyDelivered) {
    if (s.status === 'needs_manual') return;
    s.status = 'apologizing';
    // The apology failed on every channel while ops were on the voucher: it is their next step.
    if (!Object.values(s.machine.sends).some((p) => p.purpose === 'apology')) needsManual(ctx, 'apology', 'the apology could not be delivered on any channel');
    return;
  }
  close(ctx);
}

export function close(ctx: Ctx): void {
  const s = ctx.s;
  s.flags.needsOps = false;
  s.opsReason = undefined;
  s.status = 'closed';
  s.closedAt = iso(ctx.now);
  s.nextDeadline = undefined;
  s.machine.retries = {};
  record(ctx, 'system', 'closed', `outcome ${s.outcome}`);
}
