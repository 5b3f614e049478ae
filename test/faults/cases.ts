/**
 * The complaints the fault test streams, what an agent does on each, and what each must end as.
 *
 *   A          story A flight order: charged after "payment failed", debited twice; refunds itself in full
 *   B-detour   story B ride with a 13 km detour and an automatic charge due soon: held, captured at the fair fare
 *   B-resolve  story B ride on the planned route: held until an agent resolves, then captured in full
 *   settle     a paid order settled by an agent: compensation for our fault (fee 0), or the customer's cancellation that the tariff charges 20% for
 *   premium    6-second levels: must breach and escalate by itself; a supervisor then resolves it
 */
import { fairFareFen } from '../../domain/evidence';
import type { SeedOrderInput } from '../../simulators/admin/seed-schema';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { KEYS } from './http';

export type Kind = 'A' | 'B-detour' | 'B-resolve' | 'settle' | 'premium';

export interface Expected {
  outcome: string;
  automatic: boolean;
  /** Money the customer gets back by refund (after fee). */
  refundPaidFen: number;
  feeFen: number;
  /** For held charges: what must have been captured. */
  capturedFen?: number;
  enterprise: boolean;
  breach: boolean;
}

export interface Case {
  n: number;
  kind: Kind;
  orderId: string;
  complaintId: string;
  phone: string;
  seed?: SeedOrderInput;
  body: Record<string, unknown>;
  /** The agent's action and when it may be taken. */
  action?: { name: string; key: string; body: Record<string, unknown>; ready(s: any): boolean };
  expected: Expected;
  // Progress, filled in by the run:
  submittedAtMs?: number;
  submitAttempts: number;
  submitStatuses: number[];
  submitted: boolean;
  created?: boolean;
  caseRef?: string;
  actionAttempts: number;
  actionStatuses: number[];
  actionDone: boolean;
  final?: any;
}

const investigating = (s: any) => s.status === 'investigating';

/** The pattern repeats every 12 complaints: 3 A, 3 settle, 2 B-detour, 2 B-resolve, 2 premium. */
const PATTERN: Kind[] = ['A', 'settle', 'B-detour', 'premium', 'A', 'B-resolve', 'settle', 'A', 'B-detour', 'premium', 'settle', 'B-resolve'];

/** One letter a kind: the order id stays short enough (15) for its case reference (order id, '-', 8) to fit the SMS templates' 24 characters. */
const LETTER: Record<Kind, string> = { A: 'A', 'B-detour': 'D', 'B-resolve': 'R', settle: 'S', premium: 'P' };

