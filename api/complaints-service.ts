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
}

/**
 * Opens the order's complaint or joins the open one, atomically: the workflow id is derived from
 * the order and the conflict policy uses the running case, so two requests never open two cases.
 */
export async function openComplaint(
  svc: ComplaintsService,
  fields: Omit<ComplaintInput, 'intakeId' | 'driverReport'>,
  actor: Actor,
  driverReport?: DriverReport,
): Promise<IntakeResult> {
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
  return svc.client.workflow.executeUpdateWithStart(intakeUpdate, {
    args: [{ intakeId, actor, ...(driverReport ? { driverReport } : {}) }],
    startWorkflowOperation,
  });
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
