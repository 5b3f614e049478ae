/**
 * Seed bodies for POST /_admin/orders that replay the two stories in /work/shared/STORIES.md.
 * Pure functions: they return the body, the caller posts it (SimulatorAdmin.seedOrder).
 */
import type { SeedOrderInput } from './admin/seed-schema';

const MIN = 60_000;
const HOUR = 60 * MIN;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Story A: the payment page said it failed, then the bank debited twice ten minutes later
 * and the agency issued a non-cancellable ticket. The two debits settle one attempt, which
 * is what "the provider's ledger shows two debits for one payment" (A3) looks like.
 */
export function storyAFlightOrder(orderId: string, opts: { paidAt?: string | Date; customerId?: string; ticketNo?: string } = {}): SeedOrderInput {
  const t0 = opts.paidAt ? new Date(opts.paidAt).getTime() : Date.parse('2025-03-14T20:05:00+08:00');
  const amountFen = 128_600;
  const attemptId = `${orderId}-ATT1`;
  return {
    orderId,
    kind: 'flight',
    description: 'Shanghai PVG - Chongqing CKG return, economy, 1 adult',
    customerId: opts.customerId ?? 'CUST-A-001',
    orderAmountFen: amountFen,
    attempts: [
      {
        attemptId,
        at: iso(t0),
        amountFen,
        status: 'FAILED',
        shownToCustomer: 'payment failed, check your payment provider',
        channel: 'bank_card',
      },
    ],
    debits: [
      { providerRef: `${orderId}-BANK-1`, amountFen, at: iso(t0 + 10 * MIN), kind: 'payment', attemptId },
      { providerRef: `${orderId}-BANK-2`, amountFen, at: iso(t0 + 10 * MIN + 4_000), kind: 'payment', attemptId },
    ],
    fulfilment: { kind: 'ticket_issued', at: iso(t0 + 11 * MIN), cancellable: false },
    // What the agency's order system says: the ticket was issued after the page said the payment failed.
    fulfilmentStatus: { kind: 'ticket', status: 'issued', at: iso(t0 + 11 * MIN), ticketNo: opts.ticketNo ?? ticketNumberFor(orderId) },
  };
}

/** An e-ticket number as a Chinese carrier prints it (781: China Eastern), the same for the same order. */
export function ticketNumberFor(orderId: string): string {
  let n = 0;
  for (const ch of orderId) n = (n * 31 + ch.charCodeAt(0)) % 10_000_000_000;
  return `781-${String(n).padStart(10, '0')}`;
}

/** The premium-car fare rule the story B order is charged by. */
export const STORY_B_FARE_RULE = { baseFen: 1_500, perKmFen: 450, perMinFen: 80 } as const;

export function fareFen(rule: { baseFen: number; perKmFen: number; perMinFen: number }, km: number, minutes: number): number {
  return Math.round(rule.baseFen + rule.perKmFen * km + rule.perMinFen * minutes);
}

/**
 * Story B: an enterprise ride with a detour (18 km planned, 31 km driven), charged by the
 * actual distance. The driver admitted the detour, but only to the customer and support:
 * the trace carries no note of it. The automatic charge to the enterprise account is due at
 * `dueAt` (24 h after the ride) and the travel tool has opened an OA approval.
 */
export function storyBRideOrder(
  orderId: string,
  opts: { dueAt: string | Date; maxHoldUntil?: string | Date; callbackUrl?: string | null; enterpriseId?: string },
): SeedOrderInput {
  const due = new Date(opts.dueAt).getTime();
  const endedAt = due - 24 * HOUR;
  const durationMin = 52;
  const plannedDurationMin = 35;
  const chargedFen = fareFen(STORY_B_FARE_RULE, 31, durationMin);
  const enterpriseId = opts.enterpriseId ?? 'ENT-ACME';
  return {
    orderId,
    kind: 'ride',
    description: 'Premium car, office to home, enterprise account',
    customerId: 'CUST-B-001',
    enterpriseId,
    orderAmountFen: chargedFen,
    fulfilment: { kind: 'ride_completed', at: iso(endedAt), cancellable: false },
    fulfilmentStatus: { kind: 'ride', status: 'completed', at: iso(endedAt) },
    trip: {
      plannedKm: 18,
      actualKm: 31,
      durationMin,
      plannedDurationMin,
      fareRule: { ...STORY_B_FARE_RULE },
      chargedFen,
      driverId: 'DRV-B-042',
      route: {
        from: 'Office, Zhangjiang Hi-Tech Park',
        to: 'Home, Minhang District',
        startedAt: iso(endedAt - durationMin * MIN),
        endedAt: iso(endedAt),
        summary: 'Left the planned route after the first 6 km via the outer ring road; arrived 13 km over the planned distance',
      },
    },
    pendingAutoCharge: {
      chargeId: `${orderId}-AUTO`,
      amountFen: chargedFen,
      dueAt: iso(due),
      ...(opts.maxHoldUntil ? { maxHoldUntil: new Date(opts.maxHoldUntil).toISOString() } : {}),
    },
    oaInstance: {
      instanceId: `OA-${orderId}`,
      title: `Ride over travel budget: order ${orderId}`,
      approver: 'manager',
      status: 'PENDING',
      callbackUrl: opts.callbackUrl ?? null,
    },
  };
}
