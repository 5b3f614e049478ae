/** A valid body for every action, for tests that must try them all. */
import type { ActionName } from '../../../api/schemas';

export const ACTIONS: Record<ActionName, Record<string, unknown>> = {
  'propose-settlement': { refundFen: 100, platformAtFault: true, reason: 'r' },
  'approve-settlement': {},
  escalate: { reason: 'r' },
  'request-info': { question: 'q?' },
  resolve: { reason: 'r' },
  reject: { reason: 'r' },
  withdraw: { reason: 'r' },
  note: { text: 't' },
  claim: {},
  assign: { assigneeId: 'expert-wang' },
  retry: {},
  'settle-by-hand': { note: 'paid by bank transfer' },
  'close-with-apology': { reason: 'r' },
};
