/**
 * The case machine as a table: which events each state accepts and where they lead. A table test
 * drives the machine through every (state, event) pair and checks it against this; the README's
 * state diagram is generated from it, and a test keeps the two in sync.
 */
import type { Status } from '../types';

export type Outcome = Status | 'same' | 'refused';

/** An event as a person or a system sends it, with the actor it is tried as. */
export const TABLE_EVENTS = [
  'propose within my limit',
  'propose above my limit, for approval',
  'escalate',
  'request info',
  'resolve',
  'reject',
  'withdraw',
  'note',
  'claim',
  'assign',
  'ops retry',
  'ops settle by hand',
  'ops close with apology',
  'customer replied',
  'driver reported',
  'another intake',
] as const;
export type TableEvent = (typeof TABLE_EVENTS)[number];

export const TABLE_STATES = ['received', 'investigating', 'awaiting_customer', 'settling', 'needs_manual', 'apologizing', 'closed'] as const satisfies readonly Status[];

const decisions = { investigating: 'settling', awaiting_customer: 'settling' } as const;
/** A decision that moves no money (no hold to adjust) passes through settling at once. */
const noMoney = { investigating: 'apologizing', awaiting_customer: 'apologizing' } as const;
const onlyManual = { needs_manual: 'apologizing' } as const;

/** Anything not listed for a state is refused (with a reason) there. */
export const TRANSITIONS: Record<TableEvent, Partial<Record<Status, Outcome>>> = {
  'propose within my limit': decisions,
  'propose above my limit, for approval': { investigating: 'same', awaiting_customer: 'investigating' },
  escalate: { investigating: 'same', awaiting_customer: 'investigating' },
  'request info': { investigating: 'awaiting_customer' },
  resolve: noMoney,
  reject: noMoney,
  withdraw: noMoney,
  note: { received: 'same', investigating: 'same', awaiting_customer: 'same', settling: 'same', needs_manual: 'same', apologizing: 'same' },
  claim: { investigating: 'same', awaiting_customer: 'same' },
  assign: { investigating: 'same', awaiting_customer: 'same' },
  'ops retry': { needs_manual: 'settling' },
  'ops settle by hand': onlyManual,
  'ops close with apology': onlyManual,
  'customer replied': { received: 'same', investigating: 'same', awaiting_customer: 'investigating', settling: 'same', needs_manual: 'same', apologizing: 'same' },
  'driver reported': { received: 'same', investigating: 'same', awaiting_customer: 'same', settling: 'same', needs_manual: 'same', apologizing: 'same', closed: 'same' },
  'another intake': { received: 'same', investigating: 'same', awaiting_customer: 'same', settling: 'same', needs_manual: 'same', apologizing: 'same', closed: 'same' },
};

export function expected(event: TableEvent, status: Status): Outcome {
  return TRANSITIONS[event][status] ?? 'refused';
}

/** What moves a case without anyone asking: timers, activity results, the engine's own findings. */
export const SYSTEM_EDGES: Array<{ from: Status; to: Status; when: string }> = [
  { from: 'received', to: 'investigating', when: 'rules loaded, hold placed or tried' },
  { from: 'investigating', to: 'investigating', when: 'deadline breached: next level' },
  { from: 'investigating', to: 'settling', when: 'the records prove the platform at fault' },
  { from: 'awaiting_customer', to: 'investigating', when: 'reply deadline passed' },
  { from: 'settling', to: 'apologizing', when: 'every movement done' },
  { from: 'settling', to: 'needs_manual', when: 'a refusal with no re-plan' },
  { from: 'needs_manual', to: 'settling', when: 'automatic retry' },
  { from: 'apologizing', to: 'needs_manual', when: 'no channel delivered' },
  { from: 'apologizing', to: 'closed', when: 'apology delivered (and voucher attached)' },
];

/** The README's diagram: one edge per (from, to), its events joined. */
export function stateDiagram(): string {
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: string, label: string) => {
    const key = `${from} --> ${to}`;
    if (!edges.has(key)) edges.set(key, new Set());
    edges.get(key)!.add(label);
  };
  for (const event of TABLE_EVENTS) {
    for (const [from, outcome] of Object.entries(TRANSITIONS[event])) {
      if (outcome === 'refused' || outcome === 'same') continue;
      add(from, outcome!, event);
    }
  }
  for (const e of SYSTEM_EDGES) add(e.from, e.to, e.when);
  const lines = ['stateDiagram-v2', '  [*] --> received'];
  for (const [edge, labels] of edges) lines.push(`  ${edge}: ${[...labels].join(' / ')}`);
  lines.push('  closed --> [*]');
  return lines.join('\n');
}
