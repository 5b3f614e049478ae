import { RIDE_STATUSES, TICKET_STATUSES, type FulfilmentFacts, type LedgerFacts, type TripFacts } from '../domain/evidence';
import type { OrderKind } from '../domain/types';
import type { ChargeHold, Refund } from '../workflows/definitions';
import { ApplicationFailure } from '@temporalio/common';
import type { Hold, OrderLedger } from './clients/payment';
import { isHttpError } from './clients/http';
import { classify } from './errors';
import type { PaymentPort, PaymentRail, RailRefund, RailRefundRequest } from './rails/payment/port';
import { allocateRefund } from './rails/payment/allocate';

/** The provider's ledger in the shape the domain's evidence rules read. */
export function ledgerFacts(ledger: OrderLedger): LedgerFacts {
  const pending = ledger.pendingAutoCharge;
  return {
    orderId: ledger.orderId,
    amountFen: ledger.orderAmountFen,
    ...(pending ? { pendingChargeFen: pending.amountFen, pendingChargeDueAt: pending.dueAt } : {}),
    ...(ledger.tariff ? { tariff: ledger.tariff } : {}),
    ...(ledger.language ? { language: ledger.language } : {}),
    entries: [
      ...ledger.attempts.map((a) => ({ id: a.attemptId, kind: 'attempt' as const, amountFen: a.amountFen, at: a.at, status: a.status.toLowerCase(), shownToCustomer: a.shownToCustomer })),
      ...ledger.debits.map((d) => ({ id: d.debitId, kind: 'debit' as const, amountFen: d.amountFen, at: d.at, status: 'succeeded', providerRef: d.providerRef, paymentId: d.attemptId ?? undefined })),
      // A refund that ended ABNORMAL or CLOSED moved no money back: it is no evidence of a refund. One
      // still PROCESSING has the money committed on the rail, so a repeat complaint must not be owed it again.
      ...ledger.refunds
        .filter((r) => r.status === 'SUCCESS' || r.status === 'PROCESSING')
        .map((r) => ({ id: r.refundId, kind: 'refund' as const, amountFen: r.amountFen, at: r.refundedAt, status: 'succeeded', providerRef: r.providerRef, ...(r.transactionRef ? { reverses: r.transactionRef } : {}) })),
    ],
  };
}

const TICKETS = new Set<string>(TICKET_STATUSES);
const RIDES = new Set<string>(RIDE_STATUSES);
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * The ticket or ride status as the order system reports it, or null: a platform that does not
 * report one, or reports one this engine cannot read, leaves the panel without it and the case as it was.
 */
export function fulfilmentFacts(ledger: Pick<OrderLedger, 'fulfilmentStatus'>): FulfilmentFacts | null {
  const f = ledger.fulfilmentStatus;
  if (!f || !isTime(f.at)) return null;
  if (f.kind === 'ticket' && TICKETS.has(f.status) && typeof f.ticketNo === 'string' && f.ticketNo) {
    return { kind: 'ticket', status: f.status, at: f.at, ticketNo: f.ticketNo, ...(isTime(f.issuedAt) ? { issuedAt: f.issuedAt } : {}) };
  }
  if (f.kind === 'ride' && RIDES.has(f.status)) return { kind: 'ride', status: f.status, at: f.at };
  return null;
}

function chargeHold(hold: Hold, dueAt: string): ChargeHold {
  // An expired hold means the provider charged anyway: the money was taken, as with a capture.
  const status = hold.status === 'HELD' ? 'held' : hold.status === 'RELEASED' ? 'released' : 'captured';
  return { holdId: hold.holdId, amountFen: hold.amountFen, dueAt, maxHoldUntil: hold.maxHoldUntil, status, capturedFen: hold.capturedFen ?? undefined };
}

/** What the refund activity answers: the workflow's Refund, plus what the rail said about it. */
export interface RefundOutcome extends Refund {
  rail: PaymentRail;
  railStatus: RailRefund['status'];
  /** The rail's refund reference(s), for the apology and the voucher. */
  providerRefs: string[];
  arrival?: RailRefund['arrival'];
}

function outcome(rail: PaymentRail, outRequestNo: string, parts: RailRefund[]): RefundOutcome {
  const failed = parts.find((p) => p.status === 'ABNORMAL' || p.status === 'CLOSED');
  if (failed) {
    // Money that did not reach the customer is not a refund; the case goes to ops (and, with the
    // money-truth workflow, to a re-plan) instead of telling the customer it was paid.
    throw ApplicationFailure.nonRetryable(`refund ${failed.outRequestNo} ended ${failed.status} on ${rail}`, 'RefundNotCompleted', { parts });
  }
  const processing = parts.some((p) => p.status === 'PROCESSING');
  const at = parts.map((p) => p.refundedAt).filter((t): t is string => !!t).sort().at(-1);
  const arrival = parts.map((p) => p.arrival).filter((a) => a !== undefined).sort((x, y) => (x.expectedBy ?? '').localeCompare(y.expectedBy ?? '')).at(-1);
  return {
    outRequestNo,
    amountFen: parts.reduce((n, p) => n + p.amountFen, 0),
    status: processing ? 'processing' : 'succeeded',
    refundId: parts.map((p) => p.refundId).join(','),
    at: at ?? new Date().toISOString(),
    rail,
    railStatus: processing ? 'PROCESSING' : 'SUCCESS',
    providerRefs: parts.map((p) => p.providerRef),
    ...(arrival ? { arrival } : {}),
  };
}

