/**
 * Actions that cannot be undone ask first: resolve, reject and withdraw close the case; a
 * settlement within my authority and an approval pay money out at once. (The ops exits ask in
 * ops-panel.js.) A settlement proposed for approval moves nothing yet and does not ask.
 */
import { confirmAction } from './confirm.js';
import { t } from './i18n.js';
import { fen } from './format.js';

export const IRREVERSIBLE = ['resolve', 'reject', 'withdraw', 'settle', 'approve'];

/** Resolves true when the person confirmed; `amountFen` is named in settlements and approvals. */
export function confirmIrreversible(kind, { amountFen } = {}) {
  const amount = fen(amountFen);
  return confirmAction({ title: t(`confirm.${kind}.title`, { amount }), body: t(`confirm.${kind}.body`, { amount }), confirm: t(`confirm.go.${kind}`) });
}
