/** The story tests first, on the healthy cluster; then the file that kills its processes. */
const Sequencer = require('@jest/test-sequencer').default;

class StoriesFirst extends Sequencer {
  sort(tests) {
    const faults = (t) => (t.path.endsWith('.cluster.ts') ? 1 : 0);
    return [...tests].sort((a, b) => faults(a) - faults(b) || a.path.localeCompare(b.path));
  }
}
module.exports = StoriesFirst;
