import { Router } from 'express';
import { buildVoucher, voucherHtml } from '../../domain/voucher';
import { OPS_ACTIONS } from '../../domain/case/events';
import { ACTION_UPDATES, customerRepliedSignal, escalateUpdate, opsRetrySignal } from '../../workflows/definitions';
import { actorOf, CASE_WORKERS, requireRole, STAFF } from '../auth';
import { actionProblem, asProblem, complaintState, handleFor, hashOf, locate, openComplaint, type ComplaintsService } from '../complaints-service';
import { HttpProblem, parse } from '../errors';
import { assigneeArgs } from '../assignee';
import { timelineFromEvents } from '../history';
import { decodedHistoryPage } from '../history-source';
import type { ApiMetrics } from '../metrics';
import type { PageTokens } from '../page-tokens';
import {
  actionSchemas,
  FIELDLESS_ACTIONS,
  allowedQuerySchema,
  historyQuerySchema,
  complaintIdSchema,
  createComplaintSchema,
  customerReplySchema,
  emptyBodySchema,
  voucherQuerySchema,
  type ActionName,
} from '../schemas';
import { listCases, withUrgency } from './views';


/** Stripe semantics: the same key and body answer as the first time; the same key with another body is a 422. */
function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,255}$/.test(header)) throw new HttpProblem(400, 'Idempotency-Key must be 8 to 255 printable characters');
  return `idem:${hashOf(header)}`;
}


const BAD_HISTORY_TOKEN = 'invalid pageToken: pass back the nextPageToken of the previous page unchanged';

/** Opens a history page token: it must be ours, for this case. */
function historyCursor(tokens: PageTokens, sealed: string, complaintId: string): { runId: string; afterEventId: number } {
  const bytes = tokens.open(sealed);
  let cursor: { c?: unknown; r?: unknown; a?: unknown } | undefined;
  try {
    cursor = bytes ? JSON.parse(bytes.toString('utf8')) : undefined;
  } catch {
    cursor = undefined;
  }
  if (!cursor || cursor.c !== complaintId || typeof cursor.r !== 'string' || !Number.isInteger(cursor.a)) throw new HttpProblem(400, BAD_HISTORY_TOKEN);
  return { runId: cursor.r, afterEventId: cursor.a as number };
}

