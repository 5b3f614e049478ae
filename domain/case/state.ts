/**
 * A case's state: plain serialisable data, the whole of what the workflow keeps. The public part
 * is what the console and the API read; `machine` is the bookkeeping the case machine needs to
 * decide (what is in flight, what is waiting to be retried), carried across continue-as-new.
 */
import type { CalendarSnapshot } from '../calendar';
import type { Finding, FulfilmentFacts, LedgerFacts, TripFacts } from '../evidence';
import { moneySummary, type MoneySummary } from '../money-summary';
import type { SettlementKind } from '../fees';
import type { Claim, Movement } from '../money';
import type { Policy } from '../policy';
import type { TemplateRef } from '../templates';
import type { Category, Channel, Language, Level, OrderKind, Outcome, StaffRole, Status, Tier } from '../types';

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

/** What a complaint is about: the order, who complains, and how it came in. */
export interface ComplaintSubject {
  orderId: string;
  customerId: string;
  category: Category;
  tier: Tier;
  channel: Channel;
  orderKind: OrderKind;
  description: string;
}

/** What starts a complaint. Customer contact details are personal data: never in ids or search attributes. */
export interface ComplaintInput extends ComplaintSubject {
  customer: { name: string; phone: string; language: Language };
  createdBy: Actor;
  /** Matches the IntakeArgs of the request that started the case. */
  intakeId: string;
  /** The intake's idempotency key (a driver's reportId or a client's Idempotency-Key), when it had one. */
  intakeKey?: string;
  /** Hash of the request body the key came with: the same key with another body is refused. */
  intakeBodyHash?: string;
  driverReport?: DriverReport;
  /** A case continued as new carries its state on. */
  carried?: ComplaintState;
}

/** Rules a case keeps for its whole life, recorded in history by the activity that loads them. */
export interface CaseRules {
  policy: Policy;
  calendar: CalendarSnapshot;
  /** Which files and versions were used; `stale` when a broken file was passed over for the last good one. */
  snapshot?: { snapshotId: string; loadedAt: string; stale?: boolean; staleReason?: string };
}

