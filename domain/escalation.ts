/** The escalation ladder: agent, expert, supervisor. */
import type { Level } from './types';

export const LEVEL_NAMES: Record<Level, { en: string; zh: string; queue: string }> = {
  1: { en: 'agent', zh: '客服专员', queue: 'agents' },
  2: { en: 'expert', zh: '投诉专家', queue: 'experts' },
  3: { en: 'supervisor', zh: '客服主管', queue: 'supervisors' },
};

export const TOP_LEVEL: Level = 3;

/** The level a breach or an escalation moves to; the top level stays where it is. */
export function nextLevel(level: Level): Level {
  return level >= TOP_LEVEL ? TOP_LEVEL : ((level + 1) as Level);
}

export function canEscalate(level: Level): boolean {
  return level < TOP_LEVEL;
}

/** Until someone picks a case up, its owner is the queue of its level. */
export function defaultOwner(level: Level): string {
  return `queue:${LEVEL_NAMES[level].queue}`;
}

export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}
