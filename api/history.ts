/**
 * A case's timeline read from its Temporal event history, the record nothing can rewrite: who
 * did what, which messages and money moved, which deadlines were set and reached. Pure, over
 * events already decoded (history-source.ts fetches and decodes them).
 */
import { toShanghaiIso } from '../domain/calendar';
import { formatFen } from '../domain/escalation';
import type { ComplaintInput, ComplaintState, DriverReport } from '../workflows/definitions';
import type { HistoryCategory, HistoryEntry } from './response-schemas';

export type DecodedEvent = { id: number; at: Date } & (
  | { type: 'started'; input: ComplaintInput; searchAttributes: Record<string, unknown> }
  | { type: 'update_accepted'; name: string; args: unknown[] }
  | { type: 'signaled'; name: string; args: unknown[] }
  | { type: 'activity_scheduled'; activityType: string; input: unknown[] }
  | { type: 'activity_completed'; scheduledEventId: number; result: unknown }
  | { type: 'activity_failed'; scheduledEventId: number; message: string }
  | { type: 'timer_started'; fireAt: Date }
  | { type: 'timer_fired'; startedEventId: number }
  | { type: 'search_attributes'; attributes: Record<string, unknown> }
  | { type: 'completed'; result: unknown }
  | { type: 'closed'; how: 'failed' | 'terminated' | 'canceled' | 'timed_out' | 'continued_as_new'; message?: string }
);

type Scheduled = Extract<DecodedEvent, { type: 'activity_scheduled' }>;
type Args = Record<string, any>;
type Line = { actor: string; category: HistoryCategory; kind: string; text: string };

/** Two timers closer than this are the same deadline re-armed after a wake-up, not a new one. */
const SAME_TIMER_MS = 1_000;
/** A timer firing this close to the case's next deadline is that deadline; earlier ones are the warning. */
const DEADLINE_SLACK_MS = 500;

function describeDriverReport(r: DriverReport): string {
  return `driver ${r.driverId} ${r.admittedFault ? 'admits fault' : 'reports'} (${r.kind}): ${r.text}`;
}

function actorOf(args: unknown[]): string {
  return (args[0] as Args | undefined)?.actor?.id ?? 'unknown';
}

function updateLine(name: string, args: unknown[], openingIntakeId: string | undefined): Line | undefined {
  const a = (args[0] ?? {}) as Args;
  const actor = actorOf(args);
  const action = (kind: string, text: string): Line => ({ actor, category: 'action', kind, text: `${actor} ${text}` });
  switch (name) {
    case 'intake':
      // The intake sent with the start opened the case; the started event already says so.
      if (a.intakeId === openingIntakeId) return undefined;
      return { actor, category: 'intake', kind: 'intake_joined', text: `${actor} reported the same order again; joined the open case${a.driverReport ? `: ${describeDriverReport(a.driverReport)}` : ''}` };
    case 'proposeSettlement':
      return action(
        'settlement_proposed',
        `proposed a refund of ${formatFen(a.refundFen)}${a.platformAtFault ? ' (platform at fault)' : ''}${a.forApproval ? ' for approval' : ''}: ${a.reason}`,
      );
    case 'approveSettlement':
      return action('settlement_approved', 'approved the pending settlement');
    case 'escalate':
      return action('escalated', `escalated the case: ${a.reason}`);
    case 'requestInfo':
      return action('info_requested', `asked the customer: ${a.question}`);
    case 'resolve':
      return action('resolved', `resolved the case: ${a.reason}`);
    case 'reject':
      return action('rejected', `rejected the complaint: ${a.reason}`);
    case 'withdraw':
      return action('withdrawn', `withdrew the complaint for the customer: ${a.reason}`);
    case 'addNote':
      return action('note', `noted: ${a.text}`);
    default:
      return action(name, `sent ${name}`);
  }
}

function signalLine(name: string, args: unknown[]): Line {
  const a = (args[0] ?? {}) as Args;
  switch (name) {
    case 'customerReplied':
      return { actor: 'customer', category: 'message', kind: 'customer_replied', text: `the customer replied: ${a.text}` };
    case 'driverReported':
      return { actor: `driver:${a.driverId}`, category: 'intake', kind: 'driver_reported', text: describeDriverReport(a as DriverReport) };
    case 'oaStatusChanged':
      return { actor: 'oa', category: 'system', kind: 'oa_status', text: `OA approval ${a.instanceId} is now ${a.status}` };
    case 'retryApology':
      return { actor: actorOf(args), category: 'action', kind: 'apology_retry', text: `${actorOf(args)} asked to retry the apology delivery` };
    default:
      return { actor: 'system', category: 'system', kind: name, text: `signal ${name}` };
  }
}

interface ActivityDescription {
  category: HistoryCategory;
  kind: string;
  /** When the result changes what happened (nothing to hold), a kind of its own. */
  kindOf?(result: any): string;
  done(input: Args, result: any): string;
  label(input: Args): string;
}

