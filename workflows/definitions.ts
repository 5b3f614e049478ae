/**
 * The contract between the complaint workflow and everything that talks to it (API, console,
 * tests). The API imports this file, never complaint.ts, so it never pulls workflow code. The
 * case's data and its machine live in domain/case/; this file names the Temporal messages.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ActionName, IntakeArgs } from '../domain/case/events';
import type { AllowedAction } from '../domain/case/machine';
import type { Actor, CaseRecords, ComplaintState, DriverReport } from '../domain/case/state';
import type { Preview, PreviewRequest } from '../domain/case/preview';
import type { SettlementKind } from '../domain/fees';
import type { MoneySummary } from '../domain/money-summary';
import type { Level, Status } from '../domain/types';

export const DEFAULT_TASK_QUEUE = 'complaints';
export const COMPLAINT_WORKFLOW_TYPE = 'complaintWorkflow';

/** One open complaint per order: the workflow id is derived from the order, and Temporal enforces it. */
export function complaintWorkflowId(orderId: string): string {
  return `complaint-${orderId}`;
}

export * from '../domain/types';
export * from '../domain/case/state';
export { ACTIONS, type ActionName, type IntakeArgs } from '../domain/case/events';
export { TIMER_LABELS } from '../domain/case/timers';
export type { AllowedAction } from '../domain/case/machine';

/** What the API and console read: the case without the machine's bookkeeping. */
export type CaseView = Omit<ComplaintState, 'machine'> & { records?: CaseRecords; money?: MoneySummary; allowed?: { actions: AllowedAction[]; limitFen?: number; forApproval?: AllowedAction } };

// Updates: agent actions that need an answer or a refusal.
export interface ActorArgs {
  actor: Actor;
}
export interface ProposeSettlementArgs extends ActorArgs {
  refundFen: number;
  platformAtFault: boolean;
  reason: string;
  /** compensation (default) and goodwill carry no fee; only a customer's cancellation can. */
  kind?: SettlementKind;
  /** Ask a higher level to approve an amount above my authority instead of being refused. */
  forApproval?: boolean;
}
export interface ReasonArgs extends ActorArgs {
  reason: string;
}
export interface RequestInfoArgs extends ActorArgs {
  question: string;
}
export interface NoteArgs extends ActorArgs {
  text: string;
}
export interface ManualNoteArgs extends ActorArgs {
  note: string;
}

export type SettlementResult = { settled: true; refundFen: number; feeFen: number } | { settled: false; pendingLevel: Level };

export interface IntakeResult {
  complaintId: string;
  caseRef: string;
  created: boolean;
  status: Status | 'opening';
  level: Level;
  nextDeadline?: string;
  /** The same intake key was handled before: nothing changed. */
  repeated?: boolean;
}

export const intakeUpdate = defineUpdate<IntakeResult, [IntakeArgs]>('intake');
export const proposeSettlementUpdate = defineUpdate<SettlementResult, [ProposeSettlementArgs]>('proposeSettlement');
export const approveSettlementUpdate = defineUpdate<SettlementResult, [ActorArgs]>('approveSettlement');
export const escalateUpdate = defineUpdate<{ level: Level; deadline: string }, [ReasonArgs]>('escalate');
export const requestInfoUpdate = defineUpdate<{ status: Status }, [RequestInfoArgs]>('requestInfo');
export const resolveUpdate = defineUpdate<{ status: Status }, [ReasonArgs]>('resolve');
export const rejectUpdate = defineUpdate<{ status: Status }, [ReasonArgs]>('reject');
export const withdrawUpdate = defineUpdate<{ status: Status }, [ReasonArgs]>('withdraw');
export const addNoteUpdate = defineUpdate<{ notes: number }, [NoteArgs]>('addNote');
/** The acting person takes the case from its level's queue: the level's owner is then a person. */
export const claimUpdate = defineUpdate<{ owner: string }, [ActorArgs]>('claim');
export interface AssignArgs extends ActorArgs {
  /** Resolved by the API from its staff directory: the client names a person, never their role. */
  assignee: { id: string; role: string };
}
/** The case goes to a named person, within the ladder's rules (domain/case/actions.ts). */
export const assignUpdate = defineUpdate<{ owner: string }, [AssignArgs]>('assign');
/** Ops (or a supervisor) run a refused step again now. */
export const retryStepUpdate = defineUpdate<{ status: Status }, [ActorArgs]>('retryStep');
/** Ops record that the refused money was paid outside the engine; the case goes on to its apology. */
export const settleByHandUpdate = defineUpdate<{ status: Status }, [ManualNoteArgs]>('settleByHand');
/** Ops give up on the refused step (with the reason) and the case closes with its apology. */
export const closeWithApologyUpdate = defineUpdate<{ status: Status }, [ReasonArgs]>('closeWithApology');

