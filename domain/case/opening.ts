/** Opening a case: the hold first, the rules, the first level's deadline, evidence, the acknowledgement. */
import { formatDeadline } from '../calendar';
import { acknowledgeDeadline, levelDeadline } from '../deadlines';
import { defaultOwner } from '../escalation';
import { ledgerFindings, orderNotFoundFinding, tripFindings, type FulfilmentFacts, type LedgerFacts, type TripFacts } from '../evidence';
import { acknowledgementText, escalationText } from '../notices';
import { automaticSettlement } from '../settlement';
import type { Level } from '../types';
import { addMinutes, call, iso, record, refuse, rules, send, type Ctx } from './context';
import type { IntakeArgs } from './events';
import { FAST_PATH_VERSION, type CaseRules, type ChargeHold, type DriverReport } from './state';
import { decideCase, needsManual, settlementFor } from './settling';
import { acknowledgementTemplate, escalationTemplate } from './sms-templates';

/** The rules are what the policy comes from: before they load, their retry interval is fixed. */
export const RULES_RETRY_MINUTES = 0.5;
/** Background retries of evidence before the case goes on with what it has. */
export const EVIDENCE_ATTEMPTS = 5;

export function onStarted(ctx: Ctx): void {
  const hold = () => call(ctx, 'hold', 'holdAutoCharge', { orderId: ctx.s.orderId, idempotencyKey: `${ctx.s.caseRef}:hold` }, 'hold');
  // The fast path runs its short calls one after another: the rules (a local read) first, so a
  // payment outage that keeps the hold retrying does not keep the case from its first promise.
  if (ctx.s.machine.version >= FAST_PATH_VERSION) {
    call(ctx, 'rules', 'loadCaseRules', {}, 'rules');
    return hold();
  }
  // The hold comes before anything else: no automatic charge may run while we look (story B).
  hold();
  call(ctx, 'rules', 'loadCaseRules', {}, 'rules');
}

export function onRules(ctx: Ctx, loaded: CaseRules): void {
  const s = ctx.s;
  s.machine.rules = loaded;
  s.machine.rulesDone = true;
  delete s.machine.retries.rules;
  s.policyVersion = loaded.policy.version;
  s.authorityFen = loaded.policy.authorityFen;
  s.rulesSnapshot = loaded.snapshot;
  record(ctx, s.createdBy.id, 'received', `complaint via ${s.channel}: ${s.description}`);
  if (loaded.snapshot?.stale) record(ctx, 'system', 'rules_stale', `the rules files are broken; this case runs on the last good snapshot ${loaded.snapshot.snapshotId} of ${loaded.snapshot.loadedAt}`);
  const received = new Date(s.receivedAt);
  const ack = acknowledgeDeadline(loaded.policy, loaded.calendar, s.tier, received);
  s.deadlines.push({ kind: 'acknowledge', at: iso(ack.at), warnAt: iso(ack.warnAt), provisional: ack.provisional });
  s.flags.provisionalDeadline = ack.provisional;
  // The customer's clock starts when the complaint was received, not when we got to it.
  enterLevel(ctx, 1, 'new complaint', 'system', received);
  begin(ctx);
}

export function onRulesFailed(ctx: Ctx, message: string): void {
  record(ctx, 'system', 'provider_refused', `loading the case rules failed: ${message}`);
  ctx.s.machine.retries.rules = addMinutes(ctx.now, RULES_RETRY_MINUTES);
}

export function onHold(ctx: Ctx, hold: ChargeHold | null): void {
  const s = ctx.s;
  s.machine.holdDone = true;
  s.machine.holdFailed = false;
  delete s.machine.retries.hold;
  if (hold) {
    s.hold = hold;
    record(ctx, 'system', 'charge_held', `automatic charge of ${hold.amountFen} fen due ${hold.dueAt} is held`);
    if (s.flags.needsOps && s.opsReason?.startsWith('the automatic charge')) {
      s.flags.needsOps = false;
      s.opsReason = undefined;
    }
  }
  begin(ctx);
}

