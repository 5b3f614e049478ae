/** Case lists come from Temporal visibility; the same queries work in the CLI and the Web UI. */
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import type { temporal } from '@temporalio/proto';
import { urgencyOf, type Urgency } from '../domain/urgency';
import { COMPLAINT_WORKFLOW_TYPE, type Actor } from '../workflows/definitions';
import type { z } from 'zod';
import { HttpProblem } from './errors';
import type { PageTokens } from './page-tokens';
import type { PhoneHasher } from './phone-hash';
import type { listQuerySchema } from './schemas';
import type { ViewName } from './view-names';

const GRPC_INVALID_ARGUMENT = 3;

type ListQuery = z.infer<typeof listQuerySchema>;

/** Who asks and when: views are relative to the person, urgency to the moment. */
export interface ListContext {
  viewer: Actor;
  now: Date;
  hashPhone: PhoneHasher;
}

export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const CASE_REF = /^([A-Za-z0-9_-]{1,40})-([0-9A-Fa-f]{8})$/;
const ID = /^[A-Za-z0-9_-]{1,40}$/;
/** A mainland mobile (with or without +86) or a number dialled with its country code. */
const PHONE_SHAPED = /^(\+|00|86)?1[3-9][0-9]{9}$|^(\+|00)[0-9]{6,15}$/;

/**
 * One search box: every reading of the text that could be meant is asked at once (a string of
 * digits may be an order number's beginning and a phone number), so the agent never picks a field.
 * A mobile or international number is only a phone: it is asked by its hash alone, so the number
 * never travels to Temporal in a query (or its logs).
 */
export function searchClause(text: string, hashPhone: PhoneHasher): string | undefined {
  const phone = hashPhone(text);
  const phoneOnly = phone !== undefined && PHONE_SHAPED.test(text.replace(/[\s().-]/g, ''));
  const terms: string[] = [];
  const ref = CASE_REF.exec(text);
  // Case references end in upper-case hex; customers read them back in any case.
  if (ref) terms.push(`CaseRef = ${quote(`${ref[1]}-${ref[2]!.toUpperCase()}`)}`);
  if (ID.test(text) && !phoneOnly) {
    terms.push(`OrderId STARTS_WITH ${quote(text)}`);
    if (text.toUpperCase() !== text) terms.push(`OrderId STARTS_WITH ${quote(text.toUpperCase())}`);
    terms.push(`CustomerId = ${quote(text)}`);
  }
  if (phone) terms.push(`PhoneHash = ${quote(phone)}`);
  return terms.length ? `(${terms.join(' OR ')})` : undefined;
}

/** The filters' clauses; every value is validated by the schema and quoted here. */
export function filterClauses(q: Omit<ListQuery, 'pageSize' | 'pageToken' | 'view'>, ctx?: Pick<ListContext, 'hashPhone'>): string[] {
  const clauses: string[] = [];
  if (q.status) clauses.push(`ComplaintStatus = ${quote(q.status)}`);
  if (q.level) clauses.push(`EscalationLevel = ${q.level}`);
  if (q.orderId) clauses.push(`OrderId = ${quote(q.orderId)}`);
  if (q.customerId) clauses.push(`CustomerId = ${quote(q.customerId)}`);
  if (q.owner) clauses.push(`Owner = ${quote(q.owner)}`);
  if (q.deadlineBefore) clauses.push(`NextDeadline < ${quote(new Date(q.deadlineBefore).toISOString())}`);
  if (q.breached) clauses.push(`Breached = ${q.breached}`);
  if (q.q !== undefined) {
    const search = ctx ? searchClause(q.q, ctx.hashPhone) : undefined;
    if (!search) throw new HttpProblem(400, `nothing to search for in "${q.q}": type a case reference, an order id, a customer id or a phone number`);
    clauses.push(search);
  }
  return clauses;
}

/** Builds the visibility query of a filtered list. */
export function visibilityQuery(q: Omit<ListQuery, 'pageSize' | 'pageToken' | 'view'>, ctx?: Pick<ListContext, 'hashPhone'>): string {
  // A case continued as new is listed once, by its running (or final) run.
  return [`WorkflowType = ${quote(COMPLAINT_WORKFLOW_TYPE)}`, `ExecutionStatus != 'ContinuedAsNew'`, ...filterClauses(q, ctx)].join(' AND ');
}

export interface CaseSummary {
  complaintId: string;
  caseRef?: string;
  runId: string;
  status?: string;
  level?: number;
  orderId?: string;
  customerId?: string;
  category?: string;
  tier?: string;
  owner?: string;
  nextDeadline?: string;
  breached?: boolean;
  warned?: boolean;
  needsOps?: boolean;
  pendingApprovalLevel?: number;
  urgency: Urgency;
  startedAt: string;
  closedAt?: string;
}

type Execution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

export function summaryOf(e: Execution, now: Date): CaseSummary {
  const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields ?? {}) as Record<string, unknown[]>;
  const one = <T>(name: string) => (sa[name]?.[0] as T | undefined) ?? undefined;
  const deadline = one<Date | string>('NextDeadline');
  const facts = {
    status: one<string>('ComplaintStatus'),
    nextDeadline: deadline ? new Date(deadline).toISOString() : undefined,
    breached: one<boolean>('Breached'),
    warned: one<boolean>('Warned'),
    needsOps: one<boolean>('NeedsOps'),
  };
  return {
    complaintId: e.execution?.workflowId ?? '',
    caseRef: one<string>('CaseRef'),
    runId: e.execution?.runId ?? '',
    status: facts.status,
    level: one<number>('EscalationLevel'),
    orderId: one<string>('OrderId'),
    customerId: one<string>('CustomerId'),
    category: one<string>('Category'),
    tier: one<string>('Tier'),
    owner: one<string>('Owner'),
    nextDeadline: facts.nextDeadline,
    breached: facts.breached,
    warned: facts.warned,
    needsOps: facts.needsOps,
    pendingApprovalLevel: one<number>('PendingApprovalLevel'),
    urgency: urgencyOf(facts, now),
    startedAt: tsToIso(e.startTime) ?? '',
    closedAt: tsToIso(e.closeTime),
  };
}

const BAD_TOKEN = 'invalid pageToken: pass back the nextPageToken of the previous page unchanged';

export interface CaseList {
  items: CaseSummary[];
  nextPageToken?: string;
  query: string;
  view?: ViewName;
  /** A view is sorted by the API over at most VIEW_SCAN_LIMIT cases; more than that were left out. */
  truncated?: boolean;
}

export async function listComplaints(client: Client, tokens: PageTokens, q: ListQuery, ctx: ListContext): Promise<CaseList> {
  const query = visibilityQuery(q, ctx);
  const pageToken = q.pageToken === undefined ? undefined : tokens.open(q.pageToken);
  if (q.pageToken !== undefined && !pageToken) throw new HttpProblem(400, BAD_TOKEN);
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize: q.pageSize, nextPageToken: pageToken });
  } catch (err) {
    // The query is built from validated values, so an invalid argument can only be a token the server no longer accepts.
    if (isGrpcServiceError(err) && err.code === GRPC_INVALID_ARGUMENT) throw new HttpProblem(400, BAD_TOKEN);
    throw err;
  }
  const items = (response.executions ?? []).map((e) => summaryOf(e, ctx.now));
  const token = response.nextPageToken?.length ? tokens.seal(response.nextPageToken) : undefined;
  return { items, query, ...(token ? { nextPageToken: token } : {}) };
}

function tsToIso(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}