export function makeCase(n: number, runTag: string, kind: Kind = PATTERN[n % PATTERN.length]!): Case {
  const orderId = `F${runTag}${LETTER[kind]}${n}`;
  if (orderId.length > 15) throw new Error(`order id ${orderId} is too long for the SMS templates' case reference`);
  const phone = `+86139${String(n).padStart(8, '0')}`;
  const base = {
    orderId,
    customerId: `CUST-F-${n}`,
    category: 'service_quality',
    tier: 'individual',
    orderKind: 'other',
    description: `fault-test complaint ${n} (${kind})`,
    customer: { name: '测试', phone, language: n % 2 ? 'en' : 'zh' },
  };
  const c: Case = {
    n,
    kind,
    orderId,
    complaintId: `complaint-${orderId}`,
    phone,
    body: base,
    expected: { outcome: '', automatic: false, refundPaidFen: 0, feeFen: 0, enterprise: false, breach: false },
    submitAttempts: 0,
    submitStatuses: [],
    submitted: false,
    actionAttempts: 0,
    actionStatuses: [],
    actionDone: false,
  };
  const now = Date.now();
  switch (kind) {
    case 'A': {
      c.seed = storyAFlightOrder(orderId, { customerId: base.customerId });
      c.body = { ...base, category: 'payment_dispute', orderKind: 'flight', description: '支付页面显示失败，后来却扣款出票' };
      // Charged after a shown failure (the order, 128,600) plus the duplicate debit (128,600).
      c.expected = { outcome: 'refunded', automatic: true, refundPaidFen: 257_200, feeFen: 0, enterprise: false, breach: false };
      break;
    }
    case 'B-detour':
    case 'B-resolve': {
      // Due soon, but after the case has certainly held it even through the disruptions.
      const seed = storyBRideOrder(orderId, { dueAt: new Date(now + 120_000), enterpriseId: `ENT-F-${n}` });
      if (kind === 'B-resolve') seed.trip = { ...seed.trip!, actualKm: seed.trip!.plannedKm };
      c.seed = seed;
      const trip = seed.trip!;
      c.body = { ...base, tier: 'enterprise', orderKind: 'ride', category: kind === 'B-detour' ? 'ride_detour' : 'fare_dispute', description: kind === 'B-detour' ? '司机绕路，已承认' : '车费过高' };
      if (kind === 'B-detour') {
        const fair = fairFareFen(trip);
        c.expected = { outcome: 'partly_refunded', automatic: true, refundPaidFen: 0, feeFen: 0, capturedFen: fair, enterprise: true, breach: false };
      } else {
        c.expected = { outcome: 'resolved', automatic: false, refundPaidFen: 0, feeFen: 0, capturedFen: seed.pendingAutoCharge!.amountFen, enterprise: true, breach: false };
        c.action = { name: 'resolve', key: KEYS.agent, body: { reason: '路线与计划一致，车费正确 / the route was the planned one' }, ready: investigating };
      }
      break;
    }
    case 'settle': {
      const at = new Date(now - 3_600_000).toISOString();
      c.seed = {
        orderId,
        orderAmountFen: 10_000,
        customerId: base.customerId,
        attempts: [{ attemptId: `${orderId}-A1`, at, amountFen: 10_000, status: 'SUCCEEDED', shownToCustomer: 'paid' }],
        debits: [{ amountFen: 10_000, at, attemptId: `${orderId}-A1` }],
        tariff: { refundFeeRatio: 0.2, seatResold: false },
      };
      const atFault = n % 2 === 0;
      const refundFen = atFault ? 6_000 : 5_000;
      const feeFen = atFault ? 0 : 1_000;
      c.expected = { outcome: 'partly_refunded', automatic: false, refundPaidFen: refundFen - feeFen, feeFen, enterprise: false, breach: false };
      c.action = {
        name: 'propose-settlement',
        key: KEYS.agent,
        body: { refundFen, platformAtFault: atFault, kind: atFault ? 'compensation' : 'cancellation', reason: atFault ? 'late pickup, our fault' : 'cancelled by the customer' },
        ready: investigating,
      };
      break;
    }
    case 'premium': {
      c.body = { ...base, tier: 'premium', description: '高级会员投诉：客服未回电' };
      c.expected = { outcome: 'resolved', automatic: false, refundPaidFen: 0, feeFen: 0, enterprise: false, breach: true };
      // Only after the level-1 deadline breached and moved the case up by itself; a supervisor acts at any level.
      c.action = {
        name: 'resolve',
        key: KEYS.supervisor,
        body: { reason: '主管已回电并致歉 / the supervisor called back' },
        ready: (s) => investigating(s) && s.flags?.breached === true && s.level >= 2,
      };
      break;
    }
  }
  return c;
}

