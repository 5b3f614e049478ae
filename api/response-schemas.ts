/** What the API answers, as zod schemas: the OpenAPI document is generated from them, and the timeline's and /me's types come from them. */
import { z } from 'zod';
import { CATEGORIES, CHANNELS, OUTCOMES, STAFF_ROLES, STATUSES, TIERS } from '../domain/types';
import { URGENCIES } from '../domain/urgency';
import { VIEW_NAMES } from './view-names';

const level = z.literal([1, 2, 3]);
const isoTime = z.string().describe('ISO 8601 timestamp, Asia/Shanghai offset');

/** Rails' callbacks answer in the rail's own words beside `error` (WeChat Pay reads `code` and `message`). */
export const problemSchema = z.looseObject({
  error: z.string().describe('what was wrong, for a human'),
  issues: z
    .array(z.looseObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), code: z.string() }))
    .optional()
    .describe('zod issues of a 400'),
  type: z.enum(['InvalidState', 'NotPermitted', 'AuthorityExceeded', 'InvalidInput']).optional().describe("the workflow's refusal type on 409/422"),
  code: z.string().optional().describe("the rule that refused, for a client to word in its language; on a rail's callback, the rail's own code (FAIL)"),
  message: z.string().optional().describe("on a rail's callback: the rail's own message field"),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional().describe("the rule's values"),
  byLevel: z.number().int().min(1).max(3).optional().describe('the level that can do it instead'),
});

export const intakeResultSchema = z.object({
  complaintId: z.string(),
  caseRef: z.string(),
  created: z.boolean().describe('false when the intake joined the open complaint of the order'),
  status: z.enum([...STATUSES, 'opening']),
  level,
  nextDeadline: isoTime.optional(),
  repeated: z.boolean().optional().describe('true when this intake key (driver reportId, Idempotency-Key) was handled before: nothing changed'),
});

export const intakeOpeningSchema = z.object({
  complaintId: z.string(),
  status: z.literal('opening').describe('the case is started; its worker has not answered yet'),
});

export const driverIntakeSchema = z.union([intakeResultSchema, intakeOpeningSchema]);

const urgencySchema = z.enum(URGENCIES).describe('one rule for list and case (domain/urgency.ts): breached > due_soon (inside the warning window) > needs_ops > normal; closed cases are normal');

export const caseSummarySchema = z.object({
  complaintId: z.string(),
  caseRef: z.string().optional().describe('this case, for ever: link rows by it'),
  runId: z.string(),
  status: z.enum(STATUSES).optional(),
  level: level.optional(),
  orderId: z.string().optional(),
  customerId: z.string().optional(),
  category: z.enum(CATEGORIES).optional(),
  tier: z.enum(TIERS).optional(),
  owner: z.string().optional(),
  nextDeadline: z.string().optional(),
  breached: z.boolean().optional(),
  warned: z.boolean().optional().describe("the level's warning fired: inside the warning window"),
  needsOps: z.boolean().optional(),
  pendingApprovalLevel: level.optional().describe('a settlement proposal waits for this level to approve it'),
  urgency: urgencySchema,
  startedAt: z.string(),
  closedAt: z.string().optional(),
});

export const caseListSchema = z.object({
  items: z.array(caseSummarySchema),
  nextPageToken: z.string().optional(),
  query: z.string().describe('the Temporal visibility query used; it works as is in the CLI and the Web UI'),
  view: z.enum(VIEW_NAMES).optional().describe('the triage view listed, sorted by the next deadline'),
  truncated: z.boolean().optional().describe('the view holds more cases than the API sorts at once (1,000); narrow it with filters'),
});

export const viewCountsSchema = z.object({
  now: isoTime.describe('the moment the views were counted (due soon and breached depend on it)'),
  views: z.array(z.object({ view: z.enum(VIEW_NAMES), count: z.number().int().min(0), query: z.string().describe('the visibility query of the view') })),
});

