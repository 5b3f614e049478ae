/**
 * Assigning a case to a named person: who may hand it on, to whom, and what the refusal says.
 */
import { AGENT, EXPERT, investigating, OPS, SUPERVISOR, type CaseDriver } from './driver';
import type { Actor } from '../../../domain/case/state';

const person = (id: string, role: string) => ({ id, role });

interface Row {
  what: string;
  setup?: (d: CaseDriver) => void;
  by: Actor;
  to: { id: string; role: string } | undefined;
  /** The refusal code, or the new owner. */
  want: { code: string } | { owner: string };
}

const atExpert = (d: CaseDriver) => void d.act('escalate', AGENT, { reason: 'needs an expert' });

const ROWS: Row[] = [
  { what: 'an agent hands a level-1 case to another agent', by: AGENT, to: person('agent-zhou', 'agent'), want: { owner: 'agent-zhou' } },
  { what: 'an agent hands a level-1 case up to an expert', by: AGENT, to: person('expert-wang', 'expert'), want: { owner: 'expert-wang' } },
  { what: 'a supervisor hands a level-2 case to an expert', setup: atExpert, by: SUPERVISOR, to: person('expert-wang', 'expert'), want: { owner: 'expert-wang' } },
  { what: 'an expert cannot hand a level-2 case down to an agent', setup: atExpert, by: EXPERT, to: person('agent-li', 'agent'), want: { code: 'assignee_below_level' } },
  { what: 'an agent cannot hand on a case above its level', setup: atExpert, by: AGENT, to: person('expert-wang', 'expert'), want: { code: 'above_level' } },
  { what: 'ops cannot take a case being decided', by: AGENT, to: person('ops-chen', 'ops'), want: { code: 'assignee_read_only' } },
  { what: 'ops cannot hand on a case being decided', by: OPS, to: person('agent-li', 'agent'), want: { code: 'read_only' } },
  { what: 'nobody named', by: AGENT, to: undefined, want: { code: 'no_assignee' } },
  { what: 'to the person who already owns it', setup: (d) => void d.act('claim', AGENT), by: AGENT, to: person('agent-li', 'agent'), want: { code: 'owned_by_assignee' } },
];

test.each(ROWS)('$what', ({ setup, by, to, want }) => {
  const d = investigating();
  setup?.(d);
  const before = d.state;
  const result = d.act('assign', by, to ? { assignee: to } : {});
  if ('owner' in want) {
    expect(result).toMatchObject({ ok: true, reply: { owner: want.owner } });
    expect(d.state.owner).toBe(want.owner);
    expect(d.state.levels[d.state.levels.length - 1]!.owner).toBe(want.owner);
    expect(d.state.events.at(-1)).toMatchObject({ actor: by.id, kind: 'assigned' });
  } else {
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.code).toBe(want.code);
    expect(d.state).toBe(before);
  }
});

test('the owner named by assign survives a breach only as long as the level does: the next level is its queue again', () => {
  const d = investigating();
  d.act('assign', AGENT, { assignee: person('agent-zhou', 'agent') });
  d.fire('warn:');
  d.fire('deadline:');
  expect(d.state.level).toBe(2);
  expect(d.state.owner).toBe('queue:experts');
});
