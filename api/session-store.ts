/**
 * Signed-out console sessions, kept until their tokens would have expired anyway. In one API
 * process they live in memory; replicas sharing REDIS_URL share them, so signing out on one
 * replica signs out on all.
 */
import Redis from 'ioredis';

export interface SessionRevocations {
  revoke(sid: string, expiresAt: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryRevocations implements SessionRevocations {
  private readonly revoked = new Map<string, number>();

  async revoke(sid: string, expiresAt: number): Promise<void> {
    const now = Date.now();
    for (const [s, until] of this.revoked) if (until <= now) this.revoked.delete(s);
    this.revoked.set(sid, expiresAt);
  }

  async isRevoked(sid: string): Promise<boolean> {
    const until = this.revoked.get(sid);
    return until !== undefined && until > Date.now();
  }

  async close(): Promise<void> {}
}

const PREFIX = 'complaints:session:revoked:';

export class RedisRevocations implements SessionRevocations {
  constructor(private readonly redis: Redis) {}

  async revoke(sid: string, expiresAt: number): Promise<void> {
    await this.redis.set(`${PREFIX}${sid}`, '1', 'PX', Math.max(1, expiresAt - Date.now()));
  }

  async isRevoked(sid: string): Promise<boolean> {
    return (await this.redis.exists(`${PREFIX}${sid}`)) === 1;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One Redis connection for the console's shared state (revocations, presence), or none. */
export async function consoleRedis(url: string | undefined): Promise<Redis | undefined> {
  if (!url) return undefined;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  redis.on('error', (err) => console.error('redis (console):', err.message));
  await redis.connect();
  return redis;
}
