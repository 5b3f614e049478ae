/**
 * Every route the API serves, described once from the same zod schemas the handlers parse with.
 * test/api/openapi.test.ts fails when a route is registered on the app but missing here.
 */
import { z } from 'zod';
import { OPS_ACTIONS } from '../../domain/case/events';
import type { StaffRole } from '../../domain/types';
import { CASE_WORKERS, STAFF } from '../auth';
import * as res from '../response-schemas';
import * as req from '../schemas';
import { ALIPAY_REFUND_NOTIFY_PATH, WECHATPAY_REFUND_NOTIFY_PATH, alipayMessageSchema, wechatpayNotificationSchema } from '../routes/payment-notifications';
import * as oaEvents from '../routes/oa-events';
import * as composer from '../routes/composer';

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
  /** `required: false` when an absent body means {} (actions that take no fields). */
  body?: { schema: z.ZodType; required?: boolean; contentType?: string };
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string; alsoHtml?: boolean };
  /** Other success statuses: the same body unless a schema is given. */
  alsoSuccess?: Array<{ status: number; description: string; schema?: z.ZodType }>;
  /** The response body names a case (`complaintId`): the document links it to every case route. */
  linksToCase?: boolean;
  /** Answered with a Problem body. */
  errors: number[];
}

const id = { schema: req.complaintIdSchema, description: 'the complaint id, `complaint-<orderId>` (the order\'s latest case), or a case reference `<orderId>-<8 hex>` (that one case)' };

const ACTION_SUMMARIES: Record<req.ActionName, string> = {
  'propose-settlement': 'Propose a settlement (compensation, goodwill or a cancellation); within my authority it settles at once, else it waits for approval',
  'approve-settlement': 'Approve the settlement waiting for my level',
  escalate: 'Escalate the case to the next level',
  'request-info': 'Ask the customer a question; the clock pauses until the reply',
  resolve: 'Resolve the case without money moving',
  reject: 'Reject the complaint, with the reason the customer is told',
  withdraw: 'Record that the customer withdrew the complaint',
  note: 'Add an internal note',
  claim: "Take the case from its level's queue",
  assign: 'Give the case to a named person who can act at its level (ops work: to ops or a supervisor)',
  retry: 'Ops: run the refused step of a needs_manual case again now',
  'settle-by-hand': 'Ops: record that the refused money was paid outside the engine; the case goes on to its apology',
  'close-with-apology': 'Ops: give up on the refused step, with the reason; the case closes with its apology',
};

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
  assign: 'Assign',
  retry: 'RetryStep',
  'settle-by-hand': 'SettleByHand',
  'close-with-apology': 'CloseWithApology',
};

