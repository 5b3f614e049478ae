/**
 * The interpreter of one complaint. It holds no business decision: messages become events for
 * the case machine (domain/case/machine.ts), the machine's commands become activities, timers
 * and search-attribute upserts, and their results come back as events. The only state is the
 * machine's state object, carried across continue-as-new.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { toShanghaiIso } from '../domain/calendar';
import { REFUSAL_FAILURE_TYPE, type CaseEvent, type Command, type Refusal, type RetryClass, type SearchView } from '../domain/case/events';
import { allowedActions, decide, resumeCommands } from '../domain/case/machine';
import { previewAction } from '../domain/case/preview';
import { FAST_PATH_VERSION, initialState, MACHINE_CHANGES, staffView, type ComplaintState } from '../domain/case/state';
import {
  ACTIONS,
  ACTION_UPDATES,
  SA,
  customerRepliedSignal,
  driverReportedSignal,
  intakeUpdate,
  oaStatusChangedSignal,
  opsRetrySignal,
  refundNotifiedSignal,
  stateQuery,
  previewQuery,
  type CaseView,
  type ComplaintInput,
} from './definitions';

const RETRIES: Record<Exclude<RetryClass, 'rules' | 'message'>, Parameters<typeof proxyActivities>[0]> = {
  hold: { startToCloseTimeout: '15 seconds', retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 } },
  // Evidence and notices are worth having, not worth waiting for: bounded, then the case goes on.
  optional: { startToCloseTimeout: '15 seconds', scheduleToCloseTimeout: '1 minute', retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' } },
  money: { startToCloseTimeout: '15 seconds', retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 12 } },
  voucher: { startToCloseTimeout: '15 seconds', retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 } },
};

// Short calls (the rules, the hold, the evidence read) run inside the workflow task: no round trip.
// They hold the workflow task open while they run, so each is one attempt of at most 3 s; the
// machine retries a failed one as an ordinary activity (domain/case/context.ts). Kept together under the SDK's task
// heartbeat (80% of the 10 s task timeout), a task never completes half-way through its local
// calls: when it did (a provider 4 s slow), an intake update accepted in the first half and
// answered in the second could not be completed after a worker restart (the server refused the
// task with BadUpdateWorkflowExecutionMessage, and the case was stuck; found by the fault proof).
const LOCAL_RETRIES: Partial<Record<RetryClass, Parameters<typeof proxyLocalActivities>[0]>> = {
  rules: { startToCloseTimeout: '2 seconds', retry: { maximumAttempts: 1 } },
  hold: { startToCloseTimeout: '3 seconds', retry: { maximumAttempts: 1 } },
  optional: { startToCloseTimeout: '3 seconds', retry: { maximumAttempts: 1 } },
};

function activityOf(command: Extract<Command, { type: 'call' }>): (...args: unknown[]) => Promise<unknown> {
  const options = command.local ? LOCAL_RETRIES[command.retry] : RETRIES[command.retry as keyof typeof RETRIES];
  if (!options) throw ApplicationFailure.nonRetryable(`no ${command.local ? 'local ' : ''}activity options for retry class ${command.retry}`);
  const proxy = command.local ? proxyLocalActivities<Activities>(options) : proxyActivities<Activities>(options);
  return proxy[command.activity] as (...args: unknown[]) => Promise<unknown>;
}

/** The machine version a new case decides by: 1 plus the changes this history has seen (see MACHINE_CHANGES). */
function machineVersion(): number {
  let version = 1;
  for (const marker of MACHINE_CHANGES) if (patched(marker)) version += 1;
  return version;
}

function failureOf(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE[refusal.kind], message: refusal.reason, nonRetryable: true, details: [refusal] });
}

/** The provider's own words and HTTP status travel in the activity failure's cause. */
function failureEvent(step: string, err: unknown): CaseEvent {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { status?: number } | undefined) : undefined;
  return { type: 'call_failed', step, message, code: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined, status: details?.status };
}

