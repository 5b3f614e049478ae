/**
 * The API's only way to Temporal. It imports the message definitions, never the workflow code.
 */
import crypto from 'node:crypto';
import {
  Client,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
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
  type CaseView,
  type DriverReport,
  type IntakeResult,
} from '../workflows/definitions';
import { HttpProblem } from './errors';
import { closedVerdicts } from '../domain/case/machine';
import { intakeKeyReused } from '../domain/case/opening';
import type { PhoneHasher } from './phone-hash';
import type { ApiKeys } from './auth';

const grpcStatus = { INVALID_ARGUMENT: 3, NOT_FOUND: 5 } as const;

export interface ComplaintsService {
  client: Client;
  taskQueue: string;
  /** How long an intake waits for the case's own answer before answering "opening" (202). */
  intakeAnswerMs: number;
  /** The customer's phone as visibility holds it: a keyed hash, never the number. */
  hashPhone: PhoneHasher;
  /** The staff directory, for actions that name a person (assign). */
  staff?: ApiKeys;
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
export interface IntakeOptions {
  driverReport?: DriverReport;
  /** `report:<reportId>` or `idem:<hash of the Idempotency-Key>`: the same key is the same intake. */
  intakeKey?: string;
  bodyHash?: string;
  /**
   * False when the caller is not the customer and does not pass the promise on (a driver's app):
   * the answer is the case, and the customer hears the first deadline from the case itself. It
   * saves a query per report, on the worker and the server.
   */
  awaitFirstPromise?: boolean;
}

export function hashOf(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * A key already handled by a case that has since closed answers with that case: a repeat after
 * close changes nothing (the open case answers repeats itself, inside the workflow).
 */
async function handledBefore(svc: ComplaintsService, orderId: string, key: string, bodyHash: string | undefined): Promise<IntakeResult | undefined> {
  const query = `WorkflowType = '${COMPLAINT_WORKFLOW_TYPE}' AND OrderId = '${orderId}' AND IntakeKeys = '${key}' AND ExecutionStatus != 'ContinuedAsNew'`;
  for await (const execution of svc.client.workflow.list({ query })) {
    const handle = svc.client.workflow.getHandle(execution.workflowId, execution.runId);
    // Visibility can lag a close by a moment, and we only get here when the server refused to start
    // over a closed run: a run it still lists as running is asked (describe, no worker needed).
    if (execution.status.name === 'RUNNING') {
      const now = (await handle.describe()).status.name;
      if (now === 'RUNNING') return undefined;
      if (now === 'CONTINUED_AS_NEW') continue;
    }
    const state = await handle.query(stateQuery);
    const reused = intakeKeyReused(state.intakes?.[key], bodyHash);
    if (reused) throw new HttpProblem(422, reused, { type: 'InvalidInput', code: 'intake_key_reused' });
    return { complaintId: state.complaintId, caseRef: state.caseRef, created: false, repeated: true, status: state.status, level: state.level, nextDeadline: state.nextDeadline };
  }
  return undefined;
}

export async function openComplaint(
  svc: ComplaintsService,
  fields: Omit<ComplaintInput, 'intakeId' | 'driverReport'>,
  actor: Actor,
  opts: IntakeOptions = {},
): Promise<IntakeOutcome> {
  const { intakeKey, bodyHash } = opts;
  if (!intakeKey) return startOrJoin(svc, fields, actor, opts, 'ALLOW_DUPLICATE');
  // A keyed intake first refuses to start a new run over a closed one: on an order that never had
  // a case (most reports) that is the whole intake, one call. Only when a closed case is there
  // does it search whether that case (or an earlier one) already handled this key.
  try {
    return await startOrJoin(svc, fields, actor, opts, 'REJECT_DUPLICATE');
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const earlier = await handledBefore(svc, fields.orderId, intakeKey, bodyHash);
  if (earlier) return { answered: earlier };
  return startOrJoin(svc, fields, actor, opts, 'ALLOW_DUPLICATE');
}

/**
 * Update-with-start under the order's complaint id: joins the running case, or starts one when
 * `reuse` allows it over the closed runs (REJECT_DUPLICATE throws WorkflowExecutionAlreadyStartedError).
 */
async function startOrJoin(
  svc: ComplaintsService,
  fields: Omit<ComplaintInput, 'intakeId' | 'driverReport'>,
  actor: Actor,
  opts: IntakeOptions,
  reuse: 'ALLOW_DUPLICATE' | 'REJECT_DUPLICATE',
): Promise<IntakeOutcome> {
  const { driverReport, intakeKey, bodyHash } = opts;
  const intakeId = crypto.randomUUID();
  const phoneHash = svc.hashPhone(fields.customer.phone);
  const keyed = intakeKey ? { intakeKey, ...(bodyHash ? { intakeBodyHash: bodyHash } : {}) } : {};
  const input: ComplaintInput = { ...fields, intakeId, ...keyed, ...(driverReport ? { driverReport } : {}) };
  const startWorkflowOperation = new WithStartWorkflowOperation(COMPLAINT_WORKFLOW_TYPE, {
    workflowId: complaintWorkflowId(fields.orderId),
    taskQueue: svc.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: reuse,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SA.status, value: 'received' },
      { key: SA.level, value: 1 },
      { key: SA.orderId, value: fields.orderId },
      { key: SA.customerId, value: fields.customerId },
      { key: SA.category, value: fields.category },
      { key: SA.tier, value: fields.tier },
      { key: SA.breached, value: false },
      ...(intakeKey ? [{ key: SA.intakeKeys, value: [intakeKey] }] : []),
      ...(phoneHash ? [{ key: SA.phoneHash, value: phoneHash }] : []),
    ]),
  });
  const answer = svc.client.workflow.executeUpdateWithStart(intakeUpdate, {
    args: [{ intakeId, actor, ...keyed, ...(driverReport ? { driverReport } : {}) }],
    startWorkflowOperation,
  });
  const deadline = Date.now() + svc.intakeAnswerMs;
  const outcome = await Promise.race([answer.then((answered) => ({ answered })), delay(svc.intakeAnswerMs).then(() => undefined)]);
  if (outcome?.answered.created && outcome.answered.nextDeadline === undefined && opts.awaitFirstPromise !== false) {
    // A new case answers at once; its first promise comes from its rules a moment later.
    const promised = await firstPromise(svc, outcome.answered.complaintId, deadline);
    if (promised) return { answered: { ...outcome.answered, ...promised } };
  } else if (outcome) return outcome;
  // The start half of update-with-start is done by the time the server holds the update, so a
  // running case under the order's id is this intake's case (new, or the open one it joins).
  const complaintId = complaintWorkflowId(fields.orderId);
  const running = await svc.client.workflow
    .getHandle(complaintId)
    .describe()
    .then((d) => d.status.name === 'RUNNING')
    .catch(() => false);
  if (!running) return { answered: await answer };
  // The worker may still answer later; nobody waits for it, so its late failure is only logged.
  answer.catch((err) => console.error(`intake on ${complaintId} answered late with an error:`, (err as Error).message));
  return { opening: { complaintId, status: 'opening' } };
}

