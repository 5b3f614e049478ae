/**
 * The contract between the complaint workflow and everything that talks to it (API, console,
 * tests). The API imports this file, never complaint.ts, so it never pulls workflow code.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Policy } from '../domain/policy';
import type { CalendarSnapshot } from '../domain/calendar';
import type { Finding } from '../domain/evidence';

export const DEFAULT_TASK_QUEUE = 'complaints';
export const COMPLAINT_WORKFLOW_TYPE = 'complaintWorkflow';

/** One open complaint per order: the workflow id is derived from the order, and Temporal enforces it. */
export function complaintWorkflowId(orderId: string): string {
  return `complaint-${orderId}`;
}

export * from '../domain/types';
import type { Category, Channel, Language, Level, OrderKind, Outcome, StaffRole, Status, Tier } from '../domain/types';

export interface Actor {
  id: string;
  role: StaffRole | 'driver_app' | 'system' | 'customer';
}

export interface DriverReport {
  driverId: string;
  reportId: string;
  admittedFault: boolean;
  kind: 'detour' | 'fare' | 'other';
  text: string;
  reportedAt: string;
}

/** What starts a complaint. Customer contact details are personal data: never in ids or search attributes. */
export interface ComplaintInput {
  orderId: string;
  customerId: string;
  category: Category;
  tier: Tier;
  channel: Channel;
  orderKind: OrderKind;
  description: string;
  customer: { name: string; phone: string; language: Language };
  createdBy: Actor;
  /** Matches the IntakeArgs of the request that started the case. */
  intakeId: string;
  driverReport?: DriverReport;
}

/** Rules a case keeps for its whole life, recorded in history by the activity that loads them. */
export interface CaseRules {
  policy: Policy;
  calendar: CalendarSnapshot;
}

export interface Deadline {
  kind: 'acknowledge' | 'resolve';
  level?: Level;
  at: string;
  warnAt?: string;
  provisional: boolean;
}

export interface LevelVisit {
  level: Level;
  owner: string;
  enteredAt: string;
  deadline: string;
  reason: string;
  leftAt?: string;
}

export interface Notification {
  step: string;
  purpose: 'acknowledgement' | 'escalation' | 'request_info' | 'charge_notice' | 'apology';
  channel: 'sms' | 'app';
  text: string;
  outId: string;
  status: 'sent' | 'delivered' | 'failed';
  at: string;
}

export interface SettlementProposal {
  proposedBy: Actor;
  refundFen: number;
  feeFen: number;
  feeRule: string;
  platformAtFault: boolean;
  reason: string;
  needsLevel: Level;
  at: string;
}

export interface Refund {
  outRequestNo: string;
  amountFen: number;
  status: 'succeeded' | 'processing';
  refundId: string;
  at: string;
}

export interface ChargeHold {
  holdId: string;
  amountFen: number;
  dueAt: string;
  maxHoldUntil: string;
  status: 'held' | 'released' | 'captured';
  capturedFen?: number;
}

export interface Settlement {
  refundFen: number;
  feeFen: number;
  feeRule: string;
  platformAtFault: boolean;
  reason: string;
  approvedBy: Actor;
  automatic: boolean;
  at: string;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  kind: string;
  text: string;
}

export interface ComplaintState {
  complaintId: string;
  caseRef: string;
  orderId: string;
  customerId: string;
  category: Category;
  tier: Tier;
  channel: Channel;
  orderKind: OrderKind;
  description: string;
  language: Language;
  status: Status;
  outcome?: Outcome;
  level: Level;
  owner: string;
  policyVersion: string;
  /** The case's own authority limits (from its policy version), so the console can explain refusals. */
  authorityFen?: Record<Level, number>;
  receivedAt: string;
  acknowledgedAt?: string;
  closedAt?: string;
  deadlines: Deadline[];
  nextDeadline?: string;
  clockPausedRemainingMs?: number;
  flags: { warned: boolean; breached: boolean; provisionalDeadline: boolean; apologyUndeliverable: boolean; needsOps: boolean };
  /** Why the case waits for ops, while flags.needsOps is set. */
  opsReason?: string;
  levels: LevelVisit[];
  findings: Finding[];
  driverReports: DriverReport[];
  pendingProposal?: SettlementProposal;
  settlement?: Settlement;
  hold?: ChargeHold;
  refunds: Refund[];
  notifications: Notification[];
  notes: TimelineEntry[];
  events: TimelineEntry[];
  resolutionSummary?: string;
  apologyDelivered: boolean;
}

// Updates: agent actions that need an answer or a refusal.
export interface ActorArgs {
  actor: Actor;
}
export interface ProposeSettlementArgs extends ActorArgs {
  refundFen: number;
  platformAtFault: boolean;
  reason: string;
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

export type SettlementResult = { settled: true; refundFen: number; feeFen: number } | { settled: false; pendingLevel: Level };

/** Sent with start (update-with-start): tells the caller whether its intake opened the case or joined it. */
export interface IntakeArgs {
  intakeId: string;
  actor: Actor;
  driverReport?: DriverReport;
}
export interface IntakeResult {
  complaintId: string;
  caseRef: string;
  created: boolean;
  status: Status;
  level: Level;
  nextDeadline?: string;
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

// Signals: fire and forget.
export const customerRepliedSignal = defineSignal<[{ text: string; at?: string }]>('customerReplied');
export const driverReportedSignal = defineSignal<[DriverReport]>('driverReported');
export const oaStatusChangedSignal = defineSignal<[{ instanceId: string; status: string }]>('oaStatusChanged');
/** Ops ask a case stuck on a failed provider call (refund, apology delivery) to try again now. */
export const opsRetrySignal = defineSignal<[ActorArgs]>('opsRetry');

export const stateQuery = defineQuery<ComplaintState>('state');

/** Timer labels: the workflow writes them into history and the API's timeline reads them back. */
export const TIMER_LABELS = {
  warning: (level: Level) => `level ${level} warning`,
  deadline: (level: Level) => `level ${level} deadline`,
  customerReply: 'customer reply deadline',
  chargeNotice: 'charge hold notice',
  holdExpiry: 'charge hold expiry',
  opsRetry: 'ops retry interval',
} as const;

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
} as const;