function evidenceSummary(result: Args | null): string {
  const parts: string[] = [];
  const entries: Args[] = result?.ledger?.entries ?? [];
  if (result?.ledger) {
    const debits = entries.filter((e) => e.kind === 'debit');
    const refunds = entries.filter((e) => e.kind === 'refund');
    const total = debits.reduce((sum, e) => sum + (e.amountFen ?? 0), 0);
    parts.push(`payment ledger: ${debits.length} debit(s) totalling ${formatFen(total)}, ${refunds.length} refund(s)`);
  }
  if (result?.trip) parts.push(`trip: planned ${result.trip.plannedKm} km, driven ${result.trip.actualKm} km, charged ${formatFen(result.trip.chargedFen)}`);
  return parts.length ? `evidence gathered from the systems of record: ${parts.join('; ')}` : 'no ledger or trip records found for this order';
}

const ACTIVITIES: Record<string, ActivityDescription> = {
  loadCaseRules: { category: 'system', kind: 'rules_loaded', label: () => 'loading the case rules', done: (_i, r) => `case rules loaded: policy ${r?.policy?.version}` },
  gatherEvidence: { category: 'evidence', kind: 'evidence', label: () => 'gathering evidence', done: (_i, r) => evidenceSummary(r) },
  holdAutoCharge: {
    category: 'money',
    kind: 'charge_held',
    kindOf: (r) => (r ? 'charge_held' : 'no_charge_to_hold'),
    label: () => 'holding the automatic charge',
    done: (i, r) => (r ? `automatic charge of ${formatFen(r.amountFen)} due ${r.dueAt} held (hold ${r.holdId})` : `no automatic charge pending on order ${i.orderId}; nothing to hold`),
  },
  releaseHold: { category: 'money', kind: 'charge_released', label: () => 'releasing the held charge', done: () => 'held charge released: the customer is not charged' },
  captureHold: {
    category: 'money',
    kind: 'charge_captured',
    label: (i) => `capturing ${formatFen(i.amountFen)} of the held charge`,
    done: (i) => `held charge captured at ${formatFen(i.amountFen)}`,
  },
  refund: {
    category: 'money',
    kind: 'refunded',
    label: (i) => `refunding ${formatFen(i.amountFen)} (reference ${i.outRequestNo})`,
    done: (i, r) => `refunded ${formatFen(r?.amountFen ?? i.amountFen)}, reference ${r?.outRequestNo ?? i.outRequestNo} (provider refund ${r?.refundId ?? '-'})`,
  },
  sendCustomerMessage: {
    category: 'message',
    kind: 'message_sent',
    label: (i) => `sending by ${i.channel} (${i.outId}): ${i.text}`,
    done: (i, r) => `message ${r?.status ?? 'sent'} by ${i.channel} (${i.outId}): ${i.text}`,
  },
  notifyOaDispute: {
    category: 'message',
    kind: 'oa_notified',
    label: () => 'telling the OA approval about the dispute',
    done: (i, r) => (r ? `OA approval ${r.instanceId} told: ${i.text}` : 'no OA approval is open for this order'),
  },
  deliverOaVoucher: {
    category: 'message',
    kind: 'oa_voucher',
    label: () => 'attaching the voucher to the OA approval',
    done: (_i, r) => (r ? `written explanation and payment voucher attached to OA approval ${r.instanceId}` : 'no OA approval to attach the voucher to'),
  },
};

function activity(type: string): ActivityDescription {
  return ACTIVITIES[type] ?? { category: 'system', kind: type, label: () => `running ${type}`, done: () => `${type} completed` };
}

const SA_STATUS = 'ComplaintStatus';
const SA_LEVEL = 'EscalationLevel';
const SA_OWNER = 'Owner';
const SA_BREACHED = 'Breached';
const SA_DEADLINE = 'NextDeadline';

