/**
 * The payment provider's books. Every method validates before it mutates and mutates
 * through `store.update`, so what a response acknowledges is already on disk.
 */
import type {
  Debit,
  Hold,
  HoldResult,
  OrderLedger,
  PaymentAttempt,
  PendingAutoCharge,
  Refund,
  RefundRequest,
  RefundResult,
  TripTrace,
} from '../../activities/clients/payment';
import { DEFAULT_MAX_HOLD_MS, type SeedOrder } from '../admin/seed-schema';
import { Problem } from '../lib/http';
import { JsonStore } from '../lib/store';
import { ledgerEntries } from './ledger-view';

type HoldOp = 'hold' | 'release' | 'capture';

export interface StoredOrder extends Omit<OrderLedger, 'totals' | 'entries'> {
  trip: TripTrace | null;
  /** Idempotency keys of hold operations on this order, so a retried call returns what the first did. */
  holdKeys: Record<string, { op: HoldOp; holdId: string; amountFen: number | null }>;
}

interface PaymentData {
  version: 1;
  seq: number;
  orders: Record<string, StoredOrder>;
  /** outRequestNo -> orderId: refund numbers are unique across the merchant, as with Alipay. */
  refundIndex: Record<string, string>;
  stats: {
    /** Times a refund actually moved money, per outRequestNo. Anything but 1 is a double refund. */
    refundExecutions: Record<string, number>;
    /** Times a refund was asked for, per outRequestNo (retries included). */
    refundRequests: Record<string, number>;
    autoChargesExecuted: number;
    holds: { created: number; released: number; captured: number; expired: number; replayed: number };
  };
}

const initial = (): PaymentData => ({
  version: 1,
  seq: 0,
  orders: {},
  refundIndex: {},
  stats: {
    refundExecutions: {},
    refundRequests: {},
    autoChargesExecuted: 0,
    holds: { created: 0, released: 0, captured: 0, expired: 0, replayed: 0 },
  },
});

export class PaymentService {
  readonly store: JsonStore<PaymentData>;
  private readonly now: () => Date;

  constructor(dataDir: string, now: () => Date) {
    this.store = new JsonStore(dataDir, 'payment', initial);
    this.now = now;
  }

  private get data(): PaymentData {
    return this.store.data;
  }

  private nextId(prefix: string): string {
    this.data.seq += 1;
    return `${prefix}${String(this.data.seq).padStart(8, '0')}`;
  }

  private nowIso(): string {
    return this.now().toISOString();
  }

  private order(orderId: string): StoredOrder {
    const order = this.data.orders[orderId];
    if (!order) throw new Problem(404, 'ORDER_NOT_FOUND', `no order ${orderId}`);
    return order;
  }

  seedOrder(seed: SeedOrder): OrderLedger {
    if (this.data.orders[seed.orderId]) {
      throw new Problem(409, 'ORDER_EXISTS', `order ${seed.orderId} already seeded; POST /_admin/reset to start over`);
    }
    return this.store.update(() => {
      const attempts: PaymentAttempt[] = seed.attempts.map((a) => ({ ...a, attemptId: a.attemptId ?? this.nextId('ATT') }));
      const debits: Debit[] = seed.debits.map((d) => ({
        ...d,
        debitId: d.debitId ?? this.nextId('DEB'),
        providerRef: d.providerRef ?? this.nextId('PAY'),
      }));
      const p = seed.pendingAutoCharge;
      const pendingAutoCharge: PendingAutoCharge | null = p
        ? {
            chargeId: p.chargeId ?? this.nextId('CHG'),
            amountFen: p.amountFen,
            dueAt: p.dueAt,
            maxHoldUntil: p.maxHoldUntil ?? new Date(Date.parse(p.dueAt) + (p.maxHoldMs ?? DEFAULT_MAX_HOLD_MS)).toISOString(),
            holdId: null,
          }
        : null;
      const order: StoredOrder = {
        orderId: seed.orderId,
        kind: seed.kind,
        currency: 'CNY',
        description: seed.description,
        customerId: seed.customerId,
        enterpriseId: seed.enterpriseId,
        orderAmountFen: seed.orderAmountFen,
        attempts,
        debits,
        refunds: [],
        holds: [],
        pendingAutoCharge,
        fulfilment: seed.fulfilment,
        fulfilmentStatus: seed.fulfilmentStatus,
        tariff: seed.tariff,
        language: seed.language,
        trip: seed.trip ? { orderId: seed.orderId, ...seed.trip } : null,
        holdKeys: {},
      };
      this.data.orders[seed.orderId] = order;
      return this.view(order);
    });
  }

