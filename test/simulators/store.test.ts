/** The simulators' state file: two slots written in turn, so a crash mid-write loses only the unanswered save. */
import fs from 'node:fs';
import { JsonStore } from '../../simulators/lib/store';
import { tempDataDir } from './harness';

interface Books {
  refunds: string[];
  note?: string;
}
const empty = (): Books => ({ refunds: [] });
const open = (dir: string) => new JsonStore<Books>(dir, 'payment', empty);

describe('simulator JSON store', () => {
  it('restarts with every save, whichever slot holds the newest', () => {
    const dir = tempDataDir();
    const first = open(dir);
    for (const id of ['R1', 'R2', 'R3']) first.update((d) => d.refunds.push(id));
    expect(open(dir).data.refunds).toEqual(['R1', 'R2', 'R3']);
    first.update((d) => d.refunds.push('R4'));
    expect(open(dir).data.refunds).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  it('keeps going from where it was after a restart, not overwriting the newest slot', () => {
    const dir = tempDataDir();
    open(dir).update((d) => d.refunds.push('R1'));
    const second = open(dir);
    second.update((d) => d.refunds.push('R2'));
    // The newest save is in one slot and the one before it in the other.
    const slots = [`${dir}/payment.json`, `${dir}/payment.json.alt`].map((f) => (JSON.parse(fs.readFileSync(f, 'utf8')) as Books).refunds.length);
    expect(slots.sort()).toEqual([1, 2]);
    expect(open(dir).data.refunds).toEqual(['R1', 'R2']);
  });

  it('a save cut short by a crash leaves the save before it, never half a file', () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.update((d) => d.refunds.push('R1'));
    store.update((d) => d.refunds.push('R2'));
    // The process died inside the third save, which goes to the slot of the first (payment.json):
    // that slot holds the start of the new JSON over the old bytes.
    expect(JSON.parse(fs.readFileSync(`${dir}/payment.json`, 'utf8'))).toMatchObject({ refunds: ['R1'] });
    const torn = JSON.stringify({ refunds: ['R1', 'R2', 'R3'], _seq: 3 }).slice(0, 12);
    const fd = fs.openSync(`${dir}/payment.json`, 'r+');
    fs.writeSync(fd, torn, 0);
    fs.closeSync(fd);
    expect(open(dir).data.refunds).toEqual(['R1', 'R2']);
  });

  it('a shorter save than what its slot held leaves no stale tail', () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.update((d) => (d.note = 'x'.repeat(5_000)));
    store.update((d) => (d.note = 'y'.repeat(5_000)));
    store.update((d) => (d.note = 'short'));
    store.update((d) => (d.note = 'shorter'));
    expect(open(dir).data.note).toBe('shorter');
    expect(fs.statSync(`${dir}/payment.json`).size + fs.statSync(`${dir}/payment.json.alt`).size).toBeLessThan(200);
  });

  it('reads a state file from before the slots', () => {
    const dir = tempDataDir();
    fs.writeFileSync(`${dir}/payment.json`, JSON.stringify({ refunds: ['OLD'] }));
    const store = open(dir);
    expect(store.data.refunds).toEqual(['OLD']);
    store.update((d) => d.refunds.push('NEW'));
    expect(open(dir).data.refunds).toEqual(['OLD', 'NEW']);
  });

  it('refuses to start when no slot is valid JSON', () => {
    const dir = tempDataDir();
    fs.writeFileSync(`${dir}/payment.json`, '{ not json');
    fs.writeFileSync(`${dir}/payment.json.alt`, '{ nor this');
    expect(() => open(dir)).toThrow(/not valid JSON/);
  });
});