export const complaintStateSchema = z.looseObject({
  complaintId: z.string(),
  caseRef: z.string(),
  orderId: z.string(),
  category: z.enum(CATEGORIES),
  tier: z.enum(TIERS),
  channel: z.enum(CHANNELS),
  status: z.enum(STATUSES),
  outcome: z.enum(OUTCOMES).optional(),
  level,
  owner: z.string(),
  nextDeadline: isoTime.optional(),
  deadlines: z.array(z.looseObject({ kind: z.enum(['acknowledge', 'resolve', 'customer_reply', 'manual']), at: isoTime, provisional: z.boolean() })),
  driverReports: z.array(z.looseObject({ reportId: z.string(), driverId: z.string(), admittedFault: z.boolean() })),
  events: z.array(z.object({ at: isoTime, actor: z.string(), kind: z.string(), text: z.string() })),
  urgency: urgencySchema,
}).describe('The live state of a case (the workflow query); see ComplaintState in workflows/definitions.ts for every field');

export const actionResultSchema = z.object({
  complaintId: z.string(),
  action: z.string(),
  result: z.looseObject({}).describe('the Update result, e.g. { settled, refundFen, feeFen } or { level, deadline }'),
});

export const replyAcceptedSchema = z.object({ complaintId: z.string(), accepted: z.literal(true) });
export const opsRetryAcceptedSchema = z.object({ complaintId: z.string(), accepted: z.literal(true), waitingOn: z.string().optional() });

export const HISTORY_CATEGORIES = ['intake', 'deadline', 'action', 'message', 'money', 'evidence', 'status', 'system'] as const;
export type HistoryCategory = (typeof HISTORY_CATEGORIES)[number];

export const historyEntrySchema = z.object({
  at: isoTime,
  actor: z.string().describe('staff id, driver:<id>, customer, oa or system'),
  category: z.enum(HISTORY_CATEGORIES),
  kind: z.string(),
  text: z.string(),
  zh: z.string().describe('the same sentence in Chinese, times in Beijing time'),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const historySchema = z.object({
  complaintId: z.string(),
  entries: z.array(historyEntrySchema),
  nextPageToken: z.string().optional().describe('present while more history follows: pass it as pageToken'),
});

export const voucherSchema = z.looseObject({
  voucherNo: z.string(),
  complaintId: z.string(),
  caseRef: z.string(),
  orderId: z.string(),
  issuedAt: isoTime,
  outcome: z.string(),
  explanation: z.array(z.string()),
  refunds: z.array(z.object({ reference: z.string(), amountFen: z.number().int(), at: z.string() })),
});

export const meSchema = z.object({
  id: z.string(),
  role: z.enum(STAFF_ROLES),
  name: z.string(),
  level: level.nullable().describe('the escalation level the role works at; null for read-only ops'),
  temporalUiUrl: z.string(),
  namespace: z.string(),
});
export type Me = z.infer<typeof meSchema>;

export const healthSchema = z.object({ ok: z.literal(true) });

const verdictSchema = z.object({
  action: z.string(),
  allowed: z.boolean(),
  reason: z.string().optional(),
  kind: z.enum(['state', 'permission', 'authority', 'input']).optional(),
  byLevel: z.number().int().min(1).max(3).optional(),
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const allowedSchema = z.object({
  complaintId: z.string(),
  status: z.string(),
  actions: z.array(verdictSchema),
  limitFen: z.number().int().optional(),
  forApproval: verdictSchema.optional(),
});

/** The console's session: who it is and the CSRF token its state-changing requests carry. */
export const sessionSchema = z.object({
  user: z.object({ id: z.string(), role: z.enum(STAFF_ROLES), name: z.string() }),
  csrfToken: z.string().describe('send it as X-CSRF-Token on every POST made with the session cookie'),
  expiresAt: isoTime,
});

export const staffListSchema = z.object({
  staff: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(STAFF_ROLES), level: level.nullable() })),
});
