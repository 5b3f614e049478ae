/**
 * Who has a case open: one entry per open live stream (a tab), refreshed while the stream lives
 * and dropped when it closes or stops being refreshed (a replica that died). In memory, one API
 * process only sees its own streams; with REDIS_URL every replica reads and writes the same
 * entries, so two people on two replicas see each other.
 */
import type Redis from 'ioredis';
import type { StaffRole } from '../domain/types';

export interface Viewer {
  id: string;
  name: string;
  role: StaffRole;
}

export interface PresenceStore {
  /** This stream on this case is alive until `expiresAt` (ms). */
  touch(caseId: string, streamId: string, viewer: Viewer, expiresAt: number): Promise<void>;
  leave(caseId: string, streamId: string): Promise<void>;
  /** Everyone with the case open now, once per person however many tabs they have. */
  viewers(caseId: string, now: number): Promise<Viewer[]>;
}

interface Entry {
  viewer: Viewer;
  expiresAt: number;
}

function distinct(entries: Iterable<Entry>, now: number): Viewer[] {
  const byId = new Map<string, Viewer>();
  for (const e of entries) if (e.expiresAt > now && !byId.has(e.viewer.id)) byId.set(e.viewer.id, e.viewer);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export class MemoryPresence implements PresenceStore {
  private readonly cases = new Map<string, Map<string, Entry>>();

  async touch(caseId: string, streamId: string, viewer: Viewer, expiresAt: number): Promise<void> {
    let streams = this.cases.get(caseId);
    if (!streams) this.cases.set(caseId, (streams = new Map()));
    streams.set(streamId, { viewer, expiresAt });
  }

  async leave(caseId: string, streamId: string): Promise<void> {
    const streams = this.cases.get(caseId);
    streams?.delete(streamId);
    if (streams?.size === 0) this.cases.delete(caseId);
  }

  async viewers(caseId: string, now: number): Promise<Viewer[]> {
    return distinct(this.cases.get(caseId)?.values() ?? [], now);
  }
}

const PREFIX = 'complaints:presence:';

/** One hash per case: stream id -> { viewer, expiresAt }; the hash itself expires with its last entry. */
export class RedisPresence implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async touch(caseId: string, streamId: string, viewer: Viewer, expiresAt: number): Promise<void> {
    const key = `${PREFIX}${caseId}`;
    await this.redis.multi().hset(key, streamId, JSON.stringify({ viewer, expiresAt })).pexpire(key, this.ttlMs * 2).exec();
  }

  async leave(caseId: string, streamId: string): Promise<void> {
    await this.redis.hdel(`${PREFIX}${caseId}`, streamId);
  }

  async viewers(caseId: string, now: number): Promise<Viewer[]> {
    const key = `${PREFIX}${caseId}`;
    const raw = await this.redis.hgetall(key);
    const entries: Entry[] = [];
    const stale: string[] = [];
    for (const [streamId, json] of Object.entries(raw)) {
      try {
        const entry = JSON.parse(json) as Entry;
        if (entry.expiresAt > now) entries.push(entry);
        else stale.push(streamId);
      } catch {
        stale.push(streamId);
      }
    }
    if (stale.length) await this.redis.hdel(key, ...stale);
    return distinct(entries, now);
  }
}
