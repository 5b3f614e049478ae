import fs from 'node:fs';
import path from 'node:path';

/** The save number each slot's JSON carries; the loader takes the highest slot that parses. */
const SEQ = '_seq';

/**
 * One service's state as JSON, written whole after every mutation and before the response is
 * sent, so a simulator killed at any instant restarts with every acknowledged operation.
 *
 * Two slot files, `<name>.json` and `<name>.json.alt`, written in turn, in place: a crash
 * mid-write leaves the other slot, one save older, intact (that save's response was never sent).
 * Why not temp + rename: replacing a file by rename makes ext4 allocate and start writing the
 * new file's blocks at once (auto_da_alloc); measured under the benchmark it was about a third of
 * the simulators' CPU. Overwriting an existing file in place is an ordinary buffered write.
 * No fsync: we only need to survive our own process dying, not the machine.
 */
export class JsonStore<T extends object> {
  readonly file: string;
  private readonly slots: [string, string];
  private readonly initial: () => T;
  /** Bytes each slot holds now, to cut a stale tail only when a save is shorter. */
  private readonly slotBytes: [number, number] = [0, 0];
  private seq = 0;
  /** The slot holding the newest save: the next one goes to the other. */
  private newestSlot = 1;
  data: T;

  constructor(dataDir: string, name: string, initial: () => T) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, `${name}.json`);
    this.slots = [this.file, `${this.file}.alt`];
    this.initial = initial;
    this.data = this.load();
  }

  private load(): T {
    const found = this.slots.map((file, i) => this.readSlot(file, i));
    const present = found.filter((s) => s !== 'absent');
    if (present.length === 0) return this.initial();
    const valid = found.flatMap((s, slot) => (typeof s === 'object' ? [{ ...s, slot }] : []));
    if (valid.length === 0) {
      // Refuse to start rather than silently wiping the ledger a test is about to inspect.
      throw new Error(`simulator state file ${this.file} is not valid JSON (${String(present[0])}); delete it or POST /_admin/reset`);
    }
    const newest = valid.reduce((a, b) => (b.seq > a.seq ? b : a));
    this.seq = newest.seq;
    this.newestSlot = newest.slot;
    // Fields added after the file was written get their defaults.
    return { ...this.initial(), ...newest.data };
  }

  private readSlot(file: string, i: number): 'absent' | string | { seq: number; data: T } {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      throw err;
    }
    this.slotBytes[i] = Buffer.byteLength(text);
    try {
      const { [SEQ]: seq, ...data } = JSON.parse(text) as Record<string, unknown>;
      // A file from before the slots (no save number) is the oldest state there is.
      return { seq: typeof seq === 'number' ? seq : 0, data: data as T };
    } catch (err) {
      return (err as Error).message;
    }
  }

  save(): void {
    this.seq++;
    const i = 1 - this.newestSlot;
    const bytes = Buffer.from(JSON.stringify({ ...this.data, [SEQ]: this.seq }));
    const fd = fs.openSync(this.slots[i]!, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      fs.writeSync(fd, bytes, 0, bytes.length, 0);
      if (bytes.length < this.slotBytes[i]!) fs.ftruncateSync(fd, bytes.length);
    } finally {
      fs.closeSync(fd);
    }
    this.slotBytes[i] = bytes.length;
    this.newestSlot = i;
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