export function createPaymentActivities(deps: { payment: PaymentPort }) {
  const { payment } = deps;

  /** An order the payment system does not know has no ledger: no evidence, nothing to hold. */
  const ledgerOrNull = (orderId: string) =>
    classify('ledger', async () => {
      try {
        return await payment.getLedger(orderId);
      } catch (err) {
        if (isHttpError(err) && err.status === 404) return null;
        throw err;
      }
    });

  return {
    async gatherEvidence(req: { orderId: string; orderKind: OrderKind }): Promise<{ ledger: LedgerFacts | null; trip: TripFacts | null; fulfilment: FulfilmentFacts | null }> {
      const ledger = await ledgerOrNull(req.orderId);
      const trip = req.orderKind === 'ride' || ledger?.kind === 'ride' ? await classify('trip', () => payment.getTrip(req.orderId)) : null;
      return {
        ledger: ledger ? ledgerFacts(ledger) : null,
        trip: trip && { plannedKm: trip.plannedKm, actualKm: trip.actualKm, durationMin: trip.durationMin, fareRule: trip.fareRule, chargedFen: trip.chargedFen },
        // Read from the same order record as the ledger: no second call that could fail the evidence.
        fulfilment: ledger ? fulfilmentFacts(ledger) : null,
      };
    },

    /** Null when the order has no automatic charge waiting. */
    async holdAutoCharge(req: { orderId: string; idempotencyKey: string }): Promise<ChargeHold | null> {
      const ledger = await ledgerOrNull(req.orderId);
      const mine = ledger?.holds.find((h) => h.status === 'HELD');
      const pending = ledger?.pendingAutoCharge;
      if (!pending) return mine ? chargeHold(mine, mine.heldAt) : null;
      const hold = await classify('hold', () => payment.holdAutoCharge(req.orderId, req.idempotencyKey));
      return chargeHold(hold, pending.dueAt);
    },

    async releaseHold(req: { orderId: string; idempotencyKey: string }): Promise<void> {
      await classify('release', () => payment.releaseHold(req.orderId, req.idempotencyKey));
    },

    async captureHold(req: { orderId: string; idempotencyKey: string; amountFen: number }): Promise<void> {
      await classify('capture', () => payment.captureHold(req.orderId, req.idempotencyKey, req.amountFen));
    },

    /**
     * The refund number makes the rail refund once; asking first learns the outcome of a timed-out
     * try. With a transactionRef it is one refund of that transaction. Without one (today's
     * workflow), the platform's own centre refunds at order level, and a rail that refunds
     * transactions splits the amount over the order's debits, deterministically, so a retry
     * re-derives the same parts and numbers.
     */
    async refund(req: { orderId: string; outRequestNo: string; amountFen: number; reason: string; transactionRef?: string }): Promise<RefundOutcome> {
      const once = async (part: RailRefundRequest | (Omit<RailRefundRequest, 'transactionRef'> & { transactionRef?: string })) => {
        const ref = { orderId: part.orderId, transactionRef: part.transactionRef ?? '' };
        const known = await classify('refund query', () => payment.queryRefund(part.outRequestNo, ref));
        if (known && known.amountFen !== part.amountFen) {
          // The number already paid something else: asking again would not change it, and paying would be a second refund.
          throw ApplicationFailure.nonRetryable(`refund number ${part.outRequestNo} was used for ${known.amountFen} fen, not ${part.amountFen}`, 'ProviderRejected', { known });
        }
        return known ?? (await classify('refund', () => payment.refund(part as RailRefundRequest)));
      };
      if (req.transactionRef !== undefined || payment.rail === 'internal') {
        const done = await once(req);
        return outcome(payment.rail, done.outRequestNo, [done]);
      }
      const ledger = await classify('ledger', () => payment.getLedger(req.orderId));
      const plan = allocateRefund(ledger, req);
      const parts: RailRefund[] = [];
      // In sequence: a rail may space refunds on one order (WeChat Pay: one a minute).
      for (const part of plan.parts) parts.push(await once(part));
      return outcome(payment.rail, plan.outRequestNo, parts);
    },

    /** The rail's word on one refund now (null: never executed): what a durable wait polls between notifications. */
    async refundStatus(req: { orderId: string; outRequestNo: string; transactionRef: string }): Promise<RailRefund | null> {
      return classify('refund query', () => payment.queryRefund(req.outRequestNo, { orderId: req.orderId, transactionRef: req.transactionRef }));
    },
  };
}