/** Component names of the schemas, request side (documented as input: defaults are optional) and response side. */
export const REQUEST_SCHEMAS: Array<[string, z.ZodType]> = [
  ['CreateComplaint', req.createComplaintSchema],
  ['Preview', composer.previewBodySchema],
  ['CustomerReply', req.customerReplySchema],
  ['EmptyBody', req.emptyBodySchema],
  ['CodecPayloads', req.codecPayloadsSchema],
  ['DriverReport', req.driverReportBodySchema],
  ['WechatPayRefundNotification', wechatpayNotificationSchema],
  ['AlipayDepositBackMessage', alipayMessageSchema],
  ['EncryptedOaEvent', oaEvents.encryptedBody],
  ...(Object.entries(req.actionSchemas) as Array<[req.ActionName, z.ZodType]>).map(([name, schema]): [string, z.ZodType] => [ACTION_BODY_IDS[name], schema]),
];
export const RESPONSE_SCHEMAS: Array<[string, z.ZodType]> = [
  ['Problem', res.problemSchema],
  ['DingTalkEventReply', oaEvents.dingTalkReply],
  ['FeishuEventReply', oaEvents.feishuReply],
  ['IntakeResult', res.intakeResultSchema],
  ['IntakeOpening', res.intakeOpeningSchema],
  ['DriverIntake', res.driverIntakeSchema],
  ['CaseSummary', res.caseSummarySchema],
  ['CaseList', res.caseListSchema],
  ['ViewCounts', res.viewCountsSchema],
  ['ComplaintState', res.complaintStateSchema],
  ['ActionResult', res.actionResultSchema],
  ['ReplyAccepted', res.replyAcceptedSchema],
  ['OpsRetryAccepted', res.opsRetryAcceptedSchema],
  ['History', res.historySchema],
  ['Voucher', res.voucherSchema],
  ['Allowed', res.allowedSchema],
  ['Me', res.meSchema],
  ['Session', res.sessionSchema],
  ['StaffList', res.staffListSchema],
  ['Health', res.healthSchema],
  ['ReplyTemplates', composer.templateListSchema],
  ['CaseReplyTemplates', composer.caseTemplatesSchema],
  ['MessagePreview', composer.previewSchema],
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
    alsoSuccess: [
      { status: 200, description: 'the order already had an open case; this intake joined it (created=false)' },
      {
        status: 202,
        description: 'the case is started but its worker has not answered within the intake bound (INTAKE_ANSWER_TIMEOUT_MS, 3 s): fetch it later at Location',
        schema: res.intakeOpeningSchema,
      },
    ],
    linksToCase: true,
    errors: [400, 401, 403, 413, 415, 429],
  },
  {
    method: 'get',
    path: '/complaints',
    tag: 'complaints',
    summary: 'List cases by status, level, order, customer, owner, deadline or breach, search them (q), or list a triage view (Temporal visibility)',
    description:
      'Visibility is eventually consistent: a case opened a moment ago may take a second to appear. `q` matches a case reference exactly, an order id by its beginning, a customer id exactly and a phone number by its keyed hash. `view` lists one triage view sorted by the next deadline, open cases only.',
    auth: 'apiKey',
    roles: STAFF,
    query: req.listQuerySchema,
    success: { status: 200, description: 'one page of cases', schema: res.caseListSchema },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/complaints/views',
    tag: 'complaints',
    summary: 'The triage views of the person asking, each with its count of open cases and its visibility query',
    description: 'My cases, my queue, awaiting my approval (experts and supervisors), due soon, breached, needs ops; list one with `GET /complaints?view=`.',
    auth: 'apiKey',
    roles: STAFF,
    success: { status: 200, description: 'the views and their counts', schema: res.viewCountsSchema },
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
    summary: "The case's timeline, read from its Temporal event history, one page at a time",
    description: 'Paged by history events (pageSize, nextPageToken); only the page asked for is decrypted.',
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    query: req.historyQuerySchema,
    success: { status: 200, description: 'every action, message, money movement, deadline and status change, oldest first', schema: res.historySchema },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/complaints/:id/allowed',
    tag: 'complaints',
    summary: 'What the signed-in user may do on the case now, each refusal with its reason, code and who can',
    description: 'Computed by the case machine (the same function the action validators call). With refundFen, the settlement verdicts are for that amount.',
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    query: req.allowedQuerySchema,
    success: { status: 200, description: 'the verdict of every action', schema: res.allowedSchema },
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
  ...(Object.keys(req.actionSchemas) as req.ActionName[]).map(
    (action): RouteDoc => ({
      method: 'post',
      path: `/complaints/:id/actions/${action}`,
      tag: 'actions',
      summary: ACTION_SUMMARIES[action],
      description:
        "A workflow Update whose validator asks the case machine. It refuses what the case state or the actor's authority does not allow: 409 (InvalidState, or the case is closed) or 422 (NotPermitted, AuthorityExceeded naming the approving level, InvalidInput), with the refusal's code and values.",
      auth: 'apiKey',
      roles: OPS_ACTIONS.has(action) ? STAFF : CASE_WORKERS,
      pathParams: { id },
      body: { schema: req.actionSchemas[action], required: !req.FIELDLESS_ACTIONS.has(action) },
      success: { status: 200, description: "the Update's result", schema: res.actionResultSchema },
      errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
    }),
  ),
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
    errors: [400, 401, 403, 404, 409, 413, 415, 429],
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
    errors: [400, 401, 403, 404, 409, 413, 415, 429],
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
    description:
      'Signed, not keyed: X-Signature is the hex HMAC-SHA256 of `${X-Timestamp}.${X-Nonce}.${raw body}` with the shared driver webhook secret. Rate-limited per address and per driver.',
    auth: 'signature',
    headers: signedHeaders,
    body: { schema: req.driverReportBodySchema },
    success: {
      status: 202,
      description: "the report is on the case (created=false when it joined the open one), or status opening when the case's worker has not answered within the intake bound",
      schema: res.driverIntakeSchema,
    },
    linksToCase: true,
    errors: [400, 401, 413, 415, 429, 503],
  },
  {
    method: 'post',
    path: WECHATPAY_REFUND_NOTIFY_PATH,
    tag: 'webhooks',
    summary: "WeChat Pay posts a refund's result (REFUND.SUCCESS, ABNORMAL or CLOSED); the order's case is signalled",
    description:
      'Signed by WeChat Pay, not keyed: Wechatpay-Signature is RSA-SHA256 over `${Wechatpay-Timestamp}\\n${Wechatpay-Nonce}\\n${raw body}\\n`, verified with the platform certificate named by Wechatpay-Serial; the resource is AEAD_AES_256_GCM-encrypted with the APIv3 key. 401 when the signature does not verify (nothing changes), 204 when the case was told or no case waits.',
    auth: 'none',
    headers: {
      'Wechatpay-Timestamp': { schema: z.string().regex(/^[0-9]{1,12}$/), description: 'unix seconds; must be within 5 minutes of the server clock' },
      'Wechatpay-Nonce': { schema: z.string().min(1).max(64), description: 'random string signed with the body' },
      'Wechatpay-Serial': { schema: z.string().min(1).max(64), description: 'serial of the platform certificate that signed it' },
      'Wechatpay-Signature': { schema: z.string().min(1).max(1024), description: 'base64 RSA-SHA256 signature' },
    },
    body: { schema: wechatpayNotificationSchema },
    success: { status: 204, description: 'verified and passed to the case (or no case waits for it)' },
    errors: [400, 401, 413, 415, 503],
  },
  {
    method: 'post',
    path: ALIPAY_REFUND_NOTIFY_PATH,
    tag: 'webhooks',
    summary: "Alipay pushes a card refund's deposit back (credited S or bounced F); the order's case is signalled",
    description:
      'Signed by Alipay, not keyed: RSA2 over the sorted parameters but sign and sign_type, verified with the Alipay public key by the SDK. Answers the text `success` when the case was told or no case waits; 401 when the signature does not verify (nothing changes).',
    auth: 'none',
    body: { schema: alipayMessageSchema, contentType: 'application/x-www-form-urlencoded' },
    success: { status: 200, description: 'the word success, which stops Alipay retrying', contentType: 'text/plain' },
    errors: [400, 401, 413, 415, 503],
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
    method: 'post',
    path: '/session',
    tag: 'console',
    summary: 'Sign in to the console: the API key, once, for a session cookie every tab of the browser shares',
    description: 'Sets `console_session` (HttpOnly, SameSite=Strict, Secure over https, 8 hours). Requests with the cookie and no API key are authenticated by it; their POSTs must carry `X-CSRF-Token` (from this answer or GET /session), else 403.',
    auth: 'apiKey',
    roles: STAFF,
    body: { schema: req.emptyBodySchema, required: false },
    success: { status: 201, description: 'the session, and its CSRF token', schema: res.sessionSchema },
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/session',
    tag: 'console',
    summary: "The console session the cookie names, with its CSRF token (a new tab reads it here)",
    auth: 'none',
    success: { status: 200, description: 'the session', schema: res.sessionSchema },
    errors: [401],
  },
  {
    method: 'post',
    path: '/session/end',
    tag: 'console',
    summary: 'Sign out: the session ends in every tab and on every replica',
    description: 'With a session cookie, needs its X-CSRF-Token. Without one there is nothing to end: 204.',
    auth: 'none',
    body: { schema: req.emptyBodySchema, required: false },
    success: { status: 204, description: 'the cookie is cleared and the session id refused from now on' },
    errors: [400, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/staff',
    tag: 'console',
    summary: 'The people a case can be assigned to, with their roles and levels',
    auth: 'apiKey',
    roles: STAFF,
    success: { status: 200, description: 'the staff directory', schema: res.staffListSchema },
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/complaints/:id/live',
    tag: 'complaints',
    summary: "Server-sent events: the case changed (event `case`, its version), who has it open (event `presence`)",
    description: 'Accept must include text/event-stream (EventSource sends it). One watch per case per API process however many follow it; the stream ends after 10 minutes and EventSource reconnects.',
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    success: { status: 200, description: 'an event stream', contentType: 'text/event-stream' },
    errors: [400, 401, 403, 404, 406],
  },
  {
    method: 'get',
    path: '/complaints/views/live',
    tag: 'complaints',
    summary: 'Server-sent events: my triage views with their counts (event `views`), whenever a count changes',
    description: 'Accept must include text/event-stream. Counted once per person per API process, however many tabs listen.',
    auth: 'apiKey',
    roles: STAFF,
    success: { status: 200, description: 'an event stream', contentType: 'text/event-stream' },
    errors: [401, 403, 406],
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
    path: '/templates',
    tag: 'console',
    summary: "The composer's reply templates (macros), per category, in zh and en",
    description: 'A question template names the records the engine read itself (`engineFetches`); none asks for screenshots.',
    auth: 'apiKey',
    roles: STAFF,
    query: composer.templatesQuerySchema,
    success: { status: 200, description: 'the templates', schema: composer.templateListSchema },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/complaints/:id/templates',
    tag: 'console',
    summary: "The templates for this case's category, with their variables filled from the case",
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    success: { status: 200, description: 'the templates, filled', schema: composer.caseTemplatesSchema },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'post',
    path: '/complaints/:id/preview',
    tag: 'console',
    summary: 'What an action would tell the customer, on each channel exactly as the rail gets it; nothing is sent',
    description: 'The case machine runs the action on a copy of the case. A refusal is the one the action itself would get (`code`, e.g. `asks_for_proof`). A refund number the rail has not given yet reads `REFUND-NO`.',
    auth: 'apiKey',
    roles: STAFF,
    pathParams: { id },
    body: { schema: composer.previewBodySchema },
    success: { status: 200, description: 'the message, or none yet', schema: composer.previewSchema },
    errors: [400, 401, 403, 404, 409, 413, 415, 422],
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