/** The hold is not optional: it is retried until placed, and the case goes on meanwhile. */
export function onHoldFailed(ctx: Ctx, message: string): void {
  const s = ctx.s;
  s.machine.holdDone = true;
  record(ctx, 'system', 'provider_refused', `holding the automatic charge failed: ${message}; retrying`);
  // The policy may not be loaded yet (the hold and the rules go out together).
  const every = s.machine.rules?.policy.retryMinutes.hold ?? 1;
  s.machine.holdFailed = true;
  if (s.status === 'settling' && !s.machine.money) {
    // The decision waits to know whether the charge is held: a person must find out.
    return needsManual(ctx, 'hold', `the payment system does not confirm whether the automatic charge is held: ${message}`);
  }
  s.machine.retries.hold = addMinutes(ctx.now, every);
  begin(ctx);
}

/** Once the rules are known and the hold was tried, the case is under investigation. */
function begin(ctx: Ctx): void {
  const s = ctx.s;
  if (s.status !== 'received' || !s.machine.rulesDone || !s.machine.holdDone) return;
  s.status = 'investigating';
  gatherEvidence(ctx);
  // From the fast-path machine on, the first read of the records comes first: a case it settles
  // at once tells the customer once, with the apology.
  if (s.machine.version < FAST_PATH_VERSION) acknowledge(ctx, s.machine.currentDeadline!.at);
}

function acknowledge(ctx: Ctx, promised: string): void {
  const s = ctx.s;
  const by = new Date(promised);
  send(ctx, 'ack', 'acknowledgement', acknowledgementText(s.language, s.caseRef, by, s.flags.provisionalDeadline), 1, acknowledgementTemplate(s.language, s.caseRef, by));
}

/** Whether the customer is still owed the acknowledgement of the fast-path opening. */
function acknowledgementOwed(s: Ctx['s']): boolean {
  return s.machine.version >= FAST_PATH_VERSION && !s.machine.sends.ack && !s.notifications.some((n) => n.step === 'ack');
}

/**
 * A case that settled at once but must now wait (a person, a retry) tells what it waived: the
 * customer gets the promise (the time the case is now due) and the enterprise's OA the dispute.
 */
export function tellOpening(ctx: Ctx): void {
  const s = ctx.s;
  s.machine.openingWaived = false;
  if (acknowledgementOwed(s)) acknowledge(ctx, s.nextDeadline ?? s.machine.currentDeadline!.at);
  if (s.tier === 'enterprise' && !s.machine.oaTold) notifyOa(ctx);
}

export function notifyOa(ctx: Ctx): void {
  const s = ctx.s;
  const promised = s.nextDeadline ?? s.machine.currentDeadline?.at;
  if (!promised) return;
  s.machine.oaTold = true;
  call(
    ctx,
    'oa-dispute',
    'notifyOaDispute',
    {
      orderId: s.orderId,
      idempotencyKey: `${s.caseRef}:oa-dispute`,
      language: s.machine.ledger?.language ?? 'zh',
      text: oaDisputeText(s.machine.ledger?.language ?? 'zh', s.orderId, s.caseRef, promised),
    },
    'optional',
  );
}

/** The enterprise reads the OA in its own language, with times in Beijing time. */
export function oaDisputeText(lang: 'zh' | 'en', orderId: string, caseRef: string, deadline: string): string {
  const by = formatDeadline(new Date(deadline), lang);
  return lang === 'zh'
    ? `订单 ${orderId} 正在处理争议（投诉编号 ${caseRef}），承诺在 ${by} 前处理完毕。在此之前请勿审批该异常订单。`
    : `Order ${orderId} is under dispute (complaint ${caseRef}); resolution promised by ${by}. Please do not approve the anomaly until then.`;
}

export function gatherEvidence(ctx: Ctx): void {
  const s = ctx.s;
  s.machine.evidenceStale = false;
  s.machine.evidenceRuns += 1;
  call(ctx, `evidence:${s.machine.evidenceRuns}`, 'gatherEvidence', { orderId: s.orderId, orderKind: s.orderKind }, 'optional');
}