export async function complaintWorkflow(input: ComplaintInput): Promise<CaseView> {
  const info = workflowInfo();
  // Run ids are UUIDv7: the leading digits are a timestamp shared by cases started close together,
  // so the case reference takes the random tail of the first run (stable across continue-as-new).
  const caseRef = `${input.orderId}-${info.firstExecutionRunId.replace(/-/g, '').slice(-8).toUpperCase()}`;
  let state: ComplaintState = input.carried
    ? { ...input.carried, continuedRuns: input.carried.continuedRuns + 1, machine: { ...input.carried.machine, calls: {} } }
    : initialState(input, { complaintId: info.workflowId, caseRef }, toShanghaiIso(new Date()), machineVersion());
  const inbox: CaseEvent[] = [];
  const timers = new Map<string, CancellationScope>();
  // Cases are started with their search attributes by the API. One started without them (the
  // time-skipping test server cannot register custom attributes) keeps its state to the query.
  const publishes = info.typedSearchAttributes.get(SA.orderId) !== undefined;
  // From the fast-path machine on, the search attributes are published once the workflow task has
  // nothing left to run locally: one upsert with the view the task ends on, not one per step.
  const batched = state.machine.version >= FAST_PATH_VERSION;
  let unpublished: SearchView | undefined;
  // Local calls run one at a time: with two out at once, a replay may hand back their results in
  // one activation where the live run had two, and the commands after them would come out in
  // another order (a nondeterminism error on the next replay).
  const localQueue: Extract<Command, { type: 'call' }>[] = [];
  const publishDue = () => unpublished !== undefined && localQueue.length === 0;

  function settleInto(step: string, call: Promise<unknown>, then?: () => void): void {
    void call.then(
      (result) => {
        then?.();
        inbox.push({ type: 'call_done', step, result });
      },
      (err) => {
        then?.();
        inbox.push(failureEvent(step, err));
      },
    );
  }

  function startLocal(): void {
    const command = localQueue[0]!;
    // The rules' local activity takes no arguments (as recorded in older histories).
    const call = command.activity === 'loadCaseRules' ? activityOf(command)() : activityOf(command)(command.args);
    settleInto(command.step, call, () => {
      localQueue.shift();
      if (localQueue.length > 0) startLocal();
    });
  }
  const publish = () => {
    if (unpublished) upsert(unpublished);
    unpublished = undefined;
  };

  /** The machine's answer to an event; `commit` takes it and runs its commands. */
  const transition = (event: CaseEvent) => decide(state, event, new Date());
  function commit(t: Extract<ReturnType<typeof decide>, { ok: true }>): unknown {
    state = t.state;
    for (const command of t.commands) run(command);
    return t.reply;
  }

  function apply(event: CaseEvent): unknown {
    const t = transition(event);
    if (!t.ok) throw failureOf(t.refusal);
    return commit(t);
  }

  function check(event: CaseEvent): void {
    const t = transition(event);
    if (!t.ok) throw failureOf(t.refusal);
  }

  function run(command: Command): void {
    switch (command.type) {
      case 'call': {
        // The phone stays out of the machine's state: the look-up for a late receipt gets it here.
        const args = command.activity === 'awaitLateReceipt' ? { ...(command.args as object), phone: input.customer.phone } : command.args;
        if (!command.local) return void settleInto(command.step, activityOf(command)(args));
        localQueue.push(command);
        if (localQueue.length === 1) startLocal();
        return;
      }
      case 'send': {
        const policy = state.machine.rules!.policy;
        // Long enough for the client's timeout plus the gateway settle window (activities/messages.ts).
        const { sendCustomerMessage } = proxyActivities<Activities>({
          startToCloseTimeout: '30 seconds',
          heartbeatTimeout: '5 seconds',
          retry: { maximumAttempts: policy.apology.attemptsPerChannel, initialInterval: '500 ms', backoffCoefficient: 2 },
        });
        const step = `send:${command.step}`;
        void sendCustomerMessage({ outId: command.outId, phone: input.customer.phone, text: command.text, channel: command.channel, ...(command.template ? { template: command.template } : {}) }).then(
          (result) => inbox.push({ type: 'call_done', step, result }),
          (err) => inbox.push(failureEvent(step, err)),
        );
        return;
      }
      case 'start_timer': {
        const { id, at, label } = command.timer;
        const scope = new CancellationScope();
        timers.set(id, scope);
        scope
          .run(() => sleep(Math.max(1, Date.parse(at) - Date.now()), { summary: label }))
          .then(
            () => {
              timers.delete(id);
              inbox.push({ type: 'timer_fired', id });
            },
            (err) => {
              if (!isCancellation(err)) throw err;
            },
          );
        return;
      }
      case 'cancel_timer':
        timers.get(command.id)?.cancel();
        timers.delete(command.id);
        return;
      case 'upsert':
        if (!publishes) return;
        if (batched) unpublished = command.attributes;
        else upsert(command.attributes);
        return;
    }
  }

  function upsert(v: SearchView): void {
    upsertSearchAttributes([
      { key: SA.status, value: v.status },
      { key: SA.level, value: v.level },
      { key: SA.owner, value: v.owner },
      { key: SA.breached, value: v.breached },
      { key: SA.warned, value: v.warned },
      { key: SA.needsOps, value: v.needsOps },
      { key: SA.pendingApprovalLevel, value: v.pendingApprovalLevel ?? null },
      { key: SA.outcome, value: v.outcome },
      { key: SA.caseRef, value: v.caseRef },
      { key: SA.intakeKeys, value: v.intakeKeys.length ? v.intakeKeys : null },
      { key: SA.nextDeadline, value: v.nextDeadline ? new Date(v.nextDeadline) : null },
    ]);
  }

  // Handlers first: a message that arrives with the start must find them registered.
  setHandler(previewQuery, (req) => previewAction(state, req));
  setHandler(stateQuery, (viewer, probe) => ({ ...staffView(state), ...(viewer ? { allowed: allowedActions(state, viewer, probe ?? {}) } : {}) }));

  setHandler(
    intakeUpdate,
    async (args) => {
      const created = args.intakeId === input.intakeId;
      const reply = apply({ type: 'intake', args, created });
      // From the fast-path machine on the answer is at once and the API reads the first promise by
      // query: an update still open while the task's local calls run could be split across a task
      // heartbeat, and after a worker restart the server refused to complete it (a stuck case).
      if (!created || state.machine.version >= FAST_PATH_VERSION) return reply as never;
      // The opening answer carries the first promise: wait until the rules gave it a deadline.
      await condition(() => state.nextDeadline !== undefined || state.status !== 'received');
      return { complaintId: state.complaintId, caseRef: state.caseRef, created, status: state.status, level: state.level, nextDeadline: state.nextDeadline };
    },
    { validator: (args) => check({ type: 'intake', args, created: args.intakeId === input.intakeId }) },
  );

  for (const action of ACTIONS) {
    const def = ACTION_UPDATES[action];
    const event = (args: { actor: never } & Record<string, unknown>): CaseEvent => ({ type: 'action', action, actor: args.actor, args });
    setHandler(def, ((args: never) => apply(event(args))) as never, { validator: ((args: never) => check(event(args))) as never });
  }

  const signal = (event: CaseEvent) => {
    // A signal the case cannot take (it is closing) is dropped; the API answers 409 for closed cases.
    if (transition(event).ok) inbox.push(event);
  };
  setHandler(customerRepliedSignal, ({ text }) => signal({ type: 'customer_replied', text }));
  setHandler(driverReportedSignal, (report) => signal({ type: 'driver_reported', report }));
  setHandler(oaStatusChangedSignal, ({ instanceId, status }) => signal({ type: 'oa_status_changed', instanceId, status }));
  setHandler(opsRetrySignal, ({ actor }) => signal({ type: 'ops_retry', actor }));
  setHandler(refundNotifiedSignal, (n) =>
    signal({ type: 'refund_notified', notificationId: n.notificationId, outRequestNo: n.outRequestNo, status: n.status, refundId: n.refundId, ...(n.arrival ? { arrival: n.arrival } : {}) }),
  );

  if (input.carried) for (const command of resumeCommands(state)) run(command);
  else apply({ type: 'started' });

  const inFlight = () => Object.keys(state.machine.calls).length > 0;
  const continueSuggested = () => {
    const now = workflowInfo();
    return now.continueAsNewSuggested || now.historyLength >= (state.machine.rules?.policy.continueAsNewEvents ?? Infinity);
  };
  while (state.status !== 'closed' || inFlight() || inbox.length > 0) {
    await condition(() => inbox.length > 0 || publishDue() || (state.status !== 'closed' && !inFlight() && continueSuggested()));
    while (inbox.length > 0) {
      // Results and signals queued earlier may meet a case that has moved on; a refusal drops them.
      const t = transition(inbox.shift()!);
      if (t.ok) commit(t);
    }
    if (publishDue()) publish();
    if (state.status !== 'closed' && !inFlight() && continueSuggested()) {
      // Timers are re-armed from the state in the next run; in-flight updates finish first.
      await condition(allHandlersFinished);
      publish();
      if (inbox.length === 0 && !inFlight()) return continueAsNew<typeof complaintWorkflow>({ ...input, carried: state });
    }
  }
  await condition(allHandlersFinished);
  publish();
  return staffView(state);
}
