/** Case lists come from Temporal visibility; the same queries work in the CLI and the Web UI. */
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { COMPLAINT_WORKFLOW_TYPE } from '../workflows/definitions';
import type { z } from 'zod';
import { HttpProblem } from './errors';
import type { PageTokens } from './page-tokens';
import type { listQuerySchema } from './schemas';

const GRPC_INVALID_ARGUMENT = 3;

type ListQuery = z.infer<typeof listQuerySchema>;

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Builds the visibility query; every value is validated by the schema and quoted here. */
export function visibilityQuery(q: Omit<ListQuery, 'pageSize' | 'pageToken'>): string {
  // A case continued as new is listed once, by its running (or final) run.
  const clauses = [`WorkflowType = ${quote(COMPLAINT_WORKFLOW_TYPE)}`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (q.status) clauses.push(`ComplaintStatus = ${quote(q.status)}`);
  if (q.level) clauses.push(`EscalationLevel = ${q.level}`);
  if (q.orderId) clauses.push(`OrderId = ${quote(q.orderId)}`);
  if (q.customerId) clauses.push(`CustomerId = ${quote(q.customerId)}`);
  if (q.owner) clauses.push(`Owner = ${quote(q.owner)}`);
  if (q.deadlineBefore) clauses.push(`NextDeadline < ${quote(new Date(q.deadlineBefore).toISOString())}`);
  if (q.breached) clauses.push(`Breached = ${q.breached}`);
  return clauses.join(' AND ');
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
  startedAt: string;
  closedAt?: string;
}

const BAD_TOKEN = 'invalid pageToken: pass back the nextPageToken of the previous page unchanged';

export async function listComplaints(client: Client, tokens: PageTokens, q: ListQuery): Promise<{ items: CaseSummary[]; nextPageToken?: string; query: string }> {
  const query = visibilityQuery(q);
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
  const items = (response.executions ?? []).map((e) => {
    const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields ?? {}) as Record<string, unknown[]>;
    const one = <T>(name: string) => (sa[name]?.[0] as T | undefined) ?? undefined;
    const deadline = one<Date | string>('NextDeadline');
    return {
      complaintId: e.execution?.workflowId ?? '',
      caseRef: one<string>('CaseRef'),
      runId: e.execution?.runId ?? '',
      status: one<string>('ComplaintStatus'),
      level: one<number>('EscalationLevel'),
      orderId: one<string>('OrderId'),
      customerId: one<string>('CustomerId'),
      category: one<string>('Category'),
      tier: one<string>('Tier'),
      owner: one<string>('Owner'),
      nextDeadline: deadline ? new Date(deadline).toISOString() : undefined,
      breached: one<boolean>('Breached'),
      startedAt: tsToIso(e.startTime) ?? '',
      closedAt: tsToIso(e.closeTime),
    };
  });
  const token = response.nextPageToken?.length ? tokens.seal(response.nextPageToken) : undefined;
  return { items, query, ...(token ? { nextPageToken: token } : {}) };
}

function tsToIso(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}
