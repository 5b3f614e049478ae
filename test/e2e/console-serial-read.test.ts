/**
 * The console's reader (console/js/serial-read.js) that every live page reads through: one read
 * at a time, and a change announced during a read is read after it, never dropped.
 */
const { serialRead } = require('../../console/js/serial-read.js') as {
  serialRead(read: (force: boolean) => Promise<void>): (force?: boolean) => Promise<void>;
};

/** A server whose version the test moves, and a read whose answer the test releases. */
function fakePage() {
  let serverVersion = 0;
  let shown = -1;
  let inFlight = 0;
  let most = 0;
  const forces: boolean[] = [];
  const releases: Array<() => void> = [];
  const read = async (force: boolean) => {
    forces.push(force);
    inFlight += 1;
    most = Math.max(most, inFlight);
    const answer = serverVersion; // the server answers now; the page draws once the answer is in
    await new Promise<void>((resolve) => releases.push(resolve));
    shown = answer;
    inFlight -= 1;
  };
  return {
    read,
    change: () => (serverVersion += 1),
    releaseNext: async () => {
      await new Promise((r) => setImmediate(r));
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
    get shown() {
      return shown;
    },
    get serverVersion() {
      return serverVersion;
    },
    get reads() {
      return forces.length;
    },
    forces,
    get most() {
      return most;
    },
  };
}

test('a change announced while a read is running is read after it: the page ends on the latest version', async () => {
  const page = fakePage();
  const refresh = serialRead(page.read);
  void refresh(true);
  page.change();
  void refresh(); // the live event for that change, while the first read's answer is still on its way
  await page.releaseNext();
  expect(page.shown).toBe(0); // the first read answered before the change
  await page.releaseNext();
  expect(page.shown).toBe(page.serverVersion);
  expect(page.reads).toBe(2);
});

test('many announcements during one read fold into one more read, forced if any asked so, and reads never overlap', async () => {
  const page = fakePage();
  const refresh = serialRead(page.read);
  const first = refresh();
  const later = [refresh(), refresh(true), refresh()];
  await page.releaseNext();
  await first;
  await page.releaseNext();
  await Promise.all(later);
  expect(page.forces).toEqual([false, true]);
  expect(page.most).toBe(1);
  // Quiet again: the next request reads at once.
  void refresh();
  expect(page.reads).toBe(3);
  await page.releaseNext();
});

test('a read that fails does not stop the reads after it', async () => {
  let calls = 0;
  const refresh = serialRead(async () => {
    calls += 1;
    if (calls === 1) throw new Error('the API did not answer');
  });
  const failed = refresh();
  const after = refresh();
  await expect(failed).rejects.toThrow('the API did not answer');
  await after;
  expect(calls).toBe(2);
  await refresh();
  expect(calls).toBe(3);
});
