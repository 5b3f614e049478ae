import type { LedgerFacts, TripFacts } from '../domain/evidence';
import type { OrderKind } from '../domain/types';
import type { ChargeHold, Refund } from '../workflows/definitions';
import type { Hold, OrderLedger, PaymentClient } from './clients/payment';
import { isHttpError } from './clients/http';
import { classify } from './errors';

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
      ...ledger.refunds.map((r) => ({ id: r.refundId, kind: 'refund' as const, amountFen: r.amountFen, at: r.refundedAt, status: 'succeeded', providerRef: r.providerRef, ...(r.transactionRef ? { reverses: r.transactionRef } : {}) })),
    ],
  };
}

function chargeHold(hold: Hold, dueAt: string): ChargeHold {
  // An expired hold means the provider charged anyway: the money was taken, as with a capture.
  const status = hold.status === 'HELD' ? 'held' : hold.status === 'RELEASED' ? 'released' : 'captured';
  return { holdId: hold.holdId, amountFen: hold.amountFen, dueAt, maxHoldUntil: hold.maxHoldUntil, status, capturedFen: hold.capturedFen ?? undefined };
}

export function createPaymentActivities(deps: { payment: PaymentClient }) {
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
    async gatherEvidence(req: { orderId: string; orderKind: OrderKind }): Promise<{ ledger: LedgerFacts | null; trip: TripFacts | null }> {
      const ledger = await ledgerOrNull(req.orderId);
      const trip = req.orderKind === 'ride' || ledger?.kind === 'ride' ? await classify('trip', () => payment.getTrip(req.orderId)) : null;
      return {
        ledger: ledger ? ledgerFacts(ledger) : null,
        trip: trip && { plannedKm: trip.plannedKm, actualKm: trip.actualKm, durationMin: trip.durationMin, fareRule: trip.fareRule, chargedFen: trip.chargedFen },
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

    /** The refund number makes the provider refund once; asking first learns the outcome of a timed-out try. */
    async refund(req: { orderId: string; outRequestNo: string; amountFen: number; reason: string; transactionRef?: string }): Promise<Refund> {
      const known = await classify('refund query', () => payment.queryRefund(req.outRequestNo));
      const done = known ?? (await classify('refund', () => payment.refund(req)));
      return { outRequestNo: done.outRequestNo, amountFen: done.amountFen, status: 'succeeded', refundId: done.providerRef ?? done.refundId, at: done.refundedAt };
    },
  };
}
