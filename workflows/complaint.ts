/**
 * The story of one complaint. Orchestration only: every business rule is a domain function,
 * every side effect an activity keyed by the case and the step.
 */
import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkCanAct, checkSettlementAuthority } from '../domain/authority';
import { canEscalate, defaultOwner, nextLevel } from '../domain/escalation';
import { acknowledgeDeadline, customerReplyDeadline, levelDeadline, remainingMinutes, resumedDeadline } from '../domain/deadlines';
import { ledgerFindings, tripFindings, type TripFacts } from '../domain/evidence';
import { refundFee } from '../domain/fees';
import { acknowledgementText, apologyReason, apologyText, chargeNoticeText, escalationText, requestInfoText } from '../domain/notices';
import { nextHoldEvent } from '../domain/hold';
import { automaticSettlement, moneyPlan, settlementOutcome, whatHappened } from '../domain/settlement';
import { toShanghaiIso } from '../domain/calendar';
import {
  SA,
  addNoteUpdate,
  claimUpdate,
  approveSettlementUpdate,
  customerRepliedSignal,
  driverReportedSignal,
  escalateUpdate,
  intakeUpdate,
  oaStatusChangedSignal,
  proposeSettlementUpdate,
  rejectUpdate,
  requestInfoUpdate,
  resolveUpdate,
  opsRetrySignal,
  stateQuery,
  TIMER_LABELS,
  withdrawUpdate,
  type Actor,
  type CaseRules,
  type ComplaintInput,
  type ComplaintState,
  type Level,
  type Notification,
  type Outcome,
  type Settlement,
  type StaffRole,
  type Status,
} from './definitions';

const { loadCaseRules, gatherEvidence, holdAutoCharge, releaseHold, captureHold, refund, notifyOaDispute, deliverOaVoucher } =
  proxyActivities<Activities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });

type Decision =
  | { kind: 'settle'; settlement: Settlement }
  | { kind: 'resolve' | 'reject' | 'withdraw'; actor: Actor; reason: string };

/** Acknowledgement attempts in all, the first included, before it is left to the apology. */
const ACK_RETRY_ROUNDS = 6;

const OPEN_FOR_ACTIONS = new Set(['acknowledged', 'investigating', 'awaiting_customer']);

