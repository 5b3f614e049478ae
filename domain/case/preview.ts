/**
 * What an action would tell the customer, before it is taken: the case machine itself runs the
 * action on a copy of the case, and the money calls it asks for are answered as the rails answer
 * a success, until the message it would send appears. So the preview is the text the rail gets,
 * not a second rendering that could drift; only what a rail has not yet said (its refund number)
 * is a marked placeholder. Nothing here touches the real case.
 */
import { toShanghaiIso } from '../calendar';
import type { TemplateRef } from '../templates';
import type { ActionName, CaseEvent, Command, Refusal } from './events';
import { decide } from './machine';
import type { Actor, ComplaintState, NoticePurpose } from './state';

/** Stands for the refund number the payment system gives when it pays. */
export const REFUND_REFERENCE_PLACEHOLDER = 'REFUND-NO';

export interface PreviewRequest {
  action: ActionName;
  actor: Actor;
  args: Record<string, unknown>;
  /** The moment the action would be taken (the caller's clock: a query's own is the last task's). */
  now: string;
}

export interface PreviewedMessage {
  purpose: NoticePurpose;
  channel: 'sms' | 'app';
  text: string;
  template?: TemplateRef;
}

export type Preview =
  | { ok: false; refusal: Refusal }
  /** `message` is absent when the action says nothing to the customer yet (a proposal waiting for approval). */
  | { ok: true; message?: PreviewedMessage; status: string };

const CUSTOMER_PURPOSES = new Set<NoticePurpose>(['request_info', 'apology', 'escalation']);
const MAX_STEPS = 24;

type Call = Extract<Command, { type: 'call' }>;

/** What a rail answers on success, for each call a decision can make before its message. */
function successOf(state: ComplaintState, call: Call, now: string): unknown | undefined {
  const a = call.args as Record<string, unknown>;
  switch (call.activity) {
    case 'refund':
      return { outRequestNo: a.outRequestNo, amountFen: a.amountFen, status: 'succeeded', refundId: REFUND_REFERENCE_PLACEHOLDER, at: now };
    case 'captureHold':
    case 'releaseHold':
      return {};
    case 'gatherEvidence':
      return { ledger: state.machine.ledger ?? null, trip: state.machine.trip ?? null, fulfilment: state.machine.fulfilment ?? null };
    case 'notifyOaDispute':
    case 'deliverOaVoucher':
      return null;
    default:
      return undefined;
  }
}

export function previewAction(state: ComplaintState, req: PreviewRequest): Preview {
  const now = new Date(req.now);
  const first = decide(state, { type: 'action', action: req.action, actor: req.actor, args: { ...req.args, actor: req.actor } }, now);
  if (!first.ok) return first;
  let current = first.state;
  let pending: Command[] = first.commands;
  for (let step = 0; step < MAX_STEPS; step++) {
    const send = pending.find((c): c is Extract<Command, { type: 'send' }> => c.type === 'send' && CUSTOMER_PURPOSES.has(c.purpose));
    if (send) return { ok: true, status: current.status, message: { purpose: send.purpose, channel: send.channel, text: send.text, ...(send.template ? { template: send.template } : {}) } };
    const call = pending.find((c): c is Call => c.type === 'call' && successOf(current, c, toShanghaiIso(now)) !== undefined);
    if (!call) break;
    const event: CaseEvent = { type: 'call_done', step: call.step, result: successOf(current, call, toShanghaiIso(now)) };
    const next = decide(current, event, now);
    if (!next.ok) break;
    pending = [...pending.filter((c) => c !== call), ...next.commands];
    current = next.state;
  }
  return { ok: true, status: current.status };
}