export function evidenceInFlight(ctx: Ctx): boolean {
  return Object.keys(ctx.s.machine.calls).some((k) => k.startsWith('evidence:'));
}

export function onEvidence(ctx: Ctx, evidence: { ledger: LedgerFacts | null; trip: TripFacts | null; fulfilment?: FulfilmentFacts | null }): void {
  const s = ctx.s;
  delete s.machine.retries.evidence;
  const first = s.machine.ledger === undefined;
  s.machine.ledger = evidence.ledger;
  s.machine.ledgerStale = false;
  s.machine.trip = evidence.trip;
  // Shown, never decided on: an evidence result from before the field reads as no status.
  s.machine.fulfilment = evidence.fulfilment ?? null;
  s.findings = findingsOf(s.orderId, evidence.ledger, evidence.trip, s.driverReports);
  s.flags.orderNotFound = evidence.ledger === null;
  s.owedFen = s.findings.reduce((sum, f) => sum + f.refundDueFen, 0);
  s.oaLanguage = evidence.ledger?.language ?? s.oaLanguage ?? 'zh';
  if (first || s.findings.length > 0) {
    record(ctx, 'system', 'evidence', s.findings.length ? s.findings.map((f) => f.summary.en).join('; ') : 'the payment ledger and trip trace show nothing wrong');
  }
  if (s.machine.version < FAST_PATH_VERSION) {
    // The OA is told once the order's own data (its language) is known, in the same step.
    if (first && s.tier === 'enterprise' && !s.machine.oaTold) notifyOa(ctx);
    if (s.machine.evidenceStale && !s.machine.decision) return gatherEvidence(ctx);
    return settleAutomatically(ctx);
  }
  if (s.machine.evidenceStale && !s.machine.decision) gatherEvidence(ctx);
  else settleAutomatically(ctx);
  if (!first || s.status === 'closed') return;
  if (s.machine.decision?.kind === 'settle' && s.machine.decision.settlement.automatic && s.status !== 'needs_manual') s.machine.openingWaived = true;
  else tellOpening(ctx);
}

export function findingsOf(orderId: string, ledger: LedgerFacts | null, trip: TripFacts | null, reports: DriverReport[]) {
  const admissions = reports.map((r) => ({ admittedFault: r.admittedFault, kind: r.kind }));
  return [
    ...(ledger ? ledgerFindings(ledger) : [orderNotFoundFinding(orderId)]),
    ...(trip ? tripFindings(trip, admissions, ledger) : []),
  ];
}

export function onEvidenceFailed(ctx: Ctx, message: string): void {
  const s = ctx.s;
  record(ctx, 'system', 'provider_refused', `gathering evidence failed: ${message}`);
  // Without the records the case cannot settle at once: the customer hears the promise now, and
  // an enterprise's approval that the order is disputed (in Chinese unless the order is read later).
  if (s.machine.version >= FAST_PATH_VERSION && !s.machine.openingWaived && s.status !== 'closed') {
    if (acknowledgementOwed(s)) acknowledge(ctx, s.nextDeadline ?? s.machine.currentDeadline!.at);
    if (s.tier === 'enterprise' && !s.machine.oaTold && !s.machine.decision) notifyOa(ctx);
  }
  if (s.machine.evidenceRuns < EVIDENCE_ATTEMPTS && !s.machine.decision) s.machine.retries.evidence = addMinutes(ctx.now, rules(ctx).policy.retryMinutes.evidence);
  // Without the order's data the OA is told all the same, in Chinese (a decided case tells it with the voucher).
  else if (s.tier === 'enterprise' && !s.machine.oaTold && !s.machine.decision) notifyOa(ctx);
}

/** Agreed facts (the records prove the platform at fault) settle without anyone's approval. */
function settleAutomatically(ctx: Ctx): void {
  const s = ctx.s;
  if (s.machine.decision || (s.status !== 'investigating' && s.status !== 'awaiting_customer')) return;
  const auto = automaticSettlement(rules(ctx).policy, s.findings);
  if (!auto) return;
  decideCase(ctx, { kind: 'settle', settlement: settlementFor(ctx, { id: 'engine', role: 'system' }, { kind: 'compensation', refundFen: auto.refundFen, platformAtFault: true, reason: auto.reason, automatic: true }) });
}

