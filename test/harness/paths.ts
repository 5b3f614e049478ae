import path from 'node:path';

export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
export const HARNESS_FILE = path.join(ARTIFACTS, 'harness.json');
export const WORKFLOW_BUNDLE = path.join(ARTIFACTS, 'workflow-bundle.js');
export const FAST_POLICY = path.join(__dirname, '..', 'fixtures', 'policy.fast.json');

/** What global setup started, for the test files (they run in other processes). */
export interface HarnessInfo {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  apiUrl: string;
  simulatorUrl: string;
  simulatorDataDir: string;
}
