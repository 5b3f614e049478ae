import { z } from 'zod';

/** Any parseable timestamp in, canonical UTC ISO out, so stored times compare as strings and as dates. */
const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 timestamp')
  .transform((s) => new Date(s).toISOString());
const fen = z.number().int().nonnegative();
const positiveFen = z.number().int().positive();

export const DEFAULT_MAX_HOLD_MS = 7 * 24 * 3600 * 1000;

export const seedOrderSchema = z.object({
  orderId: z.string().min(1).max(128),
  kind: z.enum(['flight', 'ride', 'hotel', 'other']).default('other'),
  description: z.string().default(''),
  customerId: z.string().nullable().default(null),
  enterpriseId: z.string().nullable().default(null),
  orderAmountFen: fen,
  attempts: z
    .array(
      z.object({
        attemptId: z.string().min(1).optional(),
        at: instant,
        amountFen: fen,
        status: z.enum(['FAILED', 'SUCCEEDED', 'PENDING']),
        shownToCustomer: z.string().default(''),
        channel: z.string().default('alipay'),
      }),
    )
    .default([]),
  debits: z
    .array(
      z.object({
        debitId: z.string().min(1).optional(),
        providerRef: z.string().min(1).optional(),
        amountFen: positiveFen,
        at: instant,
        kind: z.enum(['payment', 'auto_charge', 'hold_capture']).default('payment'),
        attemptId: z.string().nullable().default(null),
        chargeId: z.string().nullable().default(null),
      }),
    )
    .default([]),
  /** What the order's tariff says about a customer's own cancellation (the order system's data). */
  tariff: z.object({ refundFeeRatio: z.number().min(0).max(1), seatResold: z.boolean().default(false) }).nullable().default(null),
  /** The enterprise's language for OA texts. */
  language: z.enum(['zh', 'en']).nullable().default(null),
  fulfilment: z
    .object({
      kind: z.enum(['ticket_issued', 'ride_completed', 'booking_confirmed']),
      at: instant,
      cancellable: z.boolean().default(true),
    })
    .nullable()
    .default(null),
  /** The order system's status of the ticket or ride now; left out, the order reports none. */
  fulfilmentStatus: z
    .discriminatedUnion('kind', [
      z.object({
        kind: z.literal('ticket'),
        status: z.enum(['issued', 'changed', 'refunded', 'cancelled']),
        at: instant,
        ticketNo: z.string().min(1).max(32),
        issuedAt: instant.optional(),
      }),
      z.object({ kind: z.literal('ride'), status: z.enum(['completed', 'cancelled', 'in_progress']), at: instant }),
    ])
    .nullable()
    .default(null),
  trip: z
    .object({
      plannedKm: z.number().nonnegative(),
      actualKm: z.number().nonnegative(),
      durationMin: z.number().nonnegative(),
      plannedDurationMin: z.number().nonnegative(),
      fareRule: z.object({ baseFen: fen, perKmFen: fen, perMinFen: fen }),
      chargedFen: fen,
      driverId: z.string().min(1),
      route: z.object({ from: z.string(), to: z.string(), startedAt: instant, endedAt: instant, summary: z.string() }),
    })
    .nullable()
    .default(null),
  pendingAutoCharge: z
    .object({
      chargeId: z.string().min(1).optional(),
      amountFen: positiveFen,
      dueAt: instant,
      /** The provider's hold limit; default dueAt + 7 days (or + maxHoldMs). */
      maxHoldUntil: instant.optional(),
      maxHoldMs: z.number().int().positive().optional(),
    })
    .nullable()
    .default(null),
  oaInstance: z
    .object({
      instanceId: z.string().min(1).optional(),
      title: z.string().optional(),
      approver: z.string().default('manager'),
      status: z.enum(['PENDING', 'APPROVED', 'REJECTED']).default('PENDING'),
      callbackUrl: z.url().nullable().default(null),
    })
    .nullable()
    .default(null),
});

/** What a fixture or a test posts to /_admin/orders (defaults may be left out). */
export type SeedOrderInput = z.input<typeof seedOrderSchema>;
export type SeedOrder = z.output<typeof seedOrderSchema>;

export const seedOaInstanceSchema = z.object({
  orderId: z.string().min(1),
  enterpriseId: z.string().nullable().default(null),
  instanceId: z.string().min(1).optional(),
  title: z.string().optional(),
  approver: z.string().default('manager'),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']).default('PENDING'),
  callbackUrl: z.url().nullable().default(null),
});
export type SeedOaInstanceInput = z.input<typeof seedOaInstanceSchema>;
export type SeedOaInstance = z.output<typeof seedOaInstanceSchema>;
