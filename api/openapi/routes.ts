/**
 * Every route the API serves, described once from the same zod schemas the handlers parse with.
 * test/api/openapi.test.ts fails when a route is registered on the app but missing here.
 */
import { z } from 'zod';
import type { StaffRole } from '../../domain/types';
import { CASE_WORKERS, STAFF } from '../auth';
import * as res from '../response-schemas';
import * as req from '../schemas';
import * as oaEvents from '../routes/oa-events';

export type Auth = 'apiKey' | 'signature' | 'none';

export interface RouteDoc {
  method: 'get' | 'post';
  /** Express syntax (`/complaints/:id`); the document uses `{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  roles?: readonly StaffRole[];
  pathParams?: Record<string, { schema: z.ZodType; description: string }>;
  query?: z.ZodObject;
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  /** One schema, or one per value of a path parameter (the action route). */
  body?: { schema: z.ZodType } | { byPathParam: string; schemas: Record<string, z.ZodType> };
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string; alsoHtml?: boolean };
  /** Other success statuses with the same body. */
  alsoSuccess?: Array<{ status: number; description: string }>;
  /** Answered with a Problem body. */
  errors: number[];
}

const id = { schema: req.complaintIdSchema, description: 'the complaint id, `complaint-<orderId>`' };
const ACTION_BODY_IDS: Record<req.ActionName, string> = {
  'propose-settlement': 'ProposeSettlement',
  'approve-settlement': 'ApproveSettlement',
  escalate: 'Escalate',
  'request-info': 'RequestInfo',
  resolve: 'Resolve',
  reject: 'Reject',
  withdraw: 'Withdraw',
  note: 'Note',
  claim: 'Claim',
};

/** Component names of the schemas, request side (documented as input: defaults are optional) and response side. */
export const REQUEST_SCHEMAS: Array<[string, z.ZodType]> = [
  ['CreateComplaint', req.createComplaintSchema],
  ['CustomerReply', req.customerReplySchema],
  ['EmptyBody', req.emptyBodySchema],
  ['CodecPayloads', req.codecPayloadsSchema],
  ['DriverReport', req.driverReportBodySchema],
  ['EncryptedOaEvent', oaEvents.encryptedBody],
  ...(Object.entries(req.actionSchemas) as Array<[req.ActionName, z.ZodType]>).map(([name, schema]): [string, z.ZodType] => [ACTION_BODY_IDS[name], schema]),
];
export const RESPONSE_SCHEMAS: Array<[string, z.ZodType]> = [
  ['Problem', res.problemSchema],
  ['DingTalkEventReply', oaEvents.dingTalkReply],
  ['FeishuEventReply', oaEvents.feishuReply],
  ['IntakeResult', res.intakeResultSchema],
  ['CaseSummary', res.caseSummarySchema],
  ['CaseList', res.caseListSchema],
  ['ComplaintState', res.complaintStateSchema],
  ['ActionResult', res.actionResultSchema],
  ['ReplyAccepted', res.replyAcceptedSchema],
  ['OpsRetryAccepted', res.opsRetryAcceptedSchema],
  ['History', res.historySchema],
  ['Voucher', res.voucherSchema],
  ['Me', res.meSchema],
  ['Health', res.healthSchema],
];

const signedHeaders = {
  'X-Timestamp': { schema: z.string().regex(/^[0-9]{1,12}$/), description: 'unix seconds; must be within 5 minutes of the server clock' },
  'X-Nonce': { schema: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/), description: 'unique per request; a nonce seen within the 5-minute window is refused' },
};

