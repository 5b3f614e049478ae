/**
 * An order's money as the payment system's ledger shows it, whichever case moved it: every
 * debit is a transaction with what is left of it after the refunds made against it. What a
 * finding is owed is computed from this position, so a finding paid once is worth 0 to any
 * later case, and every movement is keyed by the order and what it pays for, never by the case.
 */
import type { LedgerFacts } from './evidence';

export interface Transaction {
  /** The rail's transaction (trade) reference: what a refund reverses. */
  ref: string;
  amountFen: number;
  at: string;
  attemptId?: string;
  refundedFen: number;
  remainingFen: number;
}

export interface NetPosition {
  orderAmountFen: number;
  transactions: Transaction[];
  debitedFen: number;
  refundedFen: number;
  /** Debited less refunded: what the customer has paid for the order today. */
  paidFen: number;
  /** An automatic charge not yet executed (held or still due), which the order will cost too. */
  pendingFen: number;
}

const SUCCESS = new Set(['succeeded', 'success', 'SUCCESS', 'SUCCEEDED']);

export function netPosition(ledger: LedgerFacts): NetPosition {
  const transactions: Transaction[] = ledger.entries
    .filter((e) => e.kind === 'debit' && SUCCESS.has(e.status))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((d) => ({ ref: d.providerRef ?? d.id, amountFen: d.amountFen, at: d.at, attemptId: d.paymentId, refundedFen: 0, remainingFen: d.amountFen }));
  const byRef = new Map(transactions.map((t) => [t.ref, t]));
  let unattributed = 0;
  for (const r of ledger.entries.filter((e) => e.kind === 'refund' && SUCCESS.has(e.status))) {
    const target = r.reverses ? byRef.get(r.reverses) : undefined;
    if (target) {
      const taken = Math.min(target.remainingFen, r.amountFen);
      target.refundedFen += taken;
      target.remainingFen -= taken;
      unattributed += r.amountFen - taken;
    } else {
      unattributed += r.amountFen;
    }
  }
  // A refund that names no transaction came off the latest debits first (duplicates come last).
  for (const t of [...transactions].reverse()) {
    const taken = Math.min(t.remainingFen, unattributed);
    t.refundedFen += taken;
    t.remainingFen -= taken;
    unattributed -= taken;
  }
  const debitedFen = transactions.reduce((s, t) => s + t.amountFen, 0);
  const refundedFen = transactions.reduce((s, t) => s + t.refundedFen, 0);
  return {
    orderAmountFen: ledger.amountFen,
    transactions,
    debitedFen,
    refundedFen,
    paidFen: debitedFen - refundedFen,
    pendingFen: ledger.pendingChargeFen ?? 0,
  };
}

/**
 * The transactions that pay for the order once, and those beyond it: debits are taken oldest
 * first until the order's amount is covered; every later debit is a duplicate.
 */
export function splitDuplicates(position: NetPosition): { primary: Transaction[]; duplicates: Transaction[] } {
  const primary: Transaction[] = [];
  const duplicates: Transaction[] = [];
  let covered = 0;
  for (const t of position.transactions) {
    if (covered < position.orderAmountFen || primary.length === 0) {
      primary.push(t);
      covered += t.amountFen;
    } else {
      duplicates.push(t);
    }
  }
  return { primary, duplicates };
}

/** One movement of money the engine asks a rail for. */
export interface Movement {
  kind: 'refund' | 'capture' | 'release';
  /** The provider idempotency key: order + what it pays for, so any case or run asks the same. */
  key: string;
  amountFen: number;
  /** The transaction a refund reverses. */
  transactionRef?: string;
  /** What it pays for, said to people. */
  purpose: string;
}

/** What a settlement asks to be paid, finding by finding, before the rails' books are read. */
export interface Claim {
  /** Stable name of what is paid for: `dup:<txn>`, `failed:<txn>`, `fare:<order>`, `comp:<case>`. */
  forWhat: string;
  amountFen: number;
  /** Transactions to take it from, in order; empty means any transaction with money left. */
  from: string[];
  purpose: string;
}

export interface MoneyPlanInput {
  orderId: string;
  claims: Claim[];
  /** A held automatic charge, adjusted before anything is refunded. */
  held?: { holdId: string; amountFen: number };
  /** Release (or capture in full) a held charge whatever the decision. */
  decision: 'settle' | 'resolve' | 'reject' | 'withdraw';
  position?: NetPosition;
}

export interface MoneyPlan {
  movements: Movement[];
  /** Asked for but not payable: what is left of the debits is less. */
  unpaidFen: number;
  notes: string[];
}

/** A provider key: at most 64 of [A-Za-z0-9_-], which both Alipay and WeChat Pay accept. */
export function movementKey(orderId: string, forWhat: string): string {
  const raw = `${orderId}-${forWhat}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (raw.length <= 64) return raw;
  return `${raw.slice(0, 52)}-${fnv1a(raw)}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 11);
}

/**
 * Turns what is owed into movements: a held charge is reduced first (money never leaves the
 * customer only to come back), then each claim is refunded from its own transactions, never
 * more than is left of them. What cannot be paid is reported, not attempted.
 */
export function moneyPlan(input: MoneyPlanInput): MoneyPlan {
  const movements: Movement[] = [];
  const notes: string[] = [];
  const relief = input.decision === 'settle' ? input.claims.reduce((s, c) => s + c.amountFen, 0) : 0;
  let toRefund = [...input.claims.map((c) => ({ ...c }))];
  if (input.held) {
    const holdKey = (what: string) => movementKey(input.orderId, `${what}-${input.held!.holdId}`);
    if (relief >= input.held.amountFen) {
      movements.push({ kind: 'release', key: holdKey('release'), amountFen: input.held.amountFen, purpose: 'release the held charge' });
      toRefund = consume(toRefund, input.held.amountFen);
    } else {
      movements.push({ kind: 'capture', key: holdKey('capture'), amountFen: input.held.amountFen - relief, purpose: 'capture the held charge at the corrected amount' });
      toRefund = [];
    }
  }
  const left = new Map((input.position?.transactions ?? []).map((t) => [t.ref, t.remainingFen]));
  let unpaidFen = 0;
  for (const claim of toRefund) {
    let due = claim.amountFen;
    const sources = claim.from.length > 0 ? claim.from : [...left.keys()].reverse();
    for (const ref of sources) {
      const available = left.get(ref) ?? 0;
      const take = Math.min(available, due);
      if (take <= 0) continue;
      left.set(ref, available - take);
      due -= take;
      movements.push({ kind: 'refund', key: movementKey(input.orderId, `${claim.forWhat}-${ref}`), amountFen: take, transactionRef: ref, purpose: claim.purpose });
      if (due === 0) break;
    }
    if (due > 0) {
      unpaidFen += due;
      notes.push(`${claim.purpose}: ${due} fen more than is left of the order's debits; paid what is left`);
    }
  }
  return { movements, unpaidFen, notes };
}

/** Claims with the part a hold reduction already covered taken off, first claims first. */
export function consume(claims: Claim[], fen: number): Claim[] {
  let rest = fen;
  const out: Claim[] = [];
  for (const c of claims) {
    const take = Math.min(rest, c.amountFen);
    rest -= take;
    if (c.amountFen - take > 0) out.push({ ...c, amountFen: c.amountFen - take });
  }
  return out;
}