/** Each staff action and the Update that carries it. */
export const ACTION_UPDATES = {
  'propose-settlement': proposeSettlementUpdate,
  'approve-settlement': approveSettlementUpdate,
  escalate: escalateUpdate,
  'request-info': requestInfoUpdate,
  resolve: resolveUpdate,
  reject: rejectUpdate,
  withdraw: withdrawUpdate,
  note: addNoteUpdate,
  claim: claimUpdate,
  assign: assignUpdate,
  retry: retryStepUpdate,
  'settle-by-hand': settleByHandUpdate,
  'close-with-apology': closeWithApologyUpdate,
} as const satisfies Record<ActionName, unknown>;

// Signals: fire and forget.
export const customerRepliedSignal = defineSignal<[{ text: string; at?: string }]>('customerReplied');
export const driverReportedSignal = defineSignal<[DriverReport]>('driverReported');
export const oaStatusChangedSignal = defineSignal<[{ instanceId: string; status: string }]>('oaStatusChanged');
/** A rail's verified refund notification (api/routes/payment-notifications.ts). */
export { refundNotifiedSignal, type RefundNotification } from './refund-notification';
/** Ops ask a case stuck on a failed provider call (refund, apology delivery) to try again now. */
export const opsRetrySignal = defineSignal<[ActorArgs]>('opsRetry');

/** The case as the viewer sees it; with a viewer, also what that person may do on it now. */
export const stateQuery = defineQuery<CaseView, [Actor?, { refundFen?: number }?]>('state');
/** What an action would tell the customer, run on a copy of the case (domain/case/preview.ts). */
export const previewQuery = defineQuery<Preview, [PreviewRequest]>('preview');

export const SA = {
  status: defineSearchAttributeKey('ComplaintStatus', SearchAttributeType.KEYWORD),
  level: defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT),
  orderId: defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD),
  customerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('Category', SearchAttributeType.KEYWORD),
  tier: defineSearchAttributeKey('Tier', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('Owner', SearchAttributeType.KEYWORD),
  nextDeadline: defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME),
  breached: defineSearchAttributeKey('Breached', SearchAttributeType.BOOL),
  warned: defineSearchAttributeKey('Warned', SearchAttributeType.BOOL),
  outcome: defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD),
  caseRef: defineSearchAttributeKey('CaseRef', SearchAttributeType.KEYWORD),
  /** Driver reportIds and client idempotency keys this case handled, so a repeat finds it after close. */
  intakeKeys: defineSearchAttributeKey('IntakeKeys', SearchAttributeType.KEYWORD_LIST),
  needsOps: defineSearchAttributeKey('NeedsOps', SearchAttributeType.BOOL),
  /** HMAC-SHA256 of the customer's normalised phone (api/phone-hash.ts), set at start: search by phone without the number. */
  phoneHash: defineSearchAttributeKey('PhoneHash', SearchAttributeType.KEYWORD),
  /** The level a settlement proposal waits for, while one does ("awaiting my approval"). */
  pendingApprovalLevel: defineSearchAttributeKey('PendingApprovalLevel', SearchAttributeType.INT),
} as const;
