/**
 * The triage views: each a visibility query relative to the person asking, counted by Temporal
 * and listed by the next deadline. SQL visibility (the dev server's SQLite, PostgreSQL) has no
 * ORDER BY, so a view's cases are read and sorted here, up to VIEW_SCAN_LIMIT of them.
 */
import type { Client } from '@temporalio/client';
import { ROLE_LEVEL } from '../domain/authority';
import { defaultOwner } from '../domain/escalation';
import { COMPLAINT_WORKFLOW_TYPE, type Actor } from '../workflows/definitions';
import type { z } from 'zod';
import { HttpProblem } from './errors';
import type { PageTokens } from './page-tokens';
import type { listQuerySchema } from './schemas';
import { VIEW_NAMES, type ViewName } from './view-names';
import { filterClauses, quote, summaryOf, type CaseList, type CaseSummary, type ListContext } from './visibility';

export const VIEW_SCAN_LIMIT = 1_000;

const OPEN = `WorkflowType = ${quote(COMPLAINT_WORKFLOW_TYPE)} AND ExecutionStatus = 'Running' AND ComplaintStatus != 'closed'`;

/** The view's own condition for this person, or undefined when the view is not theirs (ops approve nothing). */
export function viewClause(view: ViewName, viewer: Actor, now: Date): string | undefined {
  const level = viewer.role in ROLE_LEVEL ? ROLE_LEVEL[viewer.role as keyof typeof ROLE_LEVEL] : undefined;
  const at = quote(now.toISOString());
  switch (view) {
    case 'mine':
      return `Owner = ${quote(viewer.id)}`;
    case 'my_queue':
      if (viewer.role === 'ops') return `Owner = 'queue:ops'`;
      return level ? `Owner = ${quote(defaultOwner(level))}` : undefined;
    case 'awaiting_approval':
      // Approval is asked of a level above the proposer's: an agent is never the one asked.
      return level && level > 1 ? `PendingApprovalLevel = ${level}` : undefined;
    case 'due_soon':
      return `Warned = true AND Breached = false AND NextDeadline > ${at}`;
    case 'breached':
      return `(Breached = true OR NextDeadline <= ${at})`;
    case 'needs_ops':
      return 'NeedsOps = true';
  }
}

export function viewQuery(view: ViewName, viewer: Actor, now: Date): string | undefined {
  const clause = viewClause(view, viewer, now);
  return clause ? `${OPEN} AND ${clause}` : undefined;
}

export interface ViewCount {
  view: ViewName;
  count: number;
  query: string;
}

/** Every view this person has, with how many open cases are in it now. */
export async function viewCounts(client: Client, viewer: Actor, now: Date): Promise<ViewCount[]> {
  const views = VIEW_NAMES.flatMap((view) => {
    const query = viewQuery(view, viewer, now);
    return query ? [{ view, query }] : [];
  });
  return Promise.all(
    views.map(async ({ view, query }) => {
      const { count } = await client.workflowService.countWorkflowExecutions({ namespace: client.options.namespace, query });
      return { view, query, count: Number(count ?? 0) };
    }),
  );
}

type ListQuery = z.infer<typeof listQuerySchema>;

const BAD_TOKEN = 'invalid pageToken: pass back the nextPageToken of the previous page unchanged';

/** Earliest deadline first; cases without one (settling, apologizing) after every case with one. */
export function byNextDeadline(a: CaseSummary, b: CaseSummary): number {
  const da = a.nextDeadline ? Date.parse(a.nextDeadline) : Infinity;
  const db = b.nextDeadline ? Date.parse(b.nextDeadline) : Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0;
}

export async function listView(client: Client, tokens: PageTokens, q: ListQuery, ctx: ListContext): Promise<CaseList> {
  const view = q.view!;
  const base = viewQuery(view, ctx.viewer, ctx.now);
  if (!base) throw new HttpProblem(403, `the view ${view} is not one a ${ctx.viewer.role} has`);
  const offset = q.pageToken === undefined ? 0 : openOffset(tokens, q.pageToken, view);
  // The other filters and the search box narrow a view.
  const { pageSize: _s, pageToken: _t, view: _v, ...filters } = q;
  const query = [base, ...filterClauses(filters, ctx)].join(' AND ');
  const found: CaseSummary[] = [];
  let next: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize: VIEW_SCAN_LIMIT, nextPageToken: next });
    for (const e of page.executions ?? []) found.push(summaryOf(e, ctx.now));
    next = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (next && found.length < VIEW_SCAN_LIMIT);
  const truncated = found.length > VIEW_SCAN_LIMIT || next !== undefined;
  const sorted = found.slice(0, VIEW_SCAN_LIMIT).sort(byNextDeadline);
  const items = sorted.slice(offset, offset + q.pageSize);
  const more = offset + q.pageSize < sorted.length;
  const nextPageToken = more ? tokens.seal(Buffer.from(JSON.stringify({ v: view, o: offset + q.pageSize }))) : undefined;
  return { items, query, view, ...(nextPageToken ? { nextPageToken } : {}), ...(truncated ? { truncated } : {}) };
}

function openOffset(tokens: PageTokens, sealed: string, view: ViewName): number {
  const bytes = tokens.open(sealed);
  let cursor: { v?: unknown; o?: unknown } | undefined;
  try {
    cursor = bytes ? JSON.parse(bytes.toString('utf8')) : undefined;
  } catch {
    cursor = undefined;
  }
  if (!cursor || cursor.v !== view || !Number.isInteger(cursor.o) || (cursor.o as number) < 0) throw new HttpProblem(400, BAD_TOKEN);
  return cursor.o as number;
}