export const ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/complaints',
    tag: 'complaints',
    summary: 'Open the complaint of an order, or join the open one',
    description: 'One open complaint per order: a second intake on the same order returns the open case (200, created=false).',
    auth: 'apiKey',
    roles: CASE_WORKERS,
    body: { schema: req.createComplaintSchema },
    success: { status: 201, description: 'a new case was opened', schema: res.intakeResultSchema },
    alsoSuccess: [{ status: 200, description: 'the order already had an open case; this intake joined it (created=false)' }],
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/complaints',
    tag: 'complaints',
    summary: 'List cases by status, level, order, customer, owner, deadline or breach (Temporal visibility)',
    description: 'Visibility is eventually consistent: a case opened a moment ago may take a second to appear.',
    auth: 'apiKey',
    roles: STAFF,
    query: req.listQuerySchema,
    success: { status: 200, description: 'one page of cases', schema: res.caseListSchema },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/complaints/:id',
    tag: 'complaints',
    summary: 'The live state of a case',
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    success: { status: 200, description: 'the case state', schema: res.complaintStateSchema },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/complaints/:id/history',
    tag: 'complaints',
    summary: "The case's timeline, read from its Temporal event history",
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    success: { status: 200, description: 'every action, message, money movement, deadline and status change, oldest first', schema: res.historySchema },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/complaints/:id/voucher',
    tag: 'complaints',
    summary: 'Written explanation and payment voucher of a closed enterprise case',
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    query: req.voucherQuerySchema,
    success: { status: 200, description: 'the voucher, as JSON or printable HTML (format=html)', schema: res.voucherSchema, alsoHtml: true },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/complaints/:id/actions/:action',
    tag: 'complaints',
    summary: 'Act on a case: propose or approve a settlement, escalate, ask the customer, resolve, reject, withdraw, note',
    description:
      'Each action is a workflow Update. The workflow refuses what the case state or the actor\'s authority does not allow: 409 (InvalidState) or 422 (NotPermitted, AuthorityExceeded naming the approving level, InvalidInput).',
    auth: 'apiKey',
    roles: CASE_WORKERS,
    pathParams: { id, action: { schema: req.actionNameSchema, description: 'the action; it decides the body schema' } },
    body: { byPathParam: 'action', schemas: req.actionSchemas },
    success: { status: 200, description: "the Update's result", schema: res.actionResultSchema },
    errors: [400, 401, 403, 404, 409, 413, 415, 422],
  },
  {
    method: 'post',
    path: '/complaints/:id/customer-reply',
    tag: 'complaints',
    summary: "Record the customer's reply to a request for information",
    auth: 'apiKey',
    roles: CASE_WORKERS,
    pathParams: { id },
    body: { schema: req.customerReplySchema },
    success: { status: 202, description: 'the reply was handed to the case', schema: res.replyAcceptedSchema },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  {
    method: 'post',
    path: '/complaints/:id/ops-retry',
    tag: 'complaints',
    summary: 'Ops: retry a step a provider refused for good (refund, charge capture, apology delivery, OA voucher)',
    auth: 'apiKey',
    roles: ['ops', 'supervisor'],
    pathParams: { id },
    body: { schema: req.emptyBodySchema },
    success: { status: 202, description: 'the case retries now', schema: res.opsRetryAcceptedSchema },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  {
    method: 'post',
    path: '/codec/session',
    tag: 'codec',
    summary: 'Ops and supervisors: set the session cookie that lets the Temporal Web UI decode payloads',
    auth: 'apiKey',
    roles: ['ops', 'supervisor'],
    body: { schema: req.emptyBodySchema },
    success: { status: 204, description: 'the codec_session cookie is set (HttpOnly, 8 hours)' },
    errors: [400, 401, 403, 413, 415],
  },
  ...(['encode', 'decode'] as const).map(
    (op): RouteDoc => ({
      method: 'post',
      path: `/codec/${op}`,
      tag: 'codec',
      summary: `Temporal remote codec: ${op} payloads (AES-GCM, key id in the metadata)`,
      description: 'Called by the Temporal Web UI. Accepts an ops or supervisor API key or the codec_session cookie; open while the development keys are in force.',
      auth: 'apiKey',
      roles: ['ops', 'supervisor'],
      body: { schema: req.codecPayloadsSchema },
      success: { status: 200, description: `the ${op}d payloads`, schema: req.codecPayloadsSchema },
      errors: [400, 401, 403, 413, 415, 422],
    }),
  ),
  {
    method: 'post',
    path: '/webhooks/driver-reports',
    tag: 'webhooks',
    summary: "A driver app reports a problem with a ride: it opens the order's complaint or joins the open one",
    description: 'Signed, not keyed: X-Signature is the hex HMAC-SHA256 of `${X-Timestamp}.${X-Nonce}.${raw body}` with the shared driver webhook secret. Rate-limited per address.',
    auth: 'signature',
    headers: signedHeaders,
    body: { schema: req.driverReportBodySchema },
    success: { status: 202, description: 'the report is on the case (created=false when it joined the open one)', schema: res.intakeResultSchema },
    errors: [400, 401, 413, 415, 429, 503],
  },
  {
    method: 'post',
    path: '/oa-events/dingtalk',
    tag: 'webhooks',
    summary: "DingTalk's approval event subscription (bpms_instance_change): an approved or rejected instance signals the order's case",
    description: 'Verified by the rail, not keyed: signature is SHA-1 over the sorted event token, timestamp, nonce and `encrypt`; the body is AES-256-CBC with the EncodingAESKey. The answer is "success" in the same envelope.',
    auth: 'none',
    query: oaEvents.dingTalkQuery,
    body: { schema: oaEvents.encryptedBody },
    success: { status: 200, description: 'the event was taken (the case, if one is open for the order, is signalled)', schema: oaEvents.dingTalkReply },
    errors: [400, 401, 413, 415],
  },
  {
    method: 'post',
    path: '/oa-events/feishu',
    tag: 'webhooks',
    summary: "Feishu/Lark's approval event subscription (approval_instance): an approved or rejected instance signals the order's case",
    description: 'Verified by the rail, not keyed: X-Lark-Signature is SHA-256 hex over X-Lark-Request-Timestamp + X-Lark-Request-Nonce + the Encrypt Key + the raw body; the body is AES-256-CBC with SHA-256 of the Encrypt Key, and the event must carry the verification token.',
    auth: 'none',
    headers: {
      'X-Lark-Request-Timestamp': { schema: z.string().regex(/^[0-9]{10}$/), description: 'unix seconds; must be within 5 minutes of the server clock' },
      'X-Lark-Request-Nonce': { schema: z.string().min(1), description: 'signed with the body' },
      'X-Lark-Signature': { schema: z.string().regex(/^[0-9a-f]{64}$/), description: 'the signature described above' },
    },
    body: { schema: oaEvents.encryptedBody },
    success: { status: 200, description: 'the event was taken: whether an open case was signalled, or the URL-verification challenge', schema: oaEvents.feishuReply },
    errors: [400, 401, 413, 415],
  },
  {
    method: 'get',
    path: '/me',
    tag: 'console',
    summary: 'Who the API key belongs to, and where the Temporal Web UI is',
    auth: 'apiKey',
    roles: STAFF,
    success: { status: 200, description: 'the caller', schema: res.meSchema },
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics: HTTP latency, intakes, agent actions, case gauges from visibility',
    auth: 'none',
    success: { status: 200, description: 'Prometheus text exposition format', contentType: 'text/plain' },
    errors: [],
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Liveness',
    auth: 'none',
    success: { status: 200, description: 'the API process is up', schema: res.healthSchema },
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document',
    auth: 'none',
    success: { status: 200, description: 'OpenAPI 3.1 document', contentType: 'application/json' },
    errors: [],
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'This document as an HTML page',
    auth: 'none',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [],
  },
  {
    method: 'get',
    path: '/',
    tag: 'console',
    summary: 'Redirects to the agent console at /console/',
    auth: 'none',
    success: { status: 302, description: 'redirect to /console/' },
    errors: [],
  },
];
