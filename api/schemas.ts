/** Every request body and parameter the API accepts; also the source of the OpenAPI document. */
import { z } from 'zod';
import { SETTLEMENT_KINDS } from '../domain/fees';
import { CATEGORIES, CHANNELS, ORDER_KINDS, STATUSES, TIERS } from '../domain/types';
import { VIEW_NAMES } from './view-names';

export const orderIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and -, at most 40');
export const complaintIdSchema = z
  .string()
  .regex(/^(complaint-[A-Za-z0-9_-]{1,40}|[A-Za-z0-9_-]{1,40}-[0-9A-F]{8})$/, 'a complaint id such as complaint-ORDER123, or a case reference such as ORDER123-3F9A1C2B');

export const createComplaintSchema = z
  .object({
    orderId: orderIdSchema,
    customerId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'an opaque customer id, not a phone number or name'),
    category: z.enum(CATEGORIES),
    tier: z.enum(TIERS),
    channel: z.enum(CHANNELS).default('console'),
    orderKind: z.enum(ORDER_KINDS).default('other'),
    description: z.string().trim().min(1).max(2000),
    customer: z
      .object({
        name: z.string().trim().min(1).max(60),
        phone: z.string().regex(/^\+?[0-9]{6,15}$/, 'digits, optionally starting with +'),
        language: z.enum(['zh', 'en']).default('zh'),
      })
      .strict(),
  })
  .strict();
export type CreateComplaintBody = z.infer<typeof createComplaintSchema>;

const reason = z.string().trim().min(1).max(1000);

export const actionSchemas = {
  'propose-settlement': z
    .object({
      refundFen: z.number().int().min(0).max(100_000_000),
      platformAtFault: z.boolean(),
      reason,
      kind: z.enum(SETTLEMENT_KINDS).optional(),
      forApproval: z.boolean().optional(),
    })
    .strict(),
  'approve-settlement': z.object({}).strict(),
  escalate: z.object({ reason }).strict(),
  'request-info': z.object({ question: reason }).strict(),
  resolve: z.object({ reason }).strict(),
  reject: z.object({ reason }).strict(),
  withdraw: z.object({ reason }).strict(),
  note: z.object({ text: reason }).strict(),
  claim: z.object({}).strict(),
  assign: z.object({ assigneeId: z.string().min(1).max(64).describe('the staff id of the person to own the case (GET /staff)') }).strict(),
  retry: z.object({}).strict(),
  'settle-by-hand': z.object({ note: reason }).strict(),
  'close-with-apology': z.object({ reason }).strict(),
} as const;
export type ActionName = keyof typeof actionSchemas;
/** Actions that take no fields: an absent body counts as {}. */
export const FIELDLESS_ACTIONS: ReadonlySet<ActionName> = new Set(
  (Object.keys(actionSchemas) as ActionName[]).filter((a) => Object.keys(actionSchemas[a].shape).length === 0),
);
export const actionNameSchema = z.enum(Object.keys(actionSchemas) as [ActionName, ...ActionName[]]);

export const emptyBodySchema = z.object({}).strict();

export const customerReplySchema = z.object({ text: reason }).strict();

export const listQuerySchema = z
  .object({
    status: z.enum(STATUSES).optional(),
    level: z.coerce.number().int().min(1).max(3).optional(),
    orderId: orderIdSchema.optional(),
    customerId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
    owner: z.string().regex(/^[A-Za-z0-9_:.-]{1,60}$/).optional(),
    deadlineBefore: z.iso.datetime({ offset: true }).optional(),
    breached: z.enum(['true', 'false']).optional(),
    q: z
      .string()
      .trim()
      .min(2)
      .max(64)
      .regex(/^[A-Za-z0-9_+ ()-]+$/, 'a case reference, an order id or its beginning, a customer id, or a phone number')
      .optional()
      .describe('one search box: case reference (exact), order id (prefix), customer id (exact) or phone number (matched by its keyed hash)'),
    view: z.enum(VIEW_NAMES).optional().describe('a triage view (GET /complaints/views), sorted by the next deadline; closed cases are left out'),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    pageToken: z.string().max(2000).optional(),
  })
  .strict();

export const allowedQuerySchema = z.object({ refundFen: z.coerce.number().int().min(0).max(100_000_000).optional() }).strict();

export const historyQuerySchema = z
  .object({
    pageSize: z.coerce.number().int().min(1).max(500).default(100).describe('history events per page (workflow bookkeeping events are not counted)'),
    pageToken: z.string().max(2000).optional().describe('the nextPageToken of the previous page, unchanged'),
  })
  .strict();

export const voucherQuerySchema = z.object({ format: z.enum(['json', 'html']).default('json') }).strict();

const opaqueId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);

/** What a driver app posts to the webhook; the passenger's contact details go to the case, never to ids. */
export const driverReportBodySchema = z
  .object({
    reportId: opaqueId,
    orderId: orderIdSchema,
    driverId: opaqueId,
    kind: z.enum(['detour', 'fare', 'other']),
    admittedFault: z.boolean(),
    text: z.string().trim().min(1).max(2000),
    reportedAt: z.iso.datetime({ offset: true }),
    passenger: z
      .object({
        customerId: opaqueId,
        name: z.string().trim().min(1).max(60),
        phone: z.string().regex(/^\+?[0-9]{6,15}$/, 'digits, optionally starting with +'),
        language: z.enum(['zh', 'en']),
      })
      .strict(),
    tier: z.enum(TIERS),
  })
  .strict();
export type DriverReportBody = z.infer<typeof driverReportBodySchema>;

/** The Temporal remote-codec wire format: payloads with base64 metadata values and data. */
const base64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
export const codecPayloadsSchema = z
  .object({ payloads: z.array(z.object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() }).strict()).max(1_000) })
  .strict();
export type CodecPayloads = z.infer<typeof codecPayloadsSchema>;