function refuse(type: 'InvalidState' | 'NotPermitted' | 'AuthorityExceeded' | 'InvalidInput', message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function iso(d: Date): string {
  return toShanghaiIso(d);
}

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintState> {
  const info = workflowInfo();
  // Run ids are UUIDv7: the leading digits are a timestamp shared by cases started close together,
  // so the case reference takes the random tail. It keys every side effect of this complaint.
  const caseRef = `${input.orderId}-${info.firstExecutionRunId.replace(/-/g, '').slice(-8).toUpperCase()}`;
  const key = (step: string) => `${caseRef}:${step}`;
  const receivedAt = new Date();

  const state: ComplaintState = {
    complaintId: info.workflowId,
    caseRef,
    orderId: input.orderId,
    customerId: input.customerId,
    category: input.category,
    tier: input.tier,
    channel: input.channel,
    orderKind: input.orderKind,
    description: input.description,
    language: input.customer.language,
    status: 'received',
    level: 1,
    owner: defaultOwner(1),
    policyVersion: '',
    receivedAt: iso(receivedAt),
    deadlines: [],
    flags: { warned: false, breached: false, provisionalDeadline: false, apologyUndeliverable: false, needsOps: false },
    levels: [],
    findings: [],
    driverReports: input.driverReport ? [input.driverReport] : [],
    refunds: [],
    notifications: [],
    notes: [],
    events: [],
    apologyDelivered: false,
  };

  let rules: CaseRules | undefined;
  let decision: Decision | undefined;
  /** Bumped by every handler, so the main loop re-evaluates instead of sleeping on a stale timer. */
  let changes = 0;
  let customerReplied = false;
  let evidenceStale = false;
  let opsRetryRequested = false;
  let chargeNoticeSent = false;
  let currentDeadline: { at: Date; warnAt: Date } | undefined;
  let trip: TripFacts | null = null;
  let orderAmountFen: number | undefined;
  const noticeQueue: Array<{ purpose: Notification['purpose']; step: string; text: string }> = [];

  const record = (actor: string, kind: string, text: string) => {
    state.events.push({ at: iso(new Date()), actor, kind, text });
  };
  const touch = () => {
    changes++;
    publish();
  };

  let published = '';
  // Cases are started with their search attributes by the API. One started without them (the
  // time-skipping test server cannot register custom attributes) keeps its state to the query.
  const publishes = info.typedSearchAttributes.get(SA.orderId) !== undefined;
  function publish(): void {
    if (!publishes) return;
    const next = {
      status: state.status,
      level: state.level,
      owner: state.owner,
      nextDeadline: state.nextDeadline,
      breached: state.flags.breached,
      warned: state.flags.warned,
      outcome: state.outcome,
    };
    const fingerprint = JSON.stringify(next);
    if (fingerprint === published) return;
    published = fingerprint;
    upsertSearchAttributes([
      { key: SA.status, value: next.status },
      { key: SA.level, value: next.level },
      { key: SA.owner, value: next.owner },
      { key: SA.breached, value: next.breached },
      { key: SA.warned, value: next.warned },
      { key: SA.outcome, value: next.outcome ?? null },
      { key: SA.orderId, value: state.orderId },
      { key: SA.customerId, value: state.customerId },
      { key: SA.category, value: state.category },
      { key: SA.tier, value: state.tier },
      { key: SA.nextDeadline, value: next.nextDeadline ? new Date(next.nextDeadline) : null },
    ]);
  }

  function requireRules(): CaseRules {
    if (!rules) refuse('InvalidState', 'the case is still being opened; try again in a moment');
    return rules;
  }

  function requireOpen(actor: Actor): StaffRole {
    if (decision || !OPEN_FOR_ACTIONS.has(state.status)) refuse('InvalidState', `the case is ${state.status}; no more decisions can be taken`);
    return requireStaff(actor);
  }

  function requireStaff(actor: Actor): StaffRole {
    if (actor.role === 'system' || actor.role === 'customer' || actor.role === 'driver_app') {
      refuse('NotPermitted', `${actor.role} cannot take agent actions`);
    }
    return actor.role;
  }

  function requireLevel(role: StaffRole): void {
    const verdict = checkCanAct(role, state.level);
    if (!verdict.allowed) refuse('NotPermitted', verdict.reason);
  }

  function enterLevel(level: Level, reason: string, actor: string, now = new Date()): void {
    const { policy, calendar } = requireRules();
    const previous = state.levels[state.levels.length - 1];
    if (previous && !previous.leftAt) previous.leftAt = iso(now);
    const deadline = levelDeadline(policy, calendar, state.tier, level, now);
    state.level = level;
    state.owner = defaultOwner(level);
    state.flags.warned = false;
    state.flags.provisionalDeadline = state.flags.provisionalDeadline || deadline.provisional;
    state.levels.push({ level, owner: state.owner, enteredAt: iso(now), deadline: iso(deadline.at), reason });
    state.deadlines.push({ kind: 'resolve', level, at: iso(deadline.at), warnAt: iso(deadline.warnAt), provisional: deadline.provisional });
    state.nextDeadline = iso(deadline.at);
    currentDeadline = deadline;
    record(actor, 'level_entered', `level ${level} (${state.owner}) until ${state.nextDeadline}: ${reason}`);
  }

  function escalateTo(level: Level, reason: string, actor: string, breached: boolean): void {
    enterLevel(level, reason, actor);
    noticeQueue.push({
      purpose: 'escalation',
      step: `escalation-${state.levels.length}`,
      text: escalationText(state.language, caseRef, level, currentDeadline!.at, breached),
    });
  }

  function decide(d: Decision): void {
    decision = d;
    if (d.kind === 'settle') state.settlement = d.settlement;
    else state.resolutionSummary = d.reason;
    const who = d.kind === 'settle' ? d.settlement.approvedBy.id : d.actor.id;
    record(who, `decided_${d.kind}`, d.kind === 'settle' ? `refund ${d.settlement.refundFen} fen, fee ${d.settlement.feeFen} fen: ${d.settlement.reason}` : d.reason);
    touch();
  }

  function settlementFor(actor: Actor, refundFen: number, platformAtFault: boolean, reason: string, automatic: boolean): Settlement {
    const { policy } = requireRules();
    const fee = refundFee(policy, { refundFen, platformAtFault });
    return { refundFen, feeFen: fee.feeFen, feeRule: fee.rule, platformAtFault, reason, approvedBy: actor, automatic, at: iso(new Date()) };
  }

  // Handlers first: a message that arrives with the start must find them registered.
  setHandler(stateQuery, () => state);

  setHandler(
    intakeUpdate,
    async (args) => {
      const created = args.intakeId === input.intakeId;
      if (!created) {
        record(args.actor.id, 'intake_joined', `a second report on order ${state.orderId} joined this case`);
        if (args.driverReport && !state.driverReports.some((r) => r.reportId === args.driverReport!.reportId)) {
          state.driverReports.push(args.driverReport);
          evidenceStale = true;
        }
        touch();
      }
      await condition(() => state.nextDeadline !== undefined || state.status === 'closed');
      return { complaintId: state.complaintId, caseRef, created, status: state.status, level: state.level, nextDeadline: state.nextDeadline };
    },
    { validator: (args) => void requireIntakeActor(args.actor) },
  );

  setHandler(
    proposeSettlementUpdate,
    (args) => {
      const { policy } = requireRules();
      const verdict = checkSettlementAuthority(policy, args.actor.role as StaffRole, args.refundFen);
      const settlement = settlementFor(args.actor, args.refundFen, args.platformAtFault, args.reason, false);
      if (verdict.allowed) {
        decide({ kind: 'settle', settlement });
        return { settled: true, refundFen: settlement.refundFen, feeFen: settlement.feeFen };
      }
      const needsLevel = verdict.approverLevel!;
      state.pendingProposal = { ...settlement, proposedBy: args.actor, needsLevel, at: settlement.at };
      record(args.actor.id, 'settlement_proposed', `refund ${args.refundFen} fen awaits level ${needsLevel} approval: ${args.reason}`);
      if (state.level < needsLevel) escalateTo(needsLevel, `settlement of ${args.refundFen} fen needs level ${needsLevel} approval`, args.actor.id, false);
      touch();
      return { settled: false, pendingLevel: needsLevel };
    },
    {
      validator: (args) => {
        const role = requireOpen(args.actor);
        requireLevel(role);
        if (!Number.isSafeInteger(args.refundFen) || args.refundFen < 0) refuse('InvalidInput', 'refundFen must be a non-negative integer');
        const verdict = checkSettlementAuthority(requireRules().policy, role, args.refundFen);
        if (!verdict.allowed && (!args.forApproval || !verdict.approverLevel)) refuse('AuthorityExceeded', verdict.reason);
      },
    },
  );

  setHandler(
    approveSettlementUpdate,
    (args) => {
      const p = state.pendingProposal!;
      state.pendingProposal = undefined;
      const settlement = settlementFor(args.actor, p.refundFen, p.platformAtFault, p.reason, false);
      decide({ kind: 'settle', settlement });
      return { settled: true, refundFen: settlement.refundFen, feeFen: settlement.feeFen };
    },
    {
      validator: (args) => {
        const role = requireOpen(args.actor);
        const pending = state.pendingProposal;
        if (!pending) refuse('InvalidState', 'there is no settlement waiting for approval');
        const verdict = checkSettlementAuthority(requireRules().policy, role, pending.refundFen);
        if (!verdict.allowed) refuse('AuthorityExceeded', verdict.reason);
      },
    },
  );

  setHandler(
    escalateUpdate,
    (args) => {
      escalateTo(nextLevel(state.level), args.reason, args.actor.id, false);
      touch();
      return { level: state.level, deadline: state.nextDeadline! };
    },
    {
      validator: (args) => {
        requireRules();
        requireLevel(requireOpen(args.actor));
        if (!canEscalate(state.level)) refuse('InvalidState', 'the case is already with a supervisor, the top of the ladder');
        if (!args.reason?.trim()) refuse('InvalidInput', 'an escalation needs a reason');
      },
    },
  );

  setHandler(
    requestInfoUpdate,
    (args) => {
      const { policy, calendar } = requireRules();
      const now = new Date();
      state.clockPausedRemainingMs =
        remainingMinutes(policy, calendar, state.tier, now, currentDeadline!.at) * 60_000;
      const replyBy = customerReplyDeadline(policy, calendar, state.tier, now);
      state.status = 'awaiting_customer';
      state.nextDeadline = iso(replyBy.at);
      customerReplied = false;
      record(args.actor.id, 'info_requested', `${args.question} (reply by ${state.nextDeadline}; clock paused)`);
      noticeQueue.push({ purpose: 'request_info', step: `request-info-${state.events.length}`, text: requestInfoText(state.language, caseRef, args.question, replyBy.at) });
      touch();
      return { status: state.status };
    },
    {
      validator: (args) => {
        requireRules();
        requireLevel(requireOpen(args.actor));
        if (state.status !== 'investigating') refuse('InvalidState', `the case is ${state.status}; it can ask the customer only while investigating`);
        if (!args.question?.trim()) refuse('InvalidInput', 'the question is empty');
      },
    },
  );

  for (const [def, kind] of [
    [resolveUpdate, 'resolve'],
    [rejectUpdate, 'reject'],
  ] as const) {
    setHandler(
      def,
      (args) => {
        decide({ kind, actor: args.actor, reason: args.reason });
        return { status: state.status };
      },
      {
        validator: (args) => {
          requireRules();
          requireLevel(requireOpen(args.actor));
          if (!args.reason?.trim()) refuse('InvalidInput', `a ${kind} needs a reason the customer will read`);
        },
      },
    );
  }

  setHandler(
    withdrawUpdate,
    (args) => {
      decide({ kind: 'withdraw', actor: args.actor, reason: args.reason });
      return { status: state.status };
    },
    {
      validator: (args) => {
        requireRules();
        const role = requireOpen(args.actor);
        if (role === 'ops') refuse('NotPermitted', 'ops cannot withdraw a complaint for the customer');
        if (!args.reason?.trim()) refuse('InvalidInput', 'a withdrawal needs the customer\'s reason');
      },
    },
  );

  setHandler(
    addNoteUpdate,
    (args) => {
      state.notes.push({ at: iso(new Date()), actor: args.actor.id, kind: 'note', text: args.text });
      touch();
      return { notes: state.notes.length };
    },
    {
      validator: (args) => {
        requireStaff(args.actor);
        if (!args.text?.trim()) refuse('InvalidInput', 'the note is empty');
      },
    },
  );

  setHandler(
    claimUpdate,
    (args) => {
      state.owner = args.actor.id;
      const visit = state.levels[state.levels.length - 1];
      if (visit) visit.owner = args.actor.id;
      record(args.actor.id, 'claimed', `level ${state.level} owned by ${args.actor.id}`);
      touch();
      return { owner: state.owner };
    },
    {
      validator: (args) => {
        requireRules();
        requireLevel(requireOpen(args.actor));
        if (state.owner === args.actor.id) refuse('InvalidState', `the case is already owned by ${args.actor.id}`);
      },
    },
  );

  setHandler(customerRepliedSignal, ({ text }) => {
    record('customer', 'customer_replied', text);
    customerReplied = true;
    touch();
  });

  setHandler(driverReportedSignal, (report) => {
    if (state.driverReports.some((r) => r.reportId === report.reportId)) return;
    state.driverReports.push(report);
    record(`driver:${report.driverId}`, 'driver_reported', `${report.admittedFault ? 'admits fault' : 'reports'} (${report.kind}): ${report.text}`);
    evidenceStale = true;
    touch();
  });

  setHandler(oaStatusChangedSignal, ({ instanceId, status }) => {
    record('oa', 'oa_status', `approval ${instanceId} is ${status}`);
    touch();
  });

  setHandler(opsRetrySignal, ({ actor }) => {
    record(actor.id, 'ops_retry_requested', `ops asked to retry: ${state.opsReason ?? 'nothing is waiting'}`);
    opsRetryRequested = true;
    touch();
  });

  // --- Opening the case -----------------------------------------------------------------
  publish();
  rules = await loadCaseRules();
  const { policy, calendar } = rules;
  state.policyVersion = policy.version;
  state.authorityFen = policy.authorityFen;
  record(input.createdBy.id, 'received', `complaint via ${input.channel}: ${input.description}`);

  // The hold comes before anything else: no automatic charge may run while we look (story B).
  const hold = await attempt('holding the automatic charge', () => holdAutoCharge({ orderId: input.orderId, idempotencyKey: key('hold') }));
  if (hold) {
    state.hold = hold;
    record('system', 'charge_held', `automatic charge of ${hold.amountFen} fen due ${hold.dueAt} is held`);
  }

  const ack = acknowledgeDeadline(policy, calendar, state.tier, receivedAt);
  state.deadlines.push({ kind: 'acknowledge', at: iso(ack.at), warnAt: iso(ack.warnAt), provisional: ack.provisional });
  // The customer's clock starts when the complaint was received, not when we got to it.
  enterLevel(1, 'new complaint', 'system', receivedAt);
  state.flags.provisionalDeadline = state.flags.provisionalDeadline || ack.provisional;
  touch();

  await refreshEvidence(true);

  if (input.tier === 'enterprise') {
    const oa = await attempt('telling the OA approval', () => notifyOaDispute({
      orderId: input.orderId,
      idempotencyKey: key('oa-dispute'),
      text: `Order ${input.orderId} is under dispute (complaint ${caseRef}); resolution promised by ${state.nextDeadline}. Please do not approve the anomaly until then.`,
    }));
    if (oa) record('system', 'oa_notified', `approval ${oa.instanceId} told the order is under dispute until ${state.nextDeadline}`);
  }

  const ackText = acknowledgementText(state.language, caseRef, currentDeadline!.at, state.flags.provisionalDeadline);
  // The case does not wait for its acknowledgement, but the promise must still reach the customer.
  if (!(await sendNotice('acknowledgement', 'ack', ackText))) void retryAcknowledgement(ackText);
  state.status = 'investigating';
  state.acknowledgedAt = iso(new Date());
  touch();

  // --- Investigation: the ladder with a deadline at every level ------------------------
  while (!decision) {
    await drainNotices();
    if (evidenceStale) await refreshEvidence(false);
    if (decision) break;
    if ((state.status as Status) === 'awaiting_customer') {
      await waitForCustomer();
      continue;
    }
    const deadline = currentDeadline!;
    const target = state.flags.warned ? deadline.at : deadline.warnAt;
    const holdEvent = nextHoldEvent(state.hold, chargeNoticeSent, policy.chargeNoticeLeadMinutes);
    const wakeAt = holdEvent && holdEvent.at < target ? holdEvent.at : target;
    const seen = changes;
    const summary =
      holdEvent && wakeAt === holdEvent.at
        ? holdEvent.kind === 'notice'
          ? TIMER_LABELS.chargeNotice
          : TIMER_LABELS.holdExpiry
        : state.flags.warned
          ? TIMER_LABELS.deadline(state.level)
          : TIMER_LABELS.warning(state.level);
    const woke = await condition(() => changes !== seen || decision !== undefined, msUntil(wakeAt), { summary });
    if (woke || decision) continue;
    if (holdEvent && wakeAt === holdEvent.at) {
      onHoldEvent(holdEvent.kind);
      continue;
    }
    if (!state.flags.warned) {
      state.flags.warned = true;
      record('system', 'warned', `level ${state.level} deadline ${state.nextDeadline} is near`);
      touch();
      continue;
    }
    state.flags.breached = true;
    record('system', 'breached', `level ${state.level} missed its deadline ${state.nextDeadline}`);
    // At the top of the ladder the supervisor gets a fresh deadline and the customer is told it.
    escalateTo(nextLevel(state.level), `deadline ${state.nextDeadline} breached`, 'system', true);
    touch();
  }
  await drainNotices();

  // --- Settling: money moves exactly once --------------------------------------------
  const final = decision;
  state.status = 'settling';
  state.nextDeadline = undefined;
  touch();
  await settleMoney(final);

  // --- The mandatory apology: nothing closes without it --------------------------------
  const outcome: Outcome = settlementOutcome(final, orderValueFen());
  state.outcome = outcome;
  state.status = 'apologizing';
  touch();
  const settlement = final.kind === 'settle' ? final.settlement : undefined;
  const apology = apologyText(state.language, {
    caseRef,
    outcome,
    whatHappened: whatHappened(state.description, state.findings),
    refundFen: settlement?.refundFen ?? 0,
    feeFen: settlement?.feeFen ?? 0,
    feeExplanation: settlement && settlement.refundFen > 0 ? refundFee(policy, { refundFen: settlement.refundFen, platformAtFault: settlement.platformAtFault }).explanation : undefined,
    refundReference: state.refunds[0]?.outRequestNo,
    chargedFen: state.hold?.capturedFen,
    decidedAt: new Date(),
    reason: apologyReason(final),
  });
  await deliverApology(apology);

  if (input.tier === 'enterprise') {
    const voucher = await withOpsRetry('delivering the OA voucher', () => deliverOaVoucher({ orderId: input.orderId, idempotencyKey: key('oa-voucher'), state }));
    if (voucher) record('system', 'oa_voucher', `written explanation and payment voucher attached to approval ${voucher.instanceId}`);
  }

  state.status = 'closed';
  state.closedAt = iso(new Date());
  record('system', 'closed', `outcome ${outcome}`);
  touch();
  await condition(allHandlersFinished);
  return state;

  // --- Steps ---------------------------------------------------------------------------

  function msUntil(at: Date): number {
    return Math.max(1, at.getTime() - Date.now());
  }

  function orderValueFen(): number | undefined {
    return orderAmountFen ?? trip?.chargedFen ?? state.hold?.amountFen;
  }

  async function refreshEvidence(first: boolean): Promise<void> {
    evidenceStale = false;
    const evidence = (await attempt('gathering evidence', () => gatherEvidence({ orderId: input.orderId, orderKind: input.orderKind }))) ?? { ledger: null, trip: null };
    trip = evidence.trip;
    orderAmountFen = evidence.ledger?.amountFen;
    const admissions = state.driverReports.map((r) => ({ admittedFault: r.admittedFault, kind: r.kind }));
    state.findings = [
      ...(evidence.ledger ? ledgerFindings(evidence.ledger) : []),
      ...(evidence.trip ? tripFindings(evidence.trip, admissions) : []),
    ];
    if (first || state.findings.length > 0) {
      record('system', 'evidence', state.findings.length ? state.findings.map((f) => f.summary.en).join('; ') : 'the records show nothing wrong');
    }
    const auto = automaticSettlement(policy, state.findings);
    if (auto && !decision) {
      decide({ kind: 'settle', settlement: settlementFor({ id: 'engine', role: 'system' }, auto.refundFen, true, auto.reason, true) });
    }
    touch();
  }

  function onHoldEvent(kind: 'notice' | 'expiry'): void {
    const hold = state.hold!;
    if (kind === 'notice') {
      chargeNoticeSent = true;
      record('system', 'charge_notice', `the provider's hold ends ${hold.maxHoldUntil}; the customer is told ${hold.amountFen} fen will be charged then`);
      noticeQueue.push({ purpose: 'charge_notice', step: 'charge-notice', text: chargeNoticeText(state.language, caseRef, hold.amountFen, new Date(hold.maxHoldUntil)) });
    } else {
      // The provider charges by itself when its hold ends; the resolution then refunds instead.
      state.hold = { ...hold, status: 'captured', capturedFen: hold.amountFen };
      record('system', 'charge_executed', `the provider's maximum hold ended: ${hold.amountFen} fen was charged`);
    }
    touch();
  }

  async function waitForCustomer(): Promise<void> {
    const replyBy = new Date(state.nextDeadline!);
    await condition(() => customerReplied || decision !== undefined, msUntil(replyBy), { summary: TIMER_LABELS.customerReply });
    if (decision) return;
    if (!customerReplied) record('system', 'customer_silent', 'no reply by the requested time; the clock resumes');
    const resumed = resumedDeadline(policy, calendar, state.tier, state.level, new Date(), (state.clockPausedRemainingMs ?? 0) / 60_000);
    currentDeadline = resumed;
    state.clockPausedRemainingMs = undefined;
    state.status = 'investigating';
    state.nextDeadline = iso(resumed.at);
    state.deadlines.push({ kind: 'resolve', level: state.level, at: iso(resumed.at), warnAt: iso(resumed.warnAt), provisional: resumed.provisional });
    record('system', 'clock_resumed', `level ${state.level} deadline is now ${state.nextDeadline}`);
    touch();
  }

  async function drainNotices(): Promise<void> {
    while (noticeQueue.length > 0) {
      const n = noticeQueue.shift()!;
      await sendNotice(n.purpose, n.step, n.text);
    }
  }

  async function sendNotice(purpose: Notification['purpose'], step: string, text: string): Promise<boolean> {
    for (const channel of policy.apology.channels) {
      const outId = key(`${step}:${channel}`);
      // Long enough for the client's timeout plus the gateway settle window (activities/messages.ts).
      const send = proxyActivities<Activities>({
        startToCloseTimeout: '30 seconds',
        heartbeatTimeout: '5 seconds',
        retry: { maximumAttempts: policy.apology.attemptsPerChannel, initialInterval: '500 ms', backoffCoefficient: 2 },
      }).sendCustomerMessage;
      try {
        const sent = await send({ outId, phone: input.customer.phone, text, channel });
        state.notifications.push({ step, purpose, channel, text, outId, status: sent.status, at: iso(new Date()) });
        record('system', 'message_sent', `${purpose} ${sent.status} by ${channel}`);
        touch();
        return true;
      } catch {
        state.notifications.push({ step, purpose, channel, text, outId, status: 'failed', at: iso(new Date()) });
        record('system', 'message_failed', `${purpose} could not be delivered by ${channel}`);
        touch();
      }
    }
    return false;
  }

  async function settleMoney(d: Decision): Promise<void> {
    const plan = moneyPlan({
      decision: d.kind,
      refundFen: d.kind === 'settle' ? d.settlement.refundFen : 0,
      feeFen: d.kind === 'settle' ? d.settlement.feeFen : 0,
      heldFen: state.hold?.status === 'held' ? state.hold.amountFen : undefined,
    });
    if (plan.captureFen !== undefined && state.hold) {
      const amountFen = plan.captureFen;
      await withOpsRetry('capturing the held charge', () => captureHold({ orderId: input.orderId, idempotencyKey: key('capture'), amountFen }));
      state.hold = { ...state.hold, status: 'captured', capturedFen: plan.captureFen };
      record('system', 'charge_captured', `held charge captured at ${plan.captureFen} fen (was ${state.hold.amountFen})`);
    } else if (plan.release && state.hold) {
      await withOpsRetry('releasing the held charge', () => releaseHold({ orderId: input.orderId, idempotencyKey: key('release') }));
      state.hold = { ...state.hold, status: 'released', capturedFen: 0 };
      record('system', 'charge_released', `held charge of ${state.hold.amountFen} fen released`);
    }
    if (plan.refundFen > 0) {
      const request = { orderId: input.orderId, outRequestNo: key('refund'), amountFen: plan.refundFen, reason: d.kind === 'settle' ? d.settlement.reason : '' };
      const done = await withOpsRetry('the refund', () => refund(request));
      state.refunds.push(done);
      record('system', 'refunded', `refund ${done.amountFen} fen, reference ${done.outRequestNo}`);
    }
    touch();
  }

  async function deliverApology(text: string): Promise<void> {
    for (let round = 1; ; round++) {
      if (await sendNotice('apology', round === 1 ? 'apology' : `apology-retry-${round}`, text)) break;
      state.flags.apologyUndeliverable = true;
      record('system', 'apology_undeliverable', 'every channel failed; ops are flagged and delivery will be retried');
      await waitForOps('the apology could not be delivered on any channel');
    }
    state.flags.apologyUndeliverable = false;
    state.apologyDelivered = true;
    touch();
  }

  async function retryAcknowledgement(text: string): Promise<void> {
    for (let round = 2; round <= ACK_RETRY_ROUNDS; round++) {
      await sleep(policy.apology.retryEveryMinutes * 60_000);
      // Once the case closed, the apology (delivered by then) told the customer everything.
      if (state.status === 'closed' || state.apologyDelivered) return;
      if (await sendNotice('acknowledgement', `ack-retry-${round}`, text)) return;
    }
    record('system', 'acknowledgement_undeliverable', 'the acknowledgement reached the customer on no channel');
  }

  /** A provider refused for good: the case stays open, flagged, until ops retry or the interval passes. */
  async function waitForOps(reason: string): Promise<void> {
    state.flags.needsOps = true;
    state.opsReason = reason;
    opsRetryRequested = false;
    touch();
    await condition(() => opsRetryRequested, policy.apology.retryEveryMinutes * 60_000, { summary: TIMER_LABELS.opsRetry });
    state.flags.needsOps = false;
    state.opsReason = undefined;
    touch();
  }

  /** Puts a provider's refusal on the record; the activity failure's cause carries its reason. */
  function recordRefusal(what: string, err: unknown): string {
    const message = `${what} failed: ${err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err)}`;
    record('system', 'provider_refused', message);
    return message;
  }

  /** A step the case can go on without (the failure is on the record for the agent). */
  async function attempt<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      recordRefusal(what, err);
      return undefined;
    }
  }

  async function withOpsRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        await waitForOps(recordRefusal(what, err));
      }
    }
  }
}

function requireIntakeActor(actor: Actor): void {
  if (!actor?.id) refuse('InvalidInput', 'intake needs an actor');
}