  ledger(orderId: string): OrderLedger {
    const order = this.order(orderId);
    // The provider's clock moves whether or not the ticker has run: never show a charge as pending past its due time.
    if (this.settle(order)) this.store.save();
    return this.view(order);
  }

  trip(orderId: string): TripTrace {
    const trip = this.data.orders[orderId]?.trip;
    if (!trip) throw new Problem(404, 'NO_TRIP', `order ${orderId} has no trip trace`);
    return trip;
  }

  hold(orderId: string, key: string): HoldResult {
    const order = this.order(orderId);
    return this.store.update(() => {
      this.settle(order);
      const replay = this.replay(order, key, 'hold', null);
      if (replay) return replay;
      const pending = order.pendingAutoCharge;
      if (!pending) throw new Problem(409, 'NO_PENDING_CHARGE', `order ${orderId} has no pending automatic charge to hold`);
      if (pending.holdId) {
        throw new Problem(409, 'ALREADY_HELD', `the pending charge of ${orderId} is already held under another key`, {
          hold: this.findHold(order, pending.holdId),
        });
      }
      const hold: Hold = {
        holdId: this.nextId('HLD'),
        orderId,
        chargeId: pending.chargeId,
        amountFen: pending.amountFen,
        status: 'HELD',
        heldAt: this.nowIso(),
        maxHoldUntil: pending.maxHoldUntil,
        releasedAt: null,
        capturedAt: null,
        capturedFen: null,
        debitId: null,
      };
      order.holds.push(hold);
      pending.holdId = hold.holdId;
      order.holdKeys[key] = { op: 'hold', holdId: hold.holdId, amountFen: null };
      this.data.stats.holds.created += 1;
      return { ...hold };
    });
  }

  release(orderId: string, key: string): HoldResult {
    const order = this.order(orderId);
    return this.store.update(() => {
      this.settle(order);
      const replay = this.replay(order, key, 'release', null);
      if (replay) return replay;
      const hold = this.activeHold(order);
      hold.status = 'RELEASED';
      hold.releasedAt = this.nowIso();
      order.pendingAutoCharge = null;
      order.holdKeys[key] = { op: 'release', holdId: hold.holdId, amountFen: null };
      this.data.stats.holds.released += 1;
      return { ...hold };
    });
  }

  capture(orderId: string, key: string, amountFen: number): HoldResult {
    const order = this.order(orderId);
    return this.store.update(() => {
      this.settle(order);
      const replay = this.replay(order, key, 'capture', amountFen);
      if (replay) return replay;
      const hold = this.activeHold(order);
      if (amountFen > hold.amountFen) {
        throw new Problem(422, 'CAPTURE_EXCEEDS_HOLD', `cannot capture ${amountFen} fen of a ${hold.amountFen} fen hold`, {
          heldFen: hold.amountFen,
        });
      }
      const debit = this.debit(order, amountFen, 'hold_capture', hold.chargeId);
      hold.status = 'CAPTURED';
      hold.capturedAt = debit.at;
      hold.capturedFen = amountFen;
      hold.debitId = debit.debitId;
      order.pendingAutoCharge = null;
      order.holdKeys[key] = { op: 'capture', holdId: hold.holdId, amountFen };
      this.data.stats.holds.captured += 1;
      return { ...hold };
    });
  }

