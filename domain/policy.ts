/**
 * The versioned complaint policy. A running complaint keeps the policy it started with (it is
 * recorded in the workflow history), so publishing a new version never changes open cases.
 */
import { z } from 'zod';
import { workingHoursSchema } from './calendar-data';

const minutes = z.number().positive();
const fen = z.number().int().nonnegative();

const tierTargetsSchema = z.object({
  /** 'business' counts Asia/Shanghai working hours only; '24x7' counts elapsed time (premium SLAs). */
  clock: z.enum(['business', '24x7']),
  acknowledgeMinutes: minutes,
  /** Resolution target at each level, counted from entering that level. */
  resolveMinutes: z.object({ 1: minutes, 2: minutes, 3: minutes }),
  /** How long the case waits for a customer's reply before the clock resumes without it. */
  customerReplyMinutes: minutes,
});

export const policySchema = z.object({
  version: z.string().min(1),
  /** Asia/Shanghai; the same schema the calendar checks them with. */
  workingHours: workingHoursSchema,
  /** Share of a target after which the owner is warned, e.g. 0.75. */
  warningRatio: z.number().gt(0).lt(1),
  targets: z.object({ individual: tierTargetsSchema, premium: tierTargetsSchema, enterprise: tierTargetsSchema }),
  /** What each level may settle at once, in fen. */
  authorityFen: z.object({ 1: fen, 2: fen, 3: fen }),
  /** Agreed facts (driver admission, duplicate debit) settle automatically up to this amount. */
  autoSettleLimitFen: fen,
  /** Cap on refund fees as a share of the refund (2003 passenger-transport rule: 20%). */
  refundFeeCapRatio: z.number().min(0).max(1),
  /** How long before a provider's maximum hold ends the customer is told the charge is coming. */
  chargeNoticeLeadMinutes: z.number().positive(),
  /** How long ops have, in the tier's clock, to act on a case that needs a person (a refused payment). */
  opsResolveMinutes: minutes,
  /** Background retries of what the case went on without: the hold (until placed), evidence, the OA notice. */
  retryMinutes: z.object({ hold: minutes, evidence: minutes, notices: minutes }),
  /** How often a refund the rail is still processing is asked after, besides its notification. */
  refundPollMinutes: minutes,
  /** Events after which a case continues as new, carrying its state (history stays bounded). */
  continueAsNewEvents: z.number().int().min(50).max(50_000),
  apology: z.object({
    attemptsPerChannel: z.number().int().min(1).max(10),
    channels: z.array(z.enum(['sms', 'app'])).min(1),
    /** After every channel failed, ops are flagged and delivery is retried at this interval. */
    retryEveryMinutes: minutes,
  }),
});

export type Policy = z.infer<typeof policySchema>;
export type TierTargets = z.infer<typeof tierTargetsSchema>;

const HOUR = 60;

export const DEFAULT_POLICY: Policy = {
  version: '2026-11-01',
  workingHours: { start: '09:00', end: '18:00' },
  warningRatio: 0.75,
  targets: {
    individual: {
      clock: 'business',
      acknowledgeMinutes: 1 * HOUR,
      resolveMinutes: { 1: 8 * HOUR, 2: 8 * HOUR, 3: 4 * HOUR },
      customerReplyMinutes: 3 * 9 * HOUR,
    },
    premium: {
      clock: 'business',
      acknowledgeMinutes: 30,
      resolveMinutes: { 1: 4 * HOUR, 2: 4 * HOUR, 3: 2 * HOUR },
      customerReplyMinutes: 3 * 9 * HOUR,
    },
    enterprise: {
      clock: 'business',
      acknowledgeMinutes: 30,
      resolveMinutes: { 1: 4 * HOUR, 2: 4 * HOUR, 3: 2 * HOUR },
      customerReplyMinutes: 2 * 9 * HOUR,
    },
  },
  authorityFen: { 1: 20_000, 2: 200_000, 3: 2_000_000 },
  autoSettleLimitFen: 500_000,
  refundFeeCapRatio: 0.2,
  chargeNoticeLeadMinutes: 24 * HOUR,
  opsResolveMinutes: 4 * HOUR,
  continueAsNewEvents: 4_000,
  refundPollMinutes: 30,
  retryMinutes: { hold: 1, evidence: 5, notices: 15 },
  apology: { attemptsPerChannel: 3, channels: ['sms', 'app'], retryEveryMinutes: 60 },
};

export function parsePolicy(raw: unknown): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid policy: ${lines.join('; ')}`);
  }
  return parsed.data;
}

/** A policy file may override parts of the defaults; the result is validated as a whole. */
export function mergePolicy(base: Policy, override: unknown): Policy {
  return parsePolicy(deepMerge(base, override));
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
