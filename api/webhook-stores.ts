/**
 * The webhook's replay and rate-limit memory. One API process keeps it in memory; several
 * replicas behind a load balancer must share it, or a replay or a burst simply lands on another
 * replica: then it lives in Redis (REDIS_URL).
 */
import Redis from 'ioredis';
import type { ReplayStore } from './webhook-signature';

export interface RateCounter {
  /** Counts one hit on `key` in its fixed window; `resetAt` is when the window ends (ms). */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
}

export interface WebhookStores extends ReplayStore, RateCounter {
  readonly kind: 'memory' | 'redis';
  close(): Promise<void>;
}

export class MemoryStores implements WebhookStores {
  readonly kind = 'memory';
  private readonly nonces = new Map<string, number>();
  private readonly counters = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly capacity = 100_000) {}

  async remember(nonce: string, expiresAt: number, now: number): Promise<'new' | 'seen' | 'full'> {
    this.evictNonces(now);
    const known = this.nonces.get(nonce);
    if (known !== undefined && known > now) return 'seen';
    if (this.nonces.size >= this.capacity) return 'full';
    this.nonces.delete(nonce);
    this.nonces.set(nonce, expiresAt);
    return 'new';
  }

  /**
   * Expiries differ by up to two windows, so a long-lived entry at the front can hold back the
   * eviction of later ones: that only keeps nonces longer (and fills the store sooner), never forgets one early.
   */
  private evictNonces(now: number): void {
    for (const [nonce, expiresAt] of this.nonces) {
      if (expiresAt > now) break;
      this.nonces.delete(nonce);
    }
  }

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    if (this.counters.size > this.capacity) for (const [k, c] of this.counters) if (c.resetAt <= now) this.counters.delete(k);
    const current = this.counters.get(key);
    const entry = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
    entry.count += 1;
    this.counters.set(key, entry);
    return { count: entry.count, resetAt: entry.resetAt };
  }

  async close(): Promise<void> {}
}

const PREFIX = 'complaints:webhook:';

/** INCR and its expiry in one step, so a crash between them cannot leave a counter that never resets. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`;

export class RedisStores implements WebhookStores {
  readonly kind = 'redis';
  private readonly redis: Redis;

  constructor(url: string) {
    // Fail a request fast while Redis is away (a 503 from the error handler) instead of queueing it.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
    this.redis.on('error', (err) => console.error('redis:', err.message));
  }

  async connect(): Promise<this> {
    await this.redis.connect();
    return this;
  }

  async remember(nonce: string, expiresAt: number, now: number): Promise<'new' | 'seen' | 'full'> {
    const ttl = Math.max(1, expiresAt - now);
    const set = await this.redis.set(`${PREFIX}nonce:${nonce}`, '1', 'PX', ttl, 'NX');
    return set === 'OK' ? 'new' : 'seen';
  }

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${PREFIX}rate:${key}`, String(windowMs))) as [number, number];
    return { count, resetAt: now + (ttl > 0 ? ttl : windowMs) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export async function webhookStores(redisUrl: string | undefined): Promise<WebhookStores> {
  return redisUrl ? new RedisStores(redisUrl).connect() : new MemoryStores();
}