export function complaintsRouter(svc: ComplaintsService, metrics: ApiMetrics, tokens: PageTokens): Router {
  const router = Router();
  const staff = requireRole(...STAFF);
  const caseWorkers = requireRole(...CASE_WORKERS);

  router.post('/complaints', caseWorkers, async (req, res) => {
    const body = parse(createComplaintSchema, req.body);
    const actor = actorOf(req.user!);
    const intakeKey = idempotencyKeyOf(req.get('idempotency-key'));
    const bodyHash = intakeKey ? hashOf(JSON.stringify(body)) : undefined;
    let outcome;
    try {
      outcome = await openComplaint(svc, { ...body, createdBy: actor }, actor, { intakeKey, bodyHash });
    } catch (err) {
      throw asProblem(err, `complaint-${body.orderId}`);
    }
    if ('opening' in outcome) {
      metrics.complaintsStarted.inc({ channel: body.channel, result: 'opening' });
      res.status(202).location(`/complaints/${outcome.opening.complaintId}`).json(outcome.opening);
      return;
    }
    const result = outcome.answered;
    metrics.complaintsStarted.inc({ channel: body.channel, result: result.created ? 'created' : 'joined' });
    res.status(result.created ? 201 : 200).location(`/complaints/${result.complaintId}`).json(result);
  });

  router.get('/complaints', staff, async (req, res) => {
    res.json(await listCases(svc, tokens, req));
  });

  router.get('/complaints/:id', staff, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    res.json(withUrgency(await complaintState(svc, id, actorOf(req.user!))));
  });

  // What I may do on this case, for an amount I am typing: the console asks instead of guessing.
  router.get('/complaints/:id/allowed', staff, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const { refundFen } = parse(allowedQuerySchema, req.query);
    const state = await complaintState(svc, id, actorOf(req.user!), refundFen === undefined ? undefined : { refundFen });
    res.json({ complaintId: id, status: state.status, ...state.allowed });
  });

  router.get('/complaints/:id/history', staff, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const { pageSize, pageToken } = parse(historyQuerySchema, req.query);
    const cursor = pageToken === undefined ? { afterEventId: 0 } : historyCursor(tokens, pageToken, id);
    try {
      const run = await locate(svc, id);
      const page = await decodedHistoryPage(svc.client, run.workflowId, { runId: run.runId, ...cursor, pageSize });
      const entries = timelineFromEvents(page.events, { fromEventId: page.fromEventId, pending: !page.more });
      const next = page.more && page.lastEventId !== undefined ? tokens.seal(Buffer.from(JSON.stringify({ c: id, r: page.runId, a: page.lastEventId }))) : undefined;
      res.json({ complaintId: id, entries, ...(next ? { nextPageToken: next } : {}) });
    } catch (err) {
      throw asProblem(err, id);
    }
  });

  router.get('/complaints/:id/voucher', staff, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const { format } = parse(voucherQuerySchema, req.query);
    const state = await complaintState(svc, id);
    if (state.tier !== 'enterprise') {
      throw new HttpProblem(404, `complaint ${id} is a ${state.tier} case; payment vouchers are issued for enterprise orders only`);
    }
    if (state.status !== 'closed' || !state.closedAt) {
      throw new HttpProblem(409, `the voucher is issued when the case closes; complaint ${id} is ${state.status}`);
    }
    // Dated by the case itself, so the download and the copy sent to the OA approval are one document.
    const voucher = buildVoucher(state);
    if (format === 'html') {
      res.type('html').set('content-disposition', `inline; filename="${voucher.voucherNo}.html"`).send(voucherHtml(voucher));
      return;
    }
    res.json(voucher);
  });

  // One route per action, as the OpenAPI document has one operation per action with its own body.
  for (const action of Object.keys(ACTION_UPDATES) as ActionName[]) {
    router.post(`/complaints/:id/actions/${action}`, OPS_ACTIONS.has(action) ? staff : caseWorkers, async (req, res) => {
      const id = parse(complaintIdSchema, req.params.id);
      // Actions without fields take an absent body as {}; the others need theirs.
      const body = parse(actionSchemas[action], req.body === undefined && FIELDLESS_ACTIONS.has(action) ? {} : req.body);
      // The acting user travels in the Update's arguments, so history shows who did it.
      const args = { ...body, ...assigneeArgs(svc.staff, action, body), actor: actorOf(req.user!) };
      try {
        const result = await (await handleFor(svc, id)).executeUpdate(ACTION_UPDATES[action] as typeof escalateUpdate, { args: [args as never] });
        metrics.agentActions.inc({ action, result: 'ok' });
        res.json({ complaintId: id, action, result });
      } catch (err) {
        const problem = await actionProblem(svc, err, id);
        if (problem instanceof HttpProblem && (problem.status === 409 || problem.status === 422)) metrics.agentActions.inc({ action, result: 'refused' });
        throw problem;
      }
    });
  }

  router.post('/complaints/:id/customer-reply', caseWorkers, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const body = parse(customerReplySchema, req.body);
    const state = await complaintState(svc, id);
    if (state.status !== 'awaiting_customer') {
      throw new HttpProblem(409, `the case is ${state.status}, not waiting for the customer`);
    }
    // The case may close between the state check and the signal: that is a 409 too.
    await (await handleFor(svc, id))
      .signal(customerRepliedSignal, { text: body.text })
      .catch(async (err) => Promise.reject(await actionProblem(svc, err, id)));
    res.status(202).json({ complaintId: id, accepted: true });
  });

  // Ops may not decide a case, but they unstick one: a provider refused for good and the case waits.
  router.post('/complaints/:id/ops-retry', requireRole('ops', 'supervisor'), async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    parse(emptyBodySchema, req.body);
    const state = await complaintState(svc, id);
    if (!state.flags.needsOps) throw new HttpProblem(409, `complaint ${id} is not waiting for ops`);
    await (await handleFor(svc, id))
      .signal(opsRetrySignal, { actor: actorOf(req.user!) })
      .catch(async (err) => Promise.reject(await actionProblem(svc, err, id)));
    res.status(202).json({ complaintId: id, accepted: true, waitingOn: state.opsReason });
  });

  return router;
}