  /**
   * Executes a refund once per outRequestNo. With a transactionRef it reverses that debit and
   * cannot exceed what is left of it; without one (the old order-level protocol) it is checked
   * against the order's debits as a whole. An asynchronous rail passes status PROCESSING and
   * settles it later with settleRefund.
   */
  refund(req: RefundRequest, opts: { rail?: Refund['rail']; status?: 'SUCCESS' | 'PROCESSING' } = {}): RefundResult {
    const stats = this.data.stats;
    return this.store.update(() => {
      stats.refundRequests[req.outRequestNo] = (stats.refundRequests[req.outRequestNo] ?? 0) + 1;
      const existing = this.findRefund(req.outRequestNo);
      if (existing) {
        if (existing.orderId !== req.orderId || existing.amountFen !== req.amountFen || (req.transactionRef ?? null) !== (existing.transactionRef ?? null)) {
          throw new Problem(409, 'OUT_REQUEST_NO_REUSED', `outRequestNo ${req.outRequestNo} was used for a different refund`, {
            refund: existing,
          });
        }
        return this.refundResult(existing);
      }
      const order = this.order(req.orderId);
      if (req.transactionRef !== undefined) {
        const debit = order.debits.find((d) => d.providerRef === req.transactionRef);
        if (!debit) throw new Problem(404, 'TRANSACTION_NOT_FOUND', `order ${req.orderId} has no debit ${req.transactionRef}`);
        const left = debit.amountFen - liveRefundedFen(order, debit.providerRef);
        if (req.amountFen > left) {
          throw new Problem(422, 'REFUND_EXCEEDS_TRANSACTION', `refund of ${req.amountFen} fen exceeds the ${left} fen left of transaction ${debit.providerRef}`, {
            transactionFen: debit.amountFen,
            leftFen: left,
            requestedFen: req.amountFen,
          });
        }
      }
      const { debitedFen, refundedFen } = totals(order);
      if (refundedFen + req.amountFen > debitedFen) {
        throw new Problem(422, 'REFUND_EXCEEDS_DEBITED', `refund of ${req.amountFen} fen exceeds what is left of ${debitedFen} fen debited`, {
          debitedFen,
          refundedFen,
          requestedFen: req.amountFen,
        });
      }
      const refund: Refund = {
        refundId: this.nextId('RFD'),
        outRequestNo: req.outRequestNo,
        orderId: req.orderId,
        amountFen: req.amountFen,
        reason: req.reason,
        status: opts.status ?? 'SUCCESS',
        refundedAt: this.nowIso(),
        providerRef: this.nextId('RF'),
        transactionRef: req.transactionRef ?? null,
        rail: opts.rail ?? 'internal',
      };
      order.refunds.push(refund);
      this.data.refundIndex[req.outRequestNo] = req.orderId;
      stats.refundExecutions[req.outRequestNo] = (stats.refundExecutions[req.outRequestNo] ?? 0) + 1;
      return this.refundResult(refund);
    });
  }

  /** An asynchronous refund's outcome: SUCCESS moves the money, ABNORMAL and CLOSED give it back to the order. */
  settleRefund(outRequestNo: string, status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED'): RefundResult {
    const refund = this.findRefund(outRequestNo);
    if (!refund) throw new Problem(404, 'REFUND_NOT_FOUND', `no refund with outRequestNo ${outRequestNo}`);
    if (refund.status !== 'PROCESSING') return this.refundResult(refund);
    return this.store.update(() => {
      refund.status = status;
      refund.refundedAt = this.nowIso();
      return this.refundResult(refund);
    });
  }

