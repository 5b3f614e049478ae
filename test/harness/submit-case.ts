/**
 * Opening one complaint of a stream the way a careful client does while the stack is being broken
 * (the fault proof and the cluster suite): seed the order, ask, and when no answer comes, look for
 * the case before asking again, so a lost answer never opens a second case for one complaint.
 */
import type { Case } from '../faults/cases';
import type { Reply } from '../faults/http';

export interface SubmitRoute {
  simulatorUrl: string;
  /** POST /complaints with the case's body, through whatever API replicas the suite has. */
  open(c: Case): Promise<Reply>;
  /** The case's state when the API can read it. */
  stateOf(c: Case): Promise<any | undefined>;
  http(method: string, url: string, opts: { body?: unknown; timeoutMs?: number }): Promise<Reply>;
  attempts: number;
  /** The pause after the nth failed attempt. */
  pauseMs(attempt: number): number;
  aborted(): boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function submitCase(c: Case, route: SubmitRoute, t0: number): Promise<void> {
  c.submittedAtMs = Date.now() - t0;
  if (c.seed) {
    for (let i = 0; ; i++) {
      const r = await route.http('POST', `${route.simulatorUrl}/_admin/orders`, { body: c.seed, timeoutMs: 10_000 });
      if (r.status === 201 || r.status === 409) break;
      if (i === 9) throw new Error(`could not seed ${c.orderId}: ${r.status} ${r.error ?? JSON.stringify(r.body)}`);
      await sleep(500);
    }
  }
  const until = Date.now() + 150_000;
  for (let attempt = 1; attempt <= route.attempts && Date.now() < until && !route.aborted(); attempt++) {
    c.submitAttempts = attempt;
    const r = await route.open(c);
    c.submitStatuses.push(r.status);
    if (r.status === 201 || r.status === 200) {
      c.submitted = true;
      c.created = r.body.created;
      c.caseRef = r.body.caseRef;
      return;
    }
    // 202 opening: the case is started and its worker (killed, or restarting) answers later.
    if (r.status === 202 && r.body?.status === 'opening') {
      c.submitted = true;
      return;
    }
    // The start may have happened with its answer lost (server or API down): look before asking again.
    const s = await route.stateOf(c);
    if (s) {
      c.submitted = true;
      c.caseRef = s.caseRef;
      return;
    }
    await sleep(route.pauseMs(attempt));
  }
}