/** The new case's status and first deadline, by query, until `until`; undefined if not known by then. */
async function firstPromise(svc: ComplaintsService, complaintId: string, until: number): Promise<Pick<IntakeResult, 'status' | 'level' | 'nextDeadline'> | undefined> {
  const handle = svc.client.workflow.getHandle(complaintId);
  while (Date.now() < until) {
    const view = await handle.query(stateQuery).catch(() => undefined);
    if (view && (view.nextDeadline !== undefined || view.status !== 'received')) return { status: view.status, level: view.level, nextDeadline: view.nextDeadline };
    await delay(50);
  }
  return undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * A case is named by its complaint id (the order's latest case) or by its case reference (that
 * one case, for ever: earlier cases on an order stay reachable after a new one opens).
 */
export async function locate(svc: ComplaintsService, id: string): Promise<{ workflowId: string; runId?: string }> {
  if (id.startsWith('complaint-')) return { workflowId: id };
  const query = `WorkflowType = '${COMPLAINT_WORKFLOW_TYPE}' AND CaseRef = '${id}' AND ExecutionStatus != 'ContinuedAsNew'`;
  for await (const execution of svc.client.workflow.list({ query, pageSize: 1 })) {
    return { workflowId: execution.workflowId, runId: execution.runId };
  }
  throw new HttpProblem(404, `complaint ${id} not found`);
}

export async function handleFor(svc: ComplaintsService, id: string): Promise<WorkflowHandle> {
  const { workflowId, runId } = await locate(svc, id);
  return svc.client.workflow.getHandle(workflowId, runId);
}

export async function complaintState(svc: ComplaintsService, complaintId: string, viewer?: Actor, probe?: { refundFen?: number }): Promise<CaseView> {
  let handle: WorkflowHandle | undefined;
  try {
    handle = await handleFor(svc, complaintId);
    return await (viewer ? handle.query(stateQuery, viewer, probe) : handle.query(stateQuery));
  } catch (err) {
    const problem = asProblem(err, complaintId);
    if (problem instanceof HttpProblem || !handle) throw problem;
    // A closed case's last state is its recorded result: read it without replaying the history
    // on a worker (which a query needs, and which a worker may be unable to do).
    const closed = await closedCase(handle);
    if (closed) return closed;
    throw problem;
  }
}

async function closedCase(handle: WorkflowHandle): Promise<CaseView | undefined> {
  const description = await handle.describe().catch(() => undefined);
  if (!description || description.status.name !== 'COMPLETED') return undefined;
  const view = (await handle.result()) as CaseView;
  return { ...view, allowed: closedVerdicts() };
}

function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND);
}

/** Maps what Temporal says about a case to what the API client should hear. */
export function asProblem(err: unknown, complaintId: string): unknown {
  if (isNotFound(err)) {
    return new HttpProblem(404, `complaint ${complaintId} not found`);
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const status = cause.type === 'InvalidState' ? 409 : 422;
      const refusal = cause.details?.[0] as { code?: string; params?: Record<string, string | number>; byLevel?: number } | undefined;
      const rule = refusal?.code ? { code: refusal.code, params: refusal.params ?? {}, ...(refusal.byLevel ? { byLevel: refusal.byLevel } : {}) } : {};
      return new HttpProblem(status, cause.message, { type: cause.type, ...rule });
    }
  }
  return err;
}

/** Temporal answers an Update to a finished workflow as "not found"; to the client that is a closed case: a conflict. */
export async function actionProblem(svc: ComplaintsService, err: unknown, complaintId: string): Promise<unknown> {
  const problem = asProblem(err, complaintId);
  if (!(problem instanceof HttpProblem) || problem.status !== 404) return problem;
  const description = await handleFor(svc, complaintId)
    .then((h) => h.describe())
    .catch(() => undefined);
  if (description && description.status.name !== 'RUNNING') {
    return new HttpProblem(409, `complaint ${complaintId} is closed; it takes no more actions`, { type: 'InvalidState' });
  }
  return problem;
}