/** Problems with one closed case against what it should have ended as; empty means correct. */
export function checkFinal(c: Case, s: any, ledger: any | null, oa: any | null): string[] {
  const p: string[] = [];
  const e = c.expected;
  const say = (m: string) => p.push(`${c.complaintId} (${c.kind}): ${m}`);
  if (!s) return [`${c.complaintId} (${c.kind}): no final state`];
  if (s.status !== 'closed') say(`status ${s.status}, not closed`);
  if (s.outcome !== e.outcome) say(`outcome ${s.outcome}, expected ${e.outcome}`);
  if (!s.apologyDelivered) say('no delivered apology');
  if (s.flags?.needsOps) say(`left needing ops: ${s.opsReason}`);
  // Settled as it opened (agreed facts, read at the first try, no person needed): the apology is
  // the only message and the voucher the OA's only word. Any other case is acknowledged and, for
  // an enterprise, its approval told of the dispute once.
  const acknowledged = s.notifications?.some((n: any) => n.purpose === 'acknowledgement');
  const settledAtOnce = e.automatic && !acknowledged && !s.events?.some((ev: any) => ev.kind === 'needs_manual' || ev.kind === 'provider_refused');
  // Sent (or tried on every channel); whether it reached the customer is reported by the message checks.
  if (!acknowledged && !settledAtOnce) say('no acknowledgement sent');
  const refundPaid = (s.refunds ?? []).reduce((sum: number, r: any) => sum + r.amountFen, 0);
  if (refundPaid !== e.refundPaidFen) say(`refunds in state ${refundPaid} fen, expected ${e.refundPaidFen}`);
  // Every refund is keyed by the order and what it pays for (at most 64 of [A-Za-z0-9_-]), never by the case.
  const keyed = new RegExp(`^${c.orderId}-(DUP|FAIL|FARE|CANCEL|COMP-[0-9A-F]{8})-[A-Za-z0-9_-]+$`);
  for (const r of s.refunds ?? []) if (!keyed.test(r.outRequestNo) || r.outRequestNo.length > 64) say(`refund number ${r.outRequestNo} is not keyed by order and finding`);
  if (e.outcome !== 'resolved' || c.kind === 'B-detour') {
    if (s.settlement?.automatic !== e.automatic) say(`settlement automatic=${s.settlement?.automatic}, expected ${e.automatic}`);
    if (s.settlement && s.settlement.feeFen !== e.feeFen) say(`fee ${s.settlement.feeFen}, expected ${e.feeFen}`);
  }
  if (e.breach) {
    if (!s.flags?.breached) say('premium case never breached');
    if (!(s.levels?.length >= 2)) say('premium case was not escalated');
    else if (!String(s.levels[1].reason).includes('breached')) say(`level 2 entered for "${s.levels[1].reason}", not by the breach`);
  } else if (s.flags?.breached) {
    say('breached although its deadline is hours away');
  }
  if (ledger) {
    // Every rail refunds transactions: one refund per debit it reverses, none over its debit, each the case's own key.
    const refs = ledger.refunds.map((r: any) => r.transactionRef);
    if (new Set(refs).size !== refs.length) say(`a transaction refunded twice: ${refs.join(', ')}`);
    const numbers = new Set((s.refunds ?? []).map((r: any) => r.outRequestNo));
    for (const r of ledger.refunds) {
      const debit = ledger.debits.find((d: any) => d.providerRef === r.transactionRef);
      if (!debit || r.amountFen > debit.amountFen) say(`refund ${r.outRequestNo} of ${r.amountFen} fen does not fit debit ${r.transactionRef}`);
      if (!numbers.has(r.outRequestNo)) say(`the ledger's refund ${r.outRequestNo} is not one the case made`);
    }
    if ((e.refundPaidFen > 0) !== ledger.refunds.length > 0) say(`provider ledger has ${ledger.refunds.length} refunds for ${e.refundPaidFen} fen owed`);
    if (ledger.totals.refundedFen !== e.refundPaidFen) say(`provider refunded ${ledger.totals.refundedFen} fen, expected ${e.refundPaidFen}`);
    for (const h of ledger.holds) if (h.status === 'HELD' || h.status === 'EXPIRED') say(`hold ${h.holdId} is ${h.status} on a closed case`);
    if (e.capturedFen !== undefined) {
      if (ledger.holds.length !== 1) say(`${ledger.holds.length} holds on the order, expected 1`);
      if (s.hold?.status !== 'captured' || s.hold?.capturedFen !== e.capturedFen) say(`hold in state ${JSON.stringify(s.hold)}, expected captured at ${e.capturedFen}`);
      const debits = ledger.debits.map((d: any) => `${d.kind}:${d.amountFen}`);
      if (JSON.stringify(debits) !== JSON.stringify([`hold_capture:${e.capturedFen}`])) say(`debits ${debits.join(', ')}, expected only the capture of ${e.capturedFen}`);
      if (ledger.pendingAutoCharge) say('an automatic charge is still pending');
    }
  }
  if (e.enterprise && oa) {
    const inst = oa.instances?.[0];
    if (!inst) say('no OA instance');
    else {
      // On DingTalk and Feishu the voucher travels as a comment with files; it is not a dispute comment.
      const disputeComments = inst.comments.filter((cm: { text: string }) => !cm.text.includes(':oa-voucher]'));
      const expected = settledAtOnce ? 0 : 1;
      if (disputeComments.length !== expected) say(`${disputeComments.length} OA dispute comments, expected ${expected}`);
      if (inst.attachments.length !== 2) say(`${inst.attachments.length} OA attachments, expected 2 (voucher HTML and JSON)`);
    }
  }
  return p;
}