export function timelineFromEvents(events: readonly DecodedEvent[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  const push = (at: Date, line: Line) => entries.push({ at: toShanghaiIso(at), ...line });
  const scheduled = new Map<number, Scheduled>();
  const finished = new Set<number>();
  const timers = new Map<number, Date>();
  const sa: Record<string, unknown> = {};
  let openingIntakeId: string | undefined;
  let lastTimerAt: number | undefined;

  const deadlineMs = () => (sa[SA_DEADLINE] ? Date.parse(String(sa[SA_DEADLINE])) : undefined);

  for (const e of events) {
    switch (e.type) {
      case 'started': {
        Object.assign(sa, e.searchAttributes);
        openingIntakeId = e.input.intakeId;
        const what = e.input.driverReport ? `driver report, ${describeDriverReport(e.input.driverReport)}` : e.input.description;
        push(e.at, {
          actor: e.input.createdBy.id,
          category: 'intake',
          kind: 'received',
          text: `complaint opened via ${e.input.channel} (${e.input.category}, ${e.input.tier}): ${what}`,
        });
        break;
      }
      case 'update_accepted': {
        const line = updateLine(e.name, e.args, openingIntakeId);
        if (line) push(e.at, line);
        break;
      }
      case 'signaled':
        push(e.at, signalLine(e.name, e.args));
        break;
      case 'activity_scheduled':
        scheduled.set(e.id, e);
        break;
      case 'activity_completed':
      case 'activity_failed': {
        const s = scheduled.get(e.scheduledEventId);
        if (!s) break;
        finished.add(s.id);
        const d = activity(s.activityType);
        const input = (s.input[0] ?? {}) as Args;
        if (e.type === 'activity_completed') push(e.at, { actor: 'system', category: d.category, kind: d.kindOf?.(e.result) ?? d.kind, text: d.done(input, e.result) });
        else push(e.at, { actor: 'system', category: d.category, kind: `${d.kind}_failed`, text: `failed ${d.label(input)}: ${e.message}` });
        break;
      }
      case 'timer_started': {
        timers.set(e.id, e.fireAt);
        const fireMs = e.fireAt.getTime();
        if (lastTimerAt !== undefined && Math.abs(fireMs - lastTimerAt) < SAME_TIMER_MS) break;
        lastTimerAt = fireMs;
        if (sa[SA_STATUS] === 'apologizing') {
          push(e.at, { actor: 'system', category: 'message', kind: 'apology_retry_set', text: `apology delivery will be retried at ${toShanghaiIso(e.fireAt)}` });
          break;
        }
        const deadline = deadlineMs();
        const isDeadline = deadline === undefined || fireMs >= deadline - DEADLINE_SLACK_MS;
        push(e.at, {
          actor: 'system',
          category: 'deadline',
          kind: isDeadline ? 'deadline_timer' : 'warning_timer',
          text: isDeadline ? `deadline timer set for ${toShanghaiIso(e.fireAt)}` : `warning timer set for ${toShanghaiIso(e.fireAt)} (deadline ${toShanghaiIso(new Date(deadline!))})`,
        });
        break;
      }
      case 'timer_fired': {
        const fireAt = timers.get(e.startedEventId) ?? e.at;
        const deadline = deadlineMs();
        const status = sa[SA_STATUS];
        if (status === 'awaiting_customer') {
          push(e.at, { actor: 'system', category: 'deadline', kind: 'reply_time_reached', text: "the customer's reply time passed; the clock resumes" });
        } else if (status === 'apologizing') {
          push(e.at, { actor: 'system', category: 'message', kind: 'apology_retry_due', text: 'time to retry the apology delivery' });
        } else if (deadline === undefined || fireAt.getTime() >= deadline - DEADLINE_SLACK_MS) {
          push(e.at, { actor: 'system', category: 'deadline', kind: 'deadline_reached', text: `level ${sa[SA_LEVEL]} deadline ${toShanghaiIso(fireAt)} reached unresolved: breached` });
        } else {
          push(e.at, { actor: 'system', category: 'deadline', kind: 'warning_reached', text: `warning: level ${sa[SA_LEVEL]} deadline ${toShanghaiIso(new Date(deadline))} is near` });
        }
        break;
      }
      case 'search_attributes': {
        const next = e.attributes;
        const changed = (key: string) => key in next && next[key] !== sa[key];
        const change = (key: string, label: string) => `${label} ${sa[key] === undefined || sa[key] === null ? '' : `${sa[key]} → `}${next[key]}`;
        if (changed(SA_STATUS)) push(e.at, { actor: 'system', category: 'status', kind: 'status', text: change(SA_STATUS, 'status') });
        if (changed(SA_LEVEL)) push(e.at, { actor: 'system', category: 'status', kind: 'level', text: `${change(SA_LEVEL, 'level')}, owner ${next[SA_OWNER] ?? sa[SA_OWNER]}` });
        else if (changed(SA_OWNER)) push(e.at, { actor: 'system', category: 'status', kind: 'owner', text: change(SA_OWNER, 'owner') });
        if (changed(SA_BREACHED) && next[SA_BREACHED] === true) push(e.at, { actor: 'system', category: 'deadline', kind: 'breached', text: 'the case is marked as having breached a deadline' });
        if (changed(SA_DEADLINE) && next[SA_DEADLINE]) {
          const level = next[SA_LEVEL] ?? sa[SA_LEVEL];
          push(e.at, { actor: 'system', category: 'deadline', kind: 'deadline_set', text: `next deadline ${toShanghaiIso(new Date(String(next[SA_DEADLINE])))} (level ${level}, ${next[SA_OWNER] ?? sa[SA_OWNER]})` });
        }
        Object.assign(sa, next);
        break;
      }
      case 'completed': {
        const state = e.result as Partial<ComplaintState> | undefined;
        push(e.at, { actor: 'system', category: 'status', kind: 'closed', text: `case closed${state?.outcome ? `: outcome ${state.outcome}` : ''}` });
        break;
      }
      case 'closed':
        push(e.at, { actor: 'system', category: 'system', kind: e.how, text: `workflow ${e.how.replace(/_/g, ' ')}${e.message ? `: ${e.message}` : ''}` });
        break;
    }
  }

  // Still running: retries of a failing call are invisible in history until it gives up.
  for (const s of scheduled.values()) {
    if (finished.has(s.id)) continue;
    const d = activity(s.activityType);
    push(s.at, { actor: 'system', category: d.category, kind: `${d.kind}_pending`, text: `in progress: ${d.label((s.input[0] ?? {}) as Args)}` });
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