export function enterLevel(ctx: Ctx, level: Level, reason: string, actor: string, at = ctx.now): void {
  const s = ctx.s;
  const { policy, calendar } = rules(ctx);
  const previous = s.levels[s.levels.length - 1];
  if (previous && !previous.leftAt) previous.leftAt = iso(at);
  const deadline = levelDeadline(policy, calendar, s.tier, level, at);
  s.level = level;
  s.owner = defaultOwner(level);
  s.flags.warned = false;
  s.flags.provisionalDeadline = s.flags.provisionalDeadline || deadline.provisional;
  s.levels.push({ level, owner: s.owner, enteredAt: iso(at), deadline: iso(deadline.at), reason });
  s.deadlines.push({ kind: 'resolve', level, at: iso(deadline.at), warnAt: iso(deadline.warnAt), provisional: deadline.provisional });
  s.nextDeadline = iso(deadline.at);
  s.machine.currentDeadline = { at: iso(deadline.at), warnAt: iso(deadline.warnAt) };
  record(ctx, actor, 'level_entered', `level ${level} (${s.owner}) until ${s.nextDeadline}: ${reason}`);
}

/** A new level and its fresh deadline, told to the customer at once (never held back by a wait). */
export function escalateTo(ctx: Ctx, level: Level, reason: string, actor: string, breached: boolean): void {
  const s = ctx.s;
  if (s.status === 'awaiting_customer') {
    s.status = 'investigating';
    s.clockPausedRemainingMs = undefined;
    record(ctx, actor, 'clock_resumed', 'the case moves up the ladder; the new level gets its own full time');
  }
  enterLevel(ctx, level, reason, actor);
  const by = new Date(s.nextDeadline!);
  send(ctx, `escalation-${s.levels.length}`, 'escalation', escalationText(s.language, s.caseRef, level, by, breached), 1, escalationTemplate(s.language, s.caseRef, level, by));
}

/** The same intake key with another body is another request: refused, whether the case is open or closed. */
export function intakeKeyReused(firstBodyHash: string | undefined, bodyHash: string | undefined): string | undefined {
  return firstBodyHash && bodyHash && firstBodyHash !== bodyHash ? 'this Idempotency-Key was used with a different request body; use a new key for a new request' : undefined;
}

/** A report or a repeat on this order: the same key changes nothing; a new report refreshes the evidence. */
export function onIntake(ctx: Ctx, args: IntakeArgs, created: boolean): void {
  const s = ctx.s;
  const reply = () => ({ complaintId: s.complaintId, caseRef: s.caseRef, created, status: s.status, level: s.level, nextDeadline: s.nextDeadline });
  if (created) {
    ctx.reply = reply();
    return;
  }
  if (args.intakeKey && args.intakeKey in s.intakes) {
    const reused = intakeKeyReused(s.intakes[args.intakeKey], args.intakeBodyHash);
    if (reused) refuse('input', reused, { code: 'intake_key_reused' });
    ctx.reply = { ...reply(), repeated: true };
    return;
  }
  if (args.intakeKey) s.intakes[args.intakeKey] = args.intakeBodyHash ?? '';
  record(ctx, args.actor.id, 'intake_joined', `another report on order ${s.orderId} joined this case`);
  if (args.driverReport) addDriverReport(ctx, args.driverReport);
  ctx.reply = reply();
}

export function addDriverReport(ctx: Ctx, report: DriverReport): void {
  const s = ctx.s;
  if (s.driverReports.some((r) => r.reportId === report.reportId)) return;
  s.driverReports.push(report);
  record(ctx, `driver:${report.driverId}`, 'driver_reported', `${report.admittedFault ? 'admits fault' : 'reports'} (${report.kind}): ${report.text}`);
  if (s.machine.decision || s.status === 'received') return;
  if (evidenceInFlight(ctx)) s.machine.evidenceStale = true;
  else gatherEvidence(ctx);
}