  /** The debit a rail's trade id names, with the order it belongs to. */
  findTransaction(providerRef: string): { order: OrderLedger; debit: Debit } | null {
    for (const order of Object.values(this.data.orders)) {
      const debit = order.debits.find((d) => d.providerRef === providerRef);
      if (debit) return { order: this.ledger(order.orderId), debit: { ...debit } };
    }
    return null;
  }

  /** The order a hold id (a rail's authorisation number) belongs to. */
  orderOfHold(holdId: string): string | null {
    return Object.values(this.data.orders).find((o) => o.holds.some((h) => h.holdId === holdId))?.orderId ?? null;
  }

  findRefundByNo(outRequestNo: string): RefundResult | null {
    const refund = this.findRefund(outRequestNo);
    return refund ? this.refundResult(refund) : null;
  }

  queryRefund(outRequestNo: string): RefundResult {
    const refund = this.findRefund(outRequestNo);
    if (!refund) throw new Problem(404, 'REFUND_NOT_FOUND', `no refund with outRequestNo ${outRequestNo}`);
    return this.refundResult(refund);
  }

  /** One ticker pass: executes due, unheld charges and charges whose hold passed the provider's limit. */
  runDue(): number {
    let changed = 0;
    for (const order of Object.values(this.data.orders)) if (this.settle(order)) changed += 1;
    if (changed > 0) this.store.save();
    return changed;
  }

  reset(): void {
    this.store.reset();
  }

  /** The provider ends a hold before the time it announced (its own limits changed): it charges at once. */
  expireHoldNow(orderId: string): OrderLedger {
    const order = this.order(orderId);
    const pending = order.pendingAutoCharge;
    if (!pending?.holdId) throw new Problem(409, 'NOT_HELD', `order ${orderId} has no held charge`);
    return this.store.update(() => {
      this.findHold(order, pending.holdId!).maxHoldUntil = this.nowIso();
      this.settle(order);
      return this.view(order);
    });
  }

  stats() {
    const s = this.data.stats;
    const orders = Object.values(this.data.orders);
    return {
      orders: orders.length,
      debits: orders.reduce((n, o) => n + o.debits.length, 0),
      refunds: {
        total: orders.reduce((n, o) => n + o.refunds.length, 0),
        perOutRequestNo: { ...s.refundExecutions },
        requestsPerOutRequestNo: { ...s.refundRequests },
        duplicated: Object.entries(s.refundExecutions).filter(([, n]) => n > 1).map(([no]) => no),
      },
      autoChargesExecuted: s.autoChargesExecuted,
      holds: { ...s.holds },
      perOrder: Object.fromEntries(orders.map((o) => [o.orderId, orderMoneyStats(o, s.refundExecutions)])),
    };
  }

  /** Applies the passage of time to one order; true if anything changed. Caller persists. */
  private settle(order: StoredOrder): boolean {
    const pending = order.pendingAutoCharge;
    if (!pending) return false;
    const now = this.now().getTime();
    if (pending.holdId) {
      const hold = this.findHold(order, pending.holdId);
      if (hold.status !== 'HELD' || now < Date.parse(hold.maxHoldUntil)) return false;
      // The provider does not hold forever: at its limit the charge goes through, dispute or not.
      const debit = this.debit(order, pending.amountFen, 'auto_charge', pending.chargeId);
      hold.status = 'EXPIRED';
      hold.debitId = debit.debitId;
      order.pendingAutoCharge = null;
      this.data.stats.holds.expired += 1;
      this.data.stats.autoChargesExecuted += 1;
      return true;
    }
    if (now < Date.parse(pending.dueAt)) return false;
    this.debit(order, pending.amountFen, 'auto_charge', pending.chargeId);
    order.pendingAutoCharge = null;
    this.data.stats.autoChargesExecuted += 1;
    return true;
  }

  private debit(order: StoredOrder, amountFen: number, kind: Debit['kind'], chargeId: string | null): Debit {
    const debit: Debit = {
      debitId: this.nextId('DEB'),
      providerRef: this.nextId('PAY'),
      amountFen,
      at: this.nowIso(),
      kind,
      attemptId: null,
      chargeId,
    };
    order.debits.push(debit);
    return debit;
  }

