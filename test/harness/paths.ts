import path from 'node:path';

export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
export const FAST_POLICY = path.join(__dirname, '..', 'fixtures', 'policy.fast.json');

/**
 * Per test run, so two runs on one machine never read each other's stack: global setup picks the
 * run id and the test processes (forked after it) inherit it through the environment.
 */
const runId = () => process.env.COMPLAINTS_TEST_RUN ?? 'default';
export const harnessFile = () => path.join(ARTIFACTS, `harness-${runId()}.json`);
export const workflowBundle = () => path.join(ARTIFACTS, `workflow-bundle-${runId()}.js`);

/** What global setup started, for the test files (they run in other processes). */
export interface HarnessInfo {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  apiUrl: string;
  simulatorUrl: string;
  simulatorDataDir: string;
  /** The rail the worker moves money on (PAYMENT_RAIL). */
  paymentRail: 'internal' | 'alipay' | 'wechatpay';
  /** The rails the worker runs on (SMS_RAIL / OA_RAIL), so tests read the right rail's books. */
  smsRail: string;
  oaRail: string;
}
