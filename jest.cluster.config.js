/**
 * `npm run test:cluster`: the story tests and the scale-out faults on the Temporal cluster of
 * `npm run cluster` (PostgreSQL, four Temporal services, two workers, two API replicas), started
 * once by test/cluster/global-setup.ts. One file at a time: the fault test kills processes.
 */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': '@swc/jest' },
  testMatch: ['<rootDir>/test/workflows/stories.test.ts', '<rootDir>/test/cluster/**/*.cluster.ts'],
  testSequencer: '<rootDir>/test/cluster/sequencer.js',
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120_000,
  reporters: ['default', ['<rootDir>/test/harness/summary-reporter.js', {}]],
};
