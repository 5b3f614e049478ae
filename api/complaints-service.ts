/**
 * The API's only way to Temporal. It imports the message definitions, never the workflow code.
 */
import crypto from 'node:crypto';
import {
  Client,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import {
  COMPLAINT_WORKFLOW_TYPE,
  SA,
  complaintWorkflowId,
  intakeUpdate,
  stateQuery,
  type Actor,
  type ComplaintInput,
  type ComplaintState,
  type DriverReport,
  type IntakeResult,
} from '../workflows/definitions';
import { HttpProblem } from './errors';

const grpcStatus = { INVALID_ARGUMENT: 3, NOT_FOUND: 5 } as const;

export interface ComplaintsService {
  client: Client;
  taskQueue: string;
  /** How long an intake waits for the case's own answer before answering "opening" (202). */
  intakeAnswerMs: number;
}

/** The case exists but its worker has not answered yet: the client fetches the state later. */
export interface IntakeOpening {
  complaintId: string;
  status: 'opening';
}

export type IntakeOutcome = { answered: IntakeResult } | { opening: IntakeOpening };

/**
 * Opens the order's complaint or joins the open one, atomically: the workflow id is derived from
 * the order and the conflict policy uses the running case, so two requests never open two cases.
 * Answers within `intakeAnswerMs` once the case is started, whether or not a worker is polling.
 */
export async function openComplaint(
  svc: ComplaintsService,
  fields: Omit<ComplaintInput, 'intakeId' | 'driverReport'>,
  actor: Actor,
  driverReport?: DriverReport,
): Promise<IntakeOutcome> {
  const intakeId = crypto.randomUUID();
  const input: ComplaintInput = { ...fields, intakeId, ...(driverReport ? { driverReport } : {}) };
  const startWorkflowOperation = new WithStartWorkflowOperation(COMPLAINT_WORKFLOW_TYPE, {
    workflowId: complaintWorkflowId(fields.orderId),
    taskQueue: svc.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SA.status, value: 'received' },
      { key: SA.level, value: 1 },
      { key: SA.orderId, value: fields.orderId },
      { key: SA.customerId, value: fields.customerId },
      { key: SA.category, value: fields.category },
      { key: SA.tier, value: fields.tier },
      { key: SA.breached, value: false },
    ]),
  });
  const answer = svc.client.workflow.executeUpdateWithStart(intakeUpdate, {
    args: [{ intakeId, actor, ...(driverReport ? { driverReport } : {}) }],
    startWorkflowOperation,
  });
  const outcome = await Promise.race([answer.then((answered) => ({ answered })), delay(svc.intakeAnswerMs).then(() => undefined)]);
  if (outcome) return outcome;
  // The start half of update-with-start is done by the time the server holds the update, so a
  // running case under the order's id is this intake's case (new, or the open one it joins).
  const complaintId = complaintWorkflowId(fields.orderId);
  const running = await handleFor(svc, complaintId)
    .describe()
    .then((d) => d.status.name === 'RUNNING')
    .catch(() => false);
  if (!running) return { answered: await answer };
  // The worker may still answer later; nobody waits for it, so its late failure is only logged.
  answer.catch((err) => console.error(`intake on ${complaintId} answered late with an error:`, (err as Error).message));
  return { opening: { complaintId, status: 'opening' } };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function handleFor(svc: ComplaintsService, complaintId: string): WorkflowHandle {
  return svc.client.workflow.getHandle(complaintId);
}

export async function complaintState(svc: ComplaintsService, complaintId: string): Promise<ComplaintState> {
  try {
    return await handleFor(svc, complaintId).query(stateQuery);
  } catch (err) {
    throw asProblem(err, complaintId);
  }
}

/** Maps what Temporal says about a case to what the API client should hear. */
export function asProblem(err: unknown, complaintId: string): unknown {
  if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND)) {
    return new HttpProblem(404, `complaint ${complaintId} not found`);
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const status = cause.type === 'InvalidState' ? 409 : 422;
      return new HttpProblem(status, cause.message, { type: cause.type });
    }
  }
  return err;
}

/** Temporal answers an Update to a finished workflow as "not found"; to the client that is a closed case: a conflict. */
export async function actionProblem(svc: ComplaintsService, err: unknown, complaintId: string): Promise<unknown> {
  const problem = asProblem(err, complaintId);
  if (!(problem instanceof HttpProblem) || problem.status !== 404) return problem;
  const description = await handleFor(svc, complaintId)
    .describe()
    .catch(() => undefined);
  if (description && description.status.name !== 'RUNNING') {
    return new HttpProblem(409, `complaint ${complaintId} is closed; it takes no more actions`, { type: 'InvalidState' });
  }
  return problem;
}
