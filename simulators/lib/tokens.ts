import { randomBytes } from 'node:crypto';

/** Access tokens an app exchanges its key and secret for; in memory, as a restart revokes them. */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly now: () => Date, private readonly ttlSeconds = 7200, private readonly prefix = '') {}

  issue(): { token: string; expiresIn: number } {
    const token = `${this.prefix}${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, this.now().getTime() + this.ttlSeconds * 1000);
    if (this.tokens.size > 10_000) {
      for (const [t, until] of this.tokens) if (until < this.now().getTime()) this.tokens.delete(t);
    }
    return { token, expiresIn: this.ttlSeconds };
  }

  /** As the rail does when an app's secret is reset: every token issued so far stops working. */
  revokeAll(): void {
    this.tokens.clear();
  }

  valid(token: string | undefined): boolean {
    const until = token ? this.tokens.get(token) : undefined;
    return until !== undefined && until > this.now().getTime();
  }
}
