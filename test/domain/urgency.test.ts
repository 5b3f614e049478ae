import { urgencyOf, type UrgencyFacts } from '../../domain/urgency';

const now = new Date('2026-12-01T10:00:00+08:00');
const later = '2026-12-01T17:00:00+08:00';
const earlier = '2026-12-01T09:59:59+08:00';

test.each<[string, UrgencyFacts, string]>([
  ['an open case with time left', { status: 'investigating', nextDeadline: later }, 'normal'],
  ['a case without a deadline', { status: 'settling' }, 'normal'],
  ['the breached flag', { status: 'investigating', nextDeadline: later, breached: true }, 'breached'],
  ['a deadline passed before its timer set the flag', { status: 'investigating', nextDeadline: earlier }, 'breached'],
  ['a deadline exactly now', { status: 'investigating', nextDeadline: now.toISOString() }, 'breached'],
  ['inside the warning window', { status: 'investigating', nextDeadline: later, warned: true }, 'due_soon'],
  ['breached beats the warning', { status: 'investigating', nextDeadline: later, warned: true, breached: true }, 'breached'],
  ['waiting for ops', { status: 'needs_manual', nextDeadline: later, needsOps: true }, 'needs_ops'],
  ['the warning beats waiting for ops', { status: 'needs_manual', nextDeadline: later, needsOps: true, warned: true }, 'due_soon'],
  ['ops waiting past their deadline', { status: 'needs_manual', nextDeadline: earlier, needsOps: true }, 'breached'],
  ['a closed case, breached on its way', { status: 'closed', nextDeadline: earlier, breached: true, warned: true, needsOps: true }, 'normal'],
])('%s is %s', (_what, facts, expected) => {
  expect(urgencyOf(facts, now)).toBe(expected);
});

test('the same facts are ranked by the moment asked: time passing alone makes a case breached', () => {
  const facts = { status: 'investigating', nextDeadline: later, warned: true };
  expect(urgencyOf(facts, now)).toBe('due_soon');
  expect(urgencyOf(facts, new Date(Date.parse(later) + 1))).toBe('breached');
});
