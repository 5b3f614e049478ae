/** What the case machine hears (events) and what it asks the interpreter to do (commands). */
import type { TemplateRef } from '../templates';
import type { Level } from '../types';
import type { Actor, DriverReport, NoticePurpose } from './state';

/** Every staff action, as the API names it. Each is an Update whose validator asks the machine. */
export const ACTIONS = [
  'propose-settlement',
  'approve-settlement',
  'escalate',
  'request-info',
  'resolve',
  'reject',
  'withdraw',
  'note',
  'claim',
  'assign',
  'retry',
  'settle-by-hand',
  'close-with-apology',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** What ops may ask for at all: they annotate, claim, hand on and unstick cases, they never decide them. */
export const OPS_ACTIONS: ReadonlySet<ActionName> = new Set<ActionName>(['note', 'claim', 'assign', 'retry', 'settle-by-hand', 'close-with-apology']);

export interface IntakeArgs {
  intakeId: string;
  actor: Actor;
  /** A driver's reportId or a client's Idempotency-Key: the same key is the same intake. */
  intakeKey?: string;
  intakeBodyHash?: string;
  driverReport?: DriverReport;
}

export type CaseEvent =
  | { type: 'started' }
  | { type: 'call_done'; step: string; result: unknown }
  | { type: 'call_failed'; step: string; message: string; code?: string; status?: number }
  | { type: 'timer_fired'; id: string }
  | { type: 'intake'; args: IntakeArgs; created: boolean }
  | { type: 'action'; action: ActionName; actor: Actor; args: Record<string, unknown> }
  | { type: 'customer_replied'; text: string }
  | { type: 'driver_reported'; report: DriverReport }
  | { type: 'oa_status_changed'; instanceId: string; status: string }
  | { type: 'ops_retry'; actor: Actor }
  | { type: 'refund_notified'; notificationId: string; outRequestNo: string; status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'; refundId?: string; arrival?: RefundArrival };

/** Where and by when a refund reaches the customer, as the rail says. */
export interface RefundArrival {
  channel: 'balance' | 'bank_card' | 'credit_card' | 'original' | 'other';
  expectedBy?: string;
}

/** How hard the interpreter retries a call before it reports a failure to the machine. */
export type RetryClass = 'rules' | 'hold' | 'optional' | 'money' | 'message' | 'voucher';

export type ActivityName =
  | 'loadCaseRules'
  | 'holdAutoCharge'
  | 'gatherEvidence'
  | 'notifyOaDispute'
  | 'captureHold'
  | 'releaseHold'
  | 'refund'
  | 'refundStatus'
  | 'deliverOaVoucher'
  | 'sendCustomerMessage'
  | 'awaitLateReceipt';

export interface Timer {
  id: string;
  at: string;
  label: string;
}

export type Command =
  /** `local`: a short call run inside the workflow task (a local activity): no task round trip. */
  | { type: 'call'; step: string; activity: ActivityName; args: unknown; retry: RetryClass; local?: boolean }
  | { type: 'send'; step: string; purpose: NoticePurpose; channel: 'sms' | 'app'; outId: string; text: string; template?: TemplateRef }
  | { type: 'start_timer'; timer: Timer }
  | { type: 'cancel_timer'; id: string }
  | { type: 'upsert'; attributes: SearchView };

/** The search attributes a user can query, derived from the state. */
export interface SearchView {
  status: string;
  level: Level;
  owner: string;
  nextDeadline: string | null;
  breached: boolean;
  warned: boolean;
  outcome: string | null;
  caseRef: string;
  intakeKeys: string[];
  needsOps: boolean;
  pendingApprovalLevel: Level | null;
}

export type RefusalKind = 'state' | 'permission' | 'authority' | 'input';

export interface Refusal {
  kind: RefusalKind;
  reason: string;
  /** Who could do it instead, when someone can (the approver's level). */
  byLevel?: Level;
  /** A stable name of the rule that refused, with its values, so a client can say it in its language. */
  code?: string;
  params?: Record<string, string | number>;
}

export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

/** The Temporal failure type of each refusal kind, as the API maps them to 409 and 422. */
export const REFUSAL_FAILURE_TYPE: Record<RefusalKind, 'InvalidState' | 'NotPermitted' | 'AuthorityExceeded' | 'InvalidInput'> = {
  state: 'InvalidState',
  permission: 'NotPermitted',
  authority: 'AuthorityExceeded',
  input: 'InvalidInput',
};
