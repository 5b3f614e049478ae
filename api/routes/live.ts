/**
 * Server-sent events for the console: a case's changes and who else has it open, and a person's
 * triage counts. EventSource sends the session cookie; curl can send an API key.
 */
import { Router, type RequestHandler } from 'express';
import { actorOf, requireRole, STAFF } from '../auth';
import { asProblem, locate, type ComplaintsService } from '../complaints-service';
import { HttpProblem, parse } from '../errors';
import { EventStream, type LiveHub } from '../live';
import { complaintIdSchema } from '../schemas';

/** The stream is for EventSource clients (which always ask for it); anything else gets a clear 406. */
const wantsEvents: RequestHandler = (req, _res, next) =>
  next(/\btext\/event-stream\b/.test(req.get('accept') ?? '') ? undefined : new HttpProblem(406, 'this is a server-sent events stream: send Accept: text/event-stream (EventSource does)'));

export function liveRouter(svc: ComplaintsService, hub: LiveHub): Router {
  const router = Router();
  const staff = requireRole(...STAFF);

  // Registered before /complaints/:id/live so that "views" is never read as a case id.
  router.get('/complaints/views/live', staff, wantsEvents, (req, res) => {
    const stream = new EventStream(res, hub.opts.maxStreamMs);
    hub.followViews(actorOf(req.user!), stream);
  });

  router.get('/complaints/:id/live', staff, wantsEvents, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    let target;
    try {
      target = await locate(svc, id);
      // An unknown case is a 404 now, not a stream that never says anything.
      await svc.client.workflow.getHandle(target.workflowId, target.runId).describe();
    } catch (err) {
      throw asProblem(err, id);
    }
    const user = req.user!;
    const stream = new EventStream(res, hub.opts.maxStreamMs);
    try {
      await hub.followCase(id, target, stream, { id: user.id, name: user.name, role: user.role });
    } catch (err) {
      // The stream is open (its status is sent): say why it ends; the browser reconnects after its retry.
      stream.send('unavailable', { error: (err as Error).message });
      stream.end();
    }
  });
  return router;
}
