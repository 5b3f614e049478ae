import { Router, type Request } from 'express';
import { urgencyOf } from '../../domain/urgency';
import { actorOf, requireRole, STAFF } from '../auth';
import type { ComplaintsService } from '../complaints-service';
import { parse } from '../errors';
import type { PageTokens } from '../page-tokens';
import { emptyBodySchema, listQuerySchema } from '../schemas';
import { listComplaints, type ListContext } from '../visibility';
import { listView, viewCounts } from '../views';
import type { CaseView } from '../../workflows/definitions';

export function listContext(svc: ComplaintsService, req: Request): ListContext {
  return { viewer: actorOf(req.user!), now: new Date(), hashPhone: svc.hashPhone };
}

/** `GET /complaints` with `view` or `q`, and the views' counts; registered before `/complaints/:id`. */
export function viewsRouter(svc: ComplaintsService): Router {
  const router = Router();
  router.get('/complaints/views', requireRole(...STAFF), async (req, res) => {
    parse(emptyBodySchema, req.query);
    const ctx = listContext(svc, req);
    res.json({ now: ctx.now.toISOString(), views: await viewCounts(svc.client, ctx.viewer, ctx.now) });
  });
  return router;
}

export async function listCases(svc: ComplaintsService, tokens: PageTokens, req: Request) {
  const query = parse(listQuerySchema, req.query);
  const ctx = listContext(svc, req);
  return query.view ? listView(svc.client, tokens, query, ctx) : listComplaints(svc.client, tokens, query, ctx);
}

/** The case as the list ranks it, so both show the same urgency. */
export function withUrgency(state: CaseView): CaseView & { urgency: ReturnType<typeof urgencyOf> } {
  return { ...state, urgency: urgencyOf({ status: state.status, nextDeadline: state.nextDeadline, ...state.flags }, new Date()) };
}