export interface Deadline {
  kind: 'acknowledge' | 'resolve' | 'customer_reply' | 'manual';
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

export type NoticePurpose = 'acknowledgement' | 'escalation' | 'request_info' | 'charge_notice' | 'charge_disputed' | 'apology';

export interface Notification {
  step: string;
  purpose: NoticePurpose;
  channel: 'sms' | 'app';
  text: string;
  outId: string;
  status: 'sent' | 'delivered' | 'failed';
  at: string;
  /** The rail's word when it failed. */
  reason?: string;
  /** A receipt that came after the window had given up on the message (the next channel had taken over). */
  lateReceipt?: { status: 'delivered' | 'failed'; at: string | null; reason: string | null };
}

/** What a settlement pays and why, whether it is proposed or decided. */
export interface SettlementTerms {
  kind: SettlementKind;
  refundFen: number;
  feeFen: number;
  feeRule: string;
  platformAtFault: boolean;
  reason: string;
  at: string;
}

export interface SettlementProposal extends SettlementTerms {
  proposedBy: Actor;
  needsLevel: Level;
}

export interface Refund {
  /** Our provider idempotency key: the order and what it pays for. */
  outRequestNo: string;
  amountFen: number;
  status: 'succeeded' | 'processing' | 'failed';
  /** Where and by when the money arrives, as the rail says. */
  arrival?: { channel: string; expectedBy?: string };
  /** The rail's own refund reference: what the customer and the voucher are given. */
  refundId: string;
  transactionRef?: string;
  purpose?: string;
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

export interface Settlement extends SettlementTerms {
  approvedBy: Actor;
  automatic: boolean;
  /** What the relief pays for, finding by finding. */
  claims: Claim[];
}

export interface TimelineEntry {
  at: string;
  actor: string;
  kind: string;
  text: string;
}

export interface ManualStep {
  reason: string;
  /** The step that was refused: what an ops retry runs again. */
  step: string;
  since: string;
  deadline: string;
  autoRetries: number;
  /** When the step is tried again by itself; absent once the automatic retries are spent. */
  retryAt?: string;
  deadlineMissed?: boolean;
}

export type CaseDecision =
  | { kind: 'settle'; settlement: Settlement }
  | { kind: 'resolve' | 'reject' | 'withdraw'; actor: Actor; reason: string };

/** A message being delivered: channel by channel, round by round. */
export interface Send {
  purpose: NoticePurpose;
  text: string;
  /** The approved SMS template and its parameters, for rails that send templates only. */
  template?: TemplateRef;
  channelIndex: number;
  round: number;
}

export interface MachineState {
  /** machine version the case started on: how a change to the machine reaches only new cases. */
  version: number;
  rules?: CaseRules;
  holdDone: boolean;
  rulesDone: boolean;
  currentDeadline?: { at: string; warnAt: string };
  chargeNoticeSent: boolean;
  ackDelivered: boolean;
  ackRound: number;
  topBreaches: number;
  evidenceRuns: number;
  evidenceStale: boolean;
  decision?: CaseDecision;
  ledger?: LedgerFacts | null;
  /** The money plan waits for a fresh read of the ledger (a decision before it, or a re-plan). */
  awaitingLedger?: boolean;
  /** Money moved outside the case since the ledger was read (the provider charged at its hold's end). */
  ledgerStale?: boolean;
  trip?: TripFacts | null;
  /** The ticket or ride status the order system reported with the ledger (null: none reported). */
  fulfilment?: FulfilmentFacts | null;
  money?: {
    movements: Movement[];
    next: number;
    replans: number;
    notes: string[];
    /** A refund the rail accepted and is still processing: awaited by its notification or a poll. */
    awaiting?: { index: number; outRequestNo: string; transactionRef?: string; pollAt: string };
    /** Notification ids already taken: a redelivery is not news. */
    notified?: string[];
  };
  /** Calls in flight, by step. */
  calls: Record<string, true>;
  /** Messages in flight, by step. */
  sends: Record<string, Send>;
  /** Background retries waiting for their timer: what -> when. */
  retries: Record<string, string>;
  voucherDone: boolean;
  chargeDisputeTold: boolean;
  apologyText?: string;
  apologyTemplate?: TemplateRef;
  apologyRound?: number;
  ackMissed?: boolean;
  oaTold?: boolean;
  /** The last hold attempt failed: whether the charge is held is not known. */
  holdFailed?: boolean;
  /**
   * The first read of the records settled the case at once: the apology (and the enterprise's
   * voucher) tell everything, so no acknowledgement or dispute notice goes out, unless the case
   * then has to wait for a person (see `tellOpening`).
   */
  openingWaived?: boolean;
}

export interface ComplaintState extends ComplaintSubject {
  complaintId: string;
  caseRef: string;
  createdBy: Actor;
  language: Language;
  status: Status;
  outcome?: Outcome;
  /** When the outcome was final (money moved, apology written): the date the voucher is issued on. */
  outcomeAt?: string;
  level: Level;
  owner: string;
  policyVersion: string;
  rulesSnapshot?: CaseRules['snapshot'];
  /** The case's own authority limits (from its policy version), so the console can explain refusals. */
  authorityFen?: Record<Level, number>;
  receivedAt: string;
  acknowledgedAt?: string;
  closedAt?: string;
  deadlines: Deadline[];
  nextDeadline?: string;
  clockPausedRemainingMs?: number;
  flags: { warned: boolean; breached: boolean; provisionalDeadline: boolean; apologyUndeliverable: boolean; needsOps: boolean; orderNotFound: boolean };
  /** Why the case waits for ops, while flags.needsOps is set. */
  opsReason?: string;
  manual?: ManualStep;
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
  oaStatus?: string;
  /** Intake keys this case handled (a driver's report, a client's Idempotency-Key) -> the body's hash. */
  intakes: Record<string, string>;
  /** The enterprise's language for OA texts and the voucher (the order's, Chinese by default). */
  oaLanguage?: Language;
  /** What the findings say the order is still owed, after every refund by any case. */
  owedFen?: number;
  /** Runs this case has continued across (continue-as-new), the first counted as 0. */
  continuedRuns: number;
  machine: MachineState;
}

/**
 * How a change to the machine reaches running cases. A change that would give a running case a
 * different command sequence appends a marker here and branches on `state.machine.version`; the
 * interpreter asks `patched()` for each marker when a case starts, so a case started before the
 * change keeps deciding as it did (and replays), and new cases get the new rule. The replay test
 * over the captured histories fails when a change needs a marker and has none.
 */
export const MACHINE_CHANGES: readonly string[] = [
  // 2: the hold and the evidence read run as local activities, search attributes are published
  // once per workflow task, and an enterprise case's voucher goes out with its apology.
  'fast-path',
];
/** Machine versions by what they changed, for the branches that read `state.machine.version`. */
export const FAST_PATH_VERSION = 2;
export const MACHINE_VERSION = 1 + MACHINE_CHANGES.length;

export function initialState(input: ComplaintInput, ids: { complaintId: string; caseRef: string }, now: string, version = MACHINE_VERSION): ComplaintState {
  return {
    complaintId: ids.complaintId,
    caseRef: ids.caseRef,
    orderId: input.orderId,
    customerId: input.customerId,
    category: input.category,
    tier: input.tier,
    channel: input.channel,
    orderKind: input.orderKind,
    description: input.description,
    createdBy: input.createdBy,
    language: input.customer.language,
    status: 'received',
    level: 1,
    owner: 'queue:agents',
    policyVersion: '',
    receivedAt: now,
    deadlines: [],
    flags: { warned: false, breached: false, provisionalDeadline: false, apologyUndeliverable: false, needsOps: false, orderNotFound: false },
    levels: [],
    findings: [],
    driverReports: input.driverReport ? [input.driverReport] : [],
    refunds: [],
    notifications: [],
    notes: [],
    events: [],
    apologyDelivered: false,
    intakes: input.intakeKey ? { [input.intakeKey]: input.intakeBodyHash ?? '' } : {},
    continuedRuns: 0,
    machine: {
      version,
      holdDone: false,
      rulesDone: false,
      chargeNoticeSent: false,
      ackDelivered: false,
      ackRound: 1,
      topBreaches: 0,
      evidenceRuns: 0,
      evidenceStale: false,
      calls: {},
      sends: {},
      retries: {},
      voucherDone: false,
      chargeDisputeTold: false,
    },
  };
}

/** The systems of record as last read: the evidence panel shows them, not only what was found in them. */
export interface CaseRecords {
  /** null: the payment system does not know the order; absent: not read yet. */
  ledger?: LedgerFacts | null;
  trip?: TripFacts | null;
  /** The ticket or ride status; absent on a case read before it was recorded. */
  fulfilment?: FulfilmentFacts | null;
}

/** A case as the API, the console and the voucher read it: everything but the machine's bookkeeping. */
export type CaseRecord = Omit<ComplaintState, 'machine'> & { records?: CaseRecords; money?: MoneySummary };

/** What the API and console are shown: the state without the rules and the bookkeeping. */
export function publicView(state: ComplaintState): CaseRecord {
  const { machine: _machine, ...rest } = state;
  return rest;
}

/** The case as staff read it (state query, closed case's result): with the records it was decided on. */
export function staffView(state: ComplaintState): CaseRecord {
  const view = publicView(state);
  return { ...view, records: { ledger: state.machine.ledger, trip: state.machine.trip, fulfilment: state.machine.fulfilment }, money: moneySummary({ ...view, ledger: state.machine.ledger }) };
}
