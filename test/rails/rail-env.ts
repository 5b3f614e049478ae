/**
 * The rail a test run uses: PAYMENT_RAIL from the caller's environment (internal by default), so
 * one suite runs unchanged on every rail (`PAYMENT_RAIL=wechatpay npx jest test/workflows/stories.test.ts`).
 */
import { railSandboxEnv, type SandboxRail } from '../../simulators/rail-sandbox';

export { subscribeRailMessages } from '../../simulators/rail-sandbox';

export const RAILS = ['internal', 'alipay', 'wechatpay'] as const;
export type Rail = SandboxRail;

export function railUnderTest(): Rail {
  const rail = process.env.PAYMENT_RAIL ?? 'internal';
  if (!(RAILS as readonly string[]).includes(rail)) throw new Error(`PAYMENT_RAIL=${rail}: expected one of ${RAILS.join(', ')}`);
  return rail as Rail;
}

export function railEnv(simulatorUrl: string, apiUrl: string, rail: Rail = railUnderTest()): Promise<Record<string, string>> {
  return railSandboxEnv(simulatorUrl, apiUrl, rail);
}
