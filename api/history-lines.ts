/** How each kind of history event reads in the timeline: staff actions, signals and activities, in words. */
import { formatFen } from '../domain/escalation';
import {
  addNoteUpdate,
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
  withdrawUpdate,
  type DriverReport,
} from '../workflows/definitions';
import type { HistoryCategory } from './response-schemas';

export type Args = Record<string, any>;
export type Line = { actor: string; category: HistoryCategory; kind: string; text: string };

export function describeDriverReport(r: DriverReport): string {
  return `driver ${r.driverId} ${r.admittedFault ? 'admits fault' : 'reports'} (${r.kind}): ${r.text}`;
}

function actorOf(args: unknown[]): string {
  return (args[0] as Args | undefined)?.actor?.id ?? 'unknown';
}

export function updateLine(name: string, args: unknown[], openingIntakeId: string | undefined): Line | undefined {
  const a = (args[0] ?? {}) as Args;
  const actor = actorOf(args);
  const action = (kind: string, text: string): Line => ({ actor, category: 'action', kind, text: `${actor} ${text}` });
  switch (name) {
    case intakeUpdate.name:
      // The intake sent with the start opened the case; the started event already says so.
      if (a.intakeId === openingIntakeId) return undefined;
      return { actor, category: 'intake', kind: 'intake_joined', text: `${actor} reported the same order again; joined the open case${a.driverReport ? `: ${describeDriverReport(a.driverReport)}` : ''}` };
    case proposeSettlementUpdate.name:
      return action(
        'settlement_proposed',
        `proposed a refund of ${formatFen(a.refundFen)}${a.platformAtFault ? ' (platform at fault)' : ''}${a.forApproval ? ' for approval' : ''}: ${a.reason}`,
      );
    case approveSettlementUpdate.name:
      return action('settlement_approved', 'approved the pending settlement');
    case escalateUpdate.name:
      return action('escalated', `escalated the case: ${a.reason}`);
    case requestInfoUpdate.name:
      return action('info_requested', `asked the customer: ${a.question}`);
    case resolveUpdate.name:
      return action('resolved', `resolved the case: ${a.reason}`);
    case rejectUpdate.name:
      return action('rejected', `rejected the complaint: ${a.reason}`);
    case withdrawUpdate.name:
      return action('withdrawn', `withdrew the complaint for the customer: ${a.reason}`);
    case addNoteUpdate.name:
      return action('note', `noted: ${a.text}`);
    default:
      return action(name, `sent ${name}`);
  }
}

export function signalLine(name: string, args: unknown[]): Line {
  const a = (args[0] ?? {}) as Args;
  switch (name) {
    case customerRepliedSignal.name:
      return { actor: 'customer', category: 'message', kind: 'customer_replied', text: `the customer replied: ${a.text}` };
    case driverReportedSignal.name:
      return { actor: `driver:${a.driverId}`, category: 'intake', kind: 'driver_reported', text: describeDriverReport(a as DriverReport) };
    case oaStatusChangedSignal.name:
      return { actor: 'oa', category: 'system', kind: 'oa_status', text: `OA approval ${a.instanceId} is now ${a.status}` };
    case opsRetrySignal.name:
      return { actor: actorOf(args), category: 'action', kind: 'ops_retry', text: `${actorOf(args)} asked to retry the failed provider step now` };
    default:
      return { actor: 'system', category: 'system', kind: name, text: `signal ${name}` };
  }
}

export interface ActivityDescription {
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
  loadCaseRules: { category: 'system', kind: 'rules_loaded', label: () => 'loading the case rules', done: (_i, r) => `case rules loaded: policy ${r?.policy?.version}${rulesSnapshotText(r?.snapshot)}` },
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
  awaitLateReceipt: {
    category: 'message',
    kind: 'message_receipt_late',
    kindOf: (r) => (r?.status === 'delivered' ? 'message_delivered_late' : 'message_failed_late'),
    label: (i) => `waiting for a late receipt of ${i.outId}`,
    done: (i, r) =>
      r?.status === 'delivered'
        ? `message delivered late by ${i.channel} (${i.outId}): receipt ${r.receiptAt ?? '-'} after the window, when the next channel had taken over`
        : `message by ${i.channel} (${i.outId}) reported undelivered after the window: ${r?.reason ?? 'no reason given'}`,
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

export function activity(type: string): ActivityDescription {
  return ACTIVITIES[type] ?? { category: 'system', kind: type, label: () => `running ${type}`, done: () => `${type} completed` };
}


/** Which rules snapshot a case ran on; a stale one (the files were broken) is said loudly. */
function rulesSnapshotText(snapshot: { snapshotId?: string; loadedAt?: string; stale?: boolean } | undefined): string {
  if (!snapshot?.snapshotId) return '';
  return snapshot.stale
    ? `, last good snapshot ${snapshot.snapshotId} of ${snapshot.loadedAt} (STALE: the data files were broken when this case started)`
    : `, snapshot ${snapshot.snapshotId}`;
}
