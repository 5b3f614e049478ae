/**
 * `npm run test:faults`: proof under faults. Its own stack (test/faults/stack.ts starts the
 * Temporal dev server, simulators, worker and API as child processes on free ports), so no global
 * setup from the main suite; one file, in band.
 */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': '@swc/jest' },
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  maxWorkers: 1,
  testTimeout: 480_000,
  reporters: ['default', ['<rootDir>/test/harness/summary-reporter.js', {}]],
};
