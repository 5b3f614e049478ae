import fs from 'node:fs';
import path from 'node:path';

/**
 * One JSON file per service, rewritten whole after every mutation and before the response
 * is sent, so a simulator killed at any instant restarts with every acknowledged operation.
 *
 * Write-to-temp then rename: a crash mid-write leaves the old file intact, never half a file.
 * No fsync: we only need to survive our own process dying, not the machine, and an fsync per
 * request would dominate benchmark latency.
 */
export class JsonStore<T> {
  readonly file: string;
  private readonly initial: () => T;
  data: T;

  constructor(dataDir: string, name: string, initial: () => T) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, `${name}.json`);
    this.initial = initial;
    this.data = this.load();
  }

  private load(): T {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.initial();
      throw err;
    }
    try {
      // Fields added after the file was written get their defaults.
      return { ...this.initial(), ...(JSON.parse(text) as T) };
    } catch (err) {
      // Refuse to start rather than silently wiping the ledger a test is about to inspect.
      throw new Error(`simulator state file ${this.file} is not valid JSON (${(err as Error).message}); delete it or POST /_admin/reset`);
    }
  }

  save(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data));
    fs.renameSync(tmp, this.file);
  }

  /**
   * Mutate and persist in one synchronous step, so no request can observe unsaved state.
   * Saves even when fn throws: services validate before they touch the books, so what a
   * failed call changed is bookkeeping (request counters, charges that fell due) worth keeping.
   */
  update<R>(fn: (data: T) => R): R {
    try {
      return fn(this.data);
    } finally {
      this.save();
    }
  }

  reset(): void {
    this.data = this.initial();
    this.save();
  }
}