  private replay(order: StoredOrder, key: string, op: HoldOp, amountFen: number | null): HoldResult | null {
    const prior = order.holdKeys[key];
    if (!prior) return null;
    if (prior.op !== op || prior.amountFen !== amountFen) {
      throw new Problem(409, 'IDEMPOTENCY_KEY_REUSED', `key ${key} was used for a different ${prior.op} on ${order.orderId}`);
    }
    this.data.stats.holds.replayed += 1;
    return { ...this.findHold(order, prior.holdId) };
  }

  private activeHold(order: StoredOrder): Hold {
    const hold = order.holds.at(-1);
    if (!hold) throw new Problem(409, 'NO_HOLD', `order ${order.orderId} has no hold`);
    if (hold.status !== 'HELD') {
      throw new Problem(409, 'HOLD_NOT_ACTIVE', `hold ${hold.holdId} is ${hold.status}`, { hold });
    }
    return hold;
  }

  private findHold(order: StoredOrder, holdId: string): Hold {
    const hold = order.holds.find((h) => h.holdId === holdId);
    if (!hold) throw new Error(`ledger corrupt: hold ${holdId} missing on ${order.orderId}`);
    return hold;
  }

  private findRefund(outRequestNo: string): Refund | undefined {
    const orderId = this.data.refundIndex[outRequestNo];
    return orderId ? this.data.orders[orderId]?.refunds.find((r) => r.outRequestNo === outRequestNo) : undefined;
  }

  private refundResult(refund: Refund): RefundResult {
    const order = this.order(refund.orderId);
    return { ...refund, orderRefundedFen: totals(order).refundedFen };
  }

  private view(order: StoredOrder): OrderLedger {
    const { trip: _trip, holdKeys: _keys, ...rest } = order;
    return structuredClone({ ...rest, totals: totals(order), entries: ledgerEntries(order) });
  }
}

/** A refund still PROCESSING has the money committed: counting it keeps a second refund from overdrawing. */
const live = (r: Refund) => r.status === 'SUCCESS' || r.status === 'PROCESSING';

function liveRefundedFen(order: Pick<StoredOrder, 'refunds'>, transactionRef: string): number {
  return order.refunds.filter((r) => live(r) && r.transactionRef === transactionRef).reduce((n, r) => n + r.amountFen, 0);
}

function totals(order: Pick<StoredOrder, 'debits' | 'refunds'>): OrderLedger['totals'] {
  const debitedFen = order.debits.reduce((n, d) => n + d.amountFen, 0);
  const refundedFen = order.refunds.filter(live).reduce((n, r) => n + r.amountFen, 0);
  return { debitedFen, refundedFen, netFen: debitedFen - refundedFen };
}

/** One order's money movements, whichever rail moved them: what a fault proof or a reviewer checks per order. */
function orderMoneyStats(order: StoredOrder, executions: Record<string, number>) {
  const byStatus: Record<Refund['status'], number> = { SUCCESS: 0, PROCESSING: 0, ABNORMAL: 0, CLOSED: 0 };
  const byRail: Record<Refund['rail'], number> = { internal: 0, alipay: 0, wechatpay: 0 };
  for (const r of order.refunds) {
    byStatus[r.status] += 1;
    byRail[r.rail ?? 'internal'] += 1;
  }
  return {
    ...totals(order),
    debits: order.debits.length,
    refunds: order.refunds.length,
    refundsByStatus: byStatus,
    refundsByRail: byRail,
    duplicatedRefunds: order.refunds.filter((r) => (executions[r.outRequestNo] ?? 0) > 1).map((r) => r.outRequestNo),
    holds: order.holds.map((h) => ({ holdId: h.holdId, status: h.status, capturedFen: h.capturedFen })),
  };
}
