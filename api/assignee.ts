/**
 * The assign action names a person by id; the API, which holds the staff directory (the API
 * keys), adds who that is, so the case machine judges the ladder on a role nobody could forge.
 */
import type { ApiKeys } from './auth';
import { HttpProblem } from './errors';

export function assigneeArgs(keys: ApiKeys | undefined, action: string, body: Record<string, unknown>): { assignee?: { id: string; role: string } } {
  if (action !== 'assign') return {};
  const id = body.assigneeId;
  const user = keys && typeof id === 'string' ? [...keys.values()].find((u) => u.id === id) : undefined;
  if (!user) throw new HttpProblem(422, `nobody with the staff id ${String(id)} (GET /staff lists them)`, { type: 'InvalidInput', code: 'unknown_assignee' });
  return { assignee: { id: user.id, role: user.role } };
}
