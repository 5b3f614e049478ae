import { Router } from 'express';
import {
  addNoteUpdate,
  approveSettlementUpdate,
  customerRepliedSignal,
  escalateUpdate,
  proposeSettlementUpdate,
  rejectUpdate,
  requestInfoUpdate,
  resolveUpdate,
  withdrawUpdate,
} from '../../workflows/definitions';
import { actorOf, requireRole } from '../auth';
import { asProblem, complaintState, handleFor, openComplaint, type ComplaintsService } from '../complaints-service';
import { parse } from '../errors';
import { actionNameSchema, actionSchemas, complaintIdSchema, createComplaintSchema, customerReplySchema, type ActionName } from '../schemas';
import { listComplaints } from '../visibility';
import { listQuerySchema } from '../schemas';

/** Each console action is one workflow Update; its validator's refusal becomes a 409 or 422. */
const ACTION_UPDATES = {
  'propose-settlement': proposeSettlementUpdate,
  'approve-settlement': approveSettlementUpdate,
  escalate: escalateUpdate,
  'request-info': requestInfoUpdate,
  resolve: resolveUpdate,
  reject: rejectUpdate,
  withdraw: withdrawUpdate,
  note: addNoteUpdate,
} as const satisfies Record<ActionName, unknown>;

export function complaintsRouter(svc: ComplaintsService): Router {
  const router = Router();
  const staff = requireRole('agent', 'expert', 'supervisor', 'ops');
  const caseWorkers = requireRole('agent', 'expert', 'supervisor');

  router.post('/complaints', caseWorkers, async (req, res) => {
    const body = parse(createComplaintSchema, req.body);
    const actor = actorOf(req.user!);
    const result = await openComplaint(svc, { ...body, createdBy: actor }, actor);
    res.status(result.created ? 201 : 200).location(`/complaints/${result.complaintId}`).json(result);
  });

  router.get('/complaints', staff, async (req, res) => {
    const query = parse(listQuerySchema, req.query);
    res.json(await listComplaints(svc.client, query));
  });

  router.get('/complaints/:id', staff, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    res.json(await complaintState(svc, id));
  });

  router.post('/complaints/:id/actions/:action', staff, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const action = parse(actionNameSchema, req.params.action);
    const body = parse(actionSchemas[action], req.body ?? {});
    // The acting user travels in the Update's arguments, so history shows who did it.
    const args = { ...body, actor: actorOf(req.user!) };
    try {
      const result = await handleFor(svc, id).executeUpdate(ACTION_UPDATES[action] as typeof escalateUpdate, { args: [args as never] });
      res.json({ complaintId: id, action, result });
    } catch (err) {
      throw asProblem(err, id);
    }
  });

  router.post('/complaints/:id/customer-reply', caseWorkers, async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const body = parse(customerReplySchema, req.body);
    const state = await complaintState(svc, id);
    if (state.status !== 'awaiting_customer') {
      res.status(409).json({ error: `the case is ${state.status}, not waiting for the customer` });
      return;
    }
    await handleFor(svc, id).signal(customerRepliedSignal, { text: body.text });
    res.status(202).json({ complaintId: id, accepted: true });
  });

  return router;
}
