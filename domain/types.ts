/** The vocabulary shared by the domain rules, the workflow and the API. */
export const CATEGORIES = ['payment_dispute', 'ride_detour', 'fare_dispute', 'refund_fee', 'service_quality', 'other'] as const;
export const TIERS = ['individual', 'premium', 'enterprise'] as const;
export const CHANNELS = ['console', 'driver_app', 'api'] as const;
export const STAFF_ROLES = ['agent', 'expert', 'supervisor', 'ops'] as const;
export const ORDER_KINDS = ['flight', 'ride', 'other'] as const;
export const STATUSES = ['received', 'investigating', 'awaiting_customer', 'settling', 'needs_manual', 'apologizing', 'closed'] as const;
export const OUTCOMES = ['refunded', 'partly_refunded', 'resolved', 'rejected', 'withdrawn'] as const;

export type Category = (typeof CATEGORIES)[number];
export type Tier = (typeof TIERS)[number];
export type Channel = (typeof CHANNELS)[number];
export type StaffRole = (typeof STAFF_ROLES)[number];
export type OrderKind = (typeof ORDER_KINDS)[number];
export type Status = (typeof STATUSES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Level = 1 | 2 | 3;
export type Language = 'zh' | 'en';

export type DriverReportKind = 'detour' | 'fare' | 'other';

/** A driver's report opens the complaint of the matching category (story B2). */
export const CATEGORY_OF_DRIVER_REPORT: Record<DriverReportKind, Category> = { detour: 'ride_detour', fare: 'fare_dispute', other: 'other' };
